"""Session recordings: speech recognition and two-voice diarisation on this machine (the ``audio`` extra).

Accepted shape: a recording of one session with two people speaking, in any container and codec FFmpeg
decodes (WAV, MP3, M4A/AAC, OGG/Opus, FLAC, WebM: what a phone or a video call's "record audio" writes),
up to ``max_audio_seconds`` long; it is recognised as English.

Each turn is a run of words by one voice, with its start and end in seconds. Speakers are named
``SPEAKER_1`` (the voice heard first) and ``SPEAKER_2``; roles are inferred from what each says, as for
text, unless given (``--therapist SPEAKER_1``). Messages name the turn by its number (1-based). See
:mod:`equipoise.audio` for the models and docs/audio.md for what the figures from audio can and cannot
tell.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import InputError
from .formats import Format
from .raw import Parsed, RawTurn
from .source import memory_data

EXTENSIONS = (".wav", ".mp3", ".m4a", ".mp4", ".aac", ".ogg", ".oga", ".opus", ".flac", ".webm", ".weba")


def read(path: Path) -> Parsed:
    from ..audio import current_progress
    from ..audio.weights import require_audio_extra

    require_audio_extra()
    from ..audio.decode import decode
    from ..audio.recognise import recognise
    from ..audio.voices import two_voices
    from ..limits import Limits

    data = memory_data(path)
    if data is None:
        _check_file(path)
    elif not data:
        raise InputError(path, "the file is empty")
    samples = decode(path, data, Limits.from_env())
    progress = current_progress()
    words = recognise(samples, (lambda done, total: progress(path, done, total)) if progress else None)
    if not words:
        raise InputError(path, "no speech was recognised in the recording",
                         hint="check that it is a recording of the session and that the voices are audible")
    turns: list[RawTurn] = []
    for speaker, group in two_voices(samples, words):
        if turns and turns[-1].speaker == speaker:
            last = turns[-1]
            turns[-1] = RawTurn(speaker, last.text + "".join(w.text for w in group), last.line, last.start,
                                round(group[-1].end, 2))
        else:
            turns.append(RawTurn(speaker, "".join(w.text for w in group).strip(), len(turns) + 1,
                                 round(group[0].start, 2), round(group[-1].end, 2)))
    seconds = len(samples) / 16_000
    notices = [f"{path.name}: transcribed {seconds / 60:.1f} minutes of audio on this machine into "
               f"{len(turns)} turns of two voices (SPEAKER_1 is the voice heard first); recognition and "
               f"diarisation make mistakes: check the transcript (`equipoise transcribe` writes it)"]
    return Parsed(turns, notices, unit="turn")


def _check_file(path: Path) -> None:
    """Refuse what FFmpeg would choke or block on: a missing, empty or not regular file (a FIFO)."""
    import stat

    if not path.exists():
        raise InputError(path, "no such file")
    info = path.stat()
    if not stat.S_ISREG(info.st_mode):
        raise InputError(path, "is not a regular file (a folder, pipe, device or socket), so it was not read",
                         hint="copy the recording into an ordinary file")
    if info.st_size == 0:
        raise InputError(path, "the file is empty")


# WAV, MP3 with an ID3 tag, Ogg, FLAC, MP4/M4A and Matroska/WebM by their first bytes. The head is
# decoded leniently, so a size field's bytes may have become fewer replacement characters.
_MAGIC = re.compile(r"RIFF.{1,4}WAVE|ID3[\x02-\x04]|OggS|fLaC|.{1,4}ftyp|\x1aE\u07e3", re.DOTALL)


def sniff(head: str) -> bool:
    return _MAGIC.match(head) is not None


FORMAT = Format(
    name="audio",
    description="session recordings (WAV, MP3, M4A, OGG, FLAC, WebM): local speech recognition and "
                "two-voice diarisation (the 'audio' extra)",
    extensions=EXTENSIONS,
    read=read,
    sniff=sniff,
)
