"""The attribution statements that the licences of imported data require (OGL: OS, ONS, NHS England).

An imported graph names its licence (`dct:license`) and the attribution its publisher asks for (`dct:rights`);
a page showing facts from that graph shows the statement (socialrx.importers.provenance writes both).
"""

from __future__ import annotations

from ..importers.nquads import safe_iri
from ..namespaces import sparql_prologue

QUERY = sparql_prologue(["rdfs", "dct"]) + """SELECT DISTINCT ?g ?label ?rights ?licence WHERE {
  VALUES ?s { %s }
  GRAPH ?g { ?s ?p ?o }
  ?g dct:rights ?rights .
  OPTIONAL { ?g rdfs:label ?label }
  OPTIONAL { ?g dct:license ?licence }
}"""

MAX_SUBJECTS = 500  # a page's own resources; more would only repeat the same few graphs


def attributions(store, iris) -> list[dict]:
    """The graphs that say something about these resources and carry an attribution: graph, label, rights, licence."""
    terms = [f"<{i}>" for i in dict.fromkeys(iris) if safe_iri(i)][:MAX_SUBJECTS]
    if not terms:
        return []
    rows = store.query(QUERY % " ".join(terms)).rows
    found = {}
    for r in rows:
        g = r["g"]["value"]
        found.setdefault(g, {"graph": g, "label": r.get("label", {}).get("value", ""), "rights": r["rights"]["value"],
                             "licence": r.get("licence", {}).get("value", "")})
    return sorted(found.values(), key=lambda a: a["label"] or a["graph"])
