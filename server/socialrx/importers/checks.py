"""Checks for the codes, dates and numbers in published rows; each returns the clean value or raises RowRefused."""

from __future__ import annotations

import datetime as dt
import re

from .report import RowRefused

ODS_CODE = re.compile(r"^[A-Z0-9]{3,6}$")
PRACTICE_CODE = re.compile(r"^[A-Z][0-9]{5}$")
GSS_CODE = re.compile(r"^[EWSNKLM][0-9]{8}$")
# Outward code (area letters + district) and inward code (sector digit + unit letters), as Royal Mail forms them.
POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?) ?([0-9][A-Z]{2})$")
POSTCODE_FORMAT = "an outward code of 2–4 letters and digits starting with a letter (such as BS1 or SW1A), then an inward code of a digit and two letters (such as 1NG)"


def is_pseudo_gss(code: str) -> bool:
    """ONS writes codes like E99999999 for 'no such area here'."""
    return code.endswith("99999999")


def ods_code(value: str, column: str, pattern: re.Pattern = ODS_CODE, required: bool = True) -> str | None:
    value = value.strip().upper()
    if not value:
        if required:
            raise RowRefused(column, "empty; an ODS code is required")
        return None
    if not pattern.match(value):
        raise RowRefused(column, f"{value!r} is not an ODS code (expected {pattern.pattern})")
    return value


def gss_code(value: str, column: str, required: bool = False) -> str | None:
    """A GSS code, or None for an empty or pseudo code."""
    value = value.strip().upper()
    if not value or is_pseudo_gss(value):
        if required:
            raise RowRefused(column, "empty; a GSS code is required")
        return None
    if not GSS_CODE.match(value):
        raise RowRefused(column, f"{value!r} is not a GSS code (expected {GSS_CODE.pattern})")
    return value


def normalise_postcode(value: str) -> str | None:
    """'bs11ng' → 'BS1 1NG'; None when the text is not shaped like a UK postcode."""
    m = POSTCODE.match(re.sub(r"\s+", " ", value.strip().upper()))
    return f"{m.group(1)} {m.group(2)}" if m else None


def postcode(value: str, column: str, required: bool = False) -> str | None:
    if not value.strip():
        if required:
            raise RowRefused(column, "empty; a postcode is required")
        return None
    clean = normalise_postcode(value)
    if clean is None:
        raise RowRefused(column, f"{value.strip()!r} is not a UK postcode (expected {POSTCODE_FORMAT})")
    return clean


def date_yyyymmdd(value: str, column: str, required: bool = False) -> str | None:
    """'20220701' → '2022-07-01'."""
    value = value.strip()
    if not value:
        if required:
            raise RowRefused(column, "empty; a date (YYYYMMDD) is required")
        return None
    try:
        return dt.datetime.strptime(value, "%Y%m%d").date().isoformat() if len(value) == 8 else _bad()
    except ValueError:
        raise RowRefused(column, f"{value!r} is not a date (expected YYYYMMDD)") from None


def month_yyyymm(value: str, column: str) -> str | None:
    """'201808' → '2018-08' (an xsd:gYearMonth); None when empty."""
    value = value.strip()
    if not value:
        return None
    if len(value) != 6 or not value.isdigit() or not 1 <= int(value[4:]) <= 12:
        raise RowRefused(column, f"{value!r} is not a year and month (expected YYYYMM)")
    return f"{value[:4]}-{value[4:]}"


def decimal(value: str, column: str, low: float, high: float) -> str | None:
    """A decimal within bounds, as text; None when empty."""
    value = value.strip()
    if not value:
        return None
    try:
        number = float(value)
    except ValueError:
        raise RowRefused(column, f"{value!r} is not a number") from None
    if not low <= number <= high:
        raise RowRefused(column, f"{value} is outside {low}..{high}")
    return value


def _bad():
    raise ValueError
