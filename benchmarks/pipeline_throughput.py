"""Throughput of the whole pipeline (read, label, analyse, write) through ``equipoise.batch``.

Prints turns per second with 1 and 2 local worker processes and on a local Dask cluster, then the time
against corpus size (which should grow linearly). Figures only, no assertions.

The corpus is the AnnoMI training transcripts (``$EQUIPOISE_DATA`` or ``../shared/data``), written as
generic CSV files into a temporary folder that is deleted afterwards; when the data is absent the example
sessions are used instead. Sessions are repeated to reach the larger sizes.

    .venv/bin/python benchmarks/pipeline_throughput.py       # defaults: 100 sessions, sizes 25..200
    .venv/bin/python benchmarks/pipeline_throughput.py --sessions 300 --format html --no-dask
"""

from __future__ import annotations

import argparse
import csv
import shutil
import tempfile
import time
from pathlib import Path

from equipoise.batch import run_batch

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def sessions_source() -> tuple[str, list[list[tuple[str, str, str]]]]:
    """(description, sessions as rows of speaker, role, text) from AnnoMI, or from the examples."""
    from equipoise.errors import InputError
    from equipoise.label.data import annomi_file, default_data_dir, read_annomi

    try:
        sessions = read_annomi(annomi_file(default_data_dir()))
    except InputError:
        sessions = []
    if sessions:
        rows = [[(r.value, r.value, t) for t, r in zip(s.texts, s.roles, strict=True)] for s in sessions]
        return f"AnnoMI training transcripts ({len(rows)})", rows
    import equipoise

    rows = []
    for path in sorted(EXAMPLES.rglob("*.*")):
        if path.suffix in (".txt", ".csv", ".jsonl", ".vtt"):
            t = equipoise.load(path)
            rows.append([(turn.speaker.name, turn.role.value, turn.text) for turn in t.turns])
    return f"example sessions ({len(rows)}; shared data not found)", rows


def write_corpus(folder: Path, sessions: list[list[tuple[str, str, str]]], n: int) -> int:
    """Write ``n`` sessions (repeating the source as needed) as CSV files; returns the number of turns."""
    folder.mkdir(parents=True, exist_ok=True)
    turns = 0
    for i in range(n):
        rows = sessions[i % len(sessions)]
        with (folder / f"s{i:05d}.csv").open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["speaker", "role", "text"])
            writer.writerows(rows)
        turns += len(rows)
    return turns


def timed(corpus: Path, out: Path, fmt: str, **kwargs: object) -> tuple[float, int]:
    """Seconds and turns of one fresh batch run."""
    shutil.rmtree(out, ignore_errors=True)
    started = time.perf_counter()
    result = run_batch(corpus, out, fmt=fmt, **kwargs)  # type: ignore[arg-type]
    seconds = time.perf_counter() - started
    if result.failed:
        print(f"  ({result.failed} inputs failed: {result.failures[:3]})")
    return seconds, result.turns


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=100, help="sessions for the worker comparison")
    parser.add_argument("--sizes", default="25,50,100,200", help="corpus sizes for the scaling run")
    parser.add_argument("--format", default="json", help="output format (json, html, csv, ...)")
    parser.add_argument("--no-dask", action="store_true", help="skip the Dask run")
    args = parser.parse_args()

    described, sessions = sessions_source()
    print(f"corpus: {described}; output format: {args.format}")
    with tempfile.TemporaryDirectory(prefix="equipoise-bench-") as tmp:
        root = Path(tmp)
        corpus = root / "corpus"
        total = write_corpus(corpus, sessions, args.sessions)
        print(f"\n{args.sessions} sessions, {total} turns (whole pipeline incl. reading and writing)")
        print(f"{'run':<28}{'seconds':>9}{'turns/s':>10}{'sessions/s':>12}")
        # One warm-up session, so that loading the labeller and norms is not charged to the first run.
        write_corpus(root / "warm", sessions, 1)
        run_batch(root / "warm", root / "warm-out", fmt=args.format, workers=1)
        for label, kwargs in (("1 worker (in process)", {"workers": 1}),
                              ("2 local worker processes", {"workers": 2})):
            seconds, turns = timed(corpus, root / "out", args.format, **kwargs)
            print(f"{label:<28}{seconds:>9.2f}{turns / seconds:>10.0f}{args.sessions / seconds:>12.1f}")
        if not args.no_dask:
            try:
                from distributed import LocalCluster
            except ImportError:
                print("dask: not installed (pip install 'equipoise[dask]')")
            else:
                with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
                    seconds, turns = timed(corpus, root / "out", args.format,
                                           scheduler=cluster.scheduler_address)
                print(f"{'Dask LocalCluster, 2 procs':<28}{seconds:>9.2f}{turns / seconds:>10.0f}"
                      f"{args.sessions / seconds:>12.1f}")

        print("\ntime against corpus size (1 worker)")
        print(f"{'sessions':>9}{'turns':>9}{'seconds':>9}{'ms/turn':>9}")
        points = []
        for size in (int(s) for s in args.sizes.split(",")):
            folder = root / f"size{size}"
            turns = write_corpus(folder, sessions, size)
            seconds, _ = timed(folder, root / "out", args.format, workers=1)
            points.append((turns, seconds))
            print(f"{size:>9}{turns:>9}{seconds:>9.2f}{1000 * seconds / turns:>9.2f}")
        if len(points) >= 2:
            import numpy as np

            x, y = np.array(points, dtype=float).T
            slope, intercept = np.polyfit(x, y, 1)
            r2 = 1 - ((y - (slope * x + intercept)) ** 2).sum() / ((y - y.mean()) ** 2).sum()
            print(f"linear fit: {1000 * slope:.3f} ms/turn + {intercept:.2f} s, R^2 = {r2:.4f}")


if __name__ == "__main__":
    main()
