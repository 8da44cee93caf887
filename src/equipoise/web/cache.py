"""Rendered reports, kept so that each is drawn once per profile version and reader.

A report is a pure function of the stored profile, the turns the reader may see and the audience, so it
is cached under (what, id, the profile's creation time, audience, reader mode, names shown). A new
profile for a session has a new creation time, so a stale entry is never served; authorisation is
checked before the cache is consulted, so an entry is only ever handed to a reader who may see it.
Bounded by entries and by total size, least recently used out first; kept in memory only, never on disk.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable


class ReportCache:
    """A thread-safe LRU of rendered HTML."""

    def __init__(self, max_entries: int = 64, max_bytes: int = 64_000_000) -> None:
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self._items: OrderedDict[Hashable, str] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def get_or_render(self, key: Hashable, render: Callable[[], str]) -> str:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                self.hits += 1
                return self._items[key]
            self.misses += 1
        html = render()  # outside the lock: two readers may render at once, never wait on each other
        if len(html) <= self.max_bytes:
            with self._lock:
                if key not in self._items:
                    self._items[key] = html
                    self._size += len(html)
                while len(self._items) > self.max_entries or self._size > self.max_bytes:
                    _, dropped = self._items.popitem(last=False)
                    self._size -= len(dropped)
        return html

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._size = 0
