"""ConvoKit 5's ``Coordination`` against our accommodation analyser, in one run on one corpus.

Both compute linguistic coordination after Danescu-Niculescu-Mizil et al. (2012). ConvoKit works on a
Corpus (utterances with ``reply_to``) and its LIWC-derived marker patterns; ours works on a Transcript,
per session, with open function-word lists. This script times both on the same sessions and prints the
ratio, and, as a sanity check, the two estimates of who coordinates more.

ConvoKit is not an Equipoise dependency (it is not in any extra either); install it for this benchmark
only, preferably in a virtualenv of its own. Checked with convokit 5.0.0 from PyPI, two ways:

- Everything ConvoKit declares (``pip install convokit``): it pulls in spaCy, sentence-transformers (and so
  PyTorch), datasets and more, about 6.5 GB::

      python3 -m venv .venv-convokit
      .venv-convokit/bin/pip install -e . convokit

- Only what ``Coordination`` needs (a few hundred MB): ConvoKit without its declared dependencies, then the
  modules its core imports (``pymongo`` provides ``bson``)::

      python3 -m venv .venv-convokit
      .venv-convokit/bin/pip install -e .
      .venv-convokit/bin/pip install --no-deps convokit==5.0.0
      .venv-convokit/bin/pip install pandas pyyaml requests tqdm pymongo

  (``pip check`` then lists ConvoKit's other dependencies as missing; the benchmark does not use them.)

Then run it with that environment's Python (``--repeat`` runs of each; the median is printed)::

    .venv-convokit/bin/python benchmarks/convokit_coordination.py [--repeat 3]

Without ConvoKit the script says so and times ours alone. ConvoKit prints a note about the config file it
writes on first use; the script points ``HOME`` at a temporary folder first, so nothing is left behind.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import tempfile
import time
from typing import Any

from equipoise.model import Speaker, Transcript, Turn


def load_sessions() -> tuple[str, list[Transcript]]:
    """The AnnoMI training transcripts as Transcripts, or the example sessions when the data is absent."""
    from pathlib import Path

    from equipoise.errors import InputError
    from equipoise.label.data import annomi_file, default_data_dir, read_annomi

    try:
        sessions = read_annomi(annomi_file(default_data_dir()))
    except InputError:
        sessions = []
    transcripts = []
    for s in sessions:
        people = {r: Speaker(r.value, r) for r in set(s.roles)}
        turns = [Turn(i, people[r], t) for i, (t, r) in enumerate(zip(s.texts, s.roles, strict=True))]
        transcripts.append(Transcript.from_turns(str(s.transcript_id), turns))
    if transcripts:
        return f"AnnoMI training transcripts ({len(transcripts)})", transcripts
    import equipoise

    examples = Path(__file__).resolve().parents[1] / "examples"
    found = [equipoise.load(p) for p in sorted(examples.rglob("*.*")) if p.suffix in (".txt", ".csv")]
    return f"example sessions ({len(found)}; shared data not found)", found


def ours(transcripts: list[Transcript]) -> tuple[float, list[float]]:
    """Seconds for our analyser over every session, and the per-session coordination gaps."""
    from equipoise.analysers import text
    from equipoise.analysers.accommodation import AccommodationAnalyser
    from equipoise.analysers.base import Config

    analyser, config = AccommodationAnalyser(), Config()
    # Tokenising is cached per process; start cold, as ConvoKit does on a fresh Corpus.
    for cached in (text.tokens, text.function_classes, text.content_words):
        cached.cache_clear()
    started = time.perf_counter()
    results = [analyser.analyse(t, None, config) for t in transcripts]
    seconds = time.perf_counter() - started
    gaps = [r.metrics.get("coordination_gap") for r in results]
    return seconds, [g for g in gaps if g is not None]


def build_corpus(transcripts: list[Transcript]) -> Any:
    """A ConvoKit Corpus: one conversation per session, speakers per session and role, replies chained."""
    from convokit import Corpus, Utterance
    from convokit import Speaker as CKSpeaker

    speakers: dict[str, Any] = {}
    utterances = []
    for t in transcripts:
        previous = None
        for turn in t.turns:
            sid = f"{t.id}:{turn.role.value}"
            if sid not in speakers:
                speakers[sid] = CKSpeaker(id=sid, meta={"role": turn.role.value})
            uid = f"{t.id}:{turn.index}"
            utterances.append(Utterance(id=uid, speaker=speakers[sid], conversation_id=f"{t.id}:0",
                                        reply_to=previous, text=turn.text))
            previous = uid  # turn 0's id is the conversation id: ConvoKit's root convention
    return Corpus(utterances=utterances)


def theirs(transcripts: list[Transcript]) -> tuple[float, float, dict[str, float]]:
    """Seconds to build the Corpus, seconds to fit and summarise both directions, and the aggregates."""
    from convokit import Coordination

    started = time.perf_counter()
    corpus = build_corpus(transcripts)
    built = time.perf_counter() - started
    started = time.perf_counter()
    coord = Coordination()
    coord.fit(corpus)
    aggregates = {}
    for who, target in (("client", "therapist"), ("therapist", "client")):
        report = coord.summarize(corpus,
                                 speaker_selector=lambda s, w=who: s.meta.get("role") == w,
                                 target_selector=lambda s, g=target: s.meta.get("role") == g,
                                 summary_report=True)
        aggregates[f"{who}->{target}"] = report["agg1"]
    return built, time.perf_counter() - started, aggregates


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each; the median is reported")
    args = parser.parse_args()
    described, transcripts = load_sessions()
    n_turns = sum(t.n_turns for t in transcripts)
    print(f"corpus: {described}, {n_turns} turns")
    ours(transcripts[:2])  # warm-up: imports and word lists
    runs = [ours(transcripts) for _ in range(args.repeat)]
    our_seconds = statistics.median(r[0] for r in runs)
    gaps = runs[0][1]
    print(f"ours (equipoise accommodation, per session): {our_seconds:.3f} s, {n_turns / our_seconds:,.0f} "
          f"turns/s; mean gap (client->therapist minus therapist->client) {statistics.fmean(gaps):+.4f} "
          f"over {len(gaps)} sessions; client coordinates more in "
          f"{sum(g > 0 for g in gaps)}/{len(gaps)}")
    # ConvoKit writes a config file into the home folder on first use: give it a temporary one.
    home = tempfile.mkdtemp(prefix="convokit-home-")
    os.environ["HOME"] = home
    try:
        compare_with_convokit(transcripts, n_turns, our_seconds, args.repeat)
    finally:
        shutil.rmtree(home, ignore_errors=True)


def compare_with_convokit(transcripts: list[Transcript], n_turns: int, our_seconds: float,
                          repeat: int) -> None:
    """Time ConvoKit's Coordination on the same sessions and print the ratio (or why it cannot)."""
    try:
        started = time.perf_counter()
        import convokit
    except ImportError as exc:
        print(f"convokit: cannot be imported ({exc.__class__.__name__}: {exc}); to get the ratio, install "
              "it as this script's docstring says (`python benchmarks/convokit_coordination.py --help`)")
        return
    from importlib.metadata import version

    print(f"convokit {version('convokit')} ({convokit.__name__}): import took "
          f"{time.perf_counter() - started:.1f} s (not counted)")
    results = [theirs(transcripts) for _ in range(repeat)]
    built = statistics.median(r[0] for r in results)
    fitted = statistics.median(r[1] for r in results)
    aggregates = results[0][2]
    print(f"convokit Coordination: corpus {built:.3f} s + fit/summarize {fitted:.3f} s; "
          f"{n_turns / fitted:,.0f} turns/s (fit/summarize)")
    for pair, value in aggregates.items():
        print(f"  convokit aggregate 1, {pair}: {value:+.4f}" if value is not None else f"  {pair}: none")
    print(f"ratio convokit / ours: {fitted / our_seconds:.1f}x (fit/summarize only), "
          f"{(built + fitted) / our_seconds:.1f}x (including building the Corpus)")

if __name__ == "__main__":
    main()
