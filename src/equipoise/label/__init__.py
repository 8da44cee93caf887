"""Turn labelling: what each turn does (behaviour codes, stance, talk type, rule-based markers).

>>> from equipoise.label import load_labeller
>>> labeller = load_labeller()                 # the trained AnnoMI model shipped with the package
>>> labels = labeller.label(transcript)          # doctest: +SKIP
"""

from __future__ import annotations

from .labeller import Labeller, load_labeller
from .labels import Labels, TurnLabels

__all__ = ["Labeller", "Labels", "TurnLabels", "load_labeller"]
