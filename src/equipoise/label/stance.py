"""Therapist stance (directive | collaborative | neutral), derived transparently from markers and input type.

AnnoMI has no stance column, so stance is a documented rule over the rule-based markers of the turn and the
learned ``input_type``, following the MI-adherent / MI-non-adherent split of MITI 4 and MISC:

1. ``confront`` → **directive** (confronting, labelling, warning are non-adherent whatever else is said).
2. advice or instruction (marker ``advice`` or ``directive``, or learned ``input_type == "advice"``):
   **collaborative** when permission was asked (``permission`` in this turn or in the same therapist's
   previous turn) or autonomy or options are offered in this turn; **directive** otherwise
   (advice without permission, directing).
3. otherwise **collaborative** for MI-adherent moves: ``permission``, ``autonomy``, ``affirmation``,
   ``options``, ``feedback_request``, ``collaboration`` markers, or learned ``input_type`` ``options`` or
   ``negotiation`` (offering choices, agreeing an agenda together);
4. otherwise **neutral** (plain questions, reflections, information, small talk).

>>> derive_stance(("advice",), "input", "advice", previous_permission=False)
'directive'
>>> derive_stance(("advice",), "input", "advice", previous_permission=True)
'collaborative'
>>> derive_stance(("question",), "question", None, previous_permission=False)
'neutral'
"""

from __future__ import annotations

from collections.abc import Collection

from .labels import Stance

STANCE_CLASSES: tuple[Stance, ...] = ("directive", "collaborative", "neutral")
_SOFTENERS = frozenset({"permission", "autonomy", "options"})
_ADHERENT = frozenset({"permission", "autonomy", "affirmation", "options", "feedback_request",
                       "collaboration"})


def derive_stance(markers: Collection[str], behaviour: str | None, input_type: str | None, *,
                  previous_permission: bool) -> Stance:
    """Stance of one therapist turn from its markers, its learned labels and the previous therapist turn."""
    found = set(markers)
    if "confront" in found:
        return "directive"
    advises = bool(found & {"advice", "directive"}) or (behaviour == "input" and input_type == "advice")
    if advises:
        return "collaborative" if previous_permission or found & _SOFTENERS else "directive"
    if found & _ADHERENT or (behaviour == "input" and input_type in ("options", "negotiation")):
        return "collaborative"
    return "neutral"
