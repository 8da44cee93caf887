"""Grouped-CV comparison of linear variants of the behaviour and talk-type heads (issue 10).

Run from the repository's root folder:

    python -m research.linear_variants --data ../shared/data
    python -m research.linear_variants --data ../shared/data --json variants.json   # also the per-fold scores

The folds, the feature space and the training rows are those of ``equipoise train`` (the outer folds of
:mod:`research.cli`: training sessions and their perturbed copies, features fitted inside each fold). Each
variant refits one head on the same fold and is scored per corpus by macro-F1 on the clean test fold and on
the same fold without punctuation or case, and (behaviour) by the F1 of "question" against the rest, the
support-chat target. Every figure is also given as its per-fold difference from the shipped head (a
paired comparison: the folds differ more from each other than the variants do).

Variants (each changes one thing):

- ``shipped``: the head as trained (linear SVM, balanced class weights, the shipped C and corpus weights);
- ``corpus_adapt``: feature augmentation by corpus (Daumé III 2007, "Frustratingly easy domain
  adaptation"): every row is [x, x if AnnoMI, x if ESConv], so each corpus gets its own weights beside the
  shared ones; at test time the corpus is known (an oracle: at run time it would have to be guessed);
  ESConv's weight 0.15 (as shipped for behaviour) or 0.5;
- ``punct_adapt``: the same augmentation by form, clean training rows against the perturbed copies (no
  punctuation or case); at test time the form is known from the text shown;
- ``clean_only``: the perturbed copies left out of the head's training rows (the feature space keeps them);
- ``nb_scaled``: each feature scaled by (1 - β) + β r / mean(r), r the largest absolute naive Bayes
  log-count ratio of that feature over the classes (one against the rest; Wang & Manning 2012, NBSVM);
- ``logistic``: multinomial logistic regression (C 3) instead of the SVM;
- ``c_0.05`` (talk type): the shipped SVM with C 0.05 instead of 0.1.

Deterministic; about 4 minutes per fold on two shared cores. Prints numbers only, never turn text.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from scipy import sparse
from sklearn.metrics import f1_score

from equipoise.label.data import Session
from equipoise.label.train import TrainConfig, _macro_f1, fit_head, gold_column, row_weights
from research.cli import NO_PUNCTUATION, OuterFold, outer_folds, plain_cv_setup, sd

#: the heads compared, and the variants run for each
VARIANTS: dict[str, tuple[str, ...]] = {
    "behaviour": ("shipped", "corpus_adapt_0.15", "corpus_adapt_0.5", "punct_adapt", "clean_only",
                  "nb_scaled", "logistic"),
    "talk_type": ("shipped", "clean_only", "nb_scaled", "logistic", "c_0.05"),
}
#: the positive class whose F1 is reported beside macro-F1 (the support-chat target)
ACT = {"behaviour": "question"}


def augment(features: sparse.csr_matrix, domain: np.ndarray, domains: Sequence[str]) -> sparse.csr_matrix:
    """[x, x where the row's domain is d1, x where it is d2, ...]: one shared and one private copy per domain.

    >>> x = sparse.csr_matrix(np.array([[1.0, 2.0], [3.0, 4.0]]))
    >>> augment(x, np.array(["a", "b"]), ("a", "b")).toarray()
    array([[1., 2., 1., 2., 0., 0.],
           [3., 4., 0., 0., 3., 4.]])
    """
    parts = [features] + [sparse.diags((domain == d).astype(float)) @ features for d in domains]
    return sparse.hstack(parts, format="csr")


def nb_scale(features: sparse.csr_matrix, y: np.ndarray, beta: float = 0.5, alpha: float = 1.0) -> np.ndarray:
    """Per feature, (1 - beta) + beta r / mean(r), with r the largest absolute naive Bayes log-count ratio of
    the feature's presence over the classes of ``y``, each class against the rest (alpha: smoothing).

    >>> x = sparse.csr_matrix(np.array([[1.0, 0.0], [1.0, 0.0], [0.0, 1.0], [0.0, 1.0], [1.0, 1.0]]))
    >>> scale = nb_scale(x, np.array(["a", "a", "b", "b", "b"]))
    >>> bool(scale[0] > 0), bool(abs(scale.mean() - 1.0) < 1e-9)
    (True, True)
    """
    present = features.copy()
    present.data = np.ones_like(present.data)
    ratios = []
    for label in sorted(set(y.tolist())):
        inside = alpha + np.asarray(present[y == label].sum(axis=0)).ravel()
        outside = alpha + np.asarray(present[y != label].sum(axis=0)).ravel()
        ratios.append(np.log((inside / inside.sum()) / (outside / outside.sum())))
    r = np.abs(np.array(ratios)).max(axis=0)
    return (1.0 - beta) + beta * r / r.mean()


@dataclass(frozen=True)
class Setup:
    """One variant's training rows, features and config, and how it shows a test fold."""

    train: sparse.csr_matrix
    rows: np.ndarray        # training rows the head learns from (boolean)
    config: TrainConfig
    test: Callable[[str, sparse.csr_matrix, np.ndarray], sparse.csr_matrix]  # (condition, x, corpus) -> x


def setup(variant: str, head: str, fold: OuterFold, config: TrainConfig, y: np.ndarray,
          corpus: np.ndarray) -> Setup:
    """The training features, rows and config of ``variant`` for ``head`` on ``fold``, whose training rows
    have the gold ``y`` of that head and come from the corpora ``corpus``."""
    x = fold.features
    rows = y != ""

    def same(_condition: str, shown: sparse.csr_matrix, _corpus: np.ndarray) -> sparse.csr_matrix:
        return shown

    if variant == "shipped":
        return Setup(x, rows, config, same)
    if variant.startswith("corpus_adapt_"):
        weight = float(variant.rsplit("_", 1)[1])
        cell = replace(config, label_corpus_weight={**config.label_corpus_weight, head: {"esconv": weight}})
        corpora = ("annomi", "esconv")
        return Setup(augment(x, corpus, corpora), rows, cell, lambda _c, t, k: augment(t, k, corpora))
    if variant == "punct_adapt":
        form = np.where(fold.clean_rows, "clean", NO_PUNCTUATION)
        forms = ("clean", NO_PUNCTUATION)
        return Setup(augment(x, form, forms), rows, config,
                     lambda c, t, _k: augment(t, np.full(t.shape[0], c), forms))
    if variant == "clean_only":
        return Setup(x, rows & fold.clean_rows, config, same)
    if variant == "nb_scaled":
        learn = rows & (row_weights(fold.rows, config, head) > 0)
        scale = sparse.diags(nb_scale(x[np.flatnonzero(learn)], y[learn].astype(str)))
        return Setup((x @ scale).tocsr(), rows, config, lambda _c, t, _k: (t @ scale).tocsr())
    if variant == "logistic":
        return Setup(x, rows, replace(config, classifier="logistic", c={**config.c, head: 3.0}), same)
    if variant.startswith("c_"):
        return Setup(x, rows, replace(config, c={**config.c, head: float(variant[2:])}), same)
    raise ValueError(f"unknown variant {variant!r}")


def compare(sessions: Sequence[Session], config: TrainConfig,
            variants: dict[str, Sequence[str]] | None = None,
            progress: Callable[[str], None] | None = None) -> dict[tuple[str, str], dict[str, list[float]]]:
    """Per (head, variant): per-fold scores keyed ``corpus/condition`` (macro-F1) and
    ``corpus/condition/act`` (F1 of :data:`ACT`)."""
    variants = VARIANTS if variants is None else variants
    out: dict[tuple[str, str], dict[str, list[float]]] = {}
    for fold in outer_folds(sessions, config):
        if progress:
            progress(f"{fold.name}: features fitted")
        for head, names in variants.items():
            y = gold_column(fold.rows, head)
            corpus = np.array([s.corpus for s in fold.rows for _ in range(len(s))])
            gold = fold.gold[head]
            for name in names:
                s = setup(name, head, fold, config, y, corpus)
                weights = np.where(s.rows, row_weights(fold.rows, s.config, head), 0.0)
                fitted = fit_head(s.train, y, head, s.config, weights)
                scores = out.setdefault((head, name), {})
                for condition, x in fold.test_features.items():
                    shown = s.test(condition, x, fold.corpus_of)
                    pred = np.array(fitted.classes)[fitted.scores(shown).argmax(axis=1)]
                    for corpus_name in sorted(set(fold.corpus_of.tolist())):
                        mask = (gold != "") & (fold.corpus_of == corpus_name)
                        if not mask.any():
                            continue
                        key = f"{corpus_name}/{condition}"
                        scores.setdefault(key, []).append(_macro_f1(gold[mask].astype(str), pred[mask], head))
                        if head in ACT:
                            scores.setdefault(f"{key}/{ACT[head]}", []).append(float(f1_score(
                                gold[mask] == ACT[head], pred[mask] == ACT[head], zero_division=0)))
                if progress:
                    progress(f"{fold.name}: {head} {name} done")
    return out


def table(results: dict[tuple[str, str], dict[str, list[float]]]) -> list[str]:
    """Markdown table: per head, variant and corpus, the clean and no-punctuation macro-F1 (mean ± sd), the
    paired difference from ``shipped`` for each, and the act's F1 where there is one."""
    lines = ["| head | variant | corpus | macro-F1 | Δ shipped (paired) | no punct. | Δ shipped (paired) "
             "| act F1 | Δ shipped |", "|" + "---|" * 9]
    for (head, name), scores in sorted(results.items(), key=lambda kv: (kv[0][0], kv[0][1] != "shipped")):
        base = results.get((head, "shipped"), scores)
        for corpus in sorted({k.split("/")[0] for k in scores}):
            cells = [head, name, corpus]
            for key in (f"{corpus}/clean", f"{corpus}/{NO_PUNCTUATION}"):
                value, delta = np.array(scores[key]), np.array(scores[key]) - np.array(base[key])
                cells += [f"{value.mean():.3f} ± {sd(value):.3f}", f"{delta.mean():+.3f} ± {sd(delta):.3f}"]
            act = f"{corpus}/clean/{ACT.get(head, '')}"
            if act in scores:
                cells += [f"{np.mean(scores[act]):.3f}", f"{np.mean(np.array(scores[act]) - base[act]):+.3f}"]
            else:
                cells += ["-", "-"]
            lines.append("| " + " | ".join(cells) + " |")
    return lines


def main() -> None:
    args, config, sessions, progress = plain_cv_setup(__doc__.splitlines()[0])
    results = compare(sessions, config, progress=progress)
    if args.json:
        payload: list[dict[str, Any]] = [
            {"head": h, "variant": v, "per_fold": {k: [round(x, 4) for x in s] for k, s in scores.items()}}
            for (h, v), scores in sorted(results.items())]
        args.json.write_text(json.dumps(payload, indent=1) + "\n", encoding="utf-8")
    print("\n".join(table(results)))


if __name__ == "__main__":
    main()
