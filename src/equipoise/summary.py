"""The two summary numbers of a profile, from a printed, weighted combination of the dimension leans.

  power_lean   = clip(g * sum_d w_d * lean_d / sum_d w_d)       over available dimensions, in [-1, 1]
  shared_power = sum_d v_d * c_d / sum_d v_d                    over available dimensions with a range
  c_d          = exp(-z_d^2 / 2),  z_d = distance of lean_d outside [p10_d, p90_d] / s_d

``w`` (POWER_WEIGHTS, version 2.4) weighs the levers as readers of the validation sessions weigh them in
their overall judgement of who holds the power: agenda 1.5, floor and directiveness 1, responsiveness and
disclosure 0.25, partnership 0 (since partnership 3.0 it reads who opens the topics and who directs,
which agenda and directiveness already carry) and, since version 2.5, client agency 0 (was 0.5; since
client agency 2.6 its lean blends agenda's and directiveness's, :mod:`equipoise.analysers.steering`;
power lean 375 -> 381 of 484 judged sessions); the weighted mean is scaled by ``g``
(POWER_GAIN, 1.25) and clipped to [-1, 1], +1 when the therapist holds them all. The weights and the gain
were chosen by leave-one-hold-out-out cross-validation on the 364 judged sessions whose misses had been
read (power lean 285 -> 293 held out; docs/power-model.md has every figure, and those of versions 2.1-2.3,
which weighed the levers alike or as the 264 sessions read by then suggested).
Accommodation weighs 0 in it (version 2.1): its lean in good sessions spans nearly the whole scale (-0.90
to +0.82), so it says little about one session. Disclosure weighed 0 in versions 2.1-2.2, because every
good reference session leans +0.07 to +0.74 on it; readers count the one-way disclosure as part of the
therapist's power, so 2.3 gives it a small weight.

The shared-power index (version 2.0) is read against the **reference range**: [p10_d,
p90_d] is the range of dimension d's lean in the high-quality reference sessions (the shipped norms) and
s_d = (p90_d - p10_d) / 2.56 (the standard deviation of a normal with that 10-90 range, at least 0.1). A
session whose every lever sits where good sessions put it scores 1; it falls as any lever moves outside
that range, in either direction, so a session in which the client holds every lever does not score
"more shared" (DESIGN §1: "equal but very different power"). Dimensions without a reference range
(plugins without norms) are left out. ``v`` (SHARED_WEIGHTS) are the weights fitted on expert judgement
for version 1.1 (``benchmarks/validate_partnership.py --fit``; docs/power-model.md has the figures of
both versions).

In the JSON, ``summary.shared_power`` holds the index; ``summary.partnership`` holds the same value under
its schema-1 name (DESIGN §3), so that the summary index and the partnership dimension no longer share a
name on any page. Version 1.1 computed it as the weighted mean of (1 - lean) / 2, which grew without end
as the client took every lever.

>>> print(describe_weights().splitlines()[0])
dimension        power  shared  reference range (p10, p90)
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

from .analysers.base import clip
from .analysers.registry import declared

#: Each analyser's ``power_weight`` and ``shared_weight`` (declared on the analyser), in report order.
POWER_WEIGHTS: Mapping[str, float] = declared("power_weight", 0.0)
SHARED_WEIGHTS: Mapping[str, float] = declared("shared_weight", 0.0)
#: The version 1.1 name of :data:`SHARED_WEIGHTS`.
PARTNERSHIP_WEIGHTS = SHARED_WEIGHTS
#: Both weight tables, printable: ``equipoise.profile.SUMMARY_WEIGHTS``.
SUMMARY_WEIGHTS: dict[str, Mapping[str, float]] = {
    "power_lean": POWER_WEIGHTS, "shared_power": SHARED_WEIGHTS}
SUMMARY_VERSION = "2.5"
#: The power lean is the weighted mean of the levers times this gain, clipped to [-1, 1] (1.25 since
#: version 2.4; 2.2 introduced it at 1.25, 2.3 used 1.5).
POWER_GAIN = 1.25
#: Smallest spread of a reference range, so that a dimension whose good sessions all lean alike does not
#: make every other value read as far away.
MIN_SPREAD = 0.1


def reference_ranges() -> dict[str, tuple[float, float]]:
    """(p10, p90) of each dimension's lean in the high-quality reference sessions (shipped norms)."""
    from .norms import load_norms

    table = load_norms()
    if table is None:
        return {}
    found = {}
    for key, quantiles in table.metrics.items():
        dimension, _, metric = key.partition(".")
        if metric != "lean":
            continue
        at = {p: quantiles[table.percentiles.index(float(p))] for p in (10, 90)}
        found[dimension] = (at[10], at[90])
    return found


def closeness(lean: float, reference: tuple[float, float]) -> float:
    """How close a lean is to the reference range (p10, p90): 1 inside, falling away outside it.

    >>> closeness(0.1, (-0.2, 0.2)), round(closeness(0.5, (-0.2, 0.2)), 3), closeness(-1, (-0.2, 0.2)) < 0.01
    (1.0, 0.158, True)
    """
    low, high = reference
    spread = max((high - low) / 2.56, MIN_SPREAD)
    outside = max(0.0, low - lean, lean - high)
    return math.exp(-0.5 * (outside / spread) ** 2)


@dataclass(frozen=True, slots=True)
class Summary:
    """The session in two numbers, with the dimensions and turns behind them."""

    power_lean: float | None
    shared_power: float | None
    evidence: tuple[int, ...] = ()
    contributions: Mapping[str, Mapping[str, float]] = field(default_factory=dict)
    version: str = SUMMARY_VERSION

    @property
    def partnership(self) -> float | None:
        """The shared-power index under its schema-1 name (``summary.partnership``)."""
        return self.shared_power

    def to_dict(self) -> dict[str, object]:
        """The JSON form (``summary`` in the profile)."""
        return {"power_lean": self.power_lean, "shared_power": self.shared_power,
                "partnership": self.shared_power,
                "evidence": list(self.evidence),
                "contributions": {k: dict(v) for k, v in self.contributions.items()},
                "weights": {k: dict(v) for k, v in SUMMARY_WEIGHTS.items()}, "version": self.version}

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> Summary:
        """Read the form written by :meth:`to_dict`."""
        shared = data.get("shared_power", data.get("partnership"))
        return cls(power_lean=data.get("power_lean"), shared_power=shared,  # type: ignore[arg-type]
                   evidence=tuple(data.get("evidence", ())),  # type: ignore[arg-type]
                   contributions=dict(data.get("contributions", {})),  # type: ignore[arg-type]
                   version=str(data.get("version", SUMMARY_VERSION)))


def summarise(leans: Mapping[str, float | None],
              evidence: Mapping[str, tuple[int, ...]] | None = None, size: int = 8,
              reference: Mapping[str, tuple[float, float]] | None = None) -> Summary:
    """Combine dimension leans (None = unavailable) into the summary, with its evidence.

    ``reference`` maps a dimension to the (p10, p90) of its lean in good sessions (default: the shipped
    norms, :func:`reference_ranges`). The evidence is taken from the dimensions that moved the summary
    most (furthest outside their reference range, and furthest from 0, weighted), in that order, up to
    ``size`` turns.

    >>> summarise({"floor": 0.5, "directiveness": -0.5}).power_lean
    0.0
    >>> summarise({"floor": 0.2}, reference={"floor": (0.1, 0.3)}).shared_power
    1.0
    """
    ranges = reference_ranges() if reference is None else reference
    available = {d: lean for d, lean in leans.items() if lean is not None}
    mean = _weighted({d: lean for d, lean in available.items()}, POWER_WEIGHTS)
    power = None if mean is None else round(clip(POWER_GAIN * mean), 6)
    near = {d: closeness(lean, ranges[d]) for d, lean in available.items() if d in ranges}
    shared = _weighted(near, SHARED_WEIGHTS)
    contributions = {d: {"lean": lean, "power_weight": POWER_WEIGHTS.get(d, 0.0),
                         "shared_weight": SHARED_WEIGHTS.get(d, 0.0),
                         **({"closeness": round(near[d], 6), "reference_range": list(ranges[d])}
                            if d in near else {})}
                     for d, lean in available.items()}
    chosen: list[int] = []
    if evidence:
        def moved(d: str) -> float:
            return (SHARED_WEIGHTS.get(d, 0.0) * (1.0 - near.get(d, 1.0))
                    + POWER_WEIGHTS.get(d, 0.0) * abs(available[d]) / 2)

        for d in sorted(available, key=lambda d: -moved(d)):
            for index in evidence.get(d, ()):
                if index not in chosen and len(chosen) < size:
                    chosen.append(index)
    return Summary(power_lean=power, shared_power=shared, evidence=tuple(sorted(chosen)),
                   contributions=contributions)


def _weighted(values: Mapping[str, float], weights: Mapping[str, float]) -> float | None:
    total = sum(weights.get(d, 0.0) for d in values)
    if total <= 0:
        return None
    return round(sum(weights.get(d, 0.0) * v for d, v in values.items()) / total, 6)


def describe_weights() -> str:
    """The weight tables as aligned text, for the docs and ``benchmarks/validate_partnership.py``."""
    ranges = reference_ranges()
    lines = [f"{'dimension':<16} {'power':>5}  shared  reference range (p10, p90)"]
    for d in POWER_WEIGHTS:
        ref = f"{ranges[d][0]:+.2f} to {ranges[d][1]:+.2f}" if d in ranges else "none"
        lines.append(f"{d:<16} {POWER_WEIGHTS[d]:>5.2f}  {SHARED_WEIGHTS.get(d, 0.0):>6.2f}  {ref}")
    lines.append(f"power_lean = {POWER_GAIN} x weighted mean of leans, within -1..+1; shared_power = "
                 "weighted mean of each lean's closeness to its reference range")
    return "\n".join(lines)
