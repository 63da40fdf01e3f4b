"""Reading a published CSV row by row, with the line number and the bytes read so far."""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass
from pathlib import Path


class UnreadableInput(Exception):
    """The file cannot be read as the dataset at all (missing, not text, no usable header)."""


class _CountingReader(io.RawIOBase):
    """A raw reader that counts the bytes that pass through it (for the progress bar)."""

    def __init__(self, raw):
        self.raw = raw
        self.count = 0

    def readable(self):
        return True

    def readinto(self, buffer):
        n = self.raw.readinto(buffer)
        self.count += n or 0
        return n

    def close(self):
        self.raw.close()
        super().close()


@dataclass
class FileFacts:
    path: Path
    name: str
    size: int
    sha256: str


def file_facts(path: Path, chunk: int = 1 << 20) -> FileFacts:
    """Name, size and SHA-256 of a file, read in chunks (memory stays flat)."""
    path = Path(path)
    digest = hashlib.sha256()
    try:
        with path.open("rb") as fh:
            while block := fh.read(chunk):
                digest.update(block)
    except OSError as e:
        raise UnreadableInput(f"{path}: cannot read: {e.strerror or e}") from None
    return FileFacts(path, path.name, path.stat().st_size, digest.hexdigest())


class CsvRows:
    """Iterate (line_number, fields) over a CSV file; `bytes_read` tracks progress through the file."""

    def __init__(self, path: Path, encoding: str = "utf-8-sig"):
        self.path = Path(path)
        self.encoding = encoding
        self._counter = None

    @property
    def bytes_read(self) -> int:
        return self._counter.count if self._counter else 0

    def __iter__(self):
        try:
            raw = self.path.open("rb", buffering=0)
        except OSError as e:
            raise UnreadableInput(f"{self.path}: cannot read: {e.strerror or e}") from None
        self._counter = _CountingReader(raw)
        text = io.TextIOWrapper(io.BufferedReader(self._counter, 1 << 16), encoding=self.encoding, newline="")
        try:
            reader = csv.reader(text)
            for fields in reader:
                yield reader.line_num, fields
        except UnicodeDecodeError as e:
            raise UnreadableInput(f"{self.path}: not {self.encoding} text ({e.reason} at byte {self.bytes_read}); try --encoding cp1252") from None
        except csv.Error as e:
            raise UnreadableInput(f"{self.path}: not CSV: {e}") from None
        finally:
            text.close()
