"""Drive a row importer over one file: stream rows, write the graph to a temp file, replace atomically."""

from __future__ import annotations

import time
from pathlib import Path

from .base import RowImporter
from .csvstream import CsvRows, UnreadableInput, file_facts
from .lookup import CodeIndex
from .nquads import QuadWriter
from .progress import Progress
from .provenance import FOOTER, header_line, is_unchanged, read_footer, write_file_provenance
from .report import ImportReport, RowRefused
from .store_files import PendingFile, graph_file, remove_stale_temp_files
from .vocab import graph_iri

PROGRESS_EVERY = 2048  # rows between progress checks, so timing costs nothing per row


def run_import(importer_cls: type[RowImporter], source: Path, folder: Path, index: CodeIndex | None = None,
               force: bool = False, show_progress: bool = True, encoding: str = "utf-8-sig") -> ImportReport:
    """Import one file as its dataset's graph. Raises UnreadableInput when nothing can be imported from it."""
    source = Path(source)
    facts = file_facts(source)
    index = index if index is not None else CodeIndex.from_curated()
    dataset = importer_cls.dataset
    target = graph_file(folder, dataset)
    graph = graph_iri(dataset)
    report = ImportReport(dataset, source, target, graph)
    fingerprint = index.fingerprint()
    report.notes += remove_stale_temp_files(folder)
    if not force and is_unchanged(target, dataset, facts.sha256, fingerprint):
        footer = read_footer(target)
        report.unchanged = True
        report.refused_count = int(footer.get("refused", 0))
        report.triples = int(footer.get("triples", 0))
        if report.refused_count:
            report.notes.append(f"{report.refused_count} rows were refused when it was imported; use --force to see them again")
        return report

    started = time.perf_counter()
    progress = Progress(f"{dataset}", facts.size, enabled=show_progress)
    with PendingFile(target) as pending:
        report.notes += pending.removed
        out = QuadWriter(pending, graph)
        out.comment(header_line(dataset, facts.sha256, fingerprint))
        write_file_provenance(out, graph, f"{importer_cls.title}, imported from {facts.name}", facts, importer_cls.publisher,
                              importer_cls.licence, importer_cls.attribution)
        importer = importer_cls(index, out)
        rows = CsvRows(source, encoding)
        _stream(importer, rows, report, progress)
        importer.finish()
        progress.finish(report.rows_read, rows.bytes_read)
        report.notes += importer.notes
        report.seconds = time.perf_counter() - started
        report.triples = out.count
        if report.rows_imported == 0 and report.rows_read:
            # Nothing good in the file: keep whatever graph was there before.
            pending.discard()
            report.notes.append("no row could be imported, so the existing graph was kept")
            return report
        out.comment(f"{FOOTER} rows={report.rows_read} imported={report.rows_imported} refused={report.refused_count} triples={out.count}")
        pending.commit()
        report.replaced = True
    return report


def _stream(importer: RowImporter, rows: CsvRows, report: ImportReport, progress: Progress) -> None:
    header_seen = not importer.has_header
    for line, fields in rows:
        if not header_seen:
            importer.start([f.strip() for f in fields])
            header_seen = True
            continue
        if not any(f.strip() for f in fields):
            continue  # blank lines are not rows
        if line == 1 and importer.is_header(fields):
            continue
        report.rows_read += 1
        try:
            importer.row(fields)
            report.rows_imported += 1
        except RowRefused as r:
            report.refuse(line, r.column, r.reason)
        if report.rows_read % PROGRESS_EVERY == 0:
            progress.update(report.rows_read, rows.bytes_read)
    if not header_seen:
        raise UnreadableInput(f"{rows.path}: empty file; expected a header row")
