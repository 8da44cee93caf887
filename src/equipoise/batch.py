"""Analyse a folder of transcripts: local worker processes by default, a Dask cluster on request.

For every input ``DIR/a/b.txt`` it writes ``OUT/a/b.<ext>`` (the client version of a report is
``b.client.<ext>``; when two inputs in one folder share a stem, both keep their suffix: ``b.txt.<ext>``),
then one combined table with a row per session (``OUT/sessions.csv``, or ``.parquet``) and the inputs that
failed in ``OUT/failures.csv`` (file and reason, never transcript text). With ``metadata``, a researcher's
per-session columns are joined to that table (:mod:`equipoise.metadata`) and what matched nothing is listed
in ``OUT/metadata-unmatched.csv``.

Resumable: each finished input is recorded in ``OUT/.equipoise-batch.jsonl`` after its output is
complete; a later run skips inputs that have both their output and a record (``force=True`` redoes
them), and retries the ones that failed. Memory stays bounded: at most a few inputs per worker are in
flight, and results go to disk as they arrive.

This is the only module that imports Dask, and only when a scheduler address is given.

>>> from equipoise.batch import find_inputs            # doctest: +SKIP
>>> [p.name for p in find_inputs(Path("examples"))]     # doctest: +SKIP
"""

from __future__ import annotations

import csv
import json
import os
import stat
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import InputError, UsageError
from .files import open_private

if TYPE_CHECKING:
    from .metadata import JoinReport, Metadata

JOURNAL = ".equipoise-batch.jsonl"
FAILURES = "failures.csv"
METADATA_REPORT = "metadata-unmatched.csv"
CONVOKIT_MARKER = "utterances.jsonl"
NOT_TRANSCRIPTS = ("readme", "license", "licence", "changelog")  # documentation beside a corpus
IN_FLIGHT_PER_WORKER = 2
SCHEDULER_TIMEOUT = "20s"


@dataclass(frozen=True, slots=True)
class Job:
    """One input and where its output goes (plain, picklable values only).

    ``source`` is the path to read; ``name`` is the input's path relative to the batch folder, which names
    it in the record, the tables and the failures.
    """

    source: str
    name: str
    output: str
    fmt: str
    audience: str = "therapist"
    options: dict[str, Any] = field(default_factory=dict)
    labeller: str | None = None


@dataclass(frozen=True, slots=True)
class Outcome:
    """What became of one job (``name`` as in :class:`Job`); ``reason`` never quotes the transcript."""

    name: str
    ok: bool
    reason: str | None = None
    n_turns: int = 0
    seconds: float = 0.0
    outputs: tuple[str, ...] = ()
    row: dict[str, Any] | None = None


@dataclass(slots=True)
class BatchResult:
    """Counts and failures of a batch run."""

    n_inputs: int = 0
    done: int = 0
    skipped: int = 0
    failures: list[tuple[str, str]] = field(default_factory=list)
    turns: int = 0
    seconds: float = 0.0
    sessions_table: Path | None = None
    not_read: list[tuple[str, str]] = field(default_factory=list)  # links out, FIFOs ...: (path, why)
    metadata: JoinReport | None = None  # what ``--metadata`` joined, and what it could not

    @property
    def failed(self) -> int:
        return len(self.failures)


def input_extensions() -> set[str]:
    """File extensions that some reader claims (the registry decides; ``.txt`` falls to plain text)."""
    from .ingest import formats

    return {ext.lower() for fmt in formats.all_formats() for ext in fmt.extensions}


def find_inputs(root: Path, *, exclude: Path | None = None, follow_links: bool = False,
                skipped: list[tuple[str, str]] | None = None) -> list[Path]:
    """Transcripts under ``root`` in sorted order: regular files, and ConvoKit corpus folders as one input.

    Hidden files and folders are skipped, and so are README, LICENSE and CHANGELOG files and ``exclude``
    (the output folder, when it is inside). What is not a regular file (a FIFO, a device, a socket) is
    skipped, and so is a symbolic link leading out of ``root`` unless ``follow_links``; each of those is
    added to ``skipped`` as (path relative to ``root``, reason).
    """
    if not root.is_dir():
        raise UsageError(f"{root} is not a folder")
    extensions = input_extensions()
    skip = exclude.resolve() if exclude is not None else None
    base = root.resolve()
    found: list[Path] = []

    def note(path: Path, reason: str) -> None:
        if skipped is not None:
            skipped.append((path.relative_to(root).as_posix(), reason))

    def admissible(path: Path) -> bool:
        if path.is_symlink() and not follow_links:
            target = path.resolve()
            if target != base and base not in target.parents:
                note(path, "a symbolic link to outside the folder (use --follow-links to read it)")
                return False
        try:
            mode = path.stat().st_mode
        except OSError:
            note(path, "cannot be read (a broken link?)")
            return False
        if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
            note(path, "not a regular file (a pipe, device or socket)")
            return False
        return True

    for folder, dirs, files in os.walk(root, followlinks=follow_links):
        here = Path(folder)
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and (here / d).resolve() != skip)
        for d in list(dirs):
            if (here / d / CONVOKIT_MARKER).is_file():
                if admissible(here / d):
                    found.append(here / d)
                dirs.remove(d)
        found.extend(here / f for f in sorted(files)
                     if not f.startswith(".") and Path(f).suffix.lower() in extensions
                     and not Path(f).stem.lower().startswith(NOT_TRANSCRIPTS) and admissible(here / f))
    return sorted(found)


def plan_jobs(inputs: Sequence[Path], root: Path, out: Path, fmt: str, audience: str = "therapist",
              options: dict[str, Any] | None = None, labeller: str | None = None) -> list[Job]:
    """Give each input its output path, mirroring the folders under ``root``."""
    from .report import get_writer

    writer = get_writer(fmt)
    stems = Counter((p.parent, _stem(p)) for p in inputs)
    jobs = []
    for path in inputs:
        stem = _stem(path) if stems[(path.parent, _stem(path))] == 1 else path.name
        target = writer.path_for(out / path.parent.relative_to(root), stem, audience)
        jobs.append(Job(str(path), path.relative_to(root).as_posix(), str(target), fmt, audience,
                        dict(options or {}), labeller))
    return jobs


def _stem(path: Path) -> str:
    return path.name if path.is_dir() else path.stem


def process_job(job: Job) -> Outcome:
    """Read, analyse and write one input; every failure becomes an Outcome (runs in a worker)."""
    from .files import make_private, private_folder
    from .report import get_writer
    from .report.tables import session_row
    from .runner import failure, run_one

    started = time.perf_counter()

    def write(transcript: Any, profile: Any) -> list[Path]:
        target = Path(job.output)
        private_folder(target.parent)
        outputs = get_writer(job.fmt).write(profile, transcript, target, job.audience)
        make_private(outputs)
        return outputs

    try:
        ran = run_one(job.source, load_options=job.options, labeller=job.labeller, write=write)
        row = {"file": job.name, **session_row(ran.profile)}
    except Exception as exc:  # library errors name what and where; others only by type
        problem = failure(exc)
        return Outcome(job.name, False, problem.reason, seconds=time.perf_counter() - started)
    return Outcome(job.name, True, None, ran.transcript.n_turns, time.perf_counter() - started,
                   tuple(str(p) for p in ran.outputs), row)


def _sequential(jobs: Iterable[Job]) -> Iterator[Outcome]:
    for job in jobs:
        yield process_job(job)


def _local_pool(jobs: Iterable[Job], workers: int) -> Iterator[Outcome]:
    import multiprocessing
    from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
    from concurrent.futures.process import BrokenProcessPool

    # spawn: fork would copy the progress bar's thread state into the children.
    context = multiprocessing.get_context("spawn")
    pending: dict[Future[Outcome], Job] = {}
    queue = iter(jobs)
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=start_worker,
                               initargs=(os.getpid(), workers))
    finished = False
    try:
        try:
            for job in islice(queue, workers * IN_FLIGHT_PER_WORKER):
                pending[pool.submit(process_job, job)] = job
            while pending:
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    job = pending.pop(future)
                    yield _result(future, job)
                    for nxt in islice(queue, 1):
                        pending[pool.submit(process_job, nxt)] = nxt
        except BrokenProcessPool:
            # A worker was killed (out of memory, a signal): what was not finished fails, and a rerun
            # resumes from the record.
            for job in [*pending.values(), *queue]:
                yield Outcome(job.name, False, "the worker processes stopped (BrokenProcessPool); "
                                               "run the batch again to resume")
        finished = True
    finally:
        # Interrupted (Ctrl-C, SIGTERM): do not wait for running inputs; the workers see their parent go
        # and stop (die_with_parent), and a rerun resumes from the record.
        pool.shutdown(wait=finished, cancel_futures=not finished)


def start_worker(parent: int, workers: int) -> None:
    """In a worker of the local pool: end with the batch (:func:`die_with_parent`), and transcribe
    recordings on this worker's share of the CPUs."""
    from .audio.recognise import share_cpus

    die_with_parent(parent)
    share_cpus(workers)


def die_with_parent(parent: int) -> None:
    """In a worker: end when the batch process ends, however it ends (even kill -9).

    On Linux the kernel sends SIGKILL when the parent dies (PR_SET_PDEATHSIG); everywhere, a daemon
    thread checks every second that the parent is still there.
    """
    import signal
    import sys
    import threading

    if sys.platform.startswith("linux"):
        import contextlib
        import ctypes

        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # 1: PR_SET_PDEATHSIG
    if os.getppid() != parent:  # the parent went before the call above took effect
        os._exit(1)

    def watch() -> None:
        while True:
            time.sleep(1.0)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=watch, name="equipoise-parent-watch", daemon=True).start()


def _result(future: Any, job: Job) -> Outcome:
    try:
        return future.result()
    except Exception as exc:
        return Outcome(job.name, False, f"the worker stopped ({exc.__class__.__name__})")


def _dask(jobs: Iterable[Job], scheduler: str) -> Iterator[Outcome]:
    try:
        from distributed import Client, as_completed
    except ImportError:
        raise UsageError("--scheduler needs Dask: pip install 'equipoise[dask]'") from None
    try:
        client = Client(scheduler, set_as_default=False, timeout=SCHEDULER_TIMEOUT)
    except (OSError, TimeoutError, ValueError) as exc:
        raise UsageError(f"cannot reach the Dask scheduler at {scheduler} "
                         f"({exc.__class__.__name__})") from None
    try:
        window = max(1, sum(client.nthreads().values())) * IN_FLIGHT_PER_WORKER
        queue = iter(jobs)
        owner: dict[str, Job] = {}
        running = as_completed(loop=client.loop)
        for job in islice(queue, window):
            future = client.submit(process_job, job, pure=False)
            owner[future.key] = job
            running.add(future)
        for future in running:
            yield _result(future, owner.pop(future.key))
            future.release()
            for nxt in islice(queue, 1):
                new = client.submit(process_job, nxt, pure=False)
                owner[new.key] = nxt
                running.add(new)
    finally:
        client.close()


def read_journal(out: Path) -> dict[str, dict[str, Any]]:
    """Finished inputs recorded in ``out``: input name -> its record (the last one wins)."""
    records: dict[str, dict[str, Any]] = {}
    journal = out / JOURNAL
    if journal.is_file():
        with journal.open(encoding="utf-8") as handle:
            for line in handle:
                try:
                    record = json.loads(line)
                except json.JSONDecodeError:  # a line cut short by an interrupted run
                    continue
                if isinstance(record, dict) and isinstance(record.get("name"), str):
                    records[record["name"]] = record
    return records


def _compact_journal(out: Path) -> None:
    """Rewrite the record with one line per input when reruns (``--force``) left older lines behind."""
    journal = out / JOURNAL
    records = read_journal(out)
    with journal.open(encoding="utf-8") as handle:
        lines = sum(1 for _ in handle)
    if lines > len(records):
        fresh = journal.with_suffix(".tmp")
        with open_private(fresh, "w") as handle:
            handle.writelines(json.dumps(r, allow_nan=False) + "\n" for r in records.values())
        fresh.replace(journal)


def write_sessions_table(out: Path, fmt: str, names: set[str] | None = None,
                         metadata: Metadata | None = None) -> tuple[Path | None, JoinReport | None]:
    """Write the combined one-row-per-session table from the journal (CSV, or Parquet for parquet).

    With ``metadata`` (:mod:`equipoise.metadata`) its columns are joined, after the profile's columns.
    """
    from .metadata import join_metadata
    from .report.tables import SESSION_HEAD, union_columns, write_csv, write_parquet

    records = read_journal(out)
    rows = [r["row"] for n, r in sorted(records.items()) if names is None or n in names]
    if not rows:
        return None, None
    columns = union_columns(rows, ("file", *SESSION_HEAD))
    report = None
    if metadata is not None:
        clash = next((c for c in metadata.columns if c in columns), None)
        if clash is not None:
            raise InputError(metadata.path, f"the column {clash!r} is already a column of the sessions "
                                            "table", line=1, hint="rename it in the metadata file")
        rows, report = join_metadata(rows, metadata)
        columns = [*columns, *metadata.columns]
    if fmt == "parquet":
        return write_parquet(rows, out / "sessions.parquet", columns), report
    return write_csv(rows, out / "sessions.csv", columns), report


def write_failures(out: Path, failures: Sequence[tuple[str, str]]) -> Path:
    """``OUT/failures.csv``: file and reason of every input that failed in this run."""
    path = out / FAILURES
    with open_private(path, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["file", "reason"])
        writer.writerows(failures)
    return path


def run_batch(root: Path, out: Path, *, fmt: str = "json", audience: str = "therapist", workers: int = 1,
              scheduler: str | None = None, force: bool = False, options: dict[str, Any] | None = None,
              labeller: str | None = None, on_start: Callable[[int, int], None] | None = None,
              on_outcome: Callable[[Outcome], None] | None = None, follow_links: bool = False,
              metadata: Path | None = None) -> BatchResult:
    """Analyse every transcript under ``root`` into ``out``; see the module docstring.

    ``on_start(total, skipped)`` and ``on_outcome(outcome)`` let the caller show progress. ``metadata`` is
    a CSV of per-session columns to join to the sessions table (:mod:`equipoise.metadata`); it is read
    and checked before any input is analysed.
    """
    from .metadata import read_metadata
    from .report import get_writer
    from .report.html import check_audience
    from .report.tables import SESSION_HEAD

    get_writer(fmt)
    check_audience(audience)
    meta = read_metadata(metadata, ("file", *SESSION_HEAD)) if metadata is not None else None
    if workers < 1:
        raise UsageError(f"--workers must be at least 1, not {workers}")
    from .files import make_private, private_folder

    private_folder(out)
    not_read: list[tuple[str, str]] = []
    inputs = find_inputs(root, exclude=out, follow_links=follow_links, skipped=not_read)
    jobs = plan_jobs(inputs, root, out, fmt, audience, options, labeller)
    journal = read_journal(out)
    todo = [j for j in jobs if force or not (j.name in journal and Path(j.output).exists())]
    result = BatchResult(n_inputs=len(jobs), skipped=len(jobs) - len(todo), not_read=not_read)
    if on_start:
        on_start(len(jobs), result.skipped)
    started = time.perf_counter()
    if scheduler:
        outcomes = _dask(todo, scheduler)
    elif workers == 1 or len(todo) <= 1:
        outcomes = _sequential(todo)
    else:
        outcomes = _local_pool(todo, workers)
    with open_private(out / JOURNAL, "a") as record:
        for outcome in outcomes:
            if outcome.ok:
                result.done += 1
                result.turns += outcome.n_turns
                record.write(json.dumps({"name": outcome.name, "outputs": outcome.outputs,
                                         "row": outcome.row}, allow_nan=False) + "\n")
                record.flush()
            else:
                result.failures.append((outcome.name, outcome.reason or "unknown"))
            if on_outcome:
                on_outcome(outcome)
    result.seconds = time.perf_counter() - started
    _compact_journal(out)
    write_failures(out, result.failures)
    result.sessions_table, result.metadata = write_sessions_table(out, fmt, {j.name for j in jobs}, meta)
    if result.metadata is not None:
        from .metadata import write_join_report

        write_join_report(out / METADATA_REPORT, result.metadata)
    if result.sessions_table is not None:
        make_private([result.sessions_table])
    return result


class ProgressBar:
    """A rich progress bar on stderr with sessions done, turns/s, elapsed time and ETA."""

    def __init__(self) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TaskProgressColumn,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        self.progress = Progress(
            TextColumn("[bold]analysing"), BarColumn(), MofNCompleteColumn(), TaskProgressColumn(),
            TextColumn("{task.fields[rate]}"), TextColumn("{task.fields[failed]}"),
            TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(),
            console=Console(stderr=True), transient=False)
        self.task: Any = None
        self.turns = 0
        self.failed = 0
        self.started = time.perf_counter()

    def __enter__(self) -> ProgressBar:
        self.progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.stop()

    def start(self, total: int, skipped: int) -> None:
        """Called once the inputs are known; skipped inputs do not count towards the rate."""
        if skipped:
            self.progress.console.print(f"{skipped} of {total} inputs already done (use --force to redo)")
        self.started = time.perf_counter()
        self.task = self.progress.add_task("batch", total=total - skipped, rate="", failed="")

    def advance(self, outcome: Outcome) -> None:
        """Called for every finished input."""
        self.turns += outcome.n_turns
        self.failed += not outcome.ok
        elapsed = max(time.perf_counter() - self.started, 1e-9)
        self.progress.update(self.task, advance=1, rate=f"{self.turns / elapsed:,.0f} turns/s",
                             failed=f"[red]{self.failed} failed" if self.failed else "")


__all__ = [
    "BatchResult",
    "Job",
    "Outcome",
    "ProgressBar",
    "find_inputs",
    "plan_jobs",
    "process_job",
    "read_journal",
    "run_batch",
    "write_failures",
    "write_sessions_table",
]
