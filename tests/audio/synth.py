"""Two-voice sessions synthesised here with espeak-ng and joined with sox: audio with a known gold.

The gold (who says what, in which order, and the silence before each turn) is written below, before any
recognition was run on it, and is never changed to match output. ``HELD_OUT`` is kept for the benchmark
only: no threshold or setting was chosen by looking at it.

Synthetic speech is cleaner than a room recording (no noise, no overlap, no accents of real people), so
figures measured on it are an upper bound on what a real session gives. sox runs in its repeatable mode
(``-R``): its dither noise is seeded, so one session gives the same file, and the same figures, every run.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

#: espeak-ng voice, pitch (0-99) and speed (words per minute) of each party
VOICES = {
    "therapist": ("en-us+m3", 35, 165),
    "client": ("en-gb+f4", 75, 150),
}
OTHER_VOICES = {
    "therapist": ("en-gb-x-rp+f2", 60, 160),
    "client": ("en-us+m1", 30, 170),
}


@dataclass(frozen=True)
class GoldTurn:
    role: str
    text: str
    silence_before: float  # seconds of silence before this turn


@dataclass(frozen=True)
class GoldSession:
    name: str
    turns: tuple[GoldTurn, ...]
    voices: dict[str, tuple[str, int, int]]


def _turns(*rows: tuple[str, float, str]) -> tuple[GoldTurn, ...]:
    return tuple(GoldTurn(role, text, silence) for role, silence, text in rows)


CHECK_IN = GoldSession("check_in", _turns(
    ("therapist", 0.5, "Hello, thank you for coming in today. How have you been since we last met?"),
    ("client", 0.8, "It has been a difficult week. I did not sleep very well and work was stressful."),
    ("therapist", 0.7, "That sounds hard. What was the most stressful part of work for you?"),
    ("client", 1.0, "My manager gave me a new project with a short deadline, and I felt I could not say no."),
    ("therapist", 0.6, "So you felt unable to refuse. What would you have liked to say to her?"),
    ("client", 3.5, "I would have liked to tell her that I already have too much to do."),
    ("therapist", 0.9, "You wanted to protect your time. Shall we look at how you might say that next week?"),
    ("client", 0.7, "Yes, I think that would help me a lot."),
), VOICES)

GOALS = GoldSession("goals", _turns(
    ("client", 0.4, "I want to talk about my plans for the summer, because I keep putting them off."),
    ("therapist", 0.8, "Of course. What plans have you been putting off?"),
    ("client", 0.6, "I would like to visit my sister in Scotland, but the travel makes me anxious."),
    ("therapist", 1.2, "Travel makes you anxious. What part of the journey worries you most?"),
    ("client", 0.7, "Mostly the train station. There are so many people and so much noise."),
    ("therapist", 2.8, "Some people find it useful to plan the quiet times of a journey in advance."),
    ("client", 0.6, "That is a good idea. I could travel early in the morning."),
), OTHER_VOICES)

#: For the benchmark only (see the module docstring).
HELD_OUT = GoldSession("held_out", _turns(
    ("therapist", 0.6, "Good afternoon. Where would you like to start today?"),
    ("client", 0.9, "I have been thinking about what you said last time about my father."),
    ("therapist", 0.7, "What have you been thinking about it?"),
    ("client", 1.1, "That I still try to make him proud, even though he has never told me he is."),
    ("therapist", 2.5, "You keep trying, and the words you hope for do not come."),
    ("client", 0.8, "Exactly. And it makes me tired, because nothing I do is ever enough for him."),
    ("therapist", 0.6, "Nothing feels like enough. How does that tiredness show up during your week?"),
    ("client", 0.9, "I stop answering my phone, and I stay in bed on Sunday mornings."),
    ("therapist", 0.7, "Would it be all right if we looked at one of those Sundays together?"),
    ("client", 0.5, "Yes. Last Sunday was a good example, actually."),
), VOICES)

SESSIONS = (CHECK_IN, GOALS)
RATE = 22050


def tools_missing() -> str | None:
    """Why sessions cannot be made here (a missing program), or None."""
    missing = [tool for tool in ("espeak-ng", "sox") if shutil.which(tool) is None]
    return f"needs {' and '.join(missing)} (Debian packages espeak-ng, sox)" if missing else None


@dataclass(frozen=True)
class Made:
    """A synthesised session: its WAV file and the gold turns with their true start and end."""

    path: Path
    session: GoldSession
    times: tuple[tuple[float, float], ...]


def synthesise(session: GoldSession, out: Path) -> Made:
    """Write ``out`` (WAV, 22.05 kHz mono) and return the true time of each turn."""
    with tempfile.TemporaryDirectory() as work:
        parts: list[str] = []
        times: list[tuple[float, float]] = []
        clock = 0.0
        for number, turn in enumerate(session.turns):
            voice, pitch, speed = session.voices[turn.role]
            silence = Path(work, f"{number}s.wav")
            speech = Path(work, f"{number}.wav")
            subprocess.run(["sox", "-R", "-n", "-r", str(RATE), "-c", "1", "-b", "16", str(silence),
                            "trim", "0", f"{turn.silence_before}"], check=True)
            subprocess.run(["espeak-ng", "-v", voice, "-p", str(pitch), "-s", str(speed),
                            "-w", str(speech), turn.text], check=True)
            # espeak pads with a little silence; trim it so the turn times are the speech itself
            trimmed = Path(work, f"{number}t.wav")
            subprocess.run(["sox", "-R", str(speech), "-r", str(RATE), "-c", "1", "-b", "16", str(trimmed),
                            "silence", "1", "0.01", "0.5%", "reverse", "silence", "1", "0.01", "0.5%",
                            "reverse"], check=True)
            length = float(subprocess.run(["soxi", "-D", str(trimmed)], check=True, capture_output=True,
                                          text=True).stdout)
            clock += turn.silence_before
            times.append((round(clock, 3), round(clock + length, 3)))
            clock += length
            parts += [str(silence), str(trimmed)]
        tail = Path(work, "tail.wav")
        subprocess.run(["sox", "-R", "-n", "-r", str(RATE), "-c", "1", "-b", "16", str(tail),
                        "trim", "0", "0.5"], check=True)
        subprocess.run(["sox", "-R", *parts, str(tail), str(out)], check=True)
    return Made(out, session, tuple(times))


def words_of(text: str) -> list[str]:
    """Words compared for the word error rate: lower case, without punctuation."""
    return re.findall(r"[a-z0-9']+", text.lower().replace("'", "'"))


def align(reference: list[str], hypothesis: list[str]) -> tuple[int, list[tuple[int, int]]]:
    """Edit distance between two word lists, and the (reference, hypothesis) index pairs it matches or
    substitutes."""
    n, m = len(reference), len(hypothesis)
    cost = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(n + 1):
        cost[i][0] = i
    for j in range(m + 1):
        cost[0][j] = j
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            same = reference[i - 1] == hypothesis[j - 1]
            cost[i][j] = min(cost[i - 1][j - 1] + (not same), cost[i - 1][j] + 1, cost[i][j - 1] + 1)
    pairs: list[tuple[int, int]] = []
    i, j = n, m
    while i > 0 and j > 0:
        same = reference[i - 1] == hypothesis[j - 1]
        if cost[i][j] == cost[i - 1][j - 1] + (not same):
            pairs.append((i - 1, j - 1))
            i, j = i - 1, j - 1
        elif cost[i][j] == cost[i - 1][j] + 1:
            i -= 1
        else:
            j -= 1
    return cost[n][m], pairs[::-1]


@dataclass(frozen=True)
class Score:
    """How a transcript made from a synthesised session compares with its gold."""

    word_error_rate: float
    attributed: float  # share of the gold's words given to the right role (the roles as inferred)
    gold_turns: int
    turns: int

    @property
    def turn_count_error(self) -> float:
        return abs(self.turns - self.gold_turns) / self.gold_turns


def score(made: Made, turns: list[tuple[str, str]]) -> Score:
    """Compare ``turns`` ((role, text) in order, as recognised) with the gold of ``made``."""
    reference = [(turn.role, w) for turn in made.session.turns for w in words_of(turn.text)]
    hypothesis = [(role, w) for role, text in turns for w in words_of(text)]
    errors, pairs = align([w for _, w in reference], [w for _, w in hypothesis])
    right = sum(reference[i][0] == hypothesis[j][0] for i, j in pairs)
    return Score(errors / len(reference), right / len(reference), len(made.session.turns), len(turns))


def convert(source: Path, target: Path) -> Path:
    """Re-encode a WAV as the container its suffix names (.mp3, .ogg, .m4a, .webm, .flac), with PyAV."""
    import av

    codec = {".mp3": "libmp3lame", ".ogg": "libopus", ".webm": "libopus", ".m4a": "aac",
             ".flac": "flac"}[target.suffix]
    with av.open(str(source)) as inp, av.open(str(target), "w") as out:
        rate = 48000 if codec == "libopus" else 22050
        stream = out.add_stream(codec, rate=rate, layout="mono")
        resampler = av.AudioResampler(format=stream.codec_context.codec.audio_formats[0].name,
                                      layout="mono", rate=rate)
        for frame in inp.decode(audio=0):
            for piece in resampler.resample(frame):
                for packet in stream.encode(piece):
                    out.mux(packet)
        for piece in resampler.resample(None):
            for packet in stream.encode(piece):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    return target
