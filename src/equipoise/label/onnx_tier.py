"""The accurate labeller tier: a fine-tuned MiniLM run with onnxruntime (int8), mixed with the linear heads.

A model folder (built by ``python -m research.build_onnx_tier``; see docs/labeller.md, "Accurate tier")
holds ``manifest.json`` (format, name, version, classes, token limits, mixing weights, the CV report),
``model.onnx`` (the quantised network: token ids in, one softmax per learned label out) and
``tokenizer.json`` (MiniLM's word pieces). Running it needs ``onnxruntime`` and ``tokenizers`` (extra
``accurate``), never torch.

Each turn is read with the turn before it, as the network was trained:
``[CLS] <previous speaker's role>: <previous turn> [SEP] <turn> [SEP]``, the previous turn cut from its
start and the turn from its end. Each learned label's probabilities are a weighted mean of the
encoder's softmax and the linear labeller's, with one weight per label chosen by grouped CV; the markers
and the stance rule are those of :class:`~equipoise.label.labeller.TrainedLabeller`.

>>> labeller = load_labeller("DIR")          # doctest: +SKIP
>>> labeller.label(transcript)[0].behaviour   # doctest: +SKIP
'question'
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import RequirementError, UsageError
from ..model import Role
from .labeller import MODELS_DIR, TrainedLabeller

if TYPE_CHECKING:
    import numpy as np

FORMAT = "equipoise-onnx-encoder"
FORMAT_VERSION = 1
MODEL_FILE = "model.onnx"
TOKENIZER_FILE = "tokenizer.json"
BATCH = 32


def require() -> None:
    """Raise a :class:`RequirementError` naming the extra unless onnxruntime and tokenizers are installed."""
    try:
        import onnxruntime  # noqa: F401
        import tokenizers  # noqa: F401
    except ImportError:
        raise RequirementError("the accurate labeller needs the optional extra: "
                               "pip install 'equipoise[accurate]'") from None


def is_onnx_folder(folder: Path) -> bool:
    """Whether ``folder`` holds an accurate-tier model (its manifest names this format)."""
    manifest = folder / "manifest.json"
    if not manifest.is_file():
        return False
    try:
        return json.loads(manifest.read_text(encoding="utf-8")).get("format") == FORMAT
    except (ValueError, AttributeError):
        return False


class PairEncoder:
    """Token ids of every turn of a session with its previous turn as context, as numpy-free lists."""

    def __init__(self, tokenizer_file: Path, max_tokens: int = 96, max_context: int = 32) -> None:
        from tokenizers import Tokenizer

        self.tokenizer = Tokenizer.from_file(str(tokenizer_file))
        self.tokenizer.no_truncation()
        self.tokenizer.no_padding()
        self.cls = self.tokenizer.token_to_id("[CLS]")
        self.sep = self.tokenizer.token_to_id("[SEP]")
        self.max_tokens = max_tokens
        self.max_context = max_context
        self.prefixes = {r: self.tokenizer.encode(f"{r.value}:", add_special_tokens=False).ids for r in Role}

    def encode(self, texts: Sequence[str], roles: Sequence[Role]) -> list[tuple[list[int], list[int]]]:
        """(ids, types) per turn: ``types`` is 1 on the turn's own tokens and its closing [SEP], else 0."""
        words = [e.ids for e in self.tokenizer.encode_batch(list(texts), add_special_tokens=False)]
        out = []
        for i, own in enumerate(words):
            turn = own[: self.max_tokens - 3]
            room = min(self.max_context, self.max_tokens - 3 - len(turn))
            context = (self.prefixes[roles[i - 1]] + words[i - 1]) if i > 0 else []
            context = context[len(context) - room:] if room > 0 else []
            ids = [self.cls, *context, self.sep, *turn, self.sep]
            out.append((ids, [0] * (len(context) + 2) + [1] * (len(turn) + 1)))
        return out


def padded(batch: Sequence[tuple[list[int], list[int]]]) -> dict[str, np.ndarray]:
    """The network's inputs for a batch: ids, token types and mask (int64), padded to the longest."""
    import numpy as np

    width = max(len(ids) for ids, _ in batch)
    arrays = {k: np.zeros((len(batch), width), dtype=np.int64) for k in ("ids", "types", "mask")}
    for r, (ids, types) in enumerate(batch):
        arrays["ids"][r, : len(ids)] = ids
        arrays["types"][r, : len(types)] = types
        arrays["mask"][r, : len(ids)] = 1
    return arrays


class OnnxEncoder:
    """The exported network in an onnxruntime session: class probabilities per label for a session's turns."""

    def __init__(self, model_file: Path, encoder: PairEncoder, threads: int = 1) -> None:
        require()
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        self.session = ort.InferenceSession(str(model_file), options, providers=["CPUExecutionProvider"])
        self.outputs = [o.name for o in self.session.get_outputs()]
        self.encoder = encoder

    def probabilities(self, texts: Sequence[str], roles: Sequence[Role]) -> dict[str, np.ndarray]:
        """Softmax per label (rows in turn order, columns in the manifest's class order)."""
        import numpy as np

        encoded = self.encoder.encode(texts, roles)
        order = sorted(range(len(encoded)), key=lambda i: len(encoded[i][0]))  # little padding per batch
        parts: dict[str, list[np.ndarray]] = {name: [] for name in self.outputs}
        for start in range(0, len(order), BATCH):
            values = self.session.run(self.outputs, padded([encoded[i] for i in order[start:start + BATCH]]))
            for name, value in zip(self.outputs, values, strict=True):
                parts[name].append(value)
        inverse = np.argsort(np.array(order))
        return {name: np.concatenate(chunks)[inverse] for name, chunks in parts.items()}


class OnnxLabeller(TrainedLabeller):
    """The accurate tier: the encoder's and the linear heads' probabilities mixed, then the same rules."""

    def __init__(self, folder: Path, threads: int = 1) -> None:
        from .artifact import Artifact

        manifest = read_manifest(folder)
        require()
        linear = manifest["mix"]["linear"]
        linear_folder = MODELS_DIR / linear
        if not (linear_folder / "manifest.json").is_file():
            raise UsageError(f"the accurate labeller in {folder.name!r} mixes with the linear labeller "
                             f"{linear!r}, which this install does not ship; rebuild it")
        super().__init__(Artifact.load(linear_folder))
        self.manifest = manifest
        self.classes: dict[str, list[str]] = manifest["labels"]
        self.weights: dict[str, float] = manifest["mix"]["weights"]
        self.name = manifest["name"]
        self.version = f"{manifest['version']}+{self.version}"  # encoder, linear artifact and rules
        encoder = PairEncoder(folder / TOKENIZER_FILE, manifest["max_tokens"], manifest["max_context"])
        self.encoder = OnnxEncoder(folder / MODEL_FILE, encoder, threads)

    def probabilities(self, texts: list[str], roles: list[Role]) -> dict[str, np.ndarray]:
        """Mixed probabilities per label, columns in the linear head's class order. Pure."""
        import numpy as np

        encoded = self.encoder.probabilities(texts, roles)
        features = self.artifact.space.transform(texts, roles)
        out = {}
        for name, head in self.artifact.heads.items():
            linear = np.asarray(head.predict_proba(features))
            w = self.weights.get(name, 0.0)
            if name not in encoded or not w:  # a head the encoder was not trained for (stance, support)
                out[name] = linear
                continue
            columns = [self.classes[name].index(c) for c in head.classes]
            out[name] = w * encoded[name][:, columns] + (1 - w) * linear
        return out

    def predict(self, texts: list[str], roles: list[Role]) -> dict[str, np.ndarray]:
        """Per learned label: mixed class probabilities of every text, as :meth:`TrainedLabeller.predict`."""
        if not texts:
            return {}
        return self.probabilities(texts, roles)


def read_manifest(folder: Path) -> dict[str, Any]:
    """The manifest of an accurate-tier folder, checked for format and files; errors name the folder."""
    path = folder / "manifest.json"
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise UsageError(f"cannot read the accurate labeller's manifest in {folder.name!r}: {exc}") from None
    if manifest.get("format") != FORMAT or manifest.get("format_version") != FORMAT_VERSION:
        raise UsageError(f"{folder.name!r} is not an accurate labeller of format {FORMAT} "
                         f"{FORMAT_VERSION}; rebuild it with `python -m research.build_onnx_tier`")
    missing = [f for f in (MODEL_FILE, TOKENIZER_FILE) if not (folder / f).is_file()]
    if missing:
        raise UsageError(f"the accurate labeller in {folder.name!r} lacks {', '.join(missing)}; rebuild it")
    return manifest


def load_onnx_labeller(folder: Path, threads: int = 1) -> OnnxLabeller:
    """The accurate labeller in ``folder`` (one onnxruntime thread unless told otherwise)."""
    return OnnxLabeller(folder, threads)
