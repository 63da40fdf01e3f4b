"""The history of accepted changes, read from the changes graph through the store (socialrx.changes.writer)."""

from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import URIRef

from ..namespaces import sparql_prologue

CHANGES_GRAPH = "https://w3id.org/socialrx/graph/changes"

HISTORY = sparql_prologue(["srx", "rdfs", "dct", "prov"]) + """
SELECT ?change ?label ?subject ?subjectLabel ?evidence ?evidenceLabel ?evidenceUrl ?ended ?reviewer
       ?reverted ?revertedBy ?revertReason (GROUP_CONCAT(?summary; separator="\\n") AS ?summaries)
WHERE {
  GRAPH <%s> {
    ?change a srx:ChangeSet ; dct:subject ?subject ; prov:endedAtTime ?ended .
    OPTIONAL { ?change rdfs:label ?label }
    OPTIONAL { ?change prov:used ?evidence }
    OPTIONAL { ?change srx:reviewer ?reviewer }
    OPTIONAL { ?change srx:changeSummary ?summary }
    OPTIONAL { ?change prov:invalidatedAtTime ?reverted ; srx:revertedBy ?revertedBy . OPTIONAL { ?change srx:revertReason ?revertReason } }
  }
  OPTIONAL { ?subject rdfs:label ?subjectLabel }
  OPTIONAL { ?evidence rdfs:label ?evidenceLabel }
  OPTIONAL { ?evidence srx:url ?evidenceUrl }
}
GROUP BY ?change ?label ?subject ?subjectLabel ?evidence ?evidenceLabel ?evidenceUrl ?ended ?reviewer ?reverted ?revertedBy ?revertReason
ORDER BY DESC(?ended) ?change
LIMIT 200""" % CHANGES_GRAPH


@dataclass
class Change:
    iri: str
    subject: str
    subject_label: str
    ended: str
    reviewer: str
    evidence: str | None
    evidence_label: str | None
    evidence_url: str | None
    summaries: list[str] = field(default_factory=list)
    reverted: str | None = None
    reverted_by: str | None = None
    revert_reason: str | None = None

    @property
    def id(self) -> str:
        return self.iri.rsplit("/", 1)[-1]


def history(store, about: str | None = None) -> list[Change]:
    """The accepted changes, newest first (at most 200), optionally only those about one resource."""
    bindings = {"subject": URIRef(about)} if about else None
    rows = store.query(HISTORY, bindings=bindings, lane="page").rows
    out = []
    for r in rows:
        v = {k: t["value"] for k, t in r.items()}
        out.append(Change(iri=v["change"], subject=v["subject"], subject_label=v.get("subjectLabel", v["subject"]),
                          ended=v["ended"], reviewer=v.get("reviewer", ""), evidence=v.get("evidence"),
                          evidence_label=v.get("evidenceLabel"), evidence_url=v.get("evidenceUrl"),
                          summaries=[s for s in v.get("summaries", "").split("\n") if s],
                          reverted=v.get("reverted"), reverted_by=v.get("revertedBy"), revert_reason=v.get("revertReason")))
    return out


def last_change(store, about: str) -> Change | None:
    """The newest change about a resource that still stands (not reverted), or None."""
    return next((c for c in history(store, about) if not c.reverted), None)
