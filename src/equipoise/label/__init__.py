"""Turn labelling: what each turn does (behaviour codes, stance, talk type, rule-based markers)."""

from __future__ import annotations

from .labels import Labels, TurnLabels

__all__ = ["Labels", "TurnLabels"]
