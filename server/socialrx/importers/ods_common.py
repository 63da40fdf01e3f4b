"""What the ODS files (epraccur, eccg) share: 27 columns, no header, YYYYMMDD dates, address lines."""

from __future__ import annotations

from .checks import date_yyyymmdd, postcode
from .nquads import QuadWriter, iri, literal, typed
from .report import RowRefused
from .vocab import DISSOLVED, FOUNDED, ODS_CODE, ODS_RECORD_P, ODS_STATUS, POSTCODE, RDF_TYPE, RDFS_LABEL, ods_record, schema

COLUMNS = 27
STATUS = {"A": "active", "C": "closed", "D": "dormant", "P": "proposed"}
# The current export (ODS Data Search and Export, "DSE") spells the status out; kept as the file gives it.
DSE_STATUS = {"ACTIVE": "active", "INACTIVE": "closed", "DORMANT": "dormant", "PROPOSED": "proposed"}


def check_width(fields: list[str]) -> None:
    if len(fields) != COLUMNS:
        raise RowRefused("(row)", f"expected {COLUMNS} columns, found {len(fields)}")


def check_status(value: str, column: str, required: bool = True) -> str | None:
    """A legacy status code (A, C, D, P) or a current-export status (ACTIVE, INACTIVE, DORMANT, PROPOSED)."""
    value = value.strip().upper()
    if not value and not required:
        return None
    if value not in STATUS and value not in DSE_STATUS:
        raise RowRefused(column, f"{value!r} is not an ODS status (expected one of {', '.join([*STATUS, *DSE_STATUS])})")
    return value


def check_dates(fields: list[str], open_col: int, close_col: int, names: list[str]) -> tuple[str | None, str | None]:
    opened = date_yyyymmdd(fields[open_col], names[open_col], required=True)
    closed = date_yyyymmdd(fields[close_col], names[close_col])
    if closed and closed < opened:
        raise RowRefused(names[close_col], f"closes ({closed}) before it opens ({opened})")
    return opened, closed


def check_postcode(fields: list[str], col: int, names: list[str]) -> str | None:
    return postcode(fields[col], names[col])


def write_record(out: QuadWriter, subject: str, code: str, name: str | None, opened: str | None, closed: str | None, status: str | None) -> None:
    """The ODS record's own facts about a body we mint: code, record link, name, dates, status."""
    s = iri(subject)
    out.quad(s, ODS_CODE, literal(code))
    out.quad(s, ODS_RECORD_P, iri(ods_record(code)))
    if name:
        out.quad(s, RDFS_LABEL, literal(name, lang="en-GB"))
    if opened:
        out.quad(s, FOUNDED, typed(opened, "date"))
    if closed:
        out.quad(s, DISSOLVED, typed(closed, "date"))
    if status:
        out.quad(s, ODS_STATUS, literal(status))


def write_address(out: QuadWriter, subject: str, lines: list[str], code_postcode: str | None) -> None:
    """An address node named after its subject (no blank nodes, so re-imports give the same triples)."""
    lines = [line.strip() for line in lines]
    if not any(lines) and not code_postcode:
        return
    s, a = iri(subject), iri(subject + "#address")
    if code_postcode:
        out.quad(s, POSTCODE, literal(code_postcode))
    out.quad(s, schema("address"), a)
    out.quad(a, RDF_TYPE, schema("PostalAddress"))
    street = ", ".join(line for line in lines[:3] if line)
    if street:
        out.quad(a, schema("streetAddress"), literal(street))
    if len(lines) > 3 and lines[3]:
        out.quad(a, schema("addressLocality"), literal(lines[3]))
    if len(lines) > 4 and lines[4]:
        out.quad(a, schema("addressRegion"), literal(lines[4]))
    if code_postcode:
        out.quad(a, schema("postalCode"), literal(code_postcode))
