"""The core model: a session as an ordered list of turns by speakers who have roles.

Small, frozen, dependency-free value types. No storage and no I/O live here.

>>> t = Transcript.from_turns("s1", [Turn(0, Speaker("Ana", Role.THERAPIST), "How are you?")])
>>> t.n_turns, t.therapists[0].name
(1, 'Ana')
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field


class Role(enum.StrEnum):
    """What a speaker is in the conversation."""

    THERAPIST = "therapist"
    CLIENT = "client"
    OTHER = "other"

    @classmethod
    def parse(cls, value: str) -> Role:
        """Read a role from common spellings (``T``, ``counsellor``, ``patient`` ...).

        >>> Role.parse("Counselor")
        <Role.THERAPIST: 'therapist'>
        """
        key = " ".join(value.strip().lower().replace("-", " ").replace("_", " ").split())
        found = _ROLE_SPELLINGS.get(key)
        if found is None:
            valid = ", ".join(r.value for r in cls)
            raise ValueError(f"unknown role {value!r}; valid roles: {valid}")
        return found


#: Role words accepted in role columns, speaker prefixes and labels (docs: README "Roles"). Peer-support
#: and helpline exports name the helper a listener, supporter or volunteer and the other a seeker,
#: member or caller. Keys are compared lower-cased, with "-", "_" and spaces alike.
ROLE_WORDS: dict[Role, tuple[str, ...]] = {
    Role.THERAPIST: ("therapist", "t", "th", "counsellor", "counselor", "clinician", "interviewer",
                     "psychologist", "psychotherapist", "provider", "analyst", "listener", "supporter",
                     "peer supporter", "helper", "volunteer"),
    Role.CLIENT: ("client", "c", "cl", "patient", "p", "pt", "interviewee", "member", "seeker",
                  "help seeker", "helpseeker", "caller", "service user", "analysand"),
    Role.OTHER: ("other", "o", "unknown", "observer"),
}
_ROLE_SPELLINGS: dict[str, Role] = {word: role for role, words in ROLE_WORDS.items() for word in words}


@dataclass(frozen=True, slots=True)
class Speaker:
    """A person who speaks in a session, with the role they have in it."""

    name: str
    role: Role


@dataclass(frozen=True, slots=True)
class Turn:
    """One turn: what one speaker said, with optional start and end times in seconds."""

    index: int
    speaker: Speaker
    text: str
    start: float | None = None
    end: float | None = None

    @property
    def role(self) -> Role:
        return self.speaker.role

    @property
    def duration(self) -> float | None:
        if self.start is None or self.end is None:
            return None
        return max(0.0, self.end - self.start)


@dataclass(frozen=True, slots=True)
class Transcript:
    """A session: an id (usually the file stem), its speakers and its turns in order.

    ``notices`` carries what the reader assumed on the user's behalf (an encoding, an inferred role),
    so the edges can report it; it never holds transcript text.
    """

    id: str
    speakers: tuple[Speaker, ...]
    turns: tuple[Turn, ...]
    source_format: str | None = None
    notices: tuple[str, ...] = field(default=(), compare=False)

    @classmethod
    def from_turns(
        cls,
        id: str,
        turns: Iterable[Turn],
        source_format: str | None = None,
        notices: Sequence[str] = (),
    ) -> Transcript:
        """Build a transcript; the speaker list is taken from the turns in order of first appearance."""
        turns = tuple(turns)
        seen: dict[str, Speaker] = {}
        for turn in turns:
            seen.setdefault(turn.speaker.name, turn.speaker)
        return cls(id, tuple(seen.values()), turns, source_format, tuple(notices))

    @property
    def n_turns(self) -> int:
        return len(self.turns)

    @property
    def has_timestamps(self) -> bool:
        return bool(self.turns) and all(t.start is not None for t in self.turns)

    @property
    def duration(self) -> float | None:
        """Seconds from the first start to the last end (or start), when every turn has a start."""
        if not self.has_timestamps:
            return None
        first = self.turns[0].start
        last = max((t.end if t.end is not None else t.start) for t in self.turns)  # type: ignore[type-var]
        return float(last - first)  # type: ignore[operator]

    def speakers_with(self, role: Role) -> tuple[Speaker, ...]:
        return tuple(s for s in self.speakers if s.role is role)

    @property
    def therapists(self) -> tuple[Speaker, ...]:
        return self.speakers_with(Role.THERAPIST)

    @property
    def clients(self) -> tuple[Speaker, ...]:
        return self.speakers_with(Role.CLIENT)
