"""Label value types shared by the labeller and the analysers (DESIGN §3, ``turns[i].labels``).

Therapist-only fields are ``None`` on client turns and the reverse.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Behaviour = Literal["reflection", "question", "input", "other"]
QuestionType = Literal["open", "closed"]
ReflectionType = Literal["simple", "complex"]
InputType = Literal["information", "advice", "negotiation", "options"]
Stance = Literal["directive", "collaborative", "neutral"]
TalkType = Literal["change", "neutral", "sustain"]


@dataclass(frozen=True, slots=True)
class TurnLabels:
    """Labels of one turn. ``confidence`` holds the labeller's probability for each learned label."""

    behaviour: Behaviour | None = None
    question_type: QuestionType | None = None
    reflection_type: ReflectionType | None = None
    input_type: InputType | None = None
    stance: Stance | None = None
    talk_type: TalkType | None = None
    markers: tuple[str, ...] = ()
    confidence: dict[str, float] = field(default_factory=dict, compare=False)

    def to_dict(self) -> dict[str, object]:
        """The JSON form used in the profile (``confidence`` is left out)."""
        return {
            "behaviour": self.behaviour,
            "question_type": self.question_type,
            "reflection_type": self.reflection_type,
            "input_type": self.input_type,
            "stance": self.stance,
            "talk_type": self.talk_type,
            "markers": list(self.markers),
        }


@dataclass(frozen=True, slots=True)
class Labels:
    """Labels for every turn of one transcript, in turn order, and the labeller that made them."""

    turns: tuple[TurnLabels, ...]
    labeller_name: str
    labeller_version: str

    def __len__(self) -> int:
        return len(self.turns)

    def __getitem__(self, index: int) -> TurnLabels:
        return self.turns[index]
