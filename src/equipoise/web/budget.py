"""How long the web app works on one transcript, and on how many at once.

An upload (or a corrected session analysed again) is read and analysed in a thread of its own while the
request waits at most ``analysis_seconds``; at most ``analysis_workers`` such threads run at a time. Over
the time, the request gets a clear error and nothing is stored, since storing happens only after the
work returned. Python cannot stop a thread, so work that overran still finishes in the background and
keeps its place until then: the limits of :mod:`equipoise.limits` bound how long that takes and how much
memory each piece of work holds, and the number of places bounds how many run.

>>> budget = AnalysisBudget(seconds=5, workers=1)
>>> budget.run("a.txt", lambda: 6 * 7)
42
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from typing import TypeVar

from ..errors import BusyError, LimitError

T = TypeVar("T")


class AnalysisBudget:
    """At most ``workers`` pieces of work at a time, each awaited at most ``seconds``."""

    def __init__(self, seconds: float, workers: int) -> None:
        self.seconds = seconds
        self.workers = workers
        self._places = threading.BoundedSemaphore(workers)

    def run(self, name: str, work: Callable[[], T]) -> T:
        """``work()``'s result or exception, or an error naming ``name`` when the budget is spent.

        Waiting for a free place counts against the same time, so a request never waits longer.
        """
        deadline = time.monotonic() + self.seconds
        if not self._places.acquire(timeout=self.seconds):
            raise BusyError(f"the server is analysing {self.workers} other transcript(s) and none finished "
                            f"within {_seconds(self.seconds)}; nothing was stored, please send it again in a "
                            "few minutes")
        future: Future[T] = Future()

        def target() -> None:
            try:
                future.set_result(work())
            except BaseException as exc:  # handed to the waiting request, which re-raises it
                future.set_exception(exc)
            finally:
                self._places.release()

        threading.Thread(target=target, name="equipoise-analysis", daemon=True).start()
        try:
            return future.result(timeout=max(0.0, deadline - time.monotonic()))
        except TimeoutError:
            if future.done():  # it finished just then, or the work itself raised TimeoutError
                return future.result()
            raise LimitError(name, f"reading and analysing it took longer than the limit of "
                                   f"{_seconds(self.seconds)}, so nothing was stored",
                             hint="split the transcript, or raise EQUIPOISE_ANALYSIS_SECONDS if this is "
                                  "expected") from None


def _seconds(value: float) -> str:
    return f"{value:g} second" + ("" if value == 1 else "s")
