"""The steering levers, as two dimensions read them beside their own measures (partnership 3.2, client
agency 2.6).

Readers of the validation sessions judge partnership and client agency largely by who steers: who opens
the topics, asks the steering questions and proposes the goals (agenda's lean) and who tells whom what to
do, net of autonomy support and the client's own decisions (directiveness's lean). Fitted on the judged
validation sessions by leave-one-hold-out-out cross-validation (docs/power-model.md, "Partnership 3.2 and
client agency 2.6"), each of the two dimensions blends its own lean with those two:

    lean = clip(gain * (w_own * own + sum_k w_k * lean_k) / (w_own + sum_k w_k) + offset)

over the steering levers that are available for the transcript (a lever that is unavailable drops out and
the weights of the others are renormalised).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from . import agenda, directiveness
from .base import Config, clip

if TYPE_CHECKING:
    from ..label.labels import Labels
    from ..model import Transcript

#: The steering levers and the analysers that measure them.
LEVERS = {"agenda": agenda.ANALYSER, "directiveness": directiveness.ANALYSER}


def steering_leans(transcript: Transcript, labels: Labels, config: Config) -> dict[str, float]:
    """The leans of the steering levers (agenda, directiveness) that are available for ``transcript``.
    Their ``analyse`` remembers its last call, so within the pipeline this reads the results it already
    computed for the same transcript or window."""
    found: dict[str, float] = {}
    for name, analyser in LEVERS.items():
        result = analyser.analyse(transcript, labels, config)
        if result.available and result.lean is not None:
            found[name] = float(result.lean)
    return found


@dataclass(frozen=True)
class Blend:
    """How one dimension blends its own lean with the steering levers' (declared once, on its module)."""

    own_weight: float
    weights: Mapping[str, float]
    gain: float = 1.0
    offset: float = 0.0

    def lean(self, own: float, steering: Mapping[str, float]) -> float:
        """``clip(gain * weighted mean of own and the available steering leans + offset)``.

        >>> even = Blend(0.5, {"agenda": 0.25, "directiveness": 0.25})
        >>> even.lean(0.5, {"agenda": 1.0, "directiveness": -1.0})
        0.25
        >>> Blend(0.3, {"agenda": 0.3, "directiveness": 0.4}, gain=1.25).lean(0.5, {})
        0.625
        >>> Blend(0.5, {"agenda": 0.3}, gain=1.5, offset=-0.2).lean(-0.9, {"agenda": -1.0})
        -1.0
        """
        total = self.own_weight + sum(self.weights[k] for k in steering)
        mixed = (self.own_weight * own + sum(self.weights[k] * v for k, v in steering.items())) / total
        return clip(self.gain * mixed + self.offset)

    def note(self, own: float, steering: Mapping[str, float]) -> str:
        """A note saying how the lean was blended, with every number in it."""
        parts = ", ".join(f"{k} {v:+.2f} (weight {self.weights[k]:g})" for k, v in steering.items())
        text = (f"the lean blends this dimension's own lean ({own:+.2f}, weight {self.own_weight:g}) with "
                f"the steering levers' leans{': ' + parts if parts else ' (none available)'}, scaled by "
                f"{self.gain:g}")
        return text + (f" and shifted by {self.offset:+g}" if self.offset else "")

    def apply(self, own: float, transcript: Transcript, labels: Labels, config: Config) -> tuple[float, str]:
        """(the blended lean, its note) for ``transcript``."""
        steering = steering_leans(transcript, labels, config)
        return self.lean(own, steering), self.note(own, steering)
