"""The accurate tier's runtime (``equipoise.label.onnx_tier``) on a tiny hand-built ONNX network.

The network here is not MiniLM: it sums a learned vector per token over the turn's real tokens and takes
a softmax per label, which is enough to check the contract (inputs, outputs, batching, padding, mixing,
loading by folder) without torch. It needs ``onnx`` (to write the graph), ``onnxruntime`` and
``tokenizers``; the tests are skipped without them. The fine-tuned MiniLM is tested in ``research/tests``.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import numpy as np
import pytest

from equipoise.errors import RequirementError, UsageError
from equipoise.label import load_labeller
from equipoise.label.data import LABEL_CLASSES
from equipoise.label.labeller import MODELS_DIR, TrainedLabeller
from equipoise.model import Role, Speaker, Transcript, Turn

HAS_ONNX = all(importlib.util.find_spec(m) is not None for m in ("onnx", "onnxruntime", "tokenizers"))
needs_onnx = pytest.mark.skipif(not HAS_ONNX, reason="needs onnx, onnxruntime and tokenizers: pip install "
                                "'equipoise[accurate]' onnx")
WORDS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "therapist", "client", "how", "are", "you", "fine", "so",
         "it", "sounds", "hard", "try", "walking", "no", "yes", "maybe", "drink", "less"]
WIDTH = sum(len(c) for c in LABEL_CLASSES.values())


def write_tokenizer(path: Path) -> None:
    from tokenizers import Tokenizer, models, pre_tokenizers

    tokenizer = Tokenizer(models.WordLevel({w: i for i, w in enumerate(WORDS)}, unk_token="[UNK]"))
    tokenizer.pre_tokenizer = pre_tokenizers.Whitespace()
    tokenizer.save(str(path))


def table() -> np.ndarray:
    """The network's one weight: a vector of class scores per token (padding scores nothing)."""
    weights = np.random.default_rng(0).normal(size=(len(WORDS), WIDTH)).astype(np.float32)
    weights[0] = 0.0
    return weights


def write_network(path: Path) -> None:
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    nodes = [helper.make_node("Gather", ["table", "ids"], ["vectors"]),
             helper.make_node("Cast", ["mask"], ["real"], to=TensorProto.FLOAT),
             helper.make_node("Unsqueeze", ["real", "last"], ["real3"]),
             helper.make_node("Mul", ["vectors", "real3"], ["kept"]),
             helper.make_node("ReduceSum", ["kept", "tokens"], ["scores"], keepdims=0)]
    outputs, start = [], 0
    for name, classes in LABEL_CLASSES.items():
        nodes += [helper.make_node("Slice", ["scores", f"{name}_from", f"{name}_to", "last"], [f"{name}_s"]),
                  helper.make_node("Softmax", [f"{name}_s"], [name], axis=-1)]
        outputs.append(helper.make_tensor_value_info(name, TensorProto.FLOAT, ["batch", len(classes)]))
        start += len(classes)
    inits = [numpy_helper.from_array(table(), "table"), numpy_helper.from_array(np.array([-1]), "last"),
             numpy_helper.from_array(np.array([1]), "tokens")]
    start = 0
    for name, classes in LABEL_CLASSES.items():
        inits += [numpy_helper.from_array(np.array([start]), f"{name}_from"),
                  numpy_helper.from_array(np.array([start + len(classes)]), f"{name}_to")]
        start += len(classes)
    inputs = [helper.make_tensor_value_info(n, TensorProto.INT64, ["batch", "tokens"])
              for n in ("ids", "types", "mask")]
    graph = helper.make_graph(nodes, "tiny", inputs, outputs, inits)
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), str(path))


def write_tier(folder: Path, weight: float, linear: str = "counselling-linear") -> Path:
    from equipoise.label import onnx_tier

    folder.mkdir(parents=True, exist_ok=True)
    write_tokenizer(folder / onnx_tier.TOKENIZER_FILE)
    write_network(folder / onnx_tier.MODEL_FILE)
    manifest = {"format": onnx_tier.FORMAT, "format_version": onnx_tier.FORMAT_VERSION, "name": "tiny-onnx",
                "version": "0", "max_tokens": 12, "max_context": 4,
                "labels": {n: list(c) for n, c in LABEL_CLASSES.items()},
                "mix": {"linear": linear, "weights": dict.fromkeys(LABEL_CLASSES, weight)}}
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return folder


def transcript(n: int = 40) -> Transcript:
    lines = ["how are you", "fine so fine", "so it sounds hard", "no", "try walking maybe", "yes drink less"]
    people = (Speaker("T", Role.THERAPIST), Speaker("C", Role.CLIENT))
    return Transcript.from_turns("t", [Turn(i, people[i % 2], lines[i % len(lines)] + " you" * (i % 7))
                                       for i in range(n)])


def expected_scores(text_ids: list[int]) -> np.ndarray:
    return table()[text_ids].sum(axis=0)


@needs_onnx
def test_each_turn_is_scored_with_its_previous_turn_whatever_its_batch(tmp_path: Path) -> None:
    from equipoise.label.onnx_tier import OnnxLabeller

    labeller = OnnxLabeller(write_tier(tmp_path / "tier", weight=1.0))
    t = transcript(40)  # more than one batch, turns of different lengths
    texts, roles = [x.text for x in t.turns], [x.role for x in t.turns]
    got = labeller.encoder.probabilities(texts, roles)["behaviour"]
    encoded = labeller.encoder.encoder.encode(texts, roles)
    n = len(LABEL_CLASSES["behaviour"])
    for i, (ids, types) in enumerate(encoded):
        assert len(ids) <= 12 and len(ids) == len(types)
        scores = expected_scores(ids)[:n]
        assert np.allclose(got[i], np.exp(scores) / np.exp(scores).sum(), atol=1e-5)
    # Turn 1 in context: the end of "therapist: how are you" (cut from its start to fit), then the turn.
    words = ["[CLS]", "[UNK]", "how", "are", "you", "[SEP]", "fine", "so", "fine", "you", "[SEP]"]
    assert encoded[1] == ([WORDS.index(w) for w in words], [0] * 6 + [1] * 5)


@needs_onnx
def test_mix_weight_zero_gives_the_linear_labels_and_one_the_encoders(tmp_path: Path) -> None:
    t = transcript(30)
    linear = load_labeller().label(t)
    assert isinstance(load_labeller(), TrainedLabeller)
    zero = load_labeller(str(write_tier(tmp_path / "zero", weight=0.0))).label(t)
    assert [x.behaviour for x in zero] == [x.behaviour for x in linear]
    assert [x.talk_type for x in zero] == [x.talk_type for x in linear]
    one_labeller = load_labeller(str(write_tier(tmp_path / "one", weight=1.0)))
    one = one_labeller.label(t)
    texts, roles = [x.text for x in t.turns], [x.role for x in t.turns]
    proba = one_labeller.encoder.probabilities(texts, roles)  # type: ignore[attr-defined]
    classes = LABEL_CLASSES["behaviour"]
    therapist = [i for i, r in enumerate(roles) if r is Role.THERAPIST]
    assert [one[i].behaviour for i in therapist] == \
        [classes[int(k)] for k in proba["behaviour"].argmax(axis=1)[therapist]]
    assert one_labeller.name == "tiny-onnx" and one_labeller.version.startswith("0+")
    assert all(x.behaviour is None for i, x in enumerate(one) if roles[i] is Role.CLIENT)


@needs_onnx
def test_an_empty_transcript_gets_no_labels(tmp_path: Path) -> None:
    labeller = load_labeller(str(write_tier(tmp_path / "tier", weight=0.5)))
    assert len(labeller.label(Transcript.from_turns("t", []))) == 0


def test_without_the_extra_the_error_names_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from equipoise.label import onnx_tier

    folder = tmp_path / "tier"
    folder.mkdir()
    for name in (onnx_tier.MODEL_FILE, onnx_tier.TOKENIZER_FILE):
        (folder / name).write_bytes(b"")
    (folder / "manifest.json").write_text(json.dumps({
        "format": onnx_tier.FORMAT, "format_version": onnx_tier.FORMAT_VERSION, "name": "x", "version": "0",
        "max_tokens": 12, "max_context": 4, "labels": {},
        "mix": {"linear": "counselling-linear", "weights": {}}}))
    monkeypatch.setitem(sys.modules, "onnxruntime", None)  # as if it were not installed
    with pytest.raises(RequirementError, match=r"equipoise\[accurate\]"):
        onnx_tier.OnnxLabeller(folder)


def test_a_folder_of_another_format_or_missing_files_is_refused(tmp_path: Path) -> None:
    from equipoise.label import onnx_tier

    assert not onnx_tier.is_onnx_folder(MODELS_DIR / "counselling-linear")
    folder = tmp_path / "tier"
    folder.mkdir()
    (folder / "manifest.json").write_text(json.dumps({"format": onnx_tier.FORMAT, "format_version": 99}))
    with pytest.raises(UsageError, match="rebuild"):
        onnx_tier.read_manifest(folder)
    (folder / "manifest.json").write_text(json.dumps({"format": onnx_tier.FORMAT,
                                                      "format_version": onnx_tier.FORMAT_VERSION}))
    with pytest.raises(UsageError, match=onnx_tier.MODEL_FILE):
        onnx_tier.read_manifest(folder)
