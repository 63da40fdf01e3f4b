"""Areas and NHS bodies named by GSS and ODS codes in ONS files: reuse curated IRIs, mint the rest once."""

from __future__ import annotations

from .lookup import CodeIndex
from .nquads import QuadWriter, iri, literal
from .vocab import (AREA, CCG, COVERS, GSS_CODE, GSS_IRI, ICB, LA_AREA, NHS_AREA, ODS_CODE, ODS_RECORD_P, ORG_SUB, RDF_TYPE,
                    RDFS_LABEL, RESPONSIBLE_GEO, STAT_GEO, SUB_ICB, WITHIN, ods_record)

AREA_CLASS = {"lsoa": AREA, "ward": AREA, "la": LA_AREA, "sicbl": NHS_AREA, "ccg": NHS_AREA, "icb": NHS_AREA}
BODY_CLASS = {"sicbl": SUB_ICB, "ccg": CCG, "icb": ICB}


class Geographies:
    """Writes each minted area or body once, and each within/covers/subOrganizationOf link once."""

    def __init__(self, index: CodeIndex, out: QuadWriter):
        self.index, self.out = index, out
        self._areas: dict[str, str] = {}  # GSS code → N-Quads term, bounded by the number of distinct codes

    def area(self, code: str, level: str, name: str | None = None) -> str:
        term = self._areas.get(code)
        if term:
            return term
        subject, minted = self.index.area_or_mint(code)
        term = iri(subject)
        if minted:
            self.out.quad(term, RDF_TYPE, AREA_CLASS[level])
            self.out.quad(term, GSS_CODE, literal(code))
            self.out.quad(term, STAT_GEO, iri(GSS_IRI + code))
            label = name if level in ("la", "lsoa", "ward") else (f"Area of {name}" if name else None)
            self.out.quad(term, RDFS_LABEL, literal(label or f"Area {code}", lang="en-GB"))
        else:
            # The dataset names our area by this code (the area's own, or that of the body covering it).
            self.out.quad(term, GSS_CODE, literal(code))
        self._areas[code] = term
        return term

    def body(self, level: str, ods_code: str | None, gss_code: str | None, name: str | None) -> str | None:
        """The body for a sub-ICB location, CCG or ICB, by ODS code, else by GSS code; minted when only codes are known."""
        cls = BODY_CLASS[level].strip("<>")
        found = (self.index.body(ods_code, {cls}) if ods_code else None) or self._by_gss(gss_code, cls)
        if found:
            term = iri(found)
            if ods_code and found in self.index.by_ods.get(ods_code, ()):
                self.out.once(term, ODS_CODE, literal(ods_code))  # the dataset confirms our code
            if gss_code and found in self.index.by_gss.get(gss_code, ()):
                self.out.once(term, GSS_CODE, literal(gss_code))
            return term
        if not ods_code:
            return None
        subject, _ = self.index.body_or_mint(ods_code, {cls})
        term = iri(subject)
        self.out.once(term, RDF_TYPE, BODY_CLASS[level])
        self.out.once(term, ODS_CODE, literal(ods_code))
        self.out.once(term, ODS_RECORD_P, iri(ods_record(ods_code)))
        if gss_code:
            self.out.once(term, GSS_CODE, literal(gss_code))
            self.out.once(term, RESPONSIBLE_GEO, iri(GSS_IRI + gss_code))
        if name:
            self.out.once(term, RDFS_LABEL, literal(name, lang="en-GB"))
        return term

    def _by_gss(self, code: str | None, cls: str) -> str | None:
        if not code:
            return None
        found = {c for c in self.index.by_gss.get(code, set()) if cls in self.index.types.get(c, set())}
        return sorted(found)[0] if found else None

    def within(self, inner: str, outer: str) -> None:
        if inner != outer:
            self.out.once(inner, WITHIN, outer)

    def covers(self, body: str, area: str) -> None:
        self.out.once(body, COVERS, area)

    def part_of(self, unit: str, parent: str) -> None:
        if unit != parent:
            self.out.once(unit, ORG_SUB, parent)
