"""Build ``src/equipoise/data/norms.json``: percentiles of every metric in high-quality reference sessions.

    .venv/bin/python scripts/build_norms.py [--labels oof|gold|shipped] [--cache FILE] [--data DIR]

Reference: the sessions rated high-quality MI in the AnnoMI training part (``../shared/data/annomi``).
Labels default to ``oof`` (out-of-fold, grouped by source video; see :mod:`equipoise.reference`), so the
norms describe what the packaged labeller produces on sessions it has not seen, which is how it meets
new transcripts. For every ``<dimension>.<metric>`` and ``<dimension>.lean``: percentiles 0, 5, ..., 100
(linear interpolation) over the sessions where it is defined, and that number of sessions. The file
records the labels, labeller, analyser versions and the data file's SHA-256; rerun it after changing an
analyser or the labeller.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
from collections import defaultdict
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
OUT = Path(__file__).resolve().parents[1] / "src" / "equipoise" / "data" / "norms.json"
PERCENTILES = list(range(0, 101, 5))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--labels", default="oof", choices=("oof", "gold", "shipped"))
    parser.add_argument("--cache", type=Path, help="JSON file to keep the labels in between runs")
    parser.add_argument("--data", type=Path,
                        help="shared data folder (default: $EQUIPOISE_DATA or ../shared/data)")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()

    import numpy as np

    from equipoise import __version__
    from equipoise.pipeline import analyse
    from equipoise.reference import annomi_path, cached_labels, load_sessions

    sessions = load_sessions(args.data)
    labels = cached_labels(sessions, args.labels, args.cache, data=args.data)
    values: dict[str, list[float]] = defaultdict(list)
    analysers: dict[str, str] = {}
    high = 0
    for session, lab in zip(sessions, labels, strict=True):
        if session.quality != "high":
            continue
        high += 1
        profile = analyse(session.transcript, labels=lab, timeline=False, norms=False)
        analysers = dict(profile.analysers)
        for name, dim in profile.dimensions.items():
            for metric, value in {**dim.metrics, "lean": dim.lean}.items():
                if value is not None:
                    values[f"{name}.{metric}"].append(float(value))
    table = {key: [round(float(q), 6) for q in np.percentile(vals, PERCENTILES)]
             for key, vals in sorted(values.items())}
    path = annomi_path(args.data)
    document = {
        "percentiles": PERCENTILES,
        "source": {
            "corpus": "AnnoMI (Wu et al. 2022), training part, sessions rated high-quality MI",
            "sessions": high,
            "labels": args.labels,
            "labeller": {"name": labels[0].labeller_name, "version": labels[0].labeller_version},
            "analysers": analysers,
            "equipoise_version": __version__,
            "data_file": path.name,
            "data_sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
            "built_by": "scripts/build_norms.py",
        },
        "counts": {key: len(vals) for key, vals in sorted(values.items())},
        "metrics": table,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(_format(document), encoding="utf-8")
    print(f"wrote {args.out}: {len(table)} metrics over {high} high-quality sessions ({args.labels} labels)")


def _format(document: dict[str, object]) -> str:
    """JSON with one line per metric, so a rebuild shows up as a readable diff."""
    lines = ["{"]
    items = list(document.items())
    for i, (key, value) in enumerate(items):
        end = "," if i < len(items) - 1 else ""
        if isinstance(value, dict) and key in ("metrics", "counts"):
            inner = [f"  {json.dumps(k)}: {json.dumps(v)}" for k, v in value.items()]
            lines.append(f" {json.dumps(key)}: {{\n" + ",\n".join(inner) + f"\n }}{end}")
        else:
            lines.append(f" {json.dumps(key)}: {json.dumps(value)}{end}")
    lines.append("}")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
