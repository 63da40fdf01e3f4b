"""Pending proposals, decisions and reviewer accounts, in SQLite.

SQLite gives the queue its atomicity: every write is one transaction (its journal survives kill -9), and
`BEGIN IMMEDIATE` serialises two reviewers deciding at once. The events table is append-only: the log of
what happened to each proposal. Another database can take its place behind the same methods.
"""

from __future__ import annotations

import json
import secrets
import sqlite3
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS proposals (
  id TEXT PRIMARY KEY,
  created TEXT NOT NULL,
  about TEXT,                 -- IRI of the scheme, service or organisation; NULL for a suggested scheme
  kind TEXT NOT NULL,         -- 'report' | 'suggest'
  fields TEXT NOT NULL,       -- the form's answers, JSON
  evidence_url TEXT,
  runs_scheme INTEGER NOT NULL DEFAULT 0,
  contact_email TEXT,         -- for the reviewer only; never written to data/
  state TEXT NOT NULL DEFAULT 'pending',   -- pending | accepted | rejected | reverted
  reason TEXT,
  reviewer TEXT,
  decided TEXT,
  changeset TEXT              -- file name under data/changes/ once accepted
);
CREATE TABLE IF NOT EXISTS events (
  n INTEGER PRIMARY KEY AUTOINCREMENT,
  at TEXT NOT NULL,
  proposal TEXT NOT NULL,
  what TEXT NOT NULL,
  who TEXT,
  detail TEXT
);
CREATE TABLE IF NOT EXISTS accounts (
  name TEXT PRIMARY KEY,
  hash TEXT NOT NULL,
  created TEXT NOT NULL
);
"""


class QueueError(Exception):
    """The queue cannot do what was asked; str() says why and what to do."""


@dataclass
class Proposal:
    id: str
    created: str
    about: str | None
    kind: str
    fields: dict
    evidence_url: str | None
    runs_scheme: bool
    contact_email: str | None
    state: str = "pending"
    reason: str | None = None
    reviewer: str | None = None
    decided: str | None = None
    changeset: str | None = None
    events: list = field(default_factory=list)


def now() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


class Queue:
    def __init__(self, path: Path | str):
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self._connect() as db:
                db.executescript(SCHEMA)
        except (OSError, sqlite3.Error) as e:
            raise QueueError(f"Cannot open the proposals database at {self.path}: {e}. Check that the folder "
                             f"exists and is writable, or set changes_db to another path.") from None

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        db.row_factory = sqlite3.Row
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=FULL")
        return db

    @contextmanager
    def transaction(self):
        """One write transaction, taken before any read (BEGIN IMMEDIATE): concurrent deciders wait their turn."""
        db = self._connect()
        try:
            db.execute("BEGIN IMMEDIATE")
            yield db
            db.execute("COMMIT")
        except BaseException:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise
        finally:
            db.close()

    # -- proposals --------------------------------------------------------------------------------
    def submit(self, *, about, kind, fields, evidence_url, runs_scheme, contact_email) -> Proposal:
        pid = datetime.now(timezone.utc).strftime("%Y%m%d") + "-" + secrets.token_hex(4)
        created = now()
        try:
            with self.transaction() as db:
                db.execute("INSERT INTO proposals (id, created, about, kind, fields, evidence_url, runs_scheme, "
                           "contact_email) VALUES (?,?,?,?,?,?,?,?)",
                           (pid, created, about, kind, json.dumps(fields, ensure_ascii=False), evidence_url,
                            int(runs_scheme), contact_email))
                self._event(db, pid, "proposed", None, None)
        except sqlite3.Error as e:
            raise QueueError(f"The proposal could not be saved ({e}); nothing was stored. Try again later.") from None
        return self.get(pid)

    def get(self, pid: str) -> Proposal:
        with self._connect() as db:
            row = db.execute("SELECT * FROM proposals WHERE id = ?", (pid,)).fetchone()
            if row is None:
                raise KeyError(pid)
            events = [dict(e) for e in db.execute("SELECT * FROM events WHERE proposal = ? ORDER BY n", (pid,))]
        return _proposal(row, events)

    def list(self, state: str | None = "pending") -> list[Proposal]:
        with self._connect() as db:
            rows = (db.execute("SELECT * FROM proposals WHERE state = ? ORDER BY created", (state,)) if state
                    else db.execute("SELECT * FROM proposals ORDER BY created"))
            return [_proposal(r, []) for r in rows]

    def update_fields(self, db, pid: str, fields: dict, who: str) -> None:
        db.execute("UPDATE proposals SET fields = ? WHERE id = ?", (json.dumps(fields, ensure_ascii=False), pid))
        self._event(db, pid, "edited", who, None)

    def decide(self, db, pid: str, state: str, who: str, reason: str | None = None, changeset: str | None = None):
        db.execute("UPDATE proposals SET state = ?, reviewer = ?, decided = ?, reason = ?, "
                   "changeset = COALESCE(?, changeset) WHERE id = ?", (state, who, now(), reason, changeset, pid))
        self._event(db, pid, state, who, reason)

    @staticmethod
    def row(db, pid: str) -> Proposal:
        row = db.execute("SELECT * FROM proposals WHERE id = ?", (pid,)).fetchone()
        if row is None:
            raise KeyError(pid)
        return _proposal(row, [])

    @staticmethod
    def _event(db, pid, what, who, detail):
        db.execute("INSERT INTO events (at, proposal, what, who, detail) VALUES (?,?,?,?,?)",
                   (now(), pid, what, who, detail))

    # -- accounts ---------------------------------------------------------------------------------
    def add_account(self, name: str, password_hash: str) -> None:
        try:
            with self.transaction() as db:
                db.execute("INSERT INTO accounts (name, hash, created) VALUES (?,?,?)", (name, password_hash, now()))
        except sqlite3.IntegrityError:
            raise QueueError(f"A reviewer called {name!r} exists already; choose another name.") from None

    def account_hash(self, name: str) -> str | None:
        with self._connect() as db:
            row = db.execute("SELECT hash FROM accounts WHERE name = ?", (name,)).fetchone()
        return row["hash"] if row else None

    def set_account_hash(self, name: str, password_hash: str) -> None:
        with self.transaction() as db:
            db.execute("UPDATE accounts SET hash = ? WHERE name = ?", (password_hash, name))


def _proposal(row, events) -> Proposal:
    return Proposal(id=row["id"], created=row["created"], about=row["about"], kind=row["kind"],
                    fields=json.loads(row["fields"]), evidence_url=row["evidence_url"],
                    runs_scheme=bool(row["runs_scheme"]), contact_email=row["contact_email"], state=row["state"],
                    reason=row["reason"], reviewer=row["reviewer"], decided=row["decided"],
                    changeset=row["changeset"], events=events)
