"""Grouped-CV grid of ESConv's row weight (and C) in the labeller's behaviour and stance heads (issue 10).

Run from the repository's root folder:

    python -m research.tune_corpus_weight --data ../shared/data
    python -m research.tune_corpus_weight --data ../shared/data --json grid.json   # also the per-fold scores

The folds are those of ``equipoise train`` (:func:`equipoise.label.train.video_folds`, seed 0). Inside each
fold the feature space and the training features are fitted once, as
:func:`~equipoise.label.train.fit_artifact` does (the training sessions and their perturbed copies); only
the tuned head is refitted for each cell of the grid, with ESConv's weight in that head set by
``TrainConfig.label_corpus_weight`` (0 = AnnoMI rows only). Each cell is scored, per corpus, by macro-F1 on
the clean test fold and on the same fold without punctuation or case, and by its per-fold difference from
the setting before this tuning (ESConv 0.5 in every head, behaviour C 0.2; a paired comparison: the folds
differ more from each other than the settings do).
Talk type is not tuned: ESConv codes no talk type, so its weight cannot change that head.

Deterministic (LinearSVC with a fixed seed); about 8 minutes per fold on two shared cores. Prints numbers
only, never turn text.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

import numpy as np

from equipoise.label.data import Session
from equipoise.label.train import TrainConfig, _macro_f1, fit_head, gold_column, row_weights
from research.cli import NO_PUNCTUATION, outer_folds, plain_cv_setup, sd

#: ESConv's row weight in the tuned head, and C, per tuned head
WEIGHTS = (0.0, 0.15, 0.3, 0.5)
C_GRID = {"behaviour": (0.1, 0.2, 0.4), "stance": (0.1,)}
#: (ESConv weight, C) of each head before this tuning: the cell every other is compared with
BEFORE = {"behaviour": (0.5, 0.2), "stance": (0.5, 0.1)}


def cell_config(config: TrainConfig, head: str, esconv: float, c: float) -> TrainConfig:
    """``config`` with ESConv's weight and C of one head replaced."""
    return replace(config, c={**config.c, head: c},
                   label_corpus_weight={**config.label_corpus_weight, head: {"esconv": esconv}})


def tune(sessions: Sequence[Session], config: TrainConfig, heads: dict[str, Sequence[float]] | None = None,
         weights: Sequence[float] = WEIGHTS,
         progress: Callable[[str], None] | None = None) -> dict[tuple[str, float, float], dict[str, Any]]:
    """Per (head, ESConv weight, C): each corpus's macro-F1 per fold, clean and without punctuation."""
    heads = C_GRID if heads is None else heads
    out: dict[tuple[str, float, float], dict[str, Any]] = {}
    for fold in outer_folds(sessions, config):
        features, rows, corpus_of = fold.features, fold.rows, fold.corpus_of
        if progress:
            progress(f"{fold.name}: features fitted")
        for head, cs in heads.items():
            y = gold_column(rows, head)
            gold = fold.gold[head]  # the perturbations keep the gold
            for esconv in weights:
                for c in cs:
                    cell = cell_config(config, head, esconv, c)
                    fitted = fit_head(features, y, head, cell, row_weights(rows, cell, head))
                    scores = out.setdefault((head, esconv, c), {})
                    for variant, x in fold.test_features.items():
                        pred = np.array(fitted.classes)[fitted.scores(x).argmax(axis=1)]
                        for corpus in sorted(set(corpus_of.tolist())):
                            mask = (gold != "") & (corpus_of == corpus)
                            if mask.any():
                                scores.setdefault((corpus, variant), []).append(
                                    _macro_f1(gold[mask].astype(str), pred[mask], head))
            if progress:
                progress(f"{fold.name}: {head} done")
    return out


def table(results: dict[tuple[str, float, float], dict[str, Any]],
          before: dict[str, tuple[float, float]] | None = None) -> list[str]:
    """The grid as a Markdown table: mean ± sd over folds, the no-punctuation drop, and the paired
    difference from the setting of that head in ``before`` (default :data:`BEFORE`)."""
    before = BEFORE if before is None else before
    corpora = sorted({corpus for scores in results.values() for corpus, _ in scores})
    head_cells = ["head", "ESConv weight", "C"]
    for corpus in corpora:
        head_cells += [f"{corpus} macro-F1", f"{corpus} no punct. (drop)", f"{corpus} Δ before (paired)"]
    lines = ["| " + " | ".join(head_cells) + " |", "|" + "---|" * len(head_cells)]
    for (head, esconv, c), scores in sorted(results.items()):
        base = results.get((head, *before[head]), {}) if head in before else {}
        cells = [head, f"{esconv:g}", f"{c:g}"]
        for corpus in corpora:
            clean = np.array(scores.get((corpus, "clean"), []))
            if not len(clean):
                cells += ["-", "-", "-"]
                continue
            plain = np.array(scores[(corpus, NO_PUNCTUATION)])
            delta = clean - np.array(base.get((corpus, "clean"), clean))
            cells += [f"{clean.mean():.3f} ± {sd(clean):.3f}",
                      f"{plain.mean():.3f} ({clean.mean() - plain.mean():+.3f})",
                      f"{delta.mean():+.3f} ± {sd(delta):.3f}"]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def main() -> None:
    args, config, sessions, progress = plain_cv_setup(__doc__.splitlines()[0])
    results = tune(sessions, config, progress=progress)
    if args.json:
        args.json.write_text(json.dumps(
            [{"head": h, "esconv_weight": w, "c": c,
              "per_fold": {f"{corpus}/{variant}": [round(v, 4) for v in values]
                           for (corpus, variant), values in scores.items()}}
             for (h, w, c), scores in sorted(results.items())], indent=1) + "\n", encoding="utf-8")
    print("\n".join(table(results)))


if __name__ == "__main__":
    main()
