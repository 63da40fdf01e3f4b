"""Apply the statements accepted changesets retract, after the data files are loaded.

An accepted change that replaces a statement (a new status replaces the old one) lists the old quad, reified,
in its record in the changes graph (socialrx.changes.writer). The data files are never edited by hand-written
text surgery; the knowledge base is the files plus these retractions, so `git log data/changes/` is the history.
"""

from __future__ import annotations

import pyoxigraph as ox

CHANGES_GRAPH = "https://w3id.org/socialrx/graph/changes"
RETRACTED = """PREFIX srx: <https://w3id.org/socialrx/def/>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
SELECT ?s ?p ?o ?g WHERE { GRAPH <%s> { ?change srx:retracts ?r .
  ?r rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; srx:inGraph ?g } }""" % CHANGES_GRAPH


def apply(store: ox.Store) -> int:
    """Remove every retracted quad from the store; return how many were there to remove."""
    removed = 0
    for row in list(store.query(RETRACTED)):
        quad = ox.Quad(row["s"], row["p"], row["o"], row["g"])
        if quad in store:
            store.remove(quad)
            removed += 1
    return removed
