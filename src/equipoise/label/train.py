"""Train the labeller on AnnoMI and ESConv: grouped CV report, then one fit written as an artifact.

Every learned label is a linear classifier (scikit-learn, imported here only: a linear SVM by default,
multinomial logistic regression as an option) over the features of :mod:`equipoise.label.features`: TF-IDF
of the turn (word 1-3-grams, character 2-5-grams, and word n-grams of its first and of its last utterance),
word TF-IDF of the previous and of the next turn, hand-made cues and the rule-based markers. The corpora are
trained jointly: one feature space, one head per label, and each head learns only from the rows whose corpus
codes that label (a mask; ESConv has no talk type, AnnoMI no self-disclosure). A perturbed copy of part of
the conversations (no punctuation or case, disfluencies, British spelling; :mod:`equipoise.label.perturb`)
is added to the training rows so that no label leans on the surface form.

Cross-validation folds are grouped by source video for AnnoMI (``video_url``) and by conversation for
ESConv, so that no conversation and no video's people are on both sides of a split; vocabularies and idf are
refitted inside each fold and perturbed copies never cross a split. Out-of-fold scores give each head a
temperature (calibrated probabilities) and the expected calibration error. Same data and seed give a
byte-identical artifact.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse

from ..errors import InputError
from ..model import Role
from .artifact import Artifact, Block, FeatureSpace, Head
from .calibration import expected_calibration_error, fit_temperature
from .data import CLIENT_LABELS, LABEL_CLASSES, Session, annomi_file, read_annomi
from .esconv import esconv_files, read_esconv
from .features import NgramVectoriser
from .perturb import PERTURBATIONS, perturb

ARTIFACT_NAME = "counselling-linear"
ARTIFACT_VERSION = "6"


@dataclass(frozen=True)
class BlockConfig:
    """Settings of one n-gram feature block."""

    name: str
    offset: int
    kind: str
    ngram: tuple[int, int]
    weight: float
    min_df: int
    max_features: int | None = None
    part: str = "all"


@dataclass(frozen=True)
class TrainConfig:
    """Everything that changes the trained artifact; recorded in its manifest."""

    blocks: tuple[BlockConfig, ...] = (
        BlockConfig("turn_word", 0, "word", (1, 3), 1.0, 2, 30000),
        BlockConfig("turn_char", 0, "char", (2, 5), 1.0, 3, 40000),
        BlockConfig("first_word", 0, "word", (1, 3), 0.5, 2, 20000, "first"),
        BlockConfig("last_word", 0, "word", (1, 3), 0.7, 2, 20000, "last"),
        BlockConfig("prev_word", -1, "word", (1, 2), 0.6, 2, 15000),
        BlockConfig("next_word", 1, "word", (1, 2), 0.4, 2, 15000),
    )
    cue_weight: float = 1.0
    classifier: str = "svm"
    c: dict[str, float] = field(default_factory=lambda: {
        "behaviour": 0.1, "question_type": 0.1, "reflection_type": 0.3, "input_type": 0.1, "talk_type": 0.1,
        "stance": 0.1, "support": 0.2})
    class_weight: str | None = "balanced"
    seed: int = 0
    folds: int = 5
    #: weight of each corpus's rows in every head (ESConv is larger and further from therapy talk)
    corpus_weight: dict[str, float] = field(default_factory=lambda: {"annomi": 1.0, "esconv": 0.5})
    #: per head, corpus weights that replace :attr:`corpus_weight` for the corpora named; 0 drops the rows.
    #: Behaviour: ESConv 0.15 (with C 0.1), from the grouped-CV grid of research/tune_corpus_weight.py
    label_corpus_weight: dict[str, dict[str, float]] = field(
        default_factory=lambda: {"behaviour": {"esconv": 0.15}})
    #: share of the training conversations that also get a perturbed copy (deterministic by seed)
    perturbed: float = 0.5


def fit_space(sessions: Sequence[Session], config: TrainConfig) -> FeatureSpace:
    """Fit the vocabularies and idf of every block on the texts that block reads in ``sessions``."""
    blocks = []
    for b in config.blocks:
        probe = Block(b.name, b.offset, NgramVectoriser(b.kind, b.ngram, {}, np.zeros(0)),  # type: ignore[arg-type]
                      b.weight, b.part)
        texts = [t for s in sessions for t in probe.texts(s.texts)]
        vectoriser = NgramVectoriser.fit(texts, kind=b.kind, ngram=b.ngram, min_df=b.min_df,  # type: ignore[arg-type]
                                         max_features=b.max_features)
        blocks.append(Block(b.name, b.offset, vectoriser, b.weight, b.part))
    return FeatureSpace(tuple(blocks), config.cue_weight)


def featurise(space: FeatureSpace, sessions: Sequence[Session]) -> sparse.csr_matrix:
    """Feature rows of every turn of every session, sessions one after another."""
    return sparse.vstack([space.transform(s.texts, s.roles) for s in sessions], format="csr")


def gold_column(sessions: Sequence[Session], name: str) -> np.ndarray:
    """Gold labels of ``name`` over all turns (``""`` where it does not apply)."""
    return np.array([g or "" for s in sessions for g in s.gold[name]], dtype=object)


def row_weights(sessions: Sequence[Session], config: TrainConfig, name: str | None = None) -> np.ndarray:
    """The corpus weight of every turn of every session, in head ``name`` if given."""
    weights = corpus_weights(config, name)
    return np.array([weights.get(s.corpus, 1.0) for s in sessions for _ in range(len(s))])


def corpus_weights(config: TrainConfig, name: str | None = None) -> dict[str, float]:
    """Each corpus's row weight in head ``name``: :attr:`TrainConfig.corpus_weight` with that head's
    overrides from :attr:`TrainConfig.label_corpus_weight`.

    >>> config = TrainConfig(label_corpus_weight={"behaviour": {"esconv": 0.2}})
    >>> corpus_weights(config, "behaviour"), corpus_weights(config, "stance")
    ({'annomi': 1.0, 'esconv': 0.2}, {'annomi': 1.0, 'esconv': 0.5})
    """
    return {**config.corpus_weight, **config.label_corpus_weight.get(name or "", {})}


def perturbed_copies(sessions: Sequence[Session], config: TrainConfig) -> list[Session]:
    """Perturbed copies of a deterministic share of ``sessions`` (same gold, same group, same corpus)."""
    rng = random.Random(config.seed)
    out = []
    for s in sessions:
        if rng.random() < config.perturbed:
            local = random.Random(f"{config.seed}:{s.corpus}:{s.transcript_id}")
            out.append(replace(s, transcript_id=f"{s.transcript_id}~p",
                               texts=[perturb(t, local) for t in s.texts]))
    return out


def fit_head(features: sparse.csr_matrix, y: np.ndarray, name: str, config: TrainConfig,
             weights: np.ndarray | None = None) -> Head:
    """Fit one label's linear classifier on the rows that have that label (the others are masked), leaving
    out rows of weight 0 (so that they count in no balanced class weight either)."""
    rows = np.flatnonzero((y != "") if weights is None else (y != "") & (weights > 0))
    classes = LABEL_CLASSES[name]
    model: Any
    if config.classifier == "svm":
        from sklearn.svm import LinearSVC

        model = LinearSVC(C=config.c[name], class_weight=config.class_weight, random_state=config.seed,
                          max_iter=5000)
    else:
        from sklearn.linear_model import LogisticRegression

        model = LogisticRegression(C=config.c[name], class_weight=config.class_weight, max_iter=3000,
                                   random_state=config.seed)
    model.fit(features[rows], y[rows].astype(str),
              sample_weight=None if weights is None else weights[rows])
    order = [list(model.classes_).index(c) for c in classes if c in model.classes_]
    if len(model.classes_) == 2:
        # sklearn stores a binary model as one row for classes_[1]; keep our class order.
        sign = 1.0 if model.classes_[1] == classes[1] else -1.0
        return Head(tuple(classes[:2]), sign * model.coef_.copy(), sign * model.intercept_.copy())
    present = tuple(model.classes_[i] for i in order)
    return Head(present, model.coef_[order].copy(), model.intercept_[order].copy())


def fit_artifact(sessions: Sequence[Session], config: TrainConfig, report: dict[str, Any],
                 temperatures: dict[str, float] | None = None) -> Artifact:
    """Fit the feature space and every head on ``sessions`` and their perturbed copies."""
    rows = [*sessions, *perturbed_copies(sessions, config)]
    space = fit_space(rows, config)
    features = featurise(space, rows)
    heads = {}
    for name in LABEL_CLASSES:
        y = gold_column(rows, name)
        weights = row_weights(rows, config, name)
        if not ((y != "") & (weights > 0)).any():
            continue
        head = fit_head(features, y, name, config, weights)
        heads[name] = replace(head, temperature=(temperatures or {}).get(name, 1.0))
    return Artifact(ARTIFACT_NAME, ARTIFACT_VERSION, space, heads, report)


def video_folds(sessions: Sequence[Session], config: TrainConfig) -> list[np.ndarray]:
    """Session indices of each test fold: grouped by source video (AnnoMI) or conversation (ESConv),
    stratified on corpus, behaviour and talk type."""
    from sklearn.model_selection import StratifiedGroupKFold

    y = [f"{s.corpus}:{s.roles[i].value}:{s.gold['behaviour'][i] or s.gold['talk_type'][i] or ''}"
         for s in sessions for i in range(len(s))]
    groups = [s.group for s in sessions for _ in range(len(s))]
    owner = np.array([k for k, s in enumerate(sessions) for _ in range(len(s))])
    splitter = StratifiedGroupKFold(n_splits=config.folds, shuffle=True, random_state=config.seed)
    return [np.unique(owner[test]) for _, test in splitter.split(np.zeros(len(y)), y, groups)]


def cross_validate(sessions: Sequence[Session], config: TrainConfig,
                   progress: Callable[[str], None] | None = None,
                   perturbations: Sequence[str] = tuple(PERTURBATIONS)) -> dict[str, Any]:
    """Grouped k-fold CV, per corpus and label: macro-F1 per fold (mean, sd), per-class F1 over the pooled
    out-of-fold predictions, the same on perturbed copies of the test folds, and calibration.

    Subtype heads are scored on the turns whose gold label has that subtype (as in the AnnoMI papers).
    Each head's temperature is fitted on the pooled out-of-fold scores; the expected calibration error is
    reported before and after, the latter with each fold calibrated on the other folds only.
    """
    corpora = sorted({s.corpus for s in sessions})
    variants = ("clean", *perturbations)
    # (variant, corpus, label) -> per-fold scores and pooled gold / predictions
    per_fold: dict[tuple[str, str, str], list[float]] = {}
    pooled: dict[tuple[str, str, str], tuple[list[str], list[str]]] = {}
    scores_oof: dict[str, list[tuple[int, np.ndarray, np.ndarray]]] = {n: [] for n in LABEL_CLASSES}
    end_scores: dict[str, dict[str, list[float]]] = {}
    for k, test_idx in enumerate(video_folds(sessions, config)):
        test_set = set(test_idx.tolist())
        train = [s for i, s in enumerate(sessions) if i not in test_set]
        test = [sessions[i] for i in sorted(test_set)]
        artifact = fit_artifact(train, config, {})
        end_to_end(artifact, test, end_scores)
        for variant in variants:
            shown = test if variant == "clean" else perturb_sessions(test, variant, config.seed)
            features = featurise(artifact.space, shown)
            corpus_of = np.array([s.corpus for s in shown for _ in range(len(s))])
            for name, head in artifact.heads.items():
                y = gold_column(shown, name)
                logits = head.scores(features)
                if variant == "clean":
                    rows = np.flatnonzero(y != "")
                    gold_idx = np.array([head.classes.index(v) if v in head.classes else -1 for v in y[rows]])
                    keep = gold_idx >= 0
                    scores_oof[name].append((k, logits[rows][keep], gold_idx[keep]))
                pred_all = np.array(head.classes)[logits.argmax(axis=1)]
                for corpus in corpora:
                    rows = np.flatnonzero((y != "") & (corpus_of == corpus))
                    if not len(rows):
                        continue
                    key = (variant, corpus, name)
                    gold = y[rows].astype(str)
                    per_fold.setdefault(key, []).append(_macro_f1(gold, pred_all[rows], name))
                    g, p = pooled.setdefault(key, ([], []))
                    g.extend(gold.tolist())
                    p.extend(pred_all[rows].tolist())
        if progress:
            progress(f"fold {k + 1}/{config.folds}: " + ", ".join(
                f"{c}/{n} {v[-1]:.3f}" for (variant, c, n), v in per_fold.items() if variant == "clean"
                and n in ("behaviour", "talk_type", "stance")))
    result: dict[str, Any] = {"corpora": {}, "calibration": calibrate(scores_oof),
                              "end_to_end": {c: {n: round(float(np.mean(v)), 4) for n, v in scores.items()}
                                             for c, scores in end_scores.items()}}
    for (variant, corpus, name), fold_scores in per_fold.items():
        gold, pred = pooled[(variant, corpus, name)]
        entry = _summary(fold_scores, gold, pred, name)
        target = result["corpora"].setdefault(corpus, {})
        if variant == "clean":
            target.setdefault(name, {}).update(entry)
        else:
            target.setdefault(name, {}).setdefault("perturbed", {})[variant] = {
                "macro_f1_mean": entry["macro_f1_mean"], "per_class_f1": entry["per_class_f1"]}
    return result


def end_to_end(artifact: Artifact, test: Sequence[Session], out: dict[str, dict[str, list[float]]]) -> None:
    """Label the test sessions as ``equipoise analyse`` would (rules, stance, markers, utterances) and add
    each corpus's macro-F1 per label and F1 per act to ``out`` (one value per fold)."""
    from .evaluate import evaluate_corpus
    from .labeller import TrainedLabeller

    labeller = TrainedLabeller(artifact)
    for corpus in sorted({s.corpus for s in test}):
        scores, acts = evaluate_corpus(labeller, [s for s in test if s.corpus == corpus])
        target = out.setdefault(corpus, {})
        for name, value in scores.items():
            target.setdefault(name, []).append(value.macro_f1)
        for act, f1 in acts.items():
            target.setdefault(f"act:{act}", []).append(f1)


def perturb_sessions(sessions: Sequence[Session], variant: str, seed: int) -> list[Session]:
    """Copies of ``sessions`` with every text perturbed by the named perturbation (deterministic)."""
    change = PERTURBATIONS[variant]
    out = []
    for s in sessions:
        rng = random.Random(f"{seed}:{variant}:{s.corpus}:{s.transcript_id}")
        out.append(replace(s, texts=[change(t, rng) for t in s.texts]))
    return out


def calibrate(scores_oof: dict[str, list[tuple[int, np.ndarray, np.ndarray]]]) -> dict[str, Any]:
    """Per head: a temperature fitted on all out-of-fold scores, and the expected calibration error of
    the raw softmax and of the calibrated one (each fold calibrated on the other folds)."""
    out: dict[str, Any] = {}
    for name, parts in scores_oof.items():
        if not parts:
            continue
        logits = np.vstack([p[1] for p in parts])
        gold = np.concatenate([p[2] for p in parts])
        folds = np.concatenate([np.full(len(p[2]), p[0]) for p in parts])
        calibrated = np.empty_like(logits)
        for k in np.unique(folds):
            inside = folds == k
            t = fit_temperature(logits[~inside], gold[~inside]) if (~inside).any() else 1.0
            calibrated[inside] = logits[inside] / t
        out[name] = {"temperature": round(fit_temperature(logits, gold), 4),
                     "ece_raw": round(expected_calibration_error(logits, gold), 4),
                     "ece_calibrated": round(expected_calibration_error(calibrated, gold), 4),
                     "n": len(gold)}
    return out


def _macro_f1(gold: np.ndarray, pred: np.ndarray, name: str) -> float:
    from sklearn.metrics import f1_score

    present = [c for c in LABEL_CLASSES[name] if c in set(gold.tolist())]
    return float(f1_score(gold, pred, average="macro", labels=present, zero_division=0))


def _summary(fold_scores: list[float], gold: list[str], pred: list[str], name: str) -> dict[str, Any]:
    from sklearn.metrics import f1_score

    classes = [c for c in LABEL_CLASSES[name] if c in set(gold)]
    return {
        "macro_f1_mean": round(float(np.mean(fold_scores)), 4),
        "macro_f1_sd": round(float(np.std(fold_scores, ddof=1)), 4) if len(fold_scores) > 1 else 0.0,
        "per_fold": [round(s, 4) for s in fold_scores],
        "per_class_f1": dict(zip(classes, (round(float(v), 4) for v in f1_score(
            gold, pred, labels=classes, average=None, zero_division=0)), strict=True)),
        "n": len(gold),
    }


def data_fingerprint(path: Path) -> str:
    """SHA-256 of a training file, recorded in the manifest so an artifact names its data."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def load_corpora(data: Path) -> tuple[list[Session], list[Path]]:
    """Every training corpus found at ``data``: AnnoMI (a CSV or a folder) and ESConv (JSONL files)."""
    files: list[Path] = []
    sessions: list[Session] = []
    if data.is_file() and data.suffix == ".jsonl":
        annomi: Path | None = None
    else:
        try:
            annomi = annomi_file(data)
        except InputError:
            annomi = None
    if annomi is not None:
        files.append(annomi)
        sessions.extend(read_annomi(annomi))
    for path in ([] if data.is_file() and annomi is not None else esconv_files(data)):
        files.append(path)
        sessions.extend(read_esconv(path))
    if not sessions:
        raise InputError(data, "no training data found here", hint="expected the shared data folder with "
                         "annomi/annomi-full-train.csv and esconv/esconv-*.jsonl, or one such file")
    return sessions, files


def train(data: Path, out: Path, config: TrainConfig | None = None, *, cv: bool = True,
          sessions: Sequence[Session] | None = None,
          progress: Callable[[str], None] | None = None) -> dict[str, Any]:
    """Cross-validate (optional), fit on all data, write the artifact to ``out``; return the report.

    Without cross-validation the heads keep a temperature of 1 (uncalibrated scores).
    """
    config = config or TrainConfig()
    if sessions is None:
        sessions, files = load_corpora(data)
    else:
        files = [annomi_file(data)]
    report: dict[str, Any] = {
        "data": {"files": [{"file": f.name, "sha256": data_fingerprint(f)} for f in files],
                 "corpora": {c: _corpus_stats([s for s in sessions if s.corpus == c])
                             for c in sorted({s.corpus for s in sessions})}},
        "config": _config_json(config),
        "client_labels": list(CLIENT_LABELS),
    }
    temperatures = None
    if cv:
        report["cross_validation"] = cross_validate(sessions, config, progress)
        temperatures = {n: c["temperature"] for n, c in report["cross_validation"]["calibration"].items()}
    artifact = fit_artifact(sessions, config, report, temperatures)
    artifact.save(out)
    return report


def _corpus_stats(sessions: Sequence[Session]) -> dict[str, int]:
    return {"sessions": len(sessions), "groups": len({s.group for s in sessions}),
            "turns": sum(len(s) for s in sessions),
            "therapist_turns": sum(r is Role.THERAPIST for s in sessions for r in s.roles),
            "client_turns": sum(r is Role.CLIENT for s in sessions for r in s.roles)}


def _config_json(config: TrainConfig) -> dict[str, Any]:
    data = asdict(config)
    data["blocks"] = [{**b, "ngram": list(b["ngram"])} for b in data["blocks"]]
    return data
