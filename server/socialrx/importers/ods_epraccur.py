"""ODS epraccur.csv: GP practices and other prescribing settings (no header row, 27 columns).

Two encodings of the same report load (../shared/realdata/ods-epraccur/PROVENANCE.md): the legacy file
(status A/C/D/P, column 26 a prescribing-setting number such as 4 for a GP practice) and the current
export from ODS Data Search and Export (status ACTIVE/INACTIVE/DORMANT, column 26 an ODS role code such
as RO76 for a GP practice). A header row someone added (snake_case or NHS's own names) is skipped.
"""

from __future__ import annotations

import re

from .base import RowImporter
from .checks import PRACTICE_CODE, ods_code
from .nquads import iri, literal, typed
from .ods_common import check_dates, check_postcode, check_status, check_width, write_address, write_record
from .provenance import NHS_ATTRIBUTION, OGL3, NHS_ENGLAND
from .report import RowRefused
from .vocab import (COMMISSIONED_BY, GP_PRACTICE, ICB, NHS_BODY, ODS_CODE, ODS_RECORD_P, ODS_ROLE, PRESCRIBING_SETTING, RDF_TYPE, SUB_ICB,
                    ods_record, practice_iri)

# Column names as NHS's own consumer code gives them (domain research, part B).
NAMES = [
    "PracticeOdsCode", "PracticeName", "NationalGrouping", "HighLevelHealthGeography",
    "AddressLine1", "AddressLine2", "AddressLine3", "AddressLine4", "AddressLine5", "Postcode",
    "OpenDate", "CloseDate", "StatusCode", "OrganisationSubTypeCode", "IcbOdsCode",
    "JoinParentDate", "LeftParentDate", "ContactTelephoneNumber", "Null", "Null2", "Null3",
    "AmendedRecordIndicator", "Null4", "ProviderPurchaser", "Null5", "PracticeType", "Null6",
]
CODE, NAME, ADDRESS, POSTCODE_COL, OPEN, CLOSE, STATUS, COMMISSIONER, SETTING = 0, 1, slice(4, 9), 9, 10, 11, 12, 14, 25
COMMISSIONER_CLASSES = {c.strip("<>") for c in (SUB_ICB, ICB)}
ROLE_CODE = re.compile(r"^RO[0-9]{1,4}$")  # ODS role codes, e.g. RO76 GP practice, RO247, RO72


class EpraccurImporter(RowImporter):
    dataset = "ods-epraccur"
    title = "NHS ODS GP practices (epraccur)"
    publisher = NHS_ENGLAND
    licence, attribution = OGL3, NHS_ATTRIBUTION

    def is_header(self, fields):
        return bool(fields) and fields[0].strip().upper() in {"PRACTICEODSCODE", "ORGANISATIONCODE", "ORGANISATION CODE", "ORGANISATION_CODE"}

    def row(self, fields):
        check_width(fields)
        code = ods_code(fields[CODE], NAMES[CODE], PRACTICE_CODE)
        name = fields[NAME].strip()
        if not name:
            raise RowRefused(NAMES[NAME], "empty; a practice name is required")
        pc = check_postcode(fields, POSTCODE_COL, NAMES)
        opened, closed = check_dates(fields, OPEN, CLOSE, NAMES)
        status = check_status(fields[STATUS], NAMES[STATUS])
        commissioner = ods_code(fields[COMMISSIONER], NAMES[COMMISSIONER], required=False)
        setting = fields[SETTING].strip().upper()
        if setting and not setting.isdigit() and not ROLE_CODE.match(setting):
            raise RowRefused(NAMES[SETTING], f"{setting!r} is neither a prescribing setting number (legacy files, e.g. 4) "
                                             "nor an ODS role code (current exports, e.g. RO76)")
        # Every field checked: now write, so a refused row leaves nothing behind.
        subject = practice_iri(code)
        self.out.quad(iri(subject), RDF_TYPE, GP_PRACTICE)
        write_record(self.out, subject, code, name, opened, closed, status)
        write_address(self.out, subject, fields[ADDRESS], pc)
        if setting.isdigit():
            self.out.quad(iri(subject), PRESCRIBING_SETTING, typed(int(setting), "integer"))
        elif setting:
            self.out.quad(iri(subject), ODS_ROLE, literal(setting))
        if commissioner:
            self.out.quad(iri(subject), COMMISSIONED_BY, iri(self._commissioner(commissioner)))

    def _commissioner(self, code: str) -> str:
        body = self.index.body(code, COMMISSIONER_CLASSES) or self.index.body(code)
        if body:
            self.out.once(iri(body), ODS_CODE, literal(code))  # the dataset names our body by this code
            return body
        minted, _ = self.index.body_or_mint(code)
        self.out.once(iri(minted), RDF_TYPE, NHS_BODY)
        self.out.once(iri(minted), ODS_CODE, literal(code))
        self.out.once(iri(minted), ODS_RECORD_P, iri(ods_record(code)))
        return minted
