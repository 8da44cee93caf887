"""Throughput and peak memory of the turn labeller on one process (figures only, no assertions).

Measures, for the shipped labeller: the time to load the artifact, turns per second on the example
sessions (``examples/``), on the AnnoMI training transcripts (``$EQUIPOISE_DATA`` or ``../shared/data``,
skipped when absent), on the same transcripts without punctuation or case (as a speech recogniser may write
them: the boundary and question models then run on every turn) and on one long 600-turn session, and the
peak memory (Python allocations traced by
``tracemalloc`` while labelling, and the process's maximum resident set size).

    .venv/bin/python benchmarks/labeller_throughput.py            # best of 3 repeats
    .venv/bin/python benchmarks/labeller_throughput.py --repeats 5
    .venv/bin/python benchmarks/labeller_throughput.py --labeller DIR              # an artifact folder
"""

from __future__ import annotations

import argparse
import os
import resource
import time
import tracemalloc
from collections.abc import Sequence
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def example_sessions() -> list:
    """Every example file Equipoise can read (files it cannot read are skipped)."""
    import equipoise
    from equipoise.errors import EquipoiseError

    out = []
    for path in sorted(EXAMPLES.glob("*.*")):
        if path.suffix == ".md":
            continue
        try:
            out.append(equipoise.load(path))
        except EquipoiseError:
            continue
    return out


def annomi_sessions() -> list:
    """The AnnoMI training transcripts as Transcripts, or [] when the data is absent."""
    from equipoise.errors import InputError
    from equipoise.label.data import annomi_file, default_data_dir, read_annomi
    from equipoise.label.evaluate import session_transcript

    try:
        return [session_transcript(s) for s in read_annomi(annomi_file(default_data_dir()))]
    except InputError:
        return []


def long_session(sources: Sequence, n_turns: int = 600):
    """One session of ``n_turns`` turns made by concatenating the given sessions' turns."""
    from equipoise.model import Transcript, Turn

    turns = [t for s in sources for t in s.turns]
    while turns and len(turns) < n_turns:
        turns = turns + turns
    return Transcript.from_turns("long", [Turn(i, t.speaker, t.text) for i, t in enumerate(turns[:n_turns])])


def unpunctuated(session):
    """The session with every turn's punctuation and case removed (:mod:`equipoise.label.perturb`)."""
    from equipoise.label.perturb import strip_punctuation_case
    from equipoise.model import Transcript, Turn

    return Transcript.from_turns(session.id, [Turn(t.index, t.speaker, strip_punctuation_case(t.text))
                                                      for t in session.turns])


def _forget_texts() -> None:
    """Empty the per-text caches (normalised text, utterance spans, markers, stance phrases), so that a
    repeat pays for every text again, as a new session does; otherwise the best of the repeats measures
    the caches."""
    from equipoise.label import features, markers, sentences, stance

    for cached in (features.normalise, sentences.split_spans, sentences.restore, markers.find_markers,
                   stance.stance_phrases):
        cached.cache_clear()


def measure(labeller, sessions: Sequence, repeats: int) -> tuple[float, float, float]:
    """(turns, best turns/s over the repeats, peak traced MiB during one pass)."""
    n = sum(s.n_turns for s in sessions)
    best = float("inf")
    for _ in range(repeats):
        _forget_texts()
        start = time.perf_counter()
        for session in sessions:
            labeller.label(session)
        best = min(best, time.perf_counter() - start)
    tracemalloc.start()
    for session in sessions:
        labeller.label(session)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return n, n / best, peak / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--labeller", metavar="NAME|DIR", help="labeller to measure (default: shipped)")
    args = parser.parse_args()
    os.environ.setdefault("OMP_NUM_THREADS", "1")  # one core: numpy/BLAS (and torch) must not fan out

    from equipoise.label import load_labeller

    start = time.perf_counter()
    labeller = load_labeller(args.labeller)
    load_s = time.perf_counter() - start
    print(f"labeller {labeller.name} {labeller.version}: loaded in {load_s * 1000:.0f} ms")

    examples = example_sessions()
    corpora = [("examples/", examples)]
    annomi = annomi_sessions()
    if annomi:
        corpora.append(("AnnoMI training transcripts", annomi))
        corpora.append(("AnnoMI, no punctuation or case", [unpunctuated(s) for s in annomi]))
    else:
        print("AnnoMI data not found (set EQUIPOISE_DATA): skipping it")
    corpora.append(("one 600-turn session", [long_session(annomi or examples)]))
    print(f"{'corpus':32} {'sessions':>8} {'turns':>7} {'turns/s':>9} {'traced peak MiB':>16}")
    for name, sessions in corpora:
        n, rate, peak = measure(labeller, sessions, args.repeats)
        print(f"{name:32} {len(sessions):>8} {n:>7} {rate:>9.0f} {peak:>16.1f}")
    max_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(f"process max RSS: {max_rss:.0f} MiB")


if __name__ == "__main__":
    main()
