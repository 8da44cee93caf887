"""Decoding a recording (WAV, MP3, M4A, OGG, FLAC, WebM ...) to 16 kHz mono, in bounded memory.

PyAV (FFmpeg's libraries, inside its wheel) decodes every container a phone or a video call writes; no
``ffmpeg`` program is needed. Samples are kept as 16-bit integers (32 kB a second: a 50-minute session
is about 96 MB; the voice features add 8 kB a second), and decoding stops as soon as the recording
passes ``max_audio_seconds``, so a long or hostile file cannot exhaust memory. Nothing is written to
disk: an upload is decoded from memory.
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np

from ..errors import InputError
from ..limits import Limits, over

RATE = 16_000
#: Below this peak level (about -60 dBFS) a recording is taken to be silent.
SILENT_PEAK = 32


def decode(path: Path, data: bytes | None, limits: Limits) -> np.ndarray:
    """The recording at ``path`` (or ``data``, an upload called ``path``) as 16 kHz mono int16 samples."""
    import av

    source: str | io.BytesIO = io.BytesIO(data) if data is not None else str(path)
    most = limits.max_audio_seconds * RATE
    chunks: list[np.ndarray] = []
    total = 0
    try:
        with av.open(source, mode="r", metadata_errors="ignore") as container:
            if not container.streams.audio:
                raise InputError(path, "has no audio track", hint="give a recording of the session")
            resampler = av.AudioResampler(format="s16", layout="mono", rate=RATE)
            for frame in _frames(container):
                for out in resampler.resample(frame):
                    samples = out.to_ndarray().reshape(-1)
                    total += samples.size
                    if total > most:
                        raise over(path, "the length of the recording in seconds", total // RATE, limits,
                                   "max_audio_seconds")
                    chunks.append(samples.astype(np.int16))  # a copy: the frame's buffer is freed
    except InputError:
        raise
    except (av.FFmpegError, ValueError, OSError, EOFError) as exc:
        # FFmpeg's message can include the file's metadata; only the kind of failure is passed on.
        raise InputError(path, f"could not be decoded as audio ({exc.__class__.__name__})",
                         hint="check that it is a complete recording in a common format "
                              "(WAV, MP3, M4A, OGG, FLAC, WebM)") from None
    if not chunks:
        raise InputError(path, "holds no audio samples (empty or truncated)",
                         hint="check that the recording is complete")
    audio = np.concatenate(chunks)
    del chunks
    if max(int(audio.max()), -int(audio.min())) < SILENT_PEAK:  # no widened copy of a long recording
        raise InputError(path, "is silent: no sound above -60 dBFS",
                         hint="check that the right recording and microphone were used")
    return audio


def _frames(container: object):  # type: ignore[no-untyped-def]
    """Decoded frames, skipping the damaged ones FFmpeg reports (a glitch in a phone recording), then
    a flush of the resampler."""
    import av

    frames = container.decode(audio=0)  # type: ignore[attr-defined]
    while True:
        try:
            frame = next(frames)
        except StopIteration:
            break
        except av.InvalidDataError:
            continue
        frame.pts = None
        yield frame
    yield None


def as_float(samples: np.ndarray) -> np.ndarray:
    """int16 samples as float32 in [-1, 1), for the models."""
    return samples.astype(np.float32) / 32768.0
