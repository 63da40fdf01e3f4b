"""Catalogue results for people: table cells with labelled links, bar charts and map points."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from urllib.parse import quote

from ..catalogue import Query
from ..namespaces import BASE, PREFIXES

def local_href(iri: str, base_iri: str = BASE, root: str = "") -> str:
    """Link an IRI to its page here: this site's IRIs by path, any other IRI through /resource."""
    if iri.startswith(base_iri) and len(iri) > len(base_iri):
        return root + "/" + iri[len(base_iri):]
    return f"{root}/resource?uri={quote(iri, safe='')}"


def compact_iri(iri: str) -> str:
    for prefix, namespace in sorted(PREFIXES.items(), key=lambda kv: -len(kv[1])):
        if iri.startswith(namespace) and re.match(r"^[\w./-]*$", iri[len(namespace):]):
            return f"{prefix}:{iri[len(namespace):]}"
    return iri


@dataclass(frozen=True)
class Cell:
    text: str
    href: str | None = None
    title: str | None = None


@dataclass
class Table:
    columns: list[str]
    rows: list[list[Cell]]

    @property
    def headings(self) -> list[str]:
        return [humanise(c) for c in self.columns]


def humanise(variable: str) -> str:
    """Turn a variable name into a heading: `clientGroupLabel` becomes `Client group`."""
    name = variable[: -len("Label")] if variable.endswith("Label") and len(variable) > 5 else variable
    words = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", name).replace("_", " ").lower()
    return words[:1].upper() + words[1:]


def label_columns(variables: list[str]) -> set[str]:
    """Return the `xLabel` columns that label an `x` column (shown as link text, not on their own)."""
    return {v for v in variables if v.endswith("Label") and v[: -len("Label")] in variables}


def result_table(variables: list[str], rows: list[dict], base_iri: str = BASE, root: str = "") -> Table:
    """Lay the rows out for an HTML table: IRIs become links named by their label column."""
    hidden = label_columns(variables)
    shown = [v for v in variables if v not in hidden]
    return Table(shown, [[_cell(row, v, base_iri, root) for v in shown] for row in rows])


def _cell(row: dict, variable: str, base_iri: str, root: str) -> Cell:
    term = row.get(variable)
    if term is None:
        return Cell("")
    if term["type"] == "uri":
        label = row.get(variable + "Label", {}).get("value")
        return Cell(label or compact_iri(term["value"]), local_href(term["value"], base_iri, root), term["value"])
    if term["type"] == "bnode":
        return Cell("_:" + term["value"])
    return Cell(term["value"], title=term.get("datatype"))


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    text: str
    y: int
    width: float


@dataclass
class BarChart:
    bars: list[Bar]
    width: int
    height: int
    label_width: int
    plot_width: int
    value_name: str
    label_name: str
    ticks: list[tuple[str, float]]

    @property
    def value_heading(self) -> str:
        return humanise(self.value_name)

    @property
    def label_heading(self) -> str:
        return humanise(self.label_name)


BAR_HEIGHT, BAR_GAP, CHART_WIDTH = 22, 8, 720


def bar_chart(query: Query, variables: list[str], rows: list[dict]) -> BarChart | None:
    """Lay out a horizontal bar chart of the query's label and value columns (None when nothing to draw).

    The bars carry no links: the table under the chart links every row, and an image with links
    inside is hard to use with a keyboard or a screen reader.
    """
    label_name, value_name = _chart_columns(query, variables, rows)
    if not label_name or not value_name:
        return None
    iri_name = label_name[: -len("Label")] if label_name.endswith("Label") else label_name
    data = []
    for row in rows:
        number = _number(row.get(value_name))
        if number is not None:
            label = row.get(label_name, {}).get("value") or compact_iri(row.get(iri_name, {}).get("value", ""))
            data.append((label, number, row[value_name]["value"]))
    if not data:
        return None
    label_width = min(320, 14 + 7 * max(len(label) for label, *_ in data))
    plot_width = CHART_WIDTH - label_width - 60
    top = max(number for _, number, _ in data) or 1
    bars = [
        Bar(label, number, text, 24 + i * (BAR_HEIGHT + BAR_GAP), max(0.0, plot_width * number / top))
        for i, (label, number, text) in enumerate(data)
    ]
    whole = all(float(number).is_integer() for _, number, _ in data)
    ticks = [(f"{t:g}", plot_width * t / top) for t in _ticks(top, whole)]
    height = 24 + len(bars) * (BAR_HEIGHT + BAR_GAP) + 8
    return BarChart(bars, CHART_WIDTH, height, label_width, plot_width, value_name, label_name, ticks)


def _chart_columns(query: Query, variables: list[str], rows: list[dict]) -> tuple[str | None, str | None]:
    label = query.chart.get("label")
    value = query.chart.get("value")
    if not value:
        value = next((v for v in variables if rows and _number(rows[0].get(v)) is not None), None)
    if not label:
        label = next((v for v in variables if v.endswith("Label")), None) or next((v for v in variables if v != value), None)
    return (label if label in variables else None), (value if value in variables else None)


def _ticks(top: float, whole: bool) -> list[float]:
    """Return up to six round tick values from 0 to top (whole numbers only for counts)."""
    magnitude = 10 ** math.floor(math.log10(top))
    for factor in (0.1, 0.2, 0.5, 1, 2, 5, 10):
        step = factor * magnitude
        if (not whole or step >= 1) and top / step <= 5:
            break
    return [round(i * step, 6) for i in range(int(top / step + 1e-9) + 1)]


def _number(term: dict | None) -> float | None:
    if not term or term.get("type") != "literal":
        return None
    try:
        return float(term["value"])
    except ValueError:
        return None


@dataclass(frozen=True)
class MapPoint:
    label: str
    x: float
    y: float


MAP_WIDTH, MAP_HEIGHT, MAP_MARGIN = 480, 560, 24


def map_points(variables: list[str], rows: list[dict]) -> list[MapPoint]:
    """Place rows with latitude and longitude columns on an SVG, fitted to the points.

    Longitudes are shrunk by 0.6, about cos(53°), so Britain keeps its shape. Like the bars of a
    chart, the points carry no links: the table under the map links every row.
    """
    lat_name = next((v for v in variables if v.lower() in ("lat", "latitude")), None)
    long_name = next((v for v in variables if v.lower() in ("long", "lon", "lng", "longitude")), None)
    if not lat_name or not long_name:
        return []
    located = [(_row_label(variables, row), _number(row.get(lat_name)), _number(row.get(long_name))) for row in rows]
    located = [(label, lat, lon * 0.6) for label, lat, lon in located if lat is not None and lon is not None]
    if not located:
        return []
    lats, xs = [lat for _, lat, _ in located], [x for _, _, x in located]
    scale = (min(MAP_WIDTH, MAP_HEIGHT) - 2 * MAP_MARGIN) / max(max(lats) - min(lats), max(xs) - min(xs), 0.05)
    mid_lat, mid_x = (max(lats) + min(lats)) / 2, (max(xs) + min(xs)) / 2
    return [
        MapPoint(label, round(MAP_WIDTH / 2 + (x - mid_x) * scale, 1), round(MAP_HEIGHT / 2 - (lat - mid_lat) * scale, 1))
        for label, lat, x in located
    ]


def _row_label(variables: list[str], row: dict) -> str:
    """Name a row by its first IRI column's label, else that IRI."""
    name = next((v for v in variables if row.get(v, {}).get("type") == "uri"), None)
    if name is None:
        return ""
    return row.get(f"{name}Label", {}).get("value") or compact_iri(row[name]["value"])


def count_value(variables: list[str], rows: list[dict]) -> str | None:
    """Return the first number in the first row, for the `count` view."""
    for variable in variables:
        if rows and _number(rows[0].get(variable)) is not None:
            return rows[0][variable]["value"]
    return None
