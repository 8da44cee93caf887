"""What both encoder backbones share: encoded turns, padding, pooling, a tokeniser, the cache folder.

Both :mod:`research.encoder.minilm` and :mod:`research.encoder.mpnet` import from here, and nothing here
imports either of them, so the modules of the experiment import one way only.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import torch

REPO = Path(__file__).resolve().parents[2]
CACHE_ENV = "EQUIPOISE_CACHE"


def cache_dir(folder: Path | str | None = None) -> Path:
    """Where unpacked pretrained files are kept: ``folder`` if given, else ``$EQUIPOISE_CACHE``, else the
    repository's own ``.cache/`` (ignored by git). Never the home folder.
    """
    if folder is not None:
        return Path(folder)
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV])
    return REPO / ".cache"


def pool(x: torch.Tensor, types: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """The mean over the turn's own tokens (``types`` 1) joined to the mean over all real tokens."""
    own = (types * mask).to(x.dtype)[..., None]
    every = mask.to(x.dtype)[..., None]
    return torch.cat([(x * own).sum(1) / own.sum(1).clamp(min=1.0),
                      (x * every).sum(1) / every.sum(1)], dim=-1)


@dataclass(frozen=True)
class Encoded:
    """Token ids of one turn in context: ``types`` is 1 on the turn's own tokens, 0 on the context."""

    ids: list[int]
    types: list[int]


class WordPieceTokeniser:
    """A pretrained model's ``tokenizer.json`` without truncation or padding, and its two special tokens."""

    def __init__(self, folder: Path, cls: str, sep: str, max_tokens: int, max_context: int) -> None:
        from tokenizers import Tokenizer

        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.no_truncation()
        self.tokenizer.no_padding()
        self.cls = self.tokenizer.token_to_id(cls)
        self.sep = self.tokenizer.token_to_id(sep)
        self.max_tokens = max_tokens
        self.max_context = max_context

    def word_pieces(self, texts: Sequence[str]) -> list[list[int]]:
        """The token ids of each text, without special tokens."""
        return [e.ids for e in self.tokenizer.encode_batch(list(texts), add_special_tokens=False)]



def pad(batch: Sequence[Encoded]) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """(ids, types, mask) tensors of a batch, padded to its longest sequence."""
    width = max(len(e.ids) for e in batch)
    ids = torch.zeros((len(batch), width), dtype=torch.long)
    types = torch.zeros((len(batch), width), dtype=torch.long)
    for r, e in enumerate(batch):
        ids[r, : len(e.ids)] = torch.tensor(e.ids)
        types[r, : len(e.types)] = torch.tensor(e.types)
    mask = torch.zeros((len(batch), width), dtype=torch.bool)
    for r, e in enumerate(batch):
        mask[r, : len(e.ids)] = True
    return ids, types, mask
