"""ONS lookups from LSOA or local authority to sub-ICB location (or CCG) and ICB, with a header row.

Columns are found by pattern (LAD22CD, SICBL22CDH, ICB22NM, LSOA21CD, CCG21CD …) so other years load too.
"""

from __future__ import annotations

from .base import RowImporter
from .checks import gss_code, ods_code
from .csvstream import UnreadableInput
from .geographies import Geographies
from .ons_columns import find_columns, first_present
from .provenance import ONS_ATTRIBUTION, OGL3, ONS
from .report import RowRefused

LOWER = ("LSOA",)
LA = ("LAD", "LTLA", "UTLA", "CTYUA")
SUB_ICB = ("SICBL", "CCG")
ICB = ("ICB", "STP")


class OnsLookupImporter(RowImporter):
    dataset = "ons-lookup"
    title = "ONS lookup to sub-ICB locations and integrated care boards"
    publisher = ONS
    licence, attribution = OGL3, ONS_ATTRIBUTION
    has_header = True

    def start(self, header):
        self.header = header
        cols = find_columns(header)
        self.lsoa = first_present(cols, LOWER, "CD")
        self.la = first_present(cols, LA, "CD")
        self.sub = first_present(cols, SUB_ICB, "CD")
        self.icb = first_present(cols, ICB, "CD")
        if not (self.lsoa or self.la) or not (self.sub or self.icb):
            raise UnreadableInput("expected an LSOA or local authority code column (such as LSOA21CD or LAD22CD) and a "
                                  f"sub-ICB location or ICB code column (such as SICBL22CD or ICB22CD); found: {', '.join(header)}")
        self.cols = cols
        self.geo = Geographies(self.index, self.out)

    def _named(self, found, kind):
        return self.cols.get((found[0], kind)) if found else None

    def row(self, fields):
        if len(fields) != len(self.header):
            raise RowRefused("(row)", f"expected {len(self.header)} columns, found {len(fields)}")
        values = {}
        for level, found in (("lsoa", self.lsoa), ("la", self.la), ("sub", self.sub), ("icb", self.icb)):
            if not found:
                continue
            geo, col = found
            code = gss_code(fields[col], self.header[col])
            ods_col = self._named(found, "CDH")
            ods = ods_code(fields[ods_col], self.header[ods_col], required=False) if ods_col is not None else None
            name_col = self._named(found, "NM")
            name = fields[name_col].strip() if name_col is not None else None
            values[level] = (geo, code, ods, name or None)
        if not any(v[1] for k, v in values.items() if k in ("lsoa", "la")):
            raise RowRefused(self.header[(self.lsoa or self.la)[1]], "empty; an area code is required")
        self._write(values)

    def _write(self, values):
        geo = self.geo
        chain = []
        if values.get("lsoa", (None, None))[1]:
            _, code, _, name = values["lsoa"]
            chain.append(geo.area(code, "lsoa", name))
        if values.get("la", (None, None))[1]:
            _, code, _, name = values["la"]
            chain.append(geo.area(code, "la", name))
        bodies = {}
        for level in ("sub", "icb"):
            if level not in values:
                continue
            prefix, code, ods, name = values[level]
            kind = "icb" if level == "icb" else ("ccg" if prefix == "CCG" else "sicbl")
            area = geo.area(code, kind, name) if code else None
            # STP codes (pre-2022 lookups) name a partnership, not a statutory body: area only.
            body = geo.body(kind, ods, code, name) if prefix != "STP" else None
            if area:
                chain.append(area)
                if body:
                    geo.covers(body, area)
            bodies[level] = body
        for inner, outer in zip(chain, chain[1:]):
            geo.within(inner, outer)
        if bodies.get("sub") and bodies.get("icb"):
            geo.part_of(bodies["sub"], bodies["icb"])
