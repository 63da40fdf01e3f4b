"""Federated enrichment: ask a SPARQL endpoint about the Wikidata items our data links to, keep the answers
as one named graph with the endpoint, query and fetch time as provenance.

Nothing here runs unless `socialrx enrich` is called; the app never reaches the network.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from pathlib import Path

from .. import kb as kbmod
from .. import paths
from .nquads import QuadWriter, iri, literal, safe_iri, typed
from .provenance import write_fetch_provenance
from .store_files import PendingFile, graph_file
from .vocab import LATITUDE, LONGITUDE, POPULATION, RDFS_LABEL, SRX, graph_iri, schema

WIKIDATA_ENDPOINT = "https://query.wikidata.org/sparql"
DEFAULT_QUERY = Path(__file__).with_name("wikidata.rq")
WD_ITEM = re.compile(r"^http://www\.wikidata\.org/entity/Q[0-9]+$")
POINT = re.compile(r"^\s*Point\(\s*(-?[0-9.]+(?:[eE]-?[0-9]+)?)\s+(-?[0-9.]+(?:[eE]-?[0-9]+)?)\s*\)\s*$", re.I)
BATCH = 200
USER_AGENT = "socialrx-enrich/0.1 (https://w3id.org/socialrx/; knowledge graph of UK social prescribing schemes)"


class EnrichError(Exception):
    """The endpoint could not be asked or its answer could not be read; nothing was written."""


@dataclass
class EnrichReport:
    endpoint: str
    graph: str
    target: Path
    items: int = 0
    answered: int = 0
    triples: int = 0
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [f"enrich: {self.endpoint}",
               f"  {self.items} Wikidata items in our data, {self.answered} with an answer, in {self.seconds:.1f} s",
               f"  {self.triples} triples in graph <{self.graph}>, written to {self.target}"]
        return out + [f"  note: {n}" for n in self.notes]


def linked_items(root: Path | None = None) -> dict[str, list[str]]:
    """Wikidata item IRI → our subjects that link to it with srx:wikidata (curated data only)."""
    root = Path(root) if root else paths.kb_root()
    data = root / "data"
    found: dict[str, set[str]] = {}
    for path in kbmod.kb_files(root):
        if not path.is_relative_to(data):
            continue
        for q in kbmod.parse_file(path):
            if q.predicate.value == SRX + "wikidata" and WD_ITEM.match(q.object.value):
                found.setdefault(q.object.value, set()).add(q.subject.value)
    return {item: sorted(subjects) for item, subjects in sorted(found.items())}


def fill(query: str, items: list[str]) -> str:
    return query.replace("{{items}}", " ".join(f"<{i}>" for i in items))


def ask(endpoint: str, query: str, timeout: int = 60) -> list[dict]:
    """Run a SELECT query with SPARQLWrapper; return SPARQL-JSON bindings."""
    from SPARQLWrapper import JSON, POST, SPARQLWrapper
    from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

    client = SPARQLWrapper(endpoint, agent=USER_AGENT)
    client.setMethod(POST)
    client.setReturnFormat(JSON)
    client.setTimeout(timeout)
    client.setQuery(query)
    try:
        result = client.queryAndConvert()
    except SPARQLWrapperException as e:
        raise EnrichError(f"{endpoint} refused the query: {e}") from None
    except Exception as e:  # urllib errors, timeouts, bad JSON: all mean no answer
        raise EnrichError(f"{endpoint} could not be asked: {e}") from None
    if not isinstance(result, dict) or "results" not in result:
        raise EnrichError(f"{endpoint} did not answer with SPARQL JSON results (is the query a SELECT?)")
    return result["results"]["bindings"]


def parse_point(text: str) -> tuple[str, str] | None:
    """'Point(-2.58 51.45)' (WKT: longitude first) → ('51.45', '-2.58') as (latitude, longitude)."""
    m = POINT.match(text)
    if not m:
        return None
    lon, lat = float(m.group(1)), float(m.group(2))
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    return repr(round(lat, 6)), repr(round(lon, 6))


def write_answers(out: QuadWriter, rows: list[dict], subjects_of: dict[str, list[str]]) -> set[str]:
    """Write what the rows say about each item; returns the items that had an answer."""
    answered = set()
    facts: dict[str, dict[str, set]] = {}
    for row in rows:
        item = row.get("item", {}).get("value", "")
        if item not in subjects_of:
            continue
        f = facts.setdefault(item, {"label": set(), "coord": set(), "website": set(), "population": set()})
        if "label" in row and row["label"].get("type") == "literal":
            f["label"].add((row["label"]["value"], row["label"].get("xml:lang")))
        if "coord" in row and (point := parse_point(row["coord"]["value"])):
            f["coord"].add(point)
        if "website" in row and row["website"].get("type") == "uri" and safe_iri(row["website"]["value"]):
            f["website"].add(row["website"]["value"])
        if "population" in row and _is_count(row["population"]["value"]):
            f["population"].add(int(float(row["population"]["value"])))
    for item in sorted(facts):
        f = facts[item]
        if not any(f.values()):
            continue
        answered.add(item)
        for text, lang in sorted(f["label"], key=lambda x: (x[1] or "", x[0])):
            out.quad(iri(item), RDFS_LABEL, literal(text, lang=lang))
        for subject in subjects_of[item]:
            s = iri(subject)
            if f["coord"]:
                lat, lon = sorted(f["coord"])[0]  # one point per place; the first in a stable order
                out.quad(s, LATITUDE, typed(lat, "decimal"))
                out.quad(s, LONGITUDE, typed(lon, "decimal"))
            if f["population"]:
                out.quad(s, POPULATION, typed(max(f["population"]), "nonNegativeInteger"))
            for site in sorted(f["website"]):
                out.quad(s, schema("url"), iri(site))
    return answered


def _is_count(text: str) -> bool:
    try:
        return float(text) >= 0 and float(text) == int(float(text))
    except ValueError:
        return False


def enrich(folder: Path, endpoint: str = WIKIDATA_ENDPOINT, query: str | None = None, name: str = "wikidata",
           root: Path | None = None, timeout: int = 60) -> EnrichReport:
    """Fetch, then replace the enrichment graph atomically; on any failure the old graph stays."""
    if not safe_iri(endpoint) or not endpoint.startswith(("http://", "https://")):
        raise EnrichError(f"{endpoint!r} is not an http(s) endpoint URL")
    started = time.perf_counter()
    query = query if query is not None else DEFAULT_QUERY.read_text(encoding="utf-8")
    subjects_of = linked_items(root)
    graph = graph_iri(name)
    target = graph_file(folder, name)
    report = EnrichReport(endpoint, graph, target, items=len(subjects_of))
    items = list(subjects_of)
    rows: list[dict] = []
    batches = [items[i:i + BATCH] for i in range(0, len(items), BATCH)] or [[]]
    if "{{items}}" not in query and len(batches) > 1:
        batches = [items]
    for batch in batches:
        rows += ask(endpoint, fill(query, batch), timeout)
    with PendingFile(target) as pending:
        out = QuadWriter(pending, graph)
        write_fetch_provenance(out, graph, f"Wikidata facts (labels, coordinates, websites, population) fetched from {endpoint}", endpoint, query)
        answered = write_answers(out, rows, subjects_of)
        pending.commit()
    report.answered, report.triples = len(answered), out.count
    report.seconds = time.perf_counter() - started
    missing = sorted(set(items) - answered)
    if missing:
        report.notes.append(f"no answer for {len(missing)} item(s): {', '.join(i.rsplit('/', 1)[1] for i in missing[:10])}{' …' if len(missing) > 10 else ''}")
    return report
