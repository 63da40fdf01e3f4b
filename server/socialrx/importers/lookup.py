"""Find the curated IRIs for ODS and GSS codes, so imported facts attach to our own bodies and areas.

Only the curated data (data/) is consulted, never earlier imports, so the IRIs an import mints do
not depend on the order in which files were imported.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from .. import kb as kbmod
from .. import paths
from .vocab import SRX, gss_iri, ods_iri

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
AREA_CLASSES = {SRX + c for c in ("Area", "LocalAuthorityArea", "NHSArea", "PostcodeUnit")}
BODY_CLASSES = {SRX + c for c in ("NHSBody", "IntegratedCareBoard", "SubICBLocation", "ClinicalCommissioningGroup", "HealthBoard", "GPPractice", "LocalAuthority")}


@dataclass
class CodeIndex:
    """Codes → curated IRIs, with the types, dissolution dates and covered areas needed to choose among them."""

    by_ods: dict = field(default_factory=lambda: defaultdict(set))
    by_gss: dict = field(default_factory=lambda: defaultdict(set))
    types: dict = field(default_factory=lambda: defaultdict(set))
    dissolved: dict = field(default_factory=dict)
    covers: dict = field(default_factory=lambda: defaultdict(set))

    @classmethod
    def from_curated(cls, root: Path | None = None) -> "CodeIndex":
        root = Path(root) if root else paths.kb_root()
        data = root / "data"
        files = [p for p in kbmod.kb_files(root) if p.is_relative_to(data)]
        index = cls()
        for path in files:
            for q in kbmod.parse_file(path):
                index._add(q.subject.value, q.predicate.value, q.object.value)
        return index

    def _add(self, s: str, p: str, o: str) -> None:
        if p == SRX + "odsCode":
            self.by_ods[o].add(s)
        elif p == SRX + "gssCode":
            self.by_gss[o].add(s)
        elif p == RDF_TYPE:
            self.types[s].add(o)
        elif p == SRX + "dissolved":
            self.dissolved[s] = o
        elif p == SRX + "covers":
            self.covers[s].add(o)

    def fingerprint(self) -> str:
        """Changes when the curated codes change, so a re-import then maps codes afresh."""
        h = hashlib.sha256()
        for name, table in (("ods", self.by_ods), ("gss", self.by_gss), ("covers", self.covers)):
            for key in sorted(table):
                h.update(f"{name}\t{key}\t{' '.join(sorted(table[key]))}\n".encode())
        for key in sorted(self.dissolved):
            h.update(f"dissolved\t{key}\t{self.dissolved[key]}\n".encode())
        return h.hexdigest()[:16]

    def _choose(self, candidates: set[str], wanted: set[str] | None) -> str | None:
        if wanted:
            candidates = {c for c in candidates if self.types.get(c, set()) & wanted}
        if not candidates:
            return None
        # A body that still exists beats one that was dissolved; then the latest dissolution; then the IRI.
        return sorted(candidates, key=lambda c: (c in self.dissolved, "" if c not in self.dissolved else _neg(self.dissolved[c]), c))[0]

    def body(self, ods_code: str, wanted: set[str] | None = None) -> str | None:
        """The curated body with this ODS code (of one of the wanted classes), if any."""
        return self._choose(self.by_ods.get(ods_code, set()), wanted)

    def body_or_mint(self, ods_code: str, wanted: set[str] | None = None) -> tuple[str, bool]:
        found = self.body(ods_code, wanted)
        return (found, False) if found else (ods_iri(ods_code), True)

    def area(self, gss_code: str) -> str | None:
        """The curated area for a GSS code: an area with the code, else the one area that the body with the code covers."""
        areas = self._choose(self.by_gss.get(gss_code, set()), AREA_CLASSES)
        if areas:
            return areas
        bodies = {b for b in self.by_gss.get(gss_code, set()) if self.types.get(b, set()) & BODY_CLASSES}
        covered = {a for b in bodies for a in self.covers.get(b, set())}
        return covered.pop() if len(covered) == 1 else None

    def area_or_mint(self, gss_code: str) -> tuple[str, bool]:
        found = self.area(gss_code)
        return (found, False) if found else (gss_iri(gss_code), True)


def _neg(date: str) -> str:
    # Sort later dissolution dates first by inverting the digits.
    return "".join(chr(ord("9") - ord(c) + ord("0")) if c.isdigit() else c for c in date)
