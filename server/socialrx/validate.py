"""SHACL validation of the knowledge base with pyshacl, reported per focus node in plain English."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path

import pyshacl
import rdflib
from rdflib.namespace import RDFS, SH, SKOS

from . import paths
from .kb import KBError, KnowledgeBase, parse_file


@dataclass
class Violation:
    focus: str
    path: str | None
    value: str | None
    message: str
    severity: str
    component: str


@dataclass
class ValidationReport:
    conforms: bool
    violations: list[Violation] = field(default_factory=list)
    labels: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0
    graph: rdflib.Graph | None = None

    def by_focus(self) -> dict[str, list[Violation]]:
        grouped: dict[str, list[Violation]] = {}
        for v in sorted(self.violations, key=lambda v: (v.focus, v.path or "", v.message)):
            grouped.setdefault(v.focus, []).append(v)
        return grouped

    def text(self) -> str:
        if self.conforms:
            return f"The data conforms to the shapes ({self.seconds:.2f} s)."
        lines = [f"{len(self.violations)} problem(s) in {len(self.by_focus())} resource(s):"]
        for focus, items in self.by_focus().items():
            label = self.labels.get(focus)
            lines.append(f"\n{focus}" + (f"  ({label})" if label else ""))
            for v in items:
                where = f"{_short(v.path)}: " if v.path else ""
                value = f" [value: {v.value}]" if v.value else ""
                lines.append(f"  - {v.severity}: {where}{v.message}{value}")
        return "\n".join(lines)

    def as_json(self) -> str:
        return json.dumps(
            {
                "conforms": self.conforms,
                "results": [
                    {"focusNode": f, "label": self.labels.get(f), "problems": [vars(v) for v in items]}
                    for f, items in self.by_focus().items()
                ],
            },
            indent=2,
        )

    def turtle(self) -> str:
        return self.graph.serialize(format="turtle") if self.graph is not None else ""


def _short(iri: str) -> str:
    for prefix, ns in (("srx:", "https://w3id.org/socialrx/def/"), ("rdfs:", str(RDFS)), ("skos:", str(SKOS)), ("dct:", "http://purl.org/dc/terms/")):
        if iri.startswith(ns):
            return prefix + iri[len(ns):]
    return iri


def shapes_graph(root: Path | None = None) -> rdflib.Graph:
    """Load every shapes file; a syntax error is raised as KBError with file and line."""
    folder = (Path(root) if root else paths.kb_root()) / "shapes"
    g = rdflib.Graph()
    for path in sorted(folder.glob("*.ttl")):
        for q in parse_file(path):  # pyoxigraph parse: precise line/column on errors
            pass
        g.parse(path, format="turtle")
    return g


def validate(kb: KnowledgeBase, shapes: rdflib.Graph | None = None) -> ValidationReport:
    """Validate the union of all graphs (SHACL cannot see named graphs) against the shapes."""
    data = kb.union_graph(curated_only=True)
    shapes = shapes if shapes is not None else shapes_graph(kb.root)
    started = time.perf_counter()
    conforms, results, _ = pyshacl.validate(data, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True)
    seconds = time.perf_counter() - started
    report = ValidationReport(conforms=conforms, seconds=seconds, graph=results)
    # Only top-level results: nested sh:node results hang off sh:detail and repeat the outer one.
    for r in results.objects(None, SH.result):
        focus = results.value(r, SH.focusNode)
        path = results.value(r, SH.resultPath)
        value = results.value(r, SH.value)
        messages = [str(m) for m in results.objects(r, SH.resultMessage)]
        report.violations.append(
            Violation(
                focus=str(focus),
                path=str(path) if isinstance(path, rdflib.URIRef) else None,
                value=str(value) if value is not None else None,
                message=_best_message(messages),
                severity=_short(str(results.value(r, SH.resultSeverity))).split("#")[-1],
                component=str(results.value(r, SH.sourceConstraintComponent)).split("#")[-1],
            )
        )
        label = data.value(focus, RDFS.label) or data.value(focus, SKOS.prefLabel)
        if label is not None:
            report.labels[str(focus)] = str(label)
    return report


def _best_message(messages: list[str]) -> str:
    # Prefer our own sh:message (plain English) over pyshacl's generated text.
    ours = [m for m in messages if not m.startswith(("Value ", "Node ", "Less than", "Results ", "Focus node ", "More than", "Data", "Cardinality", "Missing"))]
    return (ours or messages or ["(no message)"])[0]


def load_and_validate(root: Path | None = None, files=None) -> tuple[KnowledgeBase, ValidationReport]:
    """Load the KB and validate it; raises KBError for unreadable input."""
    kb = KnowledgeBase.load(root, files=files)
    return kb, validate(kb, shapes_graph(root))


__all__ = ["KBError", "ValidationReport", "Violation", "load_and_validate", "shapes_graph", "validate"]
