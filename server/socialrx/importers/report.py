"""What an import did: rows read, imported and refused (by line number, column and reason)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

MAX_LISTED = 1000  # refusals kept in full; the rest are only counted, so memory stays flat


@dataclass(frozen=True)
class Refusal:
    line: int
    column: str
    reason: str

    def text(self) -> str:
        return f"line {self.line}: {self.column}: {self.reason}"


class RowRefused(Exception):
    """Raised while checking a row; carries the column and reason."""

    def __init__(self, column: str, reason: str):
        super().__init__(f"{column}: {reason}")
        self.column, self.reason = column, reason


@dataclass
class ImportReport:
    dataset: str
    source: Path
    target: Path | None = None
    graph: str = ""
    rows_read: int = 0
    rows_imported: int = 0
    refused_count: int = 0
    refusals: list[Refusal] = field(default_factory=list)
    triples: int = 0
    seconds: float = 0.0
    unchanged: bool = False
    replaced: bool = False
    notes: list[str] = field(default_factory=list)

    def refuse(self, line: int, column: str, reason: str) -> None:
        self.refused_count += 1
        if len(self.refusals) < MAX_LISTED:
            self.refusals.append(Refusal(line, column, reason))

    @property
    def rows_per_second(self) -> float:
        return self.rows_read / self.seconds if self.seconds else 0.0

    @property
    def exit_code(self) -> int:
        return 1 if self.refused_count else 0

    def lines(self) -> list[str]:
        out = [f"{self.dataset}: {self.source}"]
        if self.unchanged:
            out.append(f"  unchanged: {self.target} already holds this file (same SHA-256); use --force to import again")
        else:
            out.append(f"  {self.rows_read:,} rows read, {self.rows_imported:,} imported, {self.refused_count:,} refused "
                       f"in {self.seconds:.1f} s ({self.rows_per_second:,.0f} rows/s)")
            out.append(f"  {self.triples:,} triples in graph <{self.graph}>")
            out.append(f"  {'written to' if self.replaced else 'NOT written; kept'} {self.target}")
        out += [f"  note: {n}" for n in self.notes]
        if self.refusals:
            out.append("  refused rows:")
            out += [f"    {r.text()}" for r in self.refusals]
            if self.refused_count > len(self.refusals):
                out.append(f"    … and {self.refused_count - len(self.refusals):,} more")
        return out

    def as_dict(self) -> dict:
        return {
            "dataset": self.dataset, "source": str(self.source), "target": str(self.target), "graph": self.graph,
            "rows_read": self.rows_read, "rows_imported": self.rows_imported, "refused": self.refused_count,
            "refusals": [r.__dict__ for r in self.refusals], "triples": self.triples,
            "seconds": round(self.seconds, 3), "unchanged": self.unchanged, "replaced": self.replaced,
        }
