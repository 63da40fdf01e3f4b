"""The ONS Postcode Directory (ONSPD) CSV: each postcode unit, its local authority, sub-ICB location and ICB.

Streamed: a row is read, checked and written before the next is read; only the few hundred areas
are remembered, so memory stays flat however many postcodes the file holds.
"""

from __future__ import annotations

from .base import RowImporter
from .checks import decimal, gss_code, month_yyyymm, postcode
from .csvstream import UnreadableInput
from .geographies import Geographies
from .nquads import literal
from .ons_columns import by_name
from .provenance import ONS_ATTRIBUTION, OGL3, ONS
from .report import RowRefused
from .vocab import DISSOLVED, FOUNDED, LATITUDE, LONGITUDE, POSTCODE, POSTCODE_UNIT, RDF_TYPE, WITHIN, XSD_DECIMAL, XSD_GYEARMONTH, postcode_iri

NO_GRID_LATITUDE = 99.999999  # ONSPD's value for a postcode without a grid reference


class OnsPostcodesImporter(RowImporter):
    dataset = "ons-postcodes"
    title = "ONS Postcode Directory (ONSPD)"
    publisher = ONS
    licence, attribution = OGL3, ONS_ATTRIBUTION
    has_header = True

    def start(self, header):
        self.header = header
        self.width = len(header)
        self.pc = by_name(header, "pcds", "pcd", "pcd7", "pcd8", "pcd2")
        self.la = by_name(header, "oslaua", "laua", "ladcd", pattern=r"^lad\d\dcd$")
        self.sub = by_name(header, "sicbl", "ccg", pattern=r"^(sicbl|ccg)\d\dcd$")
        self.icb = by_name(header, "icb", pattern=r"^icb\d\dcd$")
        self.lat = by_name(header, "lat")
        self.long = by_name(header, "long")
        self.intro = by_name(header, "dointr")
        self.term = by_name(header, "doterm")
        if self.pc is None or self.la is None:
            raise UnreadableInput("expected ONSPD columns: a postcode (pcds or pcd) and a local authority (oslaua, laua "
                                  f"or LADnnCD); found: {', '.join(header[:12])}{' …' if len(header) > 12 else ''}")
        self.sub_kind = "ccg" if self.sub is not None and header[self.sub].lower().startswith("ccg") else "sicbl"
        self.geo = Geographies(self.index, self.out)
        self._bodies_done: set[str] = set()

    def row(self, f):
        if len(f) != self.width:
            raise RowRefused("(row)", f"expected {self.width} columns, found {len(f)}")
        h = self.header
        pc = postcode(f[self.pc], h[self.pc], required=True)
        la = gss_code(f[self.la], h[self.la])
        sub = gss_code(f[self.sub], h[self.sub]) if self.sub is not None else None
        icb = gss_code(f[self.icb], h[self.icb]) if self.icb is not None else None
        lat = lon = None
        if self.lat is not None and self.long is not None and f[self.lat].strip():
            if float_or_none(f[self.lat]) != NO_GRID_LATITUDE:
                lat = decimal(f[self.lat], h[self.lat], 49.0, 61.0)
                lon = decimal(f[self.long], h[self.long], -9.0, 3.0)
        intro = month_yyyymm(f[self.intro], h[self.intro]) if self.intro is not None else None
        term = month_yyyymm(f[self.term], h[self.term]) if self.term is not None else None

        s = f"<{postcode_iri(pc)}>"
        out = self.out
        out.quad(s, RDF_TYPE, POSTCODE_UNIT)
        out.quad(s, POSTCODE, literal(pc))
        areas = []
        if la:
            areas.append(self.geo.area(la, "la"))
        if sub:
            areas.append(self._nhs_area(sub, self.sub_kind))
        if icb:
            areas.append(self._nhs_area(icb, "icb"))
        for area in dict.fromkeys(areas):
            out.quad(s, WITHIN, area)
        if lat is not None:
            out.quad(s, LATITUDE, f'"{lat}"^^{XSD_DECIMAL}')
            out.quad(s, LONGITUDE, f'"{lon}"^^{XSD_DECIMAL}')
        if intro:
            out.quad(s, FOUNDED, f'"{intro}"^^{XSD_GYEARMONTH}')
        if term:
            out.quad(s, DISSOLVED, f'"{term}"^^{XSD_GYEARMONTH}')

    def _nhs_area(self, code: str, kind: str) -> str:
        area = self.geo.area(code, kind)
        if code not in self._bodies_done:
            self._bodies_done.add(code)
            body = self.geo.body(kind, None, code, None)
            if body:
                self.geo.covers(body, area)
        return area


def float_or_none(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None
