"""The timeline of one session: every dimension over a sliding window of turns.

Each window is analysed exactly like a whole session (same analysers, same settings) on its turns and
labels; a dimension that cannot be computed in a window (too few turns of one party) is None there.
Window size: ``config.window`` turns, or when 0, a quarter of the session clamped to [10, 40] turns;
step: ``config.step``, or when 0, a third of the window. Sessions shorter than a window get one window.

Shifts within the session are stated in words like the course's (:func:`within_session_shifts`): the
course's change-point rule (:func:`equipoise.course.detect_shift`) is run on each series of window leans,
and the change is placed at the centre of the first window after it ("the agenda moved toward the client
from about turn 27 on"). Windows overlap, so a shift is only as sharp as a window is long.

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


def within_session_shifts(windows: Sequence[TimelineWindow], threshold: float | None = None) -> list[str]:
    """Every shift found in the timeline of one session, as a sentence.

    >>> w = [TimelineWindow(i * 5, i * 5 + 9, None, None, {"agenda": v}, None, None)
    ...      for i, v in enumerate([0.6, 0.5, 0.6, -0.3, -0.4])]
    >>> within_session_shifts(w)
    ['The agenda moved toward the client from about turn 19 on (lean +0.57 before, -0.35 after).']
    """
    from .course import NAMES, THRESHOLD, detect_shift

    limit = THRESHOLD if threshold is None else threshold
    names: list[str] = []
    for window in windows:
        names.extend(n for n in window.leans if n not in names)
    series: dict[str, list[float | None]] = {n: [w.leans.get(n) for w in windows] for n in names}
    series["power_lean"] = [w.power_lean for w in windows]
    series["shared_power"] = [w.partnership for w in windows]
    found = []
    for name, values in series.items():
        shift = detect_shift(values, limit)
        if shift is None:
            continue
        k, before, after = shift
        turn = (windows[k].first_turn + windows[k].last_turn) // 2
        label = NAMES.get(name, name.replace("_", " "))
        if name == "shared_power":
            verb = "rose" if after > before else "fell"
            text = f"{label} {verb} from about turn {turn} on ({before:.2f} before, {after:.2f} after)"
        else:
            side = "the client" if after < before else "the therapist"
            text = (f"{label} moved toward {side} from about turn {turn} on "
                    f"(lean {before:+.2f} before, {after:+.2f} after)")
        found.append(text[0].upper() + text[1:] + ".")
    return found


def _has_dyad(part: Transcript) -> bool:
    return bool(part.therapists) and bool(part.clients)
