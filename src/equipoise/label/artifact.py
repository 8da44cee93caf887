"""The trained labeller's artifact: feature vocabularies and linear heads, stored without pickle.

An artifact is a folder with ``manifest.json`` (name, version, feature settings, classes, training report),
``vocab.json`` (the n-gram terms of each feature block) and ``weights.npz`` (idf vectors, coefficients and
intercepts as plain arrays, read with ``allow_pickle=False``). Applying it needs numpy and scipy only, so it
survives scikit-learn upgrades. Files are written byte-for-byte deterministically (sorted keys, fixed zip
timestamps), so the same data and seed give the same bytes.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse

from ..errors import UsageError
from ..model import Role
from .features import CUE_NAMES, NgramVectoriser, cue_features, neighbour, sentence_part

FORMAT = 2


@dataclass(frozen=True)
class Block:
    """One block of the feature vector: an n-gram vectoriser over a part (``all``, ``first`` or ``last``
    sentence) of the turn at ``offset`` (0: the turn itself, -1: the previous turn ...), and its weight."""

    name: str
    offset: int
    vectoriser: NgramVectoriser
    weight: float
    part: str = "all"

    def texts(self, texts: Sequence[str]) -> list[str]:
        """The texts this block reads, one per turn."""
        source = texts if self.offset == 0 else neighbour(texts, self.offset)
        return [sentence_part(t, self.part) for t in source]


@dataclass(frozen=True)
class FeatureSpace:
    """All feature blocks, in order, followed by the dense cue features."""

    blocks: tuple[Block, ...]
    cue_weight: float

    @property
    def n_features(self) -> int:
        return sum(len(b.vectoriser.vocabulary) for b in self.blocks) + len(CUE_NAMES)

    def transform(self, texts: Sequence[str], roles: Sequence[Role]) -> sparse.csr_matrix:
        """The feature matrix of every turn of one session (context comes from the same session)."""
        parts = []
        # Blocks that read the same part of a turn with the same n-grams share one extraction: the
        # previous- and next-turn blocks are the turn's own n-grams shifted by one position.
        grams: dict[tuple[object, ...], list[list[str]]] = {}
        n = len(texts)
        for block in self.blocks:
            vec = block.vectoriser
            key = (vec.kind, vec.ngram, block.part)
            if key not in grams:
                grams[key] = [vec.grams(sentence_part(t, block.part)) for t in texts]
            own = grams[key]
            shifted = [own[i + block.offset] if 0 <= i + block.offset < n else [] for i in range(n)]
            parts.append(vec.transform_grams(shifted) * block.weight)
        parts.append(sparse.csr_matrix(cue_features(texts, roles) * self.cue_weight))
        return sparse.hstack(parts, format="csr")


@dataclass(frozen=True)
class Head:
    """A linear classifier: class probabilities are ``softmax((X @ coef.T + intercept) / temperature)``.

    The temperature is fitted on out-of-fold scores in training (:mod:`equipoise.label.calibration`), so the
    probabilities are calibrated; 1.0 means uncalibrated (an artifact trained without cross-validation).
    """

    classes: tuple[str, ...]
    coef: np.ndarray
    intercept: np.ndarray
    temperature: float = 1.0

    def scores(self, features: sparse.csr_matrix) -> np.ndarray:
        """Raw class scores (one column per class), before temperature and softmax."""
        scores = np.asarray(features @ self.coef.T, dtype=np.float64) + self.intercept
        if len(self.classes) == 2 and self.coef.shape[0] == 1:  # binary model stored as one row
            scores = np.hstack([-scores / 2, scores / 2])
        return scores

    def predict_proba(self, features: sparse.csr_matrix) -> np.ndarray:
        scores = self.scores(features) / self.temperature
        scores -= scores.max(axis=1, keepdims=True)
        np.exp(scores, out=scores)
        scores /= scores.sum(axis=1, keepdims=True)
        return scores


@dataclass(frozen=True)
class Artifact:
    """A loaded labeller artifact."""

    name: str
    version: str
    space: FeatureSpace
    heads: dict[str, Head]
    report: dict[str, Any]

    def save(self, folder: Path) -> None:
        """Write the artifact into ``folder`` (created if needed), deterministically."""
        folder.mkdir(parents=True, exist_ok=True)
        arrays: dict[str, np.ndarray] = {}
        blocks = []
        for block in self.space.blocks:
            blocks.append({"name": block.name, "offset": block.offset, "part": block.part,
                           "weight": block.weight,
                           "kind": block.vectoriser.kind, "ngram": list(block.vectoriser.ngram)})
            arrays[f"idf__{block.name}"] = block.vectoriser.idf.astype(np.float32)
        heads = {}
        temperatures = {}
        for name, head in self.heads.items():
            heads[name] = list(head.classes)
            temperatures[name] = head.temperature
            # float16 halves the artifact; its rounding (about 5e-4 relative) moves no label we measured
            arrays[f"coef__{name}"] = head.coef.astype(np.float16)
            arrays[f"intercept__{name}"] = head.intercept.astype(np.float32)
        manifest = {"format": FORMAT, "name": self.name, "version": self.version, "blocks": blocks,
                    "cue_names": list(CUE_NAMES), "cue_weight": self.space.cue_weight, "heads": heads,
                    "temperatures": temperatures, "report": self.report}
        vocab = {b.name: b.vectoriser.to_json()["terms"] for b in self.space.blocks}
        _write_json(folder / "manifest.json", manifest)
        _write_json(folder / "vocab.json", vocab, indent=None)
        _write_npz(folder / "weights.npz", arrays)

    @classmethod
    def load(cls, folder: Path) -> Artifact:
        """Read an artifact folder written by :meth:`save`."""
        try:
            manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
            vocab = json.loads((folder / "vocab.json").read_text(encoding="utf-8"))
            with np.load(folder / "weights.npz", allow_pickle=False) as npz:
                arrays = {k: npz[k] for k in npz.files}
        except (OSError, ValueError, KeyError) as exc:
            raise UsageError(f"cannot read the labeller artifact in {folder}: {exc.__class__.__name__}; "
                             "rebuild it with `equipoise train`") from None
        if manifest.get("format") != FORMAT or manifest.get("cue_names") != list(CUE_NAMES):
            raise UsageError(f"the labeller artifact in {folder} was made by another version of Equipoise; "
                             "rebuild it with `equipoise train`")
        blocks = []
        for spec in manifest["blocks"]:
            vec = NgramVectoriser.from_json({"kind": spec["kind"], "ngram": spec["ngram"],
                                             "terms": vocab[spec["name"]]},
                                            arrays[f"idf__{spec['name']}"].astype(np.float64))
            blocks.append(Block(spec["name"], int(spec["offset"]), vec, float(spec["weight"]),
                                spec.get("part", "all")))
        temperatures = manifest.get("temperatures", {})
        heads = {name: Head(tuple(classes), arrays[f"coef__{name}"].astype(np.float64),
                            arrays[f"intercept__{name}"].astype(np.float64),
                            float(temperatures.get(name, 1.0)))
                 for name, classes in manifest["heads"].items()}
        space = FeatureSpace(tuple(blocks), float(manifest["cue_weight"]))
        return cls(manifest["name"], manifest["version"], space, heads, manifest.get("report", {}))


def _write_json(path: Path, data: object, indent: int | None = 1) -> None:
    text = json.dumps(data, sort_keys=True, indent=indent, ensure_ascii=False)
    path.write_text(text + "\n", encoding="utf-8")


def _write_npz(path: Path, arrays: dict[str, np.ndarray]) -> None:
    """Like ``np.savez_compressed`` but with fixed zip timestamps, so equal arrays give equal bytes."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for key in sorted(arrays):
            buffer = io.BytesIO()
            np.lib.format.write_array(buffer, np.ascontiguousarray(arrays[key]), allow_pickle=False)
            info = zipfile.ZipInfo(f"{key}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, buffer.getvalue())
