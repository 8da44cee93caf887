"""Robustness of the turn labeller to surface form: grouped CV folds scored clean and perturbed.

Runs the labeller's grouped 5-fold cross-validation on the shared data (AnnoMI by video, ESConv by
conversation) and scores every test fold four more times: without punctuation or case (as a speech
recogniser writes), with disfluencies ("um", repeats), in British spelling, and with all three. Prints each
corpus's and label's macro-F1, clean against perturbed, and the drop. Training sees perturbed copies of
part of its conversations (``TrainConfig.perturbed``); the test folds' perturbations are drawn afresh.

    python benchmarks/labeller_robustness.py [--data ../shared/data] [--folds 5] [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from equipoise.label.data import default_data_dir
from equipoise.label.perturb import PERTURBATIONS
from equipoise.label.train import TrainConfig, cross_validate, load_corpora


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=default_data_dir())
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--json", type=Path, default=None, help="also write the figures as JSON here")
    args = parser.parse_args(argv)
    if not args.data.exists():
        print(f"no shared data at {args.data}; pass --data", file=sys.stderr)
        return 2
    sessions, _ = load_corpora(args.data)
    started = time.perf_counter()
    cv = cross_validate(sessions, TrainConfig(folds=args.folds), lambda line: print(line, file=sys.stderr))
    print(f"grouped {args.folds}-fold CV in {time.perf_counter() - started:.0f} s")
    variants = list(PERTURBATIONS)
    print(f"{'corpus':8} {'label':16} {'clean':>6} " + " ".join(f"{v:>20}" for v in variants))
    for corpus, labels in cv["corpora"].items():
        for name, entry in labels.items():
            clean = entry["macro_f1_mean"]
            cells = []
            for v in variants:
                p = entry.get("perturbed", {}).get(v, {}).get("macro_f1_mean")
                cells.append(f"{p:.3f} ({p - clean:+.3f})" if p is not None else "-")
            print(f"{corpus:8} {name:16} {clean:6.3f} " + " ".join(f"{c:>20}" for c in cells))
    if args.json:
        args.json.write_text(json.dumps(cv, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
