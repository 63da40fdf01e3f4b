"""Provenance of an imported graph (file name, size, SHA-256, import time, publisher) and the
header line that lets a re-import of the same file leave everything as it was."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from ..namespaces import ID
from .csvstream import FileFacts
from .nquads import QuadWriter, iri, literal, typed
from .vocab import DCAT, DCT, PROV, RDF_TYPE, RDFS_LABEL, SPDX, srx

FORMAT_VERSION = "1"
HEADER = "socialrx-import"
FOOTER = "socialrx-import-end"

NHS_ENGLAND = f"{ID}org/nhs-england"
ONS = f"{ID}org/office-for-national-statistics"
ORDNANCE_SURVEY = f"{ID}org/ordnance-survey"
NHS_ENGLAND_STATISTICS = f"{ID}org/nhs-england-statistics"
PUBLISHERS = {
    NHS_ENGLAND: "NHS England (Organisation Data Service)",
    ONS: "Office for National Statistics",
    ORDNANCE_SURVEY: "Ordnance Survey",
    NHS_ENGLAND_STATISTICS: "NHS England (official statistics, formerly NHS Digital)",
}
OGL3 = "http://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
# The attribution statements the Open Government Licence asks for, as each publisher words them.
OS_ATTRIBUTION = ("Contains OS data © Crown copyright and database right 2025. Contains Royal Mail data © Royal Mail "
                  "copyright and database right 2025. Contains National Statistics data © Crown copyright and database "
                  "right 2025.")  # licence.txt shipped with Code-Point Open 2025.4.0
ONS_ATTRIBUTION = "Source: Office for National Statistics licensed under the Open Government Licence v.3.0."
NHS_ATTRIBUTION = "Contains information from NHS England, licensed under the current version of the Open Government Licence."


def now_utc() -> str:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def file_iri(sha256: str) -> str:
    """A file is named by its content, so the same bytes always get the same IRI."""
    return f"{ID}file/sha256-{sha256}"


def header_line(dataset: str, facts_sha256: str, fingerprint: str) -> str:
    return f"{HEADER} dataset={dataset} sha256={facts_sha256} lookup={fingerprint} version={FORMAT_VERSION}"


def read_header(path: Path) -> dict:
    """The key=value pairs of an imported file's first line (empty when absent)."""
    try:
        with Path(path).open("r", encoding="utf-8") as fh:
            first = fh.readline()
    except OSError:
        return {}
    return dict(re.findall(r"(\w+)=(\S+)", first)) if first.startswith(f"# {HEADER} ") else {}


def read_footer(path: Path) -> dict:
    """The key=value pairs of an imported file's last line (counts of the import that wrote it)."""
    try:
        with Path(path).open("rb") as fh:
            fh.seek(0, 2)
            fh.seek(max(0, fh.tell() - 1024))
            tail = fh.read().decode("utf-8", "replace").splitlines()
    except OSError:
        return {}
    last = tail[-1] if tail else ""
    return {k: v for k, v in re.findall(r"(\w+)=(\S+)", last)} if last.startswith(f"# {FOOTER} ") else {}


def is_unchanged(target: Path, dataset: str, sha256: str, fingerprint: str) -> bool:
    head = read_header(target)
    return bool(head) and head == dict(re.findall(r"(\w+)=(\S+)", header_line(dataset, sha256, fingerprint)))


def write_file_provenance(out: QuadWriter, graph: str, label: str, facts: FileFacts, publisher: str,
                          licence: str = "", attribution: str = "") -> None:
    """The graph is a source derived from one published file, imported now, under its licence and attribution."""
    g, f = iri(graph), iri(file_iri(facts.sha256))
    checksum = iri(file_iri(facts.sha256) + "#sha256")
    out.quad(g, RDF_TYPE, srx("Source"))
    out.quad(g, RDF_TYPE, iri(PROV + "Entity"))
    out.quad(g, RDFS_LABEL, literal(label, lang="en-GB"))
    out.quad(g, iri(DCT + "publisher"), iri(publisher))
    out.quad(g, iri(PROV + "generatedAtTime"), typed(now_utc(), "dateTime"))
    out.quad(g, iri(PROV + "wasDerivedFrom"), f)
    out.quad(g, iri(DCT + "source"), g)
    out.quad(f, RDF_TYPE, iri(PROV + "Entity"))
    out.quad(f, RDF_TYPE, iri(DCAT + "Distribution"))
    out.quad(f, iri(DCT + "title"), literal(facts.name))
    out.quad(f, iri(DCAT + "byteSize"), typed(facts.size, "nonNegativeInteger"))
    out.quad(f, iri(DCT + "publisher"), iri(publisher))
    out.quad(f, iri(SPDX + "checksum"), checksum)
    out.quad(checksum, RDF_TYPE, iri(SPDX + "Checksum"))
    out.quad(checksum, iri(SPDX + "algorithm"), iri(SPDX + "checksumAlgorithm_sha256"))
    out.quad(checksum, iri(SPDX + "checksumValue"), typed(facts.sha256, "hexBinary"))
    if licence:
        out.quad(g, iri(DCT + "license"), iri(licence))
        out.quad(f, iri(DCT + "license"), iri(licence))
    if attribution:
        out.quad(g, iri(DCT + "rights"), literal(attribution, lang="en-GB"))
    if publisher in PUBLISHERS:
        out.quad(iri(publisher), RDFS_LABEL, literal(PUBLISHERS[publisher], lang="en-GB"))


def write_fetch_provenance(out: QuadWriter, graph: str, label: str, endpoint: str, query: str, publisher: str | None = None) -> None:
    """The graph is a source fetched now from a SPARQL endpoint with a given query."""
    g = iri(graph)
    activity, q = iri(graph + "#fetch"), iri(graph + "#query")
    out.quad(g, RDF_TYPE, srx("Source"))
    out.quad(g, RDF_TYPE, iri(PROV + "Entity"))
    out.quad(g, RDFS_LABEL, literal(label, lang="en-GB"))
    out.quad(g, iri(PROV + "generatedAtTime"), typed(now_utc(), "dateTime"))
    out.quad(g, iri(PROV + "wasDerivedFrom"), iri(endpoint))
    out.quad(g, iri(PROV + "wasGeneratedBy"), activity)
    out.quad(g, iri(DCT + "source"), g)
    if publisher:
        out.quad(g, iri(DCT + "publisher"), iri(publisher))
    out.quad(activity, RDF_TYPE, iri(PROV + "Activity"))
    out.quad(activity, iri(PROV + "used"), iri(endpoint))
    out.quad(activity, iri(PROV + "used"), q)
    out.quad(activity, iri(PROV + "endedAtTime"), typed(now_utc(), "dateTime"))
    out.quad(q, RDF_TYPE, iri(PROV + "Entity"))
    out.quad(q, iri(PROV + "value"), literal(query))
