"""Speech to words with times: Whisper tiny.en through faster-whisper, a window at a time.

A recording is cut into windows of at most :data:`WINDOW_SECONDS`, each cut at the quietest moment near
its end, so that the recogniser's spectrogram is never built for the whole session (bounded memory) and
progress can be reported per window. Each window is recognised with greedy decoding (beam 1), word
timestamps, and the Silero VAD filter that faster-whisper ships (long silences are skipped, which is
also what keeps the recogniser from inventing words in them).
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .decode import RATE, as_float
from .weights import VAD, WHISPER, verified

WINDOW_SECONDS = 120
#: How far back from a window's nominal end the quietest cut point is looked for.
SEARCH_SECONDS = 10


@dataclass(frozen=True, slots=True)
class Word:
    """A recognised word: its text (with the recogniser's leading space), start and end in seconds, and
    the recogniser segment it belongs to (segments end at pauses and sentence ends)."""

    text: str
    start: float
    end: float
    segment: int


_share: int | None = None  # this process's share of the CPUs, when several processes transcribe at once


def available_cpus() -> int:
    """The CPUs this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def share_cpus(processes: int) -> None:
    """In one of ``processes`` worker processes (a batch): use only this process's share of the CPUs, so
    the workers' recognisers together do not ask for more threads than there are CPUs."""
    global _share
    _share = max(1, available_cpus() // max(1, processes))


def threads() -> int:
    """Recogniser threads: the CPUs this process may use (its share of them in a batch worker), at most 4
    (more gains little for tiny.en)."""
    return max(1, min(4, _share or available_cpus()))


@functools.cache
def _model(n_threads: int):  # type: ignore[no-untyped-def]
    from faster_whisper import WhisperModel

    folder = verified(WHISPER).parent
    # A local folder is given, never a model name, so faster-whisper has nothing to download.
    return WhisperModel(str(folder), device="cpu", compute_type="int8", cpu_threads=n_threads,
                        local_files_only=True)


def windows(samples: np.ndarray) -> list[tuple[int, int]]:
    """Sample ranges of at most WINDOW_SECONDS covering ``samples``, cut at quiet moments."""
    size, search, hop = WINDOW_SECONDS * RATE, SEARCH_SECONDS * RATE, RATE // 10
    spans: list[tuple[int, int]] = []
    start = 0
    while len(samples) - start > size:
        low = start + size - search
        region = samples[low:start + size].astype(np.float32)
        energy = np.add.reduceat(region * region, np.arange(0, len(region), hop))
        cut = low + int(np.argmin(energy)) * hop + hop // 2
        spans.append((start, cut))
        start = cut
    spans.append((start, len(samples)))
    return spans


def recognise(samples: np.ndarray, progress: Callable[[float, float], None] | None = None,
              n_threads: int | None = None) -> list[Word]:
    """The words of a recording (16 kHz mono int16), in order, with times from its start."""
    verified(VAD)
    model = _model(n_threads or threads())
    total = len(samples) / RATE
    words: list[Word] = []
    segment = 0
    for first, last in windows(samples):
        offset = first / RATE
        segments, _info = model.transcribe(
            as_float(samples[first:last]), language="en", beam_size=1, word_timestamps=True,
            vad_filter=True, condition_on_previous_text=False)
        for piece in segments:
            for word in piece.words or ():
                if word.word.strip():
                    words.append(Word(word.word, offset + float(word.start), offset + float(word.end),
                                      segment))
            segment += 1
            if progress is not None:
                progress(min(total, offset + float(piece.end)), total)
        if progress is not None:
            progress(last / RATE, total)
    return words
