"""What a reader produces before roles are settled: speaker labels, text, times and source lines."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..model import Role


@dataclass(frozen=True, slots=True)
class RawTurn:
    """One turn as a reader found it.

    ``line`` is where it starts in the file (line number, cue number or row number, 1-based) so that
    later checks can point the user at it. ``role`` is set when the file states it (a role column, a
    ``Therapist:`` prefix).
    """

    speaker: str
    text: str
    line: int
    start: float | None = None
    end: float | None = None
    role: Role | None = None
    #: A role word the file gives that is not a known role (see ``Role.parse``); refused unless the
    #: user settles the roles with ``--therapist`` / ``--client``.
    unknown_role: bool = False


@dataclass(slots=True)
class Parsed:
    """A reader's result: raw turns in order and notices for the user (never transcript text)."""

    turns: list[RawTurn]
    notices: list[str] = field(default_factory=list)
    #: What a line number means in this format, for messages ("line", "cue", "row", "paragraph").
    unit: str = "line"
    #: True for caption formats (VTT, SRT), whose cues are pieces of turns: consecutive cues of one
    #: speaker are joined into one turn by default (DESIGN §3).
    captions: bool = False
