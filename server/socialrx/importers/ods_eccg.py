"""ODS eccg.csv: integrated care boards, sub-ICB locations and (closed) CCGs (no header row, 27 columns).

Bodies we already describe keep their curated facts; the import adds the ODS name as an
alternative label, the ODS record link, the status and the address. Bodies we do not describe
are minted as `id/ods/<CODE>` with the ODS record's own facts (including open and close dates).
"""

from __future__ import annotations

import re

from .base import RowImporter
from .checks import ods_code
from .nquads import iri, literal
from .ods_common import STATUS, check_dates, check_postcode, check_width, write_address, write_record
from .provenance import NHS_ATTRIBUTION, OGL3, NHS_ENGLAND
from .report import RowRefused
from .vocab import CCG, ICB, NHS_BODY, ODS_CODE, ODS_RECORD_P, ODS_STATUS, ORG_SUB, RDF_TYPE, SKOS_ALT, SUB_ICB, ods_record

NAMES = [
    "IcbOdsCode", "IcbName", "NationalGrouping", "HighLevelHealthGeography",
    "AddressLine1", "AddressLine2", "AddressLine3", "AddressLine4", "AddressLine5", "Postcode",
    "OpenDate", "CloseDate", "Null1", "OrganisationSubTypeCode", "Null2", "Null3", "Null4", "Null5",
    "Null6", "Null7", "Null8", "AmendedRecordIndicator", "Null9", "Null10", "Null11", "Null12", "Null13",
]
CODE, NAME, PARENT, ADDRESS, POSTCODE_COL, OPEN, CLOSE = 0, 1, 3, slice(4, 9), 9, 10, 11
ICB_CODE = re.compile(r"^Q[A-Z0-9]{2}$")
SUB_ICB_NAME = re.compile(r"\bICB - [A-Z0-9]{3,5}$", re.I)


def kind_of(name: str) -> str:
    """The class a row's body belongs to, read from the name ODS gives it."""
    upper = name.upper()
    if "INTEGRATED CARE BOARD" in upper:
        return ICB
    if SUB_ICB_NAME.search(name):
        return SUB_ICB
    if upper.endswith(" CCG") or "CLINICAL COMMISSIONING GROUP" in upper:
        return CCG
    return NHS_BODY


class EccgImporter(RowImporter):
    dataset = "ods-eccg"
    title = "NHS ODS integrated care boards and sub-ICB locations (eccg)"
    publisher = NHS_ENGLAND
    licence, attribution = OGL3, NHS_ATTRIBUTION

    def is_header(self, fields):
        return bool(fields) and fields[0].strip().upper() in {"ICBODSCODE", "ORGANISATIONCODE", "ORGANISATION CODE"}

    def row(self, fields):
        check_width(fields)
        code = ods_code(fields[CODE], NAMES[CODE])
        name = fields[NAME].strip()
        if not name:
            raise RowRefused(NAMES[NAME], "empty; a name is required")
        pc = check_postcode(fields, POSTCODE_COL, NAMES)
        opened, closed = check_dates(fields, OPEN, CLOSE, NAMES)
        # eccg leaves this column unnamed; use it as a status only when it holds one.
        status = fields[12].strip().upper() if fields[12].strip().upper() in STATUS else None
        parent = fields[PARENT].strip().upper()
        parent = parent if ICB_CODE.match(parent) and parent != code else None
        kind = kind_of(name)
        curated = self.index.body(code, {kind.strip("<>")})
        subject = curated or self.index.body_or_mint(code, {kind.strip("<>")})[0]
        s = iri(subject)
        if curated:
            self.out.quad(s, SKOS_ALT, literal(name, lang="en-GB"))
            self.out.quad(s, ODS_CODE, literal(code))
            self.out.quad(s, ODS_RECORD_P, iri(ods_record(code)))
            if status:
                self.out.quad(s, ODS_STATUS, literal(status))
        else:
            self.out.quad(s, RDF_TYPE, kind)
            write_record(self.out, subject, code, name, opened, closed, status)
        write_address(self.out, subject, fields[ADDRESS], pc)
        if parent and kind == SUB_ICB:
            self.out.quad(s, ORG_SUB, iri(self._icb(parent)))

    def _icb(self, code: str) -> str:
        found = self.index.body(code, {ICB.strip("<>")})
        if found:
            return found
        minted, _ = self.index.body_or_mint(code, {ICB.strip("<>")})
        self.out.once(iri(minted), RDF_TYPE, ICB)
        self.out.once(iri(minted), ODS_CODE, literal(code))
        self.out.once(iri(minted), ODS_RECORD_P, iri(ods_record(code)))
        return minted
