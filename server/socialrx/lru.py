"""A least-recently-used map bounded by the bytes its entries hold: rendered pages, catalogue results."""

from __future__ import annotations

import threading
from collections import OrderedDict

ENTRY_OVERHEAD = 512  # bytes counted per entry for its key and bookkeeping


class ByteCache:
    """key -> entry, holding at most max_bytes (each entry's size is given when it is put)."""

    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self.size = 0
        self._entries: OrderedDict = OrderedDict()  # key -> (entry, cost)
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def get(self, key):
        with self._lock:
            held = self._entries.get(key)
            if held is None:
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            return held[0]

    def put(self, key, entry, size: int) -> None:
        cost = size + ENTRY_OVERHEAD
        if cost > self.max_bytes // 4:
            return  # one entry may not push out most of the others
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self.size -= old[1]
            self._entries[key] = (entry, cost)
            self.size += cost
            while self.size > self.max_bytes and self._entries:
                _, (_, dropped) = self._entries.popitem(last=False)
                self.size -= dropped

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self.size = 0

    def __len__(self) -> int:
        return len(self._entries)
