"""Print the model card's figure tables (docs/labeller.md) from the shipped artifact's training report.

    python scripts/model_card_tables.py

The tables are pasted into the card by hand; ``tests/label/test_labeller_train.py`` checks that the card
carries the artifact's numbers, so a retrained model with a stale card fails the tests.
"""

from __future__ import annotations

import json
import sys

from equipoise.label.labeller import DEFAULT_MODEL, MODELS_DIR


def main() -> int:
    report = json.loads((MODELS_DIR / DEFAULT_MODEL / "manifest.json").read_text(encoding="utf-8"))["report"]
    cv = report["cross_validation"]
    print("| corpus | label | n | macro-F1 (mean ± sd) | per-class F1 | no punctuation or case | disfluent "
          "| British | all three |")
    print("|---|---|---|---|---|---|---|---|---|")
    for corpus, labels in cv["corpora"].items():
        for name, s in labels.items():
            per_class = ", ".join(f"{c} {f:.2f}" for c, f in s["per_class_f1"].items())
            cells = [f"{s['perturbed'][v]['macro_f1_mean']:.3f}" if v in s.get("perturbed", {}) else "-"
                     for v in ("no_punctuation_case", "disfluent", "british", "all")]
            print(f"| {corpus} | {name} | {s['n']} | **{s['macro_f1_mean']:.3f} ± {s['macro_f1_sd']:.3f}** "
                  f"| {per_class} | " + " | ".join(cells) + " |")
    print()
    print("| corpus | " + " | ".join(sorted({k for v in cv["end_to_end"].values() for k in v})) + " |")
    keys = sorted({k for v in cv["end_to_end"].values() for k in v})
    print("|---|" + "---|" * len(keys))
    for corpus, scores in cv["end_to_end"].items():
        print(f"| {corpus} | " + " | ".join(f"{scores[k]:.3f}" if k in scores else "-" for k in keys) + " |")
    print()
    print("| head | n | temperature | ECE raw | ECE calibrated |")
    print("|---|---|---|---|---|")
    for name, c in cv["calibration"].items():
        print(f"| {name} | {c['n']} | {c['temperature']:.3f} | {c['ece_raw']:.3f} "
              f"| {c['ece_calibrated']:.3f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
