"""Train the labeller on AnnoMI: grouped cross-validation report, then one final fit written as an artifact.

Every learned label is a linear classifier (scikit-learn, imported here only: a linear SVM by default,
multinomial logistic regression as an option) over the features of :mod:`equipoise.label.features`: TF-IDF
of the turn (word 1-3-grams, character 2-5-grams, and word n-grams of its first and of its last sentence),
word TF-IDF of the previous and of the next turn, and hand-made cues. Cross-validation folds are grouped by
source video (``video_url``), so that no conversation and no video's people are on both sides of a split;
vocabularies and idf are refitted inside each fold. Same data and seed give a byte-identical artifact.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse

from ..model import Role
from .artifact import Artifact, Block, FeatureSpace, Head
from .data import CLIENT_LABELS, LABEL_CLASSES, Session, annomi_file, read_annomi
from .features import NgramVectoriser

ARTIFACT_NAME = "annomi-linear"
ARTIFACT_VERSION = "1"


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
        "behaviour": 0.2, "question_type": 0.1, "reflection_type": 0.3, "input_type": 0.1, "talk_type": 0.1})
    class_weight: str | None = "balanced"
    seed: int = 0
    folds: int = 5


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


def fit_head(features: sparse.csr_matrix, y: np.ndarray, name: str, config: TrainConfig) -> Head:
    """Fit one label's linear classifier on the rows that have that label."""
    rows = np.flatnonzero(y != "")
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
    model.fit(features[rows], y[rows].astype(str))
    order = [list(model.classes_).index(c) for c in classes if c in model.classes_]
    if len(model.classes_) == 2:
        # sklearn stores a binary model as one row for classes_[1]; keep our class order.
        sign = 1.0 if model.classes_[1] == classes[1] else -1.0
        return Head(tuple(classes[:2]), sign * model.coef_.copy(), sign * model.intercept_.copy())
    present = tuple(model.classes_[i] for i in order)
    return Head(present, model.coef_[order].copy(), model.intercept_[order].copy())


def fit_artifact(sessions: Sequence[Session], config: TrainConfig, report: dict[str, Any]) -> Artifact:
    """Fit the feature space and every head on all of ``sessions``."""
    space = fit_space(sessions, config)
    features = featurise(space, sessions)
    heads = {name: fit_head(features, gold_column(sessions, name), name, config) for name in LABEL_CLASSES}
    return Artifact(ARTIFACT_NAME, ARTIFACT_VERSION, space, heads, report)


def video_folds(sessions: Sequence[Session], config: TrainConfig) -> list[np.ndarray]:
    """Session indices of each test fold: grouped by source video, stratified on behaviour and talk type."""
    from sklearn.model_selection import StratifiedGroupKFold

    y = [f"{s.roles[i].value}:{s.gold['behaviour'][i] or s.gold['talk_type'][i] or ''}"
         for s in sessions for i in range(len(s))]
    groups = [s.group for s in sessions for _ in range(len(s))]
    owner = np.array([k for k, s in enumerate(sessions) for _ in range(len(s))])
    splitter = StratifiedGroupKFold(n_splits=config.folds, shuffle=True, random_state=config.seed)
    return [np.unique(owner[test]) for _, test in splitter.split(np.zeros(len(y)), y, groups)]


def cross_validate(sessions: Sequence[Session], config: TrainConfig,
                   progress: Callable[[str], None] | None = None) -> dict[str, Any]:
    """Grouped k-fold CV: macro-F1 per fold (mean, sd) and per-class F1 over the pooled predictions.

    Subtype heads are scored on the turns whose gold label has that subtype (as in the AnnoMI papers).
    """
    from sklearn.metrics import f1_score

    pooled: dict[str, tuple[list[str], list[str]]] = {n: ([], []) for n in LABEL_CLASSES}
    per_fold: dict[str, list[float]] = {n: [] for n in LABEL_CLASSES}
    for k, test_idx in enumerate(video_folds(sessions, config)):
        test_set = set(test_idx.tolist())
        train = [s for i, s in enumerate(sessions) if i not in test_set]
        test = [sessions[i] for i in sorted(test_set)]
        artifact = fit_artifact(train, config, {})
        features = featurise(artifact.space, test)
        for name, head in artifact.heads.items():
            y = gold_column(test, name)
            rows = np.flatnonzero(y != "")
            pred = np.array(head.classes)[head.predict_proba(features[rows]).argmax(axis=1)]
            per_fold[name].append(float(f1_score(y[rows].astype(str), pred, average="macro",
                                                 labels=list(LABEL_CLASSES[name]), zero_division=0)))
            pooled[name][0].extend(y[rows].astype(str).tolist())
            pooled[name][1].extend(pred.tolist())
        if progress:
            progress(f"fold {k + 1}/{config.folds}: " + ", ".join(
                f"{n} {v[-1]:.3f}" for n, v in per_fold.items()))
    result: dict[str, Any] = {}
    for name, scores in per_fold.items():
        gold, pred = pooled[name]
        classes = list(LABEL_CLASSES[name])
        result[name] = {
            "macro_f1_mean": round(float(np.mean(scores)), 4),
            "macro_f1_sd": round(float(np.std(scores, ddof=1)), 4) if len(scores) > 1 else 0.0,
            "per_fold": [round(s, 4) for s in scores],
            "per_class_f1": dict(zip(classes, (round(float(v), 4) for v in f1_score(
                gold, pred, labels=classes, average=None, zero_division=0)), strict=True)),
            "n": len(gold),
        }
    return result


def data_fingerprint(path: Path) -> str:
    """SHA-256 of the training file, recorded in the manifest so an artifact names its data."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def train(data: Path, out: Path, config: TrainConfig | None = None, *, cv: bool = True,
          sessions: Sequence[Session] | None = None,
          progress: Callable[[str], None] | None = None) -> dict[str, Any]:
    """Cross-validate (optional), fit on all data, write the artifact to ``out``; return the report."""
    config = config or TrainConfig()
    path = annomi_file(data)
    if sessions is None:
        sessions = read_annomi(path)
    report: dict[str, Any] = {
        "data": {"file": path.name, "sha256": data_fingerprint(path), "sessions": len(sessions),
                 "videos": len({s.group for s in sessions}), "turns": sum(len(s) for s in sessions),
                 "therapist_turns": sum(r is Role.THERAPIST for s in sessions for r in s.roles),
                 "client_turns": sum(r is Role.CLIENT for s in sessions for r in s.roles)},
        "config": _config_json(config),
        "client_labels": list(CLIENT_LABELS),
    }
    if cv:
        report["cross_validation"] = cross_validate(sessions, config, progress)
    artifact = fit_artifact(sessions, config, report)
    artifact.save(out)
    return report


def _config_json(config: TrainConfig) -> dict[str, Any]:
    data = asdict(config)
    data["blocks"] = [{**b, "ngram": list(b["ngram"])} for b in data["blocks"]]
    return data
