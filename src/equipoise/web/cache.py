"""Rendered reports, kept so that each is drawn once per profile version and reader.

A report is a pure function of the stored profile, the turns the reader may see and the audience, so it
is cached under (what, id, the profile's creation time, audience, reader mode, names shown). A new
profile for a session has a new creation time, so a stale entry is never served; authorisation is
checked before the cache is consulted, so an entry is only ever handed to a reader who may see it.
Bounded by entries and by total size, least recently used out first; kept in memory only, never on disk.
Readers who arrive together at an entry not yet drawn wait for one drawing of it: twenty users opening one
report at once drew it twenty times on two cores (benchmarks/web_load.py).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable


class ReportCache:
    """A thread-safe LRU of rendered HTML (or any text), each key rendered once at a time."""

    #: Seconds a reader waits for another reader's rendering of the same key before rendering it itself.
    WAIT = 60.0

    def __init__(self, max_entries: int = 64, max_bytes: int = 64_000_000) -> None:
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self._items: OrderedDict[Hashable, str] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()
        self._pending: dict[Hashable, threading.Event] = {}
        self.hits = self.misses = 0

    def get_or_render(self, key: Hashable, render: Callable[[], str]) -> str:
        """The entry for ``key``, rendered by ``render()`` on a miss. Readers arriving while another
        renders the same key wait for that rendering (up to ``WAIT`` seconds) instead of rendering it
        again; other keys never wait. If that rendering fails, each waiting reader renders for itself."""
        with self._lock:
            found = self._hit(key)
            if found is not None:
                return found
            pending = self._pending.get(key)
            if pending is None:
                self._pending[key] = threading.Event()
                self.misses += 1
        if pending is not None:
            pending.wait(self.WAIT)
            with self._lock:
                found = self._hit(key)
            return found if found is not None else render()
        try:
            html = render()
            if len(html) <= self.max_bytes:
                with self._lock:
                    if key not in self._items:
                        self._items[key] = html
                        self._size += len(html)
                    while len(self._items) > self.max_entries or self._size > self.max_bytes:
                        _, dropped = self._items.popitem(last=False)
                        self._size -= len(dropped)
            return html
        finally:
            with self._lock:
                self._pending.pop(key).set()

    def _hit(self, key: Hashable) -> str | None:
        """The entry for ``key``, counted as a hit, or None; the caller holds the lock."""
        if key not in self._items:
            return None
        self._items.move_to_end(key)
        self.hits += 1
        return self._items[key]

    def values(self) -> list[str]:
        """The entries now kept, least recently used first (a copy)."""
        with self._lock:
            return list(self._items.values())

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._size = 0
