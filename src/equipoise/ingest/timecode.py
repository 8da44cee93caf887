"""Parsing times written as seconds, ``HH:MM:SS``, ``MM:SS`` or with milliseconds (``,`` or ``.``)."""

from __future__ import annotations

import math
import re

_CLOCK = re.compile(r"^(?:(\d+):)?(\d{1,2}):(\d{1,2})(?:[.,](\d{1,6}))?$")


def parse_time(value: str | float | int) -> float:
    """Seconds from a time value; raises ``ValueError`` with a short reason on anything else.

    >>> parse_time("01:02:03.5"), parse_time("2:05"), parse_time("12.25"), parse_time(7)
    (3723.5, 125.0, 12.25, 7.0)
    """
    if isinstance(value, bool):
        raise ValueError("not a time")
    if isinstance(value, int | float):
        seconds = float(value)
    else:
        raw = value.strip()
        match = _CLOCK.match(raw)
        if match:
            hours, minutes, secs, frac = match.groups()
            if int(secs) >= 60 or (hours is not None and int(minutes) >= 60):
                raise ValueError("minutes and seconds must be below 60")
            seconds = int(hours or 0) * 3600 + int(minutes) * 60 + int(secs)
            if frac:
                seconds += int(frac) / 10 ** len(frac)
        else:
            try:
                seconds = float(raw)
            except ValueError:
                raise ValueError("not a time (expected seconds or HH:MM:SS)") from None
    if not math.isfinite(seconds) or seconds < 0:
        raise ValueError("a time must be a finite number of seconds, not negative")
    return float(seconds)


def format_time(seconds: float) -> str:
    """``HH:MM:SS.mmm`` for a number of seconds.

    >>> format_time(3723.5)
    '01:02:03.500'
    """
    millis = round(seconds * 1000)
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    secs, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}.{millis:03d}"
