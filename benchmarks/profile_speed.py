"""How long a 60-minute session (600 turns) takes end to end on one core: labeller, analysers, timeline.

    .venv/bin/python benchmarks/profile_speed.py [--turns 600] [--repeat 5]

The session is built from the example transcripts repeated until it has the requested number of turns
(with synthetic timestamps, so the speaking-time metrics run too). Loading the labeller artifact happens
once per process and is reported separately. Prints figures; asserts nothing.
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")       # one core: keep BLAS from spreading out
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")

import argparse
import statistics
import time
from pathlib import Path

import equipoise
from equipoise.model import Transcript, Turn

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def long_session(n_turns: int) -> Transcript:
    """The example sessions, concatenated and repeated to ``n_turns`` turns, 6 s apart."""
    sources = [equipoise.load(EXAMPLES / name) for name in
               ("collaborative.txt", "directive.txt", "power_shift.csv", "reverse_shift.jsonl")]
    pool = [t for s in sources for t in s.turns]
    turns = []
    for i in range(n_turns):
        src = pool[i % len(pool)]
        turns.append(Turn(i, src.speaker.__class__(src.role.value.title(), src.role), src.text,
                          6.0 * i, 6.0 * i + 5.5))
    return Transcript.from_turns("speed", turns)


def clear_caches() -> None:
    """Forget tokenised turns, so every run starts cold as a new session would."""
    from equipoise.analysers import text

    for cached in (text.tokens, text.content_words, text.function_classes):
        cached.cache_clear()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=600)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    from equipoise.label import load_labeller
    from equipoise.pipeline import analyse

    session = long_session(args.turns)
    t0 = time.perf_counter()
    labeller = load_labeller()
    load_s = time.perf_counter() - t0
    label_s, total_s, no_timeline_s = [], [], []
    for _ in range(args.repeat):
        clear_caches()
        t0 = time.perf_counter()
        labels = labeller.label(session)
        label_s.append(time.perf_counter() - t0)
        clear_caches()
        t0 = time.perf_counter()
        analyse(session, labeller=labeller)
        total_s.append(time.perf_counter() - t0)
        clear_caches()
        t0 = time.perf_counter()
        analyse(session, labels=labels, timeline=False)
        no_timeline_s.append(time.perf_counter() - t0)
    med = statistics.median
    print(f"session: {session.n_turns} turns, {sum(len(t.text.split()) for t in session.turns)} words")
    print(f"labeller load (once per process):        {load_s * 1000:8.1f} ms")
    print(f"labelling only (median of {args.repeat}):           {med(label_s) * 1000:8.1f} ms")
    print(f"analysers without timeline (median):     {med(no_timeline_s) * 1000:8.1f} ms")
    print(f"timeline windows: {len(analyse(session, labels=labels).timeline)}")
    print(f"end to end: label + analyse + timeline:  {med(total_s) * 1000:8.1f} ms  (target < 1000 ms)")


if __name__ == "__main__":
    main()
