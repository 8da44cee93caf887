"""The timeline of one session: every dimension over a sliding window of turns.

Each window is analysed exactly like a whole session (same analysers, same settings) on its turns and
labels; a dimension that cannot be computed in a window (too few turns of one party) is None there.
Window size: ``config.window`` turns, or when 0, a quarter of the session clamped to [10, 40] turns;
step: ``config.step``, or when 0, a third of the window. Sessions shorter than a window get one window.

>>> window_for(600), window_for(60), window_for(12)
((40, 13), (15, 5), (10, 3))
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from .label.labels import Labels
from .model import Transcript
from .profile import TimelineWindow
from .summary import summarise

if TYPE_CHECKING:
    from .analysers.base import Analyser, Config


def window_for(n_turns: int, window: int = 0, step: int = 0) -> tuple[int, int]:
    """The (window, step) in turns used for a session of ``n_turns`` turns."""
    size = window or max(10, min(40, n_turns // 4))
    return size, step or max(1, size // 3)


def window_bounds(n_turns: int, window: int, step: int) -> list[tuple[int, int]]:
    """Half-open [first, end) positions of every window; the last one always reaches the end."""
    if n_turns <= window:
        return [(0, n_turns)] if n_turns else []
    bounds = [(first, first + window) for first in range(0, n_turns - window + 1, step)]
    if bounds[-1][1] < n_turns:
        bounds.append((n_turns - window, n_turns))
    return bounds


def build_timeline(transcript: Transcript, labels: Labels | None, analysers: Sequence[Analyser],
                   config: Config) -> tuple[TimelineWindow, ...]:
    """Run ``analysers`` over every window of the session and summarise each window."""
    size, step = window_for(transcript.n_turns, config.window, config.step)
    windows = []
    for first, end in window_bounds(transcript.n_turns, size, step):
        turns = transcript.turns[first:end]
        part = Transcript.from_turns(transcript.id, turns, transcript.source_format)
        part_labels = (Labels(labels.turns[first:end], labels.labeller_name, labels.labeller_version)
                       if labels is not None else None)
        leans: dict[str, float | None] = {}
        for analyser in analysers:
            result = analyser.analyse(part, part_labels, config) if _has_dyad(part) else None
            available = result is not None and result.available and result.lean is not None
            leans[analyser.name] = round(float(result.lean), 6) if available else None  # type: ignore[union-attr,arg-type]
        summary = summarise(leans)
        windows.append(TimelineWindow(
            first_turn=turns[0].index, last_turn=turns[-1].index,
            start=turns[0].start, end=turns[-1].end if turns[-1].end is not None else turns[-1].start,
            leans=leans, power_lean=summary.power_lean, partnership=summary.partnership))
    return tuple(windows)


def _has_dyad(part: Transcript) -> bool:
    return bool(part.therapists) and bool(part.clients)
