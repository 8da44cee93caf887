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


_LEARNED = ("behaviour", "question_type", "reflection_type", "input_type", "stance", "talk_type")


@dataclass(frozen=True, slots=True)
class Acts:
    """What a turn or an utterance does: the learned labels, the rule-based markers, and ``confidence``,
    the labeller's calibrated probability of each learned label."""

    behaviour: Behaviour | None = None
    question_type: QuestionType | None = None
    reflection_type: ReflectionType | None = None
    input_type: InputType | None = None
    stance: Stance | None = None
    talk_type: TalkType | None = None
    markers: tuple[str, ...] = ()
    confidence: dict[str, float] = field(default_factory=dict, compare=False)


@dataclass(frozen=True, slots=True)
class UtteranceLabels(Acts):
    """Labels of one utterance (sentence) of a turn: its character span in the turn's text, never the text.

    >>> UtteranceLabels(behaviour="question", start=0, end=12).to_dict()["behaviour"]
    'question'
    """

    start: int = field(kw_only=True)
    end: int = field(kw_only=True)

    def to_dict(self) -> dict[str, object]:
        """The JSON form of ``turns[i].utterances[j]``."""
        out: dict[str, object] = {"start": self.start, "end": self.end}
        for name in _LEARNED:
            value = getattr(self, name)
            if value is not None:
                out[name] = value
        out["markers"] = list(self.markers)
        out["probabilities"] = {k: round(v, 4) for k, v in self.confidence.items()}
        return out


@dataclass(frozen=True, slots=True)
class TurnLabels(Acts):
    """Labels of one turn. ``utterances`` holds the labels of each utterance when the turn has more than
    one; ``stance_rule`` the stance the transparent rules give (:mod:`equipoise.label.stance`), shown
    beside the learned one.
    """

    utterances: tuple[UtteranceLabels, ...] = field(default=(), compare=False)
    stance_rule: Stance | None = field(default=None, compare=False)

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> TurnLabels:
        """Read the form written by :meth:`to_dict` (utterances and probabilities are not kept)."""
        return cls(**{n: data.get(n) for n in _LEARNED},  # type: ignore[arg-type]
                   markers=tuple(data.get("markers") or ()))  # type: ignore[arg-type]

    def to_dict(self) -> dict[str, object]:
        """The JSON form of ``turns[i].labels`` (probabilities and utterances have fields of their own)."""
        return {**{name: getattr(self, name) for name in _LEARNED}, "markers": list(self.markers)}


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
