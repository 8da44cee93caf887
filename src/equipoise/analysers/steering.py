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
from types import MappingProxyType
from typing import TYPE_CHECKING

from . import agenda, directiveness
from .base import Config, clip, last_call

if TYPE_CHECKING:
    from ..label.labels import Labels
    from ..model import Transcript

#: The steering levers and the analysers that measure them.
LEVERS = {"agenda": agenda.ANALYSER, "directiveness": directiveness.ANALYSER}


@last_call
def steering_leans(transcript: Transcript, labels: Labels, config: Config) -> Mapping[str, float]:
    """The leans of the steering levers (agenda, directiveness) that are available for ``transcript``
    (read-only; computed once for partnership and client agency together)."""
    found: dict[str, float] = {}
    for name, analyser in LEVERS.items():
        result = analyser.analyse(transcript, labels, config)
        if result.available and result.lean is not None:
            found[name] = float(result.lean)
    return MappingProxyType(found)


def blend(own: float, steering: Mapping[str, float], own_weight: float, weights: Mapping[str, float],
          gain: float = 1.0, offset: float = 0.0) -> float:
    """``clip(gain * weighted mean of own and the available steering leans + offset)``.

    >>> blend(0.5, {"agenda": 1.0, "directiveness": -1.0}, 0.5, {"agenda": 0.25, "directiveness": 0.25})
    0.25
    >>> blend(0.5, {}, 0.3, {"agenda": 0.3, "directiveness": 0.4}, gain=1.25)
    0.625
    >>> blend(-0.9, {"agenda": -1.0}, 0.5, {"agenda": 0.3}, gain=1.5, offset=-0.2)
    -1.0
    """
    total = own_weight + sum(weights[k] for k in steering)
    mixed = (own_weight * own + sum(weights[k] * v for k, v in steering.items())) / total
    return clip(gain * mixed + offset)


def describe(own: float, steering: Mapping[str, float], own_weight: float, weights: Mapping[str, float],
             gain: float, offset: float = 0.0) -> str:
    """A note saying how the lean was blended, with every number in it."""
    parts = ", ".join(f"{k} {v:+.2f} (weight {weights[k]:g})" for k, v in steering.items())
    text = (f"the lean blends this dimension's own lean ({own:+.2f}, weight {own_weight:g}) with the "
            f"steering levers' leans{': ' + parts if parts else ' (none available)'}, scaled by {gain:g}")
    return text + (f" and shifted by {offset:+g}" if offset else "")
