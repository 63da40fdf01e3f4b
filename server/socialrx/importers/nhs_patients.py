"""NHS England "Patients Registered at a GP Practice" (gp-reg-pat-prac-all.csv): each practice's list size.

Header row: PUBLICATION, EXTRACT_DATE, TYPE, SUB_ICB_LOCATION_CODE, ONS_SUB_ICB_LOCATION_CODE, CODE,
POSTCODE, SEX, AGE, NUMBER_OF_PATIENTS. Only the totals file loads (SEX and AGE both ALL): a practice gets
srx:registeredPatients with the extract date as srx:registeredPatientsOn, in this dataset's graph.
"""

from __future__ import annotations

import datetime as dt

from .base import RowImporter
from .checks import PRACTICE_CODE, ods_code
from .csvstream import UnreadableInput
from .nquads import iri, typed
from .ons_columns import by_name
from .provenance import NHS_ATTRIBUTION, NHS_ENGLAND_STATISTICS, OGL3
from .report import RowRefused
from .vocab import REGISTERED_PATIENTS, REGISTERED_PATIENTS_ON, practice_iri


class RegisteredPatientsImporter(RowImporter):
    dataset = "nhs-gp-registered-patients"
    title = "NHS England Patients Registered at a GP Practice"
    publisher = NHS_ENGLAND_STATISTICS
    licence, attribution = OGL3, NHS_ATTRIBUTION
    has_header = True

    def start(self, header):
        self.header = header
        self.code = by_name(header, "CODE", "PRACTICE_CODE")
        self.count = by_name(header, "NUMBER_OF_PATIENTS")
        self.date = by_name(header, "EXTRACT_DATE")
        self.sex = by_name(header, "SEX")
        self.age = by_name(header, "AGE")
        missing = [n for n, i in (("CODE", self.code), ("NUMBER_OF_PATIENTS", self.count), ("EXTRACT_DATE", self.date)) if i is None]
        if missing:
            raise UnreadableInput(f"expected the columns CODE, NUMBER_OF_PATIENTS and EXTRACT_DATE; missing {', '.join(missing)}; "
                                  f"found: {', '.join(header)}")

    def row(self, f):
        if len(f) != len(self.header):
            raise RowRefused("(row)", f"expected {len(self.header)} columns, found {len(f)}")
        h = self.header
        for col in (self.sex, self.age):
            if col is not None and f[col].strip().upper() != "ALL":
                raise RowRefused(h[col], f"{f[col].strip()!r}: only the totals file (SEX and AGE both ALL) is imported")
        code = ods_code(f[self.code], h[self.code], PRACTICE_CODE)
        text = f[self.count].strip().replace(",", "")
        if not text.isdigit():
            raise RowRefused(h[self.count], f"{f[self.count].strip()!r} is not a number of patients")
        on = f[self.date].strip()
        try:
            on = dt.date.fromisoformat(on).isoformat()
        except ValueError:
            try:
                on = dt.datetime.strptime(on, "%d-%b-%y").date().isoformat()  # older publications: 01-APR-24
            except ValueError:
                raise RowRefused(h[self.date], f"{on!r} is not a date (expected YYYY-MM-DD)") from None
        s = iri(practice_iri(code))
        self.out.quad(s, REGISTERED_PATIENTS, typed(int(text), "nonNegativeInteger"))
        self.out.quad(s, REGISTERED_PATIENTS_ON, typed(on, "date"))
