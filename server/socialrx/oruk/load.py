"""`socialrx import oruk SOURCE`: stream a feed's pages into its own named graph, with provenance, atomically.

The graph is written to a temporary file page by page; only when every page was read does it replace the
feed's graph (imports/oruk-NAME.nq). A re-import whose pages hash the same, mapped against the same curated
data, leaves the old file as it is. A failure part way leaves the old graph and no partial file.
"""

from __future__ import annotations

import hashlib
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from ..importers.nquads import QuadWriter, iri, literal, safe_iri, typed
from ..importers.progress import Progress
from ..importers.provenance import FOOTER, file_iri, now_utc, read_footer
from ..importers.store_files import PendingFile, graph_file
from ..importers.vocab import DCAT, DCT, PROV, RDF_TYPE, RDFS_LABEL, SPDX, graph_iri, srx
from .feed import FeedError, open_source
from .mapping import FeedMapper
from .ours import Ours
from .records_in import BadRecord, read_service

MAPPING_VERSION = "2"  # bump when mapping.py changes what it writes, so a re-import rewrites the graph
MAX_LISTED = 1000
CONFORMS = {"3.0": "https://github.com/OpenReferralUK/uk-profile", "1.0": "https://github.com/OpenReferralUK/human-services"}


class BufferedQuads(QuadWriter):
    """A QuadWriter that joins a page's lines before writing them (a third of the import's time was per-line writes)."""

    def __init__(self, sink, graph_iri: str):
        super().__init__(sink, graph_iri)
        self.lines: list[str] = []

    def quad(self, s: str, p: str, o: str) -> None:
        self.lines.append(f"{s} {p} {o} {self.graph} .\n")
        self.count += 1

    def flush(self) -> None:
        if self.lines:
            self.sink.write("".join(self.lines))
            self.lines.clear()

    def comment(self, text: str) -> None:
        self.flush()
        super().comment(text)


@dataclass
class OrukReport:
    source: str
    name: str
    graph: str
    target: Path
    version: str = ""
    pages: int = 0
    services_read: int = 0
    services_imported: int = 0
    refused: list[tuple[str, str]] = field(default_factory=list)
    refused_count: int = 0
    problems: list[str] = field(default_factory=list)
    problem_count: int = 0
    counts: dict = field(default_factory=dict)
    triples: int = 0
    seconds: float = 0.0
    unchanged: bool = False
    replaced: bool = False
    licence: str = ""
    notes: list[str] = field(default_factory=list)

    def refuse(self, where: str, record_id: str, reason: str) -> None:
        self.refused_count += 1
        if len(self.refused) < MAX_LISTED:
            self.refused.append((record_id or "(no id)", f"{reason} ({where})"))

    def problem(self, text: str) -> None:
        self.problem_count += 1
        if len(self.problems) < MAX_LISTED:
            self.problems.append(text)

    @property
    def exit_code(self) -> int:
        return 1 if self.refused_count else 0

    def lines(self) -> list[str]:
        out = [f"oruk {self.name}: {self.source} (ORUK {self.version or 'version not known'})"]
        if self.unchanged:
            out.append(f"  unchanged: {self.target} already holds this feed's content (same SHA-256 of every page); nothing written")
        rate = self.services_read / self.seconds if self.seconds else 0
        out.append(f"  {self.pages:,} pages, {self.services_read:,} services read, {self.services_imported:,} imported, "
                   f"{self.refused_count:,} refused in {self.seconds:.1f} s ({rate:,.0f} services/s)")
        if self.counts:
            out.append("  " + ", ".join(f"{v:,} {k.replace('_', ' ')}" for k, v in self.counts.items() if k != "services"))
        if not self.unchanged:
            out.append(f"  {self.triples:,} triples in graph <{self.graph}>")
            out.append(f"  {'written to' if self.replaced else 'NOT written; kept'} {self.target}")
        if self.licence:
            out.append(f"  licence stated by the feed: {self.licence}")
        out += [f"  note: {n}" for n in self.notes]
        if self.refused:
            out.append("  refused services:")
            out += [f"    {rid}: {reason}" for rid, reason in self.refused]
            if self.refused_count > len(self.refused):
                out.append(f"    … and {self.refused_count - len(self.refused):,} more")
        if self.problems:
            out.append("  fields left out or cleaned:")
            out += [f"    {p}" for p in self.problems]
            if self.problem_count > len(self.problems):
                out.append(f"    … and {self.problem_count - len(self.problems):,} more")
        return out

    def as_dict(self) -> dict:
        return {"source": self.source, "name": self.name, "graph": self.graph, "target": str(self.target),
                "version": self.version, "pages": self.pages, "services_read": self.services_read,
                "services_imported": self.services_imported, "refused": [{"id": i, "reason": r} for i, r in self.refused],
                "refused_count": self.refused_count, "problems": self.problems, "problem_count": self.problem_count,
                "counts": self.counts, "triples": self.triples, "seconds": round(self.seconds, 3),
                "unchanged": self.unchanged, "replaced": self.replaced, "licence": self.licence}


def feed_name(source: str) -> str:
    """A stable name for a source: the URL's host and path, or the file's name, as lower-case words."""
    if source.startswith(("http://", "https://")):
        parts = urlsplit(source)
        text = f"{parts.hostname or ''}{parts.path}"
    else:
        path = Path(source)
        text = path.parent.name if path.name == "datapackage.json" else (path.name if path.is_dir() else path.stem)
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:80].strip("-")
    return slug or "feed"


def run_oruk_import(source: str, folder: Path, name: str | None = None, ours: Ours | None = None, force: bool = False,
                    show_progress: bool = True, timeout: float = 30.0, max_mb: int = 50, per_page: int = 100) -> OrukReport:
    """Import one ORUK source as the graph <graph/import/oruk-NAME>. Raises FeedError when it cannot be read."""
    name = name or feed_name(source)
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,80}", name):
        raise FeedError(f"--name {name!r}: use lower-case letters, digits and '-'")
    dataset = f"oruk-{name}"
    graph, target = graph_iri(dataset), graph_file(folder, dataset)
    report = OrukReport(source, name, graph, target)
    ours = ours or Ours.load()
    feed = open_source(source, timeout=timeout, max_mb=max_mb, per_page=per_page)
    started = time.perf_counter()
    progress = Progress(f"oruk {name}", 0, enabled=show_progress)
    content = hashlib.sha256(f"mapping={MAPPING_VERSION} ours={ours.fingerprint()}\n".encode())
    with PendingFile(target) as pending:
        out = BufferedQuads(pending, graph)
        out.comment(f"socialrx-import dataset={dataset} source={_one_word(feed.info.source)}")
        mapper = FeedMapper(out, name, graph, ours)
        seen: set[str] = set()
        page_facts = []
        for page in feed.pages():
            report.pages += 1
            content.update(page.sha256.encode())
            page_facts.append((page.where, page.sha256, page.size))  # not the services: memory stays flat
            for index, record in enumerate(page.services):
                report.services_read += 1
                where = f"page {report.pages}, item {index + 1}"
                try:
                    service = read_service(record, feed.info.version)
                    if service.id in seen:
                        raise BadRecord(service.id, "duplicate id: a service with this id was imported earlier in this feed")
                    seen.add(service.id)
                    mapper.service(service)
                    report.services_imported += 1
                    for p in service.problems:
                        report.problem(f"{service.id}: {p}")
                except BadRecord as bad:
                    report.refuse(where, bad.id, bad.reason)
            out.flush()
            if page.total_pages:  # the bar shows pages read of the pages the feed announces
                progress.total = page.total_pages
                if not feed.info.is_url and page.total_pages > 1:
                    report.notes.append(f"{page.where} says it is one page of {page.total_pages}; only this page was imported "
                                        "(import the feed's base URL to read them all)")
            progress.update(report.services_read, report.pages)
        for extra in getattr(feed, "extra_pages", []):
            content.update(extra.sha256.encode())
            page_facts.append((extra.where, extra.sha256, extra.size))
        progress.finish(report.services_read, report.pages)
        report.version, report.licence = feed.info.version, feed.info.licence
        report.counts = dict(mapper.counts)
        report.seconds = time.perf_counter() - started
        digest = content.hexdigest()
        if report.services_imported == 0:
            pending.discard()
            report.notes.append("no service could be imported, so any earlier graph of this feed was kept")
            return report
        if not force and read_footer(target).get("content") == digest:
            pending.discard()
            report.unchanged = True
            report.triples = int(read_footer(target).get("triples", 0))
            return report
        _provenance(out, graph, feed.info, page_facts, report)
        out.flush()
        out.comment(f"{FOOTER} services={report.services_read} imported={report.services_imported} "
                    f"refused={report.refused_count} triples={out.count} content={digest}")
        report.triples = out.count
        pending.commit()
        report.replaced = True
    return report


def _one_word(text: str) -> str:
    return re.sub(r"\s+", "%20", text)


def _provenance(out: QuadWriter, graph: str, info, pages, report: OrukReport) -> None:
    """The feed graph is a source: which feed, when read, which ORUK version, each page's SHA-256, the licence."""
    g = iri(graph)
    q = out.quad
    read_at = now_utc()
    version = {"3.0": "ORUK 3.0 / HSDS 3.0", "1.0": "ORUK 1.0 (classic)"}.get(info.version, f"ORUK {info.version}")
    q(g, RDF_TYPE, srx("Source"))
    q(g, RDF_TYPE, iri(PROV + "Entity"))
    q(g, RDF_TYPE, iri(DCAT + "Dataset"))
    licence = f"; licence stated by the feed: {info.licence}" if info.licence else "; the feed states no licence"
    q(g, RDFS_LABEL, literal(f"Open Referral UK directory feed {info.source} ({version}), read {read_at}{licence}", lang="en-GB"))
    q(g, iri(PROV + "generatedAtTime"), typed(read_at, "dateTime"))
    q(g, iri(DCT + "source"), g)
    q(g, iri("http://www.w3.org/2002/07/owl#versionInfo"), literal(version))
    if info.version in CONFORMS:
        q(g, iri(DCT + "conformsTo"), iri(CONFORMS[info.version]))
    if info.is_url and safe_iri(info.source):
        q(g, iri(PROV + "wasDerivedFrom"), iri(info.source))
        q(g, iri(DCAT + "accessURL"), iri(info.source))
    if info.licence:
        if info.licence.startswith(("http://", "https://")) and safe_iri(info.licence):
            q(g, iri(DCT + "license"), iri(info.licence))
        else:
            q(g, iri(DCT + "rights"), literal(info.licence, lang="en-GB"))
    for where, sha256, size in pages:
        p = iri(file_iri(sha256))
        checksum = iri(file_iri(sha256) + "#sha256")
        q(g, iri(PROV + "wasDerivedFrom"), p)
        q(p, RDF_TYPE, iri(PROV + "Entity"))
        q(p, RDF_TYPE, iri(DCAT + "Distribution"))
        q(p, iri(DCT + "title"), literal(where))
        if where.startswith(("http://", "https://")) and safe_iri(where):
            q(p, iri(DCAT + "downloadURL"), iri(where))
        q(p, iri(DCAT + "byteSize"), typed(size, "nonNegativeInteger"))
        q(p, iri(SPDX + "checksum"), checksum)
        q(checksum, RDF_TYPE, iri(SPDX + "Checksum"))
        q(checksum, iri(SPDX + "algorithm"), iri(SPDX + "checksumAlgorithm_sha256"))
        q(checksum, iri(SPDX + "checksumValue"), typed(sha256, "hexBinary"))
