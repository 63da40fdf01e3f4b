"""The knowledge base: ontology, vocabularies and data files parsed into one quad store.

Data files are TriG: every statement sits in a named graph whose IRI is the source that says it,
so "which source says this?" is `GRAPH ?source { … }`. Ontology files are Turtle and go to the
ontology graph. The KnowledgeBase is built once (in the app factory or a CLI command) and owned
by its caller; nothing here is a module-level global.
"""

from __future__ import annotations

import gzip
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
import rdflib

from . import paths
from .changes import retractions
from .namespaces import GRAPH

ONTOLOGY_GRAPH = str(GRAPH["ontology"])
UNSOURCED_GRAPH = str(GRAPH["unsourced"])
QUERIES_GRAPH = str(GRAPH["queries"])
IMPORT_GRAPH_PREFIX = str(GRAPH["import/"])
FORMATS = {".ttl": ox.RdfFormat.TURTLE, ".trig": ox.RdfFormat.TRIG, ".nq": ox.RdfFormat.N_QUADS, ".nt": ox.RdfFormat.N_TRIPLES}


class KBError(Exception):
    """A knowledge-base file could not be read; str() is a one-line `file:line:col: message`."""

    def __init__(self, path, message, line=None, column=None):
        self.path, self.message, self.line, self.column = Path(path), message, line, column
        where = f"{path}:{line}:{column}" if line else str(path)
        super().__init__(f"{where}: {message}")


@dataclass
class FileLoad:
    path: Path
    triples: int
    seconds: float
    rss_mib: float | None = None  # resident memory of the process after this file, for `serve`'s report


def rss_mib() -> float | None:
    """Resident memory of this process in MiB (Linux /proc; None elsewhere)."""
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[1]) * _PAGE / 2**20
    except (OSError, ValueError, IndexError):
        return None


try:
    import os as _os

    _PAGE = _os.sysconf("SC_PAGE_SIZE")
except (AttributeError, ValueError, OSError):
    _PAGE = 4096


@dataclass
class LoadReport:
    files: list[FileLoad] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def triples(self) -> int:
        return sum(f.triples for f in self.files)

    def lines(self, root: Path | None = None) -> list[str]:
        """Return one human line per file plus a total, for `serve` and `validate`."""
        out = []
        for f in self.files:
            name = f.path.relative_to(root) if root and f.path.is_relative_to(root) else f.path
            memory = f"  {f.seconds:6.2f} s  RSS {f.rss_mib:6.0f} MiB" if f.rss_mib is not None else ""
            out.append(f"{f.triples:7d} triples{memory}  {name}")
        out.append(f"{self.triples:7d} triples in {len(self.files)} files, loaded in {self.seconds:.2f} s")
        return out


def kb_files(root: Path | None = None) -> list[Path]:
    """List the files that make up the knowledge base, in load order."""
    root = Path(root) if root else paths.kb_root()
    found = sorted((root / "ontology").glob("*.ttl"))
    found += sorted(p for p in (root / "data").rglob("*") if p.suffix in FORMATS)
    return found


def _format(path: Path) -> ox.RdfFormat:
    fmt = FORMATS.get(path.suffix)
    if fmt is None:
        raise KBError(path, f"unknown file type {path.suffix!r}; use one of {', '.join(FORMATS)}")
    return fmt


def _fallback_graph(path: Path) -> ox.NamedNode:
    """Where triples without a graph go: the ontology graph for ontology files, else the 'unsourced' graph."""
    return ox.NamedNode(ONTOLOGY_GRAPH if path.parent.name == "ontology" else UNSOURCED_GRAPH)


@contextmanager
def _reading(path: Path):
    """Turn the parser's and the file system's errors into a one-line KBError naming file, line and column."""
    try:
        yield
    except SyntaxError as e:
        raise KBError(path, _short(str(e.msg if hasattr(e, "msg") else e)), e.lineno, e.offset) from None
    except OSError as e:
        raise KBError(path, f"cannot read: {e.strerror or e}") from None


def parse_file(path: Path) -> list[ox.Quad]:
    """Parse one file into quads, placing triples without a graph as load_file does."""
    path = Path(path)
    fmt, fallback = _format(path), _fallback_graph(path)
    with _reading(path), path.open("rb") as fh:
        parsed = list(ox.parse(fh, format=fmt, base_iri=path.resolve().as_uri()))
    return [
        ox.Quad(q.subject, q.predicate, q.object, fallback)
        if isinstance(q, ox.Triple) or isinstance(q.graph_name, ox.DefaultGraph) else q
        for q in parsed
    ]


def load_file(store: ox.Store, path: Path) -> FileLoad:
    """Load one file with the engine's own parser (6x faster at 1M triples than building Python quads)."""
    fmt, fallback = _format(path), _fallback_graph(path)
    t0, before = time.perf_counter(), len(store)
    with _reading(path):
        if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.N_TRIPLES):
            store.load(path=str(path), format=fmt, base_iri=path.resolve().as_uri(), to_graph=fallback)
        else:
            store.load(path=str(path), format=fmt, base_iri=path.resolve().as_uri())
            stray = list(store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
            if stray:  # default-graph statements have no source: keep them visible, apart
                store.extend(ox.Quad(q.subject, q.predicate, q.object, fallback) for q in stray)
                store.remove_graph(ox.DefaultGraph())
    return FileLoad(path, len(store) - before, time.perf_counter() - t0)


def _bulk_load(store: ox.Store, path: Path) -> FileLoad:
    """Load an imported dataset (possibly millions of quads) without holding it in a Python list."""
    t0, before = time.perf_counter(), len(store)
    with _reading(path):
        if path.suffix == ".gz":  # a compressed import shipped with the package (data/imports/)
            with gzip.open(path, "rb") as fh:
                store.bulk_load(input=fh, format=ox.RdfFormat.N_QUADS)
        else:
            store.bulk_load(path=str(path), format=ox.RdfFormat.N_QUADS)
    return FileLoad(Path(path), len(store) - before, time.perf_counter() - t0)


def shipped_imports(root: Path, imports: Path) -> list[Path]:
    """The imports shipped in data/imports/ (gzip'd N-Quads), less those the imports folder replaces.

    A dataset imported locally (imports/<dataset>.nq, e.g. a newer epraccur) takes the place of the one shipped.
    """
    shipped = sorted((Path(root) / "data" / "imports").glob("*.nq.gz"))
    return [p for p in shipped if not (Path(imports) / p.name.removesuffix(".gz")).exists()]


def _short(msg: str) -> str:
    # pyoxigraph says "Parser error between line 3 column 11 and line 5 column 1: <reason>"
    return msg.split(": ", 1)[1] if msg.startswith("Parser error") and ": " in msg else msg


class KnowledgeBase:
    """Owns the quad store that holds the ontology and the data."""

    def __init__(self, store: ox.Store, report: LoadReport | None = None, root: Path | None = None,
                 curated_graphs: frozenset[str] | None = None):
        self.store = store
        self.report = report or LoadReport()
        self.root = root
        # The graphs the curated files (ontology, data/) fill; None when not known (a reused on-disk store).
        self.curated_graphs = curated_graphs

    @classmethod
    def load(
        cls,
        root: Path | None = None,
        files: list[Path] | None = None,
        store_path: Path | None = None,
        imports: Path | None = None,
        feeds=(),
        after_curated=None,
    ) -> "KnowledgeBase":
        """Parse every knowledge-base file into a fresh store (raises KBError on the first bad file).

        Without `files`, that is the ontology, the curated data, the graphs that `feeds` hand in (each
        has `.path` and `.quads()`, e.g. the query catalogue's, see socialrx.loading) and the imported
        datasets (`imports`, default <root>/imports). With `files`, exactly those files.
        With store_path, an on-disk store that already holds data is reused as it is.
        after_curated(kb), if given, is called once the curated files are in (before feeds and imports), with a
        KnowledgeBase over the store as it is then (`serve` forks its validation there, issue 12).
        """
        root = Path(root) if root else paths.kb_root()
        if store_path is not None:
            store_path = Path(store_path)
            reuse = store_path.exists() and any(store_path.iterdir())
            store = ox.Store(str(store_path))
            if reuse and len(store):
                return cls(store, LoadReport(), root)
        else:
            store = ox.Store()
        report = LoadReport()
        started = time.perf_counter()
        for path in files if files is not None else kb_files(root):
            report.files.append(load_file(store, Path(path)))
            report.files[-1].rss_mib = rss_mib()
        retractions.apply(store)  # what accepted changes replace (data/changes/, see socialrx.changes)
        curated = frozenset(g.value for g in store.named_graphs())
        if after_curated is not None:
            after_curated(cls(store, report, root, curated))
        if files is None:
            for feed in feeds:
                t0 = time.perf_counter()
                quads = feed.quads()
                store.extend(quads)
                report.files.append(FileLoad(Path(feed.path), len(quads), time.perf_counter() - t0, rss_mib()))
            # The small shipped imports first: a bulk load into a store already holding millions of quads costs more.
            for path in shipped_imports(root, Path(imports or root / "imports")):
                report.files.append(_bulk_load(store, path))
                report.files[-1].rss_mib = rss_mib()
            for path in sorted(Path(imports or root / "imports").glob("*.nq")):
                report.files.append(_bulk_load(store, path))
                report.files[-1].rss_mib = rss_mib()
        report.seconds = time.perf_counter() - started
        if store_path is not None:
            store.flush()
        return cls(store, report, root, curated)

    def __len__(self) -> int:
        return len(self.store)

    def graph_names(self) -> list[str]:
        return sorted(g.value for g in self.store.named_graphs())

    def union_graph(self, curated_only: bool = False) -> rdflib.Graph:
        """Return the union of the graphs as an rdflib Graph (for pyshacl and serialisers).

        curated_only leaves out the imported datasets and the query catalogue, which the shapes
        do not describe (importers check their own rows).
        """
        if curated_only and self.curated_graphs is not None:
            # Straight from the store, graph by graph: imports (millions of rows, checked when imported) stay out.
            wanted = sorted(g for g in self.curated_graphs if g != QUERIES_GRAPH and not g.startswith(IMPORT_GRAPH_PREFIX))
            data = b"".join(self.store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(g)) for g in wanted)
            return rdflib.Graph().parse(data=data, format="nt")
        where = "GRAPH ?g { ?s ?p ?o }"
        if curated_only:
            where += f' FILTER(?g != <{QUERIES_GRAPH}> && !STRSTARTS(STR(?g), "{IMPORT_GRAPH_PREFIX}"))'
        triples = self.store.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ {where} }}")
        return rdflib.Graph().parse(data=triples.serialize(format=ox.RdfFormat.N_TRIPLES), format="nt")
