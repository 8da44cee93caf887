"""How long, with how much memory, and how many at once the web app works on one transcript.

An upload (or a corrected session analysed again) is read and analysed while the request waits at most
``analysis_seconds``; at most ``analysis_workers`` run at a time, and a further one waits for a place
within the same time. Over the time, the request gets a clear error and nothing is stored, since storing
happens only after the work returned.

With ``analysis_memory_mb`` (the default), each piece of work runs in a process of its own, started
fresh (``spawn``), whose data may not grow past that many MB (``RLIMIT_DATA``): past it the work fails
with "ran out of memory", and past the time the process is killed, so neither a hostile file nor a huge
recording can take the server's memory or keep a place after its request gave up. The process ends
with the server however the server ends, and sends back only the result or the described failure
(:func:`equipoise.runner.failure`: no transcript text). Starting it costs about 0.7 s a piece of work.
With 0, the work runs in a thread of the server process, as tests that inject their own analysis do:
Python cannot stop a thread, so work that overran finishes in the background and keeps its place until
then, bounded by the limits of :mod:`equipoise.limits`.

>>> budget = AnalysisBudget(seconds=5, workers=1)
>>> budget.run("a.txt", lambda: 6 * 7)
42
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any, TypeVar

from ..errors import BusyError, LimitError

T = TypeVar("T")


class AnalysisBudget:
    """At most ``workers`` pieces of work at a time, each awaited at most ``seconds``, each isolated one
    in a process limited to ``memory_mb`` (0: no process, no memory limit)."""

    def __init__(self, seconds: float, workers: int, memory_mb: int = 0) -> None:
        self.seconds = seconds
        self.workers = workers
        self.memory_mb = memory_mb
        self._places = threading.BoundedSemaphore(workers)

    def run(self, name: str, work: Callable[[], T], *, isolated: bool = False) -> T:
        """``work()``'s result or exception, or an error naming ``name`` when the budget is spent.

        ``isolated``: run it in a process of its own when the budget has a memory limit (``work`` must
        then be picklable: a module-level function, or a ``functools.partial`` of one). Waiting for a
        free place counts against the same time, so a request never waits longer.
        """
        deadline = time.monotonic() + self.seconds
        if not self._places.acquire(timeout=self.seconds):
            raise BusyError(f"the server is analysing {self.workers} other transcript(s) and none finished "
                            f"within {_seconds(self.seconds)}; nothing was stored, please send it again in a "
                            "few minutes")
        if isolated and self.memory_mb:
            try:
                return self._in_process(name, work, deadline)
            finally:
                self._places.release()
        return self._in_thread(name, work, deadline)

    def _in_thread(self, name: str, work: Callable[[], T], deadline: float) -> T:
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
            raise self._overtime(name) from None

    def _in_process(self, name: str, work: Callable[[], T], deadline: float) -> T:
        import multiprocessing

        from ..runner import Failed

        context = multiprocessing.get_context("spawn")
        receiver, sender = context.Pipe(duplex=False)
        process = context.Process(target=_work_in_child, name="equipoise-analysis", daemon=True,
                                  args=(sender, work, name, self.memory_mb, os.getpid()))
        process.start()
        sender.close()
        try:
            if not receiver.poll(max(0.0, deadline - time.monotonic())):
                raise self._overtime(name)
            outcome, value = receiver.recv()
        except EOFError:  # the process ended without a word: killed, or it crashed
            raise LimitError(name, f"its analysis stopped before it finished (most often: it needed more "
                                   f"than the limit of {self.memory_mb} MB of memory), so nothing was "
                                   "stored",
                             hint="split the transcript, or raise EQUIPOISE_ANALYSIS_MEMORY_MB if this "
                                  "is expected") from None
        finally:
            receiver.close()
            if process.is_alive():
                process.kill()
            process.join(5)
        if outcome == "failed":
            raise Failed(value)
        return value  # type: ignore[no-any-return]

    def _overtime(self, name: str) -> LimitError:
        return LimitError(name, f"reading and analysing it took longer than the limit of "
                                f"{_seconds(self.seconds)}, so nothing was stored",
                          hint="split the transcript, or raise EQUIPOISE_ANALYSIS_SECONDS if this is "
                               "expected")


def _work_in_child(sender: Any, work: Callable[[], Any], name: str, memory_mb: int, parent: int) -> None:
    """In the analysis process: limit its memory, tie it to the server, run ``work`` and send back its
    result, or the failure as :func:`equipoise.runner.failure` describes it (never the exception, whose
    message could quote the transcript, and whose traceback would go to the server's log)."""
    from ..batch import die_with_parent
    from ..runner import failure

    die_with_parent(parent)
    limit = memory_mb * 1024 * 1024
    # A platform without the limit (no resource module on Windows; macOS refuses RLIMIT_DATA): the time
    # limit still holds.
    with contextlib.suppress(ImportError, AttributeError, ValueError, OSError):
        import resource

        resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))
    try:
        outcome: tuple[str, Any] = ("ok", work())
    except BaseException as exc:  # every failure is described, never re-raised here
        outcome = ("failed", failure(exc, name))
    try:
        sender.send(outcome)
    except MemoryError:
        sender.send(("failed", failure(MemoryError(), name)))
    finally:
        sender.close()


def _seconds(value: float) -> str:
    return f"{value:g} second" + ("" if value == 1 else "s")
