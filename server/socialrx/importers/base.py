"""What every row importer provides; run.py drives it over a file."""

from __future__ import annotations

from .lookup import CodeIndex
from .nquads import QuadWriter


class RowImporter:
    """One published CSV layout: check each row and write its quads, or raise RowRefused."""

    dataset = ""  # file and graph name, e.g. "ods-epraccur"
    title = ""  # human name of the published dataset
    publisher = ""  # IRI of the publisher
    licence = ""  # IRI of the licence the published file is under
    attribution = ""  # the attribution statement that licence requires, shown wherever the data appears
    has_header = False

    def __init__(self, index: CodeIndex, out: QuadWriter):
        self.index, self.out = index, out
        self.notes: list[str] = []

    def start(self, header: list[str]) -> None:
        """Read the header row (only when has_header); raise UnreadableInput when required columns are missing."""

    def is_header(self, fields: list[str]) -> bool:
        """For files without a header: recognise a header row someone added, to skip it quietly."""
        return False

    def row(self, fields: list[str]) -> None:
        raise NotImplementedError

    def finish(self) -> None:
        """Write anything gathered across rows."""
