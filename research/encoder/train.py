"""Fine-tune a pretrained encoder on AnnoMI and score it by grouped cross-validation (needs torch).

This is research code behind the "fine-tuned encoder" section of ``docs/labeller.md``; it is not part of
the shipped labeller and nothing under ``src/`` imports it. Run it with ``python -m research.encoder_cv``.
Two backbones: MiniLM (:mod:`research.encoder.minilm`, extra ``encoder``) and MPNet
(:mod:`research.encoder.mpnet`, extra ``encoder-mpnet``). The lower layers stay frozen, so their hidden
states are computed once per turn and cached for every fold and epoch; only the top layers (copies of the
pretrained ones) and one linear head per label are trained, on all learned labels at once (therapist heads
on therapist turns, ``talk_type`` on client turns). Cross-validation uses the folds of
:func:`equipoise.label.train.video_folds` (grouped by source video). Texts are kept in memory only;
progress messages carry numbers, never turn text.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import torch
from torch import nn

from equipoise.label.data import LABEL_CLASSES, Session, annomi_file, read_annomi
from equipoise.model import Role

from .common import Encoded, pad


@dataclass(frozen=True)
class EncoderConfig:
    """Everything that changes the fine-tuned encoder; recorded in its manifest.

    ``max_tokens`` bounds the whole sequence for MiniLM and the turn alone for MPNet; ``max_context`` bounds
    the previous turn for both.
    """

    backbone: str = "minilm"
    n_frozen: int = 4
    max_tokens: int = 96
    max_context: int = 32
    epochs: int = 3
    lr: float = 1e-4
    head_lr: float = 1e-3
    weight_decay: float = 0.01
    batch_size: int = 32
    dropout: float = 0.1
    label_weights: dict[str, float] = field(default_factory=lambda: {
        "behaviour": 1.0, "question_type": 0.5, "reflection_type": 0.5, "input_type": 0.5, "talk_type": 1.0})
    seed: int = 0
    threads: int = 2

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


class Tokeniser(Protocol):
    def encode(self, texts: Sequence[str], roles: Sequence[Role]) -> list[Encoded]: ...


class Backbone(Protocol):
    """A pretrained encoder as the experiment uses it: its tokeniser, a frozen lower part, a new top part.

    A top maps (hidden states, token types, mask) to logits per label, like :class:`Top`.
    """

    name: str
    layers: int

    def tokeniser(self, max_tokens: int, max_context: int) -> Tokeniser: ...

    def lower(self, n_frozen: int) -> nn.Module: ...

    def new_top(self, n_frozen: int, dropout: float) -> nn.Module: ...


def load_backbone(name: str, cache: Path | None = None) -> Backbone:
    """The backbone called ``name`` (``minilm`` or ``mpnet``), with its pretrained weights.

    ``cache`` is where MPNet's weights are unpacked (see :func:`research.encoder.common.cache_dir`); MiniLM
    reads its weights where its package installed them and needs no cache.
    """
    if name == "minilm":
        from .minilm import MiniLMBackbone

        return MiniLMBackbone()
    if name == "mpnet":
        from .mpnet import MPNetBackbone  # imports transformers, so only when asked for

        return MPNetBackbone(cache)
    raise ValueError(f"unknown encoder backbone {name!r}; choose minilm or mpnet")


@dataclass
class Cache:
    """Per turn (all sessions, in order): frozen hidden states, token types and gold class index per label."""

    states: list[torch.Tensor]
    types: list[torch.Tensor]
    gold: dict[str, np.ndarray]  # -1 where the label does not apply


def build_cache(sessions: Sequence[Session], config: EncoderConfig, backbone: Backbone,
                progress: Callable[[str], None] | None = None) -> Cache:
    """Run the frozen lower layers over every turn once (hidden states kept as float16)."""
    tokeniser = backbone.tokeniser(config.max_tokens, config.max_context)
    lower = backbone.lower(config.n_frozen)
    encoded = [e for s in sessions for e in tokeniser.encode(s.texts, s.roles)]
    states: list[torch.Tensor] = [torch.empty(0)] * len(encoded)
    order = sorted(range(len(encoded)), key=lambda i: len(encoded[i].ids))
    with torch.inference_mode():
        for start in range(0, len(order), 64):
            rows = order[start:start + 64]
            ids, types, mask = pad([encoded[i] for i in rows])
            hidden = lower(ids, types, mask)
            for r, i in enumerate(rows):
                states[i] = hidden[r, : len(encoded[i].ids)].to(torch.float16).clone()
            if progress and (start // 64) % 20 == 0:
                progress(f"cached {start + len(rows)}/{len(order)} turns")
    gold = {}
    for name, classes in LABEL_CLASSES.items():
        values = [g for s in sessions for g in s.gold[name]]
        gold[name] = np.array([classes.index(g) if g in classes else -1 for g in values], dtype=np.int64)
    return Cache(states, [torch.tensor(e.types, dtype=torch.long) for e in encoded], gold)


def batch_of(cache: Cache, rows: Sequence[int]) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """(states, types, mask) of some cached turns, padded to the longest."""
    width = max(cache.states[i].shape[0] for i in rows)
    x = torch.zeros((len(rows), width, cache.states[rows[0]].shape[1]))
    types = torch.zeros((len(rows), width), dtype=torch.long)
    mask = torch.zeros((len(rows), width), dtype=torch.bool)
    for r, i in enumerate(rows):
        n = cache.states[i].shape[0]
        x[r, :n] = cache.states[i].float()
        types[r, :n] = cache.types[i]
        mask[r, :n] = True
    return x, types, mask


def _batches(cache: Cache, rows: np.ndarray, size: int, rng: np.random.Generator) -> list[list[int]]:
    # Batches of similar length (little padding), in random order; lengths are jittered so that the
    # batches differ between epochs.
    lengths = np.array([cache.states[i].shape[0] for i in rows], dtype=np.float64)
    order = rows[np.argsort(lengths + rng.uniform(0, 8, len(rows)), kind="stable")]
    batches = [order[k:k + size].tolist() for k in range(0, len(order), size)]
    rng.shuffle(batches)  # type: ignore[arg-type]
    return batches


def train_top(cache: Cache, rows: np.ndarray, config: EncoderConfig, backbone: Backbone,
              progress: Callable[[str], None] | None = None) -> nn.Module:
    """Fine-tune a new top on the cached turns ``rows`` (balanced class weights per label)."""
    torch.set_num_threads(config.threads)
    torch.manual_seed(config.seed)
    top = backbone.new_top(config.n_frozen, config.dropout)
    rng = np.random.default_rng(config.seed)
    losses = {}
    for name, classes in LABEL_CLASSES.items():
        y = cache.gold[name][rows]
        counts = np.bincount(y[y >= 0], minlength=len(classes)).astype(np.float64)
        weights = np.where(counts > 0, counts.sum() / (len(classes) * np.maximum(counts, 1)), 0.0)
        losses[name] = nn.CrossEntropyLoss(weight=torch.tensor(weights, dtype=torch.float32),
                                           ignore_index=-1, reduction="sum")
    encoder_params = [p for n, p in top.named_parameters() if not n.startswith("heads.")]
    optimiser = torch.optim.AdamW([{"params": encoder_params, "lr": config.lr},
                                   {"params": list(top.heads.parameters()), "lr": config.head_lr}],
                                  weight_decay=config.weight_decay)
    n_steps = config.epochs * ((len(rows) + config.batch_size - 1) // config.batch_size)
    warmup = max(1, n_steps // 10)
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        optimiser, lambda s: min((s + 1) / warmup, max(0.0, (n_steps - s) / max(1, n_steps - warmup))))
    top.train()
    for epoch in range(config.epochs):
        total, seen = 0.0, 0
        for batch in _batches(cache, rows, config.batch_size, rng):
            x, types, mask = batch_of(cache, batch)
            logits = top(x, types, mask)
            loss = torch.zeros(())
            for name, out in logits.items():
                y = torch.from_numpy(cache.gold[name][batch])
                if (y >= 0).any():
                    loss = loss + config.label_weights[name] * losses[name](out, y)
            loss = loss / len(batch)
            optimiser.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(top.parameters(), 1.0)
            optimiser.step()
            scheduler.step()
            total += float(loss.detach()) * len(batch)
            seen += len(batch)
        if progress:
            progress(f"epoch {epoch + 1}/{config.epochs}: loss {total / max(1, seen):.4f}")
    return top.eval()


def predict_top(top: nn.Module, cache: Cache, rows: np.ndarray,
                batch_size: int = 64) -> dict[str, np.ndarray]:
    """Softmax probabilities of every label for the cached turns ``rows`` (in the order given)."""
    top.eval()
    out: dict[str, list[np.ndarray]] = {name: [] for name in LABEL_CLASSES}
    with torch.inference_mode():
        for start in range(0, len(rows), batch_size):
            batch = rows[start:start + batch_size].tolist()
            logits = top(*batch_of(cache, batch))
            for name, value in logits.items():
                out[name].append(value.softmax(dim=-1).numpy())
    return {name: np.concatenate(parts) for name, parts in out.items()}


def out_of_fold(sessions: Sequence[Session], folds: Sequence[np.ndarray], config: EncoderConfig,
                cache: Cache | None = None, backbone: Backbone | None = None,
                progress: Callable[[str], None] | None = None) -> dict[str, np.ndarray]:
    """Out-of-fold probabilities of every label for every turn (rows in session order).

    ``folds`` holds the session indices of each test fold (as returned by ``video_folds``).
    """
    backbone = backbone if backbone is not None else load_backbone(config.backbone)
    cache = cache if cache is not None else build_cache(sessions, config, backbone, progress)
    owner = np.array([k for k, s in enumerate(sessions) for _ in range(len(s))])
    n = len(owner)
    result = {name: np.zeros((n, len(c))) for name, c in LABEL_CLASSES.items()}
    for k, test_sessions in enumerate(folds):
        test = np.flatnonzero(np.isin(owner, test_sessions))
        train = np.flatnonzero(~np.isin(owner, test_sessions))
        top = train_top(cache, train, config, backbone,
                        (lambda m, k=k: progress(f"fold {k + 1}: {m}")) if progress else None)
        for name, proba in predict_top(top, cache, test).items():
            result[name][test] = proba
    return result


def linear_out_of_fold(sessions: Sequence[Session], folds: Sequence[np.ndarray]) -> dict[str, np.ndarray]:
    """Out-of-fold class scores of the linear labeller's recipe (softmaxed margins, LABEL_CLASSES order)."""
    from equipoise.label.train import TrainConfig, featurise, fit_artifact

    owner = np.array([k for k, s in enumerate(sessions) for _ in range(len(s))])
    result = {name: np.zeros((len(owner), len(c))) for name, c in LABEL_CLASSES.items()}
    for test_sessions in folds:
        test_set = set(test_sessions.tolist())
        artifact = fit_artifact([s for i, s in enumerate(sessions) if i not in test_set], TrainConfig(), {})
        features = featurise(artifact.space, [sessions[i] for i in sorted(test_set)])
        rows = np.flatnonzero(np.isin(owner, test_sessions))
        for name, head in artifact.heads.items():
            columns = [LABEL_CLASSES[name].index(c) for c in head.classes]
            result[name][np.ix_(rows, columns)] = head.predict_proba(features)
    return result


def fold_scores(gold: np.ndarray, proba: np.ndarray, fold_of: np.ndarray, n_classes: int) -> dict[str, Any]:
    """Macro-F1 per fold (mean, sd) and per-class F1 over the pooled rows that have a gold label."""
    from sklearn.metrics import f1_score

    labels = list(range(n_classes))
    has = gold >= 0
    pred = proba.argmax(axis=1)
    per_fold = [float(f1_score(gold[has & (fold_of == k)], pred[has & (fold_of == k)], labels=labels,
                               average="macro", zero_division=0)) for k in np.unique(fold_of[has])]
    per_class = f1_score(gold[has], pred[has], labels=labels, average=None, zero_division=0)
    return {"macro_f1_mean": round(float(np.mean(per_fold)), 4),
            "macro_f1_sd": round(float(np.std(per_fold, ddof=1)), 4) if len(per_fold) > 1 else 0.0,
            "per_fold": [round(s, 4) for s in per_fold],
            "per_class_f1": [round(float(v), 4) for v in per_class],
            "n": int(has.sum())}


MIX_GRID = tuple(round(0.1 * k, 1) for k in range(11))


def best_mix(gold: np.ndarray, encoder: np.ndarray, linear: np.ndarray, fold_of: np.ndarray,
             n_classes: int) -> float:
    """The weight of the encoder (0 to 1, step 0.1) with the best mean macro-F1 over the given rows."""
    def mean_f1(w: float) -> float:
        return fold_scores(gold, w * encoder + (1 - w) * linear, fold_of, n_classes)["macro_f1_mean"]

    return max(MIX_GRID, key=lambda w: (mean_f1(w), -abs(w - 0.5)))


def mix_report(sessions: Sequence[Session], folds: Sequence[np.ndarray], encoder: dict[str, np.ndarray],
               linear: dict[str, np.ndarray]) -> tuple[dict[str, Any], dict[str, float]]:
    """CV scores of the linear labeller, the encoder alone and their mix; and the mixing weight per label.

    The mix is scored honestly: the weight for each test fold is chosen on the other folds' out-of-fold
    predictions only. The returned weights (for the final artifact) are chosen on all folds.
    """
    owner = np.array([k for k, s in enumerate(sessions) for _ in range(len(s))])
    fold_of = np.zeros(len(owner), dtype=np.int64)
    for k, test_sessions in enumerate(folds):
        fold_of[np.isin(owner, test_sessions)] = k
    gold = {name: np.array([c.index(g) if g in c else -1 for s in sessions for g in s.gold[name]])
            for name, c in LABEL_CLASSES.items()}
    report: dict[str, Any] = {}
    weights: dict[str, float] = {}
    for name, classes in LABEL_CLASSES.items():
        y, n = gold[name], len(classes)
        mixed = np.zeros_like(encoder[name])
        chosen = []
        for k in range(len(folds)):
            other = fold_of != k
            w = best_mix(np.where(other, y, -1), encoder[name], linear[name], fold_of, n)
            chosen.append(w)
            mixed[~other] = w * encoder[name][~other] + (1 - w) * linear[name][~other]
        weights[name] = best_mix(y, encoder[name], linear[name], fold_of, n)
        report[name] = {"classes": list(classes),
                        "linear": fold_scores(y, linear[name], fold_of, n),
                        "encoder": fold_scores(y, encoder[name], fold_of, n),
                        "mix": {**fold_scores(y, mixed, fold_of, n), "weights_per_fold": chosen},
                        "mix_weight": weights[name]}
    return report, weights


def cross_validate_encoder(data: Path, config: EncoderConfig | None = None, folds: int = 5,
                           progress: Callable[[str], None] | None = None,
                           cache: Path | None = None) -> dict[str, Any]:
    """Grouped k-fold CV of the fine-tuned encoder, of the linear labeller and of their mix, on AnnoMI.

    The folds are those of ``equipoise train`` (:func:`equipoise.label.train.video_folds`). Returns the
    report of :func:`mix_report` per label, with the data's fingerprint and the settings. ``cache`` is the
    folder for unpacked pretrained weights (:func:`load_backbone`).
    """
    from equipoise.label.train import TrainConfig, data_fingerprint, video_folds

    config = config or EncoderConfig()
    torch.set_num_threads(config.threads)
    path = annomi_file(data)
    sessions = read_annomi(path)
    backbone = load_backbone(config.backbone, cache)
    states = build_cache(sessions, config, backbone, progress)
    test_folds = video_folds(sessions, TrainConfig(folds=folds))
    encoder = out_of_fold(sessions, test_folds, config, states, backbone, progress)
    if progress:
        progress("linear labeller out of fold")
    scores, _ = mix_report(sessions, test_folds, encoder, linear_out_of_fold(sessions, test_folds))
    return {"data": {"file": path.name, "sha256": data_fingerprint(path), "sessions": len(sessions),
                     "turns": sum(len(s) for s in sessions)},
            "config": config.to_json(), "cross_validation": scores}
