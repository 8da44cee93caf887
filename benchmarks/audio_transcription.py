"""Speech recognition and diarisation on synthesised two-voice sessions: speed and accuracy.

Run: ``.venv/bin/python benchmarks/audio_transcription.py [--cores N] [--minutes M]`` (needs espeak-ng,
sox and the audio extra). The sessions are those of ``tests/audio/synth.py``, synthesised here with
espeak-ng (two voices of different pitch) and joined with sox; ``held_out`` was never used to choose a
setting. Prints per session: real-time factor (processing seconds / audio seconds, model loading
excluded, on N cores, default 1), word error rate, the share of gold words attributed to the right role
(roles as inferred) and the turn-count error. ``--minutes M`` also builds one long session of about M
minutes from the three (50 for a typical session) and prints its progress, time, turn count and the
process's peak memory (its words are not aligned with the gold: that is quadratic in the words).

Synthetic speech is clean and the voices differ clearly: these figures are an upper bound for a real
recording, not an estimate of it.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "audio"))
os.environ["HF_HUB_OFFLINE"] = "1"

from synth import CHECK_IN, GOALS, HELD_OUT, GoldSession, Made, score, synthesise, tools_missing


def _long(parts: list[Made], minutes: float, folder: Path) -> Made:
    """One session of about ``minutes`` made by repeating the parts, with the gold repeated alike."""
    length = sum(p.times[-1][1] + 0.5 for p in parts)
    repeats = max(1, round(minutes * 60 / length))
    chosen = [p for _ in range(repeats) for p in parts]
    target = folder / "long.wav"
    subprocess.run(["sox", "-R", *(str(p.path) for p in chosen), str(target)], check=True)
    session = GoldSession("long", tuple(t for p in chosen for t in p.session.turns), CHECK_IN.voices)
    return Made(target, session, ())


def _seconds(path: Path) -> float:
    return float(subprocess.run(["soxi", "-D", str(path)], check=True, capture_output=True, text=True).stdout)


def _run(made: Made) -> str:
    from equipoise.ingest import load

    audio_seconds = _seconds(made.path)
    began = time.perf_counter()
    transcript = load(made.path)
    spent = time.perf_counter() - began
    result = score(made, [(t.role.value, t.text) for t in transcript.turns])
    return (f"{made.session.name:>9}  {audio_seconds:7.1f}  {spent:7.1f}  {spent / audio_seconds:5.3f}  "
            f"{result.word_error_rate:5.3f}  {result.attributed:6.3f}  {result.gold_turns:5d}  "
            f"{result.turns:5d}  {result.turn_count_error:5.3f}")


def _run_long(made: Made) -> str:
    """Time and peak memory of one long session (no word alignment: it is quadratic in the words)."""
    from equipoise.audio import reporting_progress
    from equipoise.ingest import load

    audio_seconds = _seconds(made.path)
    shown: list[int] = []

    def progress(_path: Path, done: float, total: float) -> None:
        tenth = int(10 * done / total)
        if not shown or tenth > shown[-1]:
            shown.append(tenth)
            print(f"  progress {10 * tenth}% after {time.perf_counter() - began:.0f} s", flush=True)

    began = time.perf_counter()
    with reporting_progress(progress):
        transcript = load(made.path)
    spent = time.perf_counter() - began
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    gold = len(made.session.turns)
    return (f"long session: {audio_seconds / 60:.1f} min of audio in {spent / 60:.1f} min (RTF "
            f"{spent / audio_seconds:.3f}); {transcript.n_turns} turns for {gold} in the gold (error "
            f"{abs(transcript.n_turns - gold) / gold:.3f}); peak memory of the process {peak:.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cores", type=int, default=1, help="CPUs to run on (default 1)")
    parser.add_argument("--minutes", type=float, default=0, help="also time one long session of M minutes")
    args = parser.parse_args()
    why = tools_missing()
    if why:
        sys.exit(f"cannot synthesise sessions: {why}")
    os.sched_setaffinity(0, sorted(os.sched_getaffinity(0))[:args.cores])
    from equipoise.audio.recognise import _model, threads

    began = time.perf_counter()
    _model(threads())
    print(f"model load: {time.perf_counter() - began:.1f} s; {threads()} recogniser thread(s) on "
          f"{len(os.sched_getaffinity(0))} core(s)")
    print("synthetic espeak-ng sessions written in tests/audio/synth.py (an upper bound for real speech)")
    print("  session  audio_s   proc_s    RTF    WER  attrib  gold_t  turns  t_err")
    with tempfile.TemporaryDirectory() as work:
        folder = Path(work)
        made = [synthesise(s, folder / f"{s.name}.wav") for s in (CHECK_IN, GOALS, HELD_OUT)]
        for m in made:
            print(_run(m), flush=True)
        if args.minutes:
            print(_run_long(_long(made, args.minutes, folder)))


if __name__ == "__main__":
    main()
