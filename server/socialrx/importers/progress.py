"""A progress line on stderr (rows, rows/s, percent of bytes read), with no dependencies."""

from __future__ import annotations

import sys
import time


class Progress:
    """Redraws at most every `interval` seconds on a terminal; elsewhere prints a line every `quiet_interval` s."""

    def __init__(self, label: str, total_bytes: int = 0, stream=None, enabled: bool = True, interval: float = 0.2, quiet_interval: float = 10.0):
        self.label, self.total = label, total_bytes
        self.stream = stream or sys.stderr
        self.enabled = enabled
        self.tty = enabled and hasattr(self.stream, "isatty") and self.stream.isatty()
        self.interval = interval if self.tty else quiet_interval
        self.started = self.last = time.perf_counter()
        self.rows = 0

    def update(self, rows: int, bytes_read: int = 0) -> None:
        self.rows = rows
        now = time.perf_counter()
        if self.enabled and now - self.last >= self.interval:
            self.last = now
            self._draw(bytes_read, now)

    def finish(self, rows: int, bytes_read: int = 0) -> None:
        self.rows = rows
        if self.enabled:
            self._draw(bytes_read, time.perf_counter(), final=True)

    @property
    def seconds(self) -> float:
        return time.perf_counter() - self.started

    def _draw(self, bytes_read: int, now: float, final: bool = False) -> None:
        elapsed = max(now - self.started, 1e-9)
        rate = self.rows / elapsed
        share = bytes_read / self.total if self.total else 0.0
        width = 24
        filled = int(width * min(share, 1.0))
        bar = "#" * filled + "-" * (width - filled)
        text = f"{self.label} [{bar}] {share:6.1%} {self.rows:>10,} rows {rate:>10,.0f} rows/s {elapsed:6.1f} s"
        if self.tty:
            self.stream.write("\r" + text + ("\n" if final else ""))
        else:
            self.stream.write(text + "\n")
        self.stream.flush()
