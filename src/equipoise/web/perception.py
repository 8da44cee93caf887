"""The two voices about a session (the client's check-in, the therapist's prediction) and the measured
profile, side by side, with the gaps between them in plain words.

The items are Equipoise's own, not a licensed instrument. A measured ``power_lean`` is read as leaning
towards one side when it is further than :data:`LEAN_MARGIN` from 0; closer than that counts as shared.

>>> side_of_lean(0.45), side_of_lean(-0.05)
('therapist', 'equal')
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..profile import Profile

LEAN_MARGIN = 0.2


@dataclass(frozen=True, slots=True)
class Item:
    """A five-point item of the check-in; ``dimension`` is the measured dimension shown beside it."""

    key: str
    text: str
    prediction: str
    dimension: str


ITEMS: tuple[Item, ...] = (
    Item("heard", "I felt heard", "My client felt heard", "responsiveness"),
    Item("say", "I had a say in what we talked about", "My client had a say in what we talked about",
         "agenda"),
    Item("disagree", "I felt free to disagree", "My client felt free to disagree", "client_agency"),
    Item("matters", "We worked on what matters to me", "We worked on what matters to my client",
         "partnership"),
)
ITEM_KEYS = tuple(item.key for item in ITEMS)

SCALE: dict[int, str] = {1: "not at all", 2: "a little", 3: "somewhat", 4: "mostly", 5: "completely"}

WHO_HELD_QUESTION = "Who held the power in today's session?"
WHO_HELD: dict[str, str] = {
    "therapist": "the therapist",
    "me": "me",
    "neither": "neither, power did not come into it",
    "equal": "we held it more or less equally",
    "shifted": "it shifted back and forth",
    "other": "something else",
}
# The same answers in the words of a third person (a therapist's prediction, a supervisor's view).
WHO_HELD_THIRD: dict[str, str] = {**WHO_HELD, "therapist": "the therapist", "me": "the client"}
_SIDE = {"therapist": "therapist", "me": "client", "equal": "equal"}

# The therapist's power story: how their own needs and history shape their use of the role. Each answer
# is private to the therapist unless they share it with their supervisors; a client never reads any.
REFLECTION_PROMPTS: dict[str, str] = {
    "projections": "How much do I enjoy my client's positive projections (their admiration, idealisation or "
                   "gratitude)?",
    "independence": "Can I encourage my client to seek help or opinions elsewhere?",
    "challenged": "How do I react when I am challenged or disagreed with, or my knowledge is questioned?",
    "needs": "What do I need from this client (to be liked, to be right, for them to get better)?",
    "rank_history": "What is my own history with rank and power, and how does it show with this client?",
}
SHARE_PREFIX = "share_"


def shared_prompts(form: Mapping[str, Any], answers: Mapping[str, Any]) -> list[str]:
    """The power-story answers the therapist ticked to share (``share_<key>=yes``), if they wrote them."""
    return [key for key in REFLECTION_PROMPTS
            if str(form.get(SHARE_PREFIX + key) or "") == "yes" and answers.get(key)]


def reflection_for(row: Any, reader: str) -> dict[str, Any] | None:
    """The reflection as ``reader`` may read it: the therapist all of it; a supervisor the expected answers
    and only the power-story answers the therapist shared (the others are None, as if unwritten)."""
    data = answers_of(row, extra=tuple(REFLECTION_PROMPTS))
    if data is None:
        return None
    shared = [key for key in (row.shared_with_supervisor or []) if key in REFLECTION_PROMPTS]
    if reader != "owner":
        for key in REFLECTION_PROMPTS:
            if key not in shared:
                data[key] = None
    data["shared_with_supervisor"] = shared
    return data


def side_of_answer(who_held: str | None) -> str | None:
    """'therapist', 'client' or 'equal' for answers that name a side; None for the others."""
    return _SIDE.get(who_held or "")


def side_of_lean(lean: float | None) -> str | None:
    """Which side a measured lean in [-1, 1] points to ('equal' within the margin)."""
    if lean is None:
        return None
    if lean > LEAN_MARGIN:
        return "therapist"
    if lean < -LEAN_MARGIN:
        return "client"
    return "equal"


_SIDE_WORDS = {"therapist": "towards the therapist", "client": "towards the client"}


def lean_words(lean: float | None) -> str:
    """A measured lean in words, with its number."""
    side = side_of_lean(lean)
    if side is None or lean is None:
        return "is not measured"
    if side == "equal":
        return f"is shared, leaning to neither side ({lean:+.2f})"
    return f"leans {_SIDE_WORDS[side]} ({lean:+.2f})"


def parse_answers(form: Mapping[str, Any], *,
                  extra: tuple[str, ...] = ()) -> tuple[dict[str, Any], list[str]]:
    """Validate submitted answers; returns the values and the problems in plain words."""
    values: dict[str, Any] = {}
    problems: list[str] = []
    for item in ITEMS:
        raw = str(form.get(item.key, "")).strip()
        if raw not in {"1", "2", "3", "4", "5"}:
            problems.append(f"Please choose an answer from 1 to 5 for \u201c{item.text}\u201d.")
        else:
            values[item.key] = int(raw)
    who = str(form.get("who_held", "")).strip()
    if who not in WHO_HELD:
        problems.append(f"Please choose an answer to \u201c{WHO_HELD_QUESTION}\u201d.")
    values["who_held"] = who
    other = str(form.get("who_held_other", "")).strip()[:2000]
    if who == "other" and not other:
        problems.append("You chose \u201csomething else\u201d: please say in a few words what you mean.")
    values["who_held_other"] = other if who == "other" else None
    for key in extra:
        text = str(form.get(key, "")).strip()[:5000]
        values[key] = text or None
    return values, problems


def answers_of(row: Any, *, extra: tuple[str, ...] = ()) -> dict[str, Any] | None:
    """A stored check-in or reflection as a plain dict (None when there is none)."""
    if row is None:
        return None
    keys = (*ITEM_KEYS, "who_held", "who_held_other", *extra)
    data = {key: getattr(row, key) for key in keys}
    data["created_at"] = row.created_at.isoformat() if row.created_at else None
    return data


# The gap sentences address the therapist; a supervisor reads them about the therapist and the client.
_VOICE_WORDS: dict[str, dict[str, str]] = {
    "therapist": {"you": "you", "You": "You", "your": "your", "Your": "Your", "client": "your client",
                  "have": "have"},
    "supervisor": {"you": "the therapist", "You": "The therapist", "your": "the therapist's",
                   "Your": "The therapist's", "client": "the client", "have": "has"},
}


def compare(check_in: Mapping[str, Any] | None, prediction: Mapping[str, Any] | None,
            profile: Profile | None, *, reader: str = "therapist") -> dict[str, Any]:
    """Client answers, therapist prediction and measured profile side by side, with gaps in words.

    The sentences address the therapist ("your client", "you expected") or, with ``reader="supervisor"``,
    speak about them ("the client", "the therapist expected").
    """
    w = _VOICE_WORDS[reader]
    dimensions = profile.dimensions if profile is not None else {}
    power_lean = profile.power_lean if profile is not None else None
    rows = []
    gaps: list[str] = []
    for item in ITEMS:
        client = check_in.get(item.key) if check_in else None
        predicted = prediction.get(item.key) if prediction else None
        lean = dimensions[item.dimension].lean if item.dimension in dimensions else None
        rows.append({"key": item.key, "text": item.text, "client": client, "predicted": predicted,
                     "client_words": SCALE.get(client or 0), "predicted_words": SCALE.get(predicted or 0),
                     "dimension": item.dimension, "measured_lean": lean, "measured_words": lean_words(lean)})
        if client is not None and predicted is not None:
            diff = predicted - client
            if abs(diff) >= 2:
                direction = "higher" if diff > 0 else "lower"
                gaps.append(f"\u201c{item.text}\u201d: {w['you']} expected {predicted} ({SCALE[predicted]}), "
                            f"{w['client']} answered {client} ({SCALE[client]}); {w['your']} estimate was "
                            f"{abs(diff)} points {direction} than their answer.")
    if check_in and prediction and not gaps:
        gaps.append(f"{w['Your']} expectations were within one point of {w['client']}'s answers on every "
                    "item.")

    client_who = check_in.get("who_held") if check_in else None
    predicted_who = prediction.get("who_held") if prediction else None
    measured_side = side_of_lean(power_lean)
    who = {"question": WHO_HELD_QUESTION,
           "client": client_who, "client_words": WHO_HELD_THIRD.get(client_who or ""),
           "client_other": check_in.get("who_held_other") if check_in else None,
           "predicted": predicted_who, "predicted_words": WHO_HELD_THIRD.get(predicted_who or ""),
           "predicted_other": prediction.get("who_held_other") if prediction else None,
           "measured_lean": power_lean, "measured_side": measured_side,
           "measured_words": lean_words(power_lean)}
    if client_who and predicted_who:
        if client_who == predicted_who:
            both = "you and your client" if reader == "therapist" else "the therapist and the client"
            gaps.append(f"On who held the power, {both} gave the same answer: "
                        f"\u201c{WHO_HELD_THIRD[client_who]}\u201d.")
        else:
            gaps.append(f"On who held the power, {w['client']} answered "
                        f"\u201c{WHO_HELD_THIRD[client_who]}\u201d; "
                        f"{w['you']} expected \u201c{WHO_HELD_THIRD[predicted_who]}\u201d.")
    client_side = side_of_answer(client_who)
    if client_side and measured_side:
        if client_side == measured_side:
            gaps.append(f"The measured profile agrees with {w['client']}'s sense of who held the power: it "
                        f"{lean_words(power_lean)}.")
        else:
            gaps.append(f"The measured profile {lean_words(power_lean)}, while {w['client']} said "
                        f"\u201c{WHO_HELD_THIRD[client_who]}\u201d: the conversation's levers and how it "
                        f"felt to {w['client']} differ here, which is worth talking about together.")
    elif client_who == "shifted" and power_lean is not None:
        gaps.append(f"{w['client'].capitalize()} felt that power shifted back and forth; the report's "
                    "timeline shows how the measured lean moved within the session.")
    if check_in is None:
        gaps.append(f"{w['client'].capitalize()} has not answered the check-in for this session yet.")
    if prediction is None:
        gaps.append(f"{w['You']} {w['have']} not written {'your' if reader == 'therapist' else 'a'} "
                    "reflection for this session yet.")
    return {"items": rows, "who_held": who, "gaps": gaps}
