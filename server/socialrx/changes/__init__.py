"""Keeping the graph current: anyone reports a change, a reviewer accepts it, the data files keep the history.

- `queue`     proposals and reviewer accounts in SQLite (a path setting; the web layer only sees `Queue`)
- `accounts`  reviewer passwords, hashed with Argon2id (memory-hard)
- `proposal`  what a report form says, turned into a changeset: triples to add and to retract
- `writer`    an accepted changeset written atomically as one TriG file in data/changes/
- `review`    accept (validate with the shapes, write, reload), reject, revert
- `history`   the changes graph read back for pages and the feed

The data files stay the source of truth: an accepted change is a new file, reviewable in version control;
retractions are listed in it and applied when the knowledge base is loaded (socialrx.kb).
"""
