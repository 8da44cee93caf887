"""Run-time cost of a labeller: load time, turns/s on one thread, process max RSS (figures only).

Each labeller is measured in a fresh process of its own, so that the resident memory is its own:

    python -m research.tier_speed --labeller DIR            # the accurate tier, beside the linear labeller

The corpora are the example sessions (``examples/``) and one 600-turn session made from them; best of
``--repeats`` passes. Nothing is printed of the turns.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


def measure_here(name: str | None, repeats: int) -> dict[str, float]:
    """Load the labeller ``name`` in this process and measure it."""
    import resource
    import time

    sys.path.insert(0, str(BENCHMARKS))
    from labeller_throughput import example_sessions, long_session, measure

    from equipoise.label import load_labeller

    examples = example_sessions()
    long = long_session(examples)
    start = time.perf_counter()
    labeller = load_labeller(name)
    load_s = time.perf_counter() - start
    out = {"load_s": round(load_s, 2)}
    for key, sessions in (("examples", examples), ("long", [long])):
        n, rate, _ = measure(labeller, sessions, repeats)
        out[f"{key}_turns"], out[f"{key}_turns_per_s"] = n, round(rate, 1)
    out["max_rss_mib"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--labeller", metavar="DIR", help="the labeller to measure beside the shipped one")
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--one", metavar="NAME", help=argparse.SUPPRESS)  # the child process's job
    args = parser.parse_args()
    if args.one is not None:
        print(json.dumps(measure_here(args.one or None, args.repeats)))
        return
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    for name in ("", args.labeller or ""):
        run = subprocess.run([sys.executable, "-m", "research.tier_speed", "--one", name,
                              "--repeats", str(args.repeats)], capture_output=True, text=True, env=env,
                             check=True, cwd=Path(__file__).resolve().parents[1])
        print(f"{name or 'shipped linear'}: {run.stdout.strip()}")
        if not args.labeller:
            break


if __name__ == "__main__":
    main()
