"""OS Code-Point Open: each postcode unit with its grid reference, local authority district and ward.

The published CSV has no header row and ten columns (Code-Point_Open_Column_Headers.csv in the product:
Postcode, Positional_quality_indicator, Eastings, Northings, Country_code, NHS_regional_HA_code,
NHS_HA_code, Admin_county_code, Admin_district_code, Admin_ward_code). Eastings and northings are on the
British National Grid (EPSG:27700); pyproj converts them to WGS 84 (EPSG:4326) latitude and longitude.
Code-Point gives area codes only, never names: a district or ward that the curated data does not name is
labelled by its code. Streamed; only the few hundred areas are remembered.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from functools import lru_cache

from .base import RowImporter
from .checks import gss_code, postcode
from .geographies import Geographies
from .nquads import iri, literal, typed
from .provenance import OGL3, ORDNANCE_SURVEY, OS_ATTRIBUTION
from .report import RowRefused
from .vocab import (DCT, LATITUDE, LONGITUDE, OVERLAPS, POSTCODE, POSTCODE_DISTRICT, POSTCODE_UNIT, POSTCODE_UNITS, RDF_TYPE, RDFS_COMMENT,
                    RDFS_LABEL, WITHIN, XSD_DECIMAL, postcode_district_iri, postcode_iri)

NAMES = ["Postcode", "Positional_quality_indicator", "Eastings", "Northings", "Country_code", "NHS_regional_HA_code",
         "NHS_HA_code", "Admin_county_code", "Admin_district_code", "Admin_ward_code"]
PC, PQI, EAST, NORTH, DISTRICT, WARD = 0, 1, 2, 3, 8, 9
# Positional quality: 10 within the building … 60 postcode sector mean; 90 means no grid reference (metadata.txt).
QUALITY = {10, 20, 30, 40, 50, 60, 90}
NO_GRID = 90
NOT_NAMED = "name not in the shipped data"


@lru_cache(maxsize=1)
def _to_wgs84():
    from pyproj import Transformer  # imported on first use: serving never needs it

    return Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True)


def grid_to_wgs84(easting: float, northing: float) -> tuple[float, float]:
    """British National Grid metres → (latitude, longitude) in WGS 84 degrees."""
    lon, lat = _to_wgs84().transform(easting, northing)
    return lat, lon


def district_label(code: str) -> str:
    return f"Local authority district {code} ({NOT_NAMED})"


def ward_label(code: str) -> str:
    return f"Electoral ward {code} ({NOT_NAMED})"


class CodePointImporter(RowImporter):
    dataset = "os-codepoint"
    title = "OS Code-Point Open"
    publisher = ORDNANCE_SURVEY
    licence, attribution = OGL3, OS_ATTRIBUTION

    def __init__(self, index, out):
        super().__init__(index, out)
        self.geo = Geographies(index, out)
        # Per postcode district (outward code): units, areas and summed coordinates; a few hundred entries.
        self.units: Counter = Counter()
        self.areas: dict[str, Counter] = defaultdict(Counter)
        self.points: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0])
        self.district_points: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0])

    def is_header(self, fields):
        return bool(fields) and fields[0].strip().upper() in {"POSTCODE", "PC"}

    def row(self, f):
        if len(f) != len(NAMES):
            raise RowRefused("(row)", f"expected {len(NAMES)} columns, found {len(f)}")
        pc = postcode(f[PC], NAMES[PC], required=True)
        quality = _integer(f[PQI], NAMES[PQI])
        if quality not in QUALITY:
            raise RowRefused(NAMES[PQI], f"{f[PQI].strip()!r} is not a positional quality indicator (expected one of {', '.join(map(str, sorted(QUALITY)))})")
        east, north = _integer(f[EAST], NAMES[EAST]), _integer(f[NORTH], NAMES[NORTH])
        if quality != NO_GRID:
            if not 0 <= east <= 700_000:
                raise RowRefused(NAMES[EAST], f"{east} is outside the British National Grid (0..700000)")
            if not 0 <= north <= 1_300_000:
                raise RowRefused(NAMES[NORTH], f"{north} is outside the British National Grid (0..1300000)")
        district = gss_code(f[DISTRICT], NAMES[DISTRICT])
        ward = gss_code(f[WARD], NAMES[WARD])
        # Every field checked: now write, so a refused row leaves nothing behind.
        s = f"<{postcode_iri(pc)}>"
        out = self.out
        out.quad(s, RDF_TYPE, POSTCODE_UNIT)
        out.quad(s, POSTCODE, literal(pc))
        district_term = self.geo.area(district, "la", district_label(district)) if district else None
        if district_term:
            out.quad(s, WITHIN, district_term)
        if ward:
            ward_term = self.geo.area(ward, "ward", ward_label(ward))
            out.quad(s, WITHIN, ward_term)
            if district_term:
                self.geo.within(ward_term, district_term)
        outward = pc.split(" ")[0]
        self.units[outward] += 1
        for area in (district_term, ward_term if ward else None):
            if area:
                self.areas[outward][area] += 1
        if quality != NO_GRID:
            lat, lon = grid_to_wgs84(east, north)
            out.quad(s, LATITUDE, f'"{lat:.6f}"^^{XSD_DECIMAL}')
            out.quad(s, LONGITUDE, f'"{lon:.6f}"^^{XSD_DECIMAL}')
            for point in (self.points[outward], self.district_points[district_term] if district_term else None):
                if point is not None:
                    point[0] += lat
                    point[1] += lon
                    point[2] += 1

    def finish(self):
        """A node per postcode district, so that `BS1` resolves by its IRI to the areas its units lie in;
        a point for each local authority district, the mean of its units' points (for maps)."""
        out = self.out
        out.quad(out.graph, iri(DCT + "description"), literal(
            "Postcode units with their wards and local authority districts and their points converted from British National Grid "
            "eastings and northings to WGS 84 with pyproj. The points of postcode districts and local authority districts are "
            "derived here: the mean of the points of their postcode units.", lang="en-GB"))
        for area, (lat, lon, located) in sorted(self.district_points.items()):
            if located:
                out.quad(area, LATITUDE, f'"{lat / located:.6f}"^^{XSD_DECIMAL}')
                out.quad(area, LONGITUDE, f'"{lon / located:.6f}"^^{XSD_DECIMAL}')
        for outward in sorted(self.units):
            d = f"<{postcode_district_iri(outward)}>"
            n = self.units[outward]
            out.quad(d, RDF_TYPE, POSTCODE_DISTRICT)
            out.quad(d, POSTCODE, literal(outward))
            out.quad(d, RDFS_LABEL, literal(f"Postcode district {outward}", lang="en-GB"))
            out.quad(d, POSTCODE_UNITS, typed(n, "nonNegativeInteger"))
            for area, count in sorted(self.areas[outward].items()):
                # Within an area when every unit of the district lies in it, else it overlaps the area.
                out.quad(d, WITHIN if count == n else OVERLAPS, area)
            lat, lon, located = self.points.get(outward, (0, 0, 0))
            if located:
                out.quad(d, LATITUDE, f'"{lat / located:.6f}"^^{XSD_DECIMAL}')
                out.quad(d, LONGITUDE, f'"{lon / located:.6f}"^^{XSD_DECIMAL}')
                out.quad(d, RDFS_COMMENT, literal(f"Its point is the mean of the points of its {located:,} postcode units "
                                                  "with a grid reference in Code-Point Open.", lang="en-GB"))


def _integer(value: str, column: str) -> int:
    try:
        return int(value.strip())
    except ValueError:
        raise RowRefused(column, f"{value.strip()!r} is not a whole number") from None
