"""The people's own context: each person's self-description, theirs to write, show, change and delete.

A client or a therapist may describe themself (age range, gender, ethnicity, class background, sexual
orientation, disability, language, anything else), every part optional: a choice from a short list, their
own words, or both. The owner decides who else reads it:

- a client's: their therapist, a supervisor their therapist chose, the research export (the listed choices
  only, never their own words, in the table their therapist downloads for research: :mod:`.research`);
- a therapist's: their clients, the supervisors they chose.

Where both exist and each allows the other to read theirs, the client's and the therapist's session and
course pages name the dimensions in which their choices differ (:func:`differences`): a prompt for a
conversation, never a score. Only the choices are compared (ages only when their ranges are at least one
range apart); a person's own words are never compared.

>>> differences({"age_range": {"choice": "25_34"}, "gender": {"choice": "woman"}},
...             {"age_range": {"choice": "45_54"}, "gender": {"choice": "woman", "words": "cis"}})
['age']
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from ..store.models import SelfDescription, UserRole, utcnow

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from ..store.models import User

Relation = Literal["therapist", "client", "supervisor", "research"]
MAX_WORDS = 1000


@dataclass(frozen=True, slots=True)
class Dimension:
    """One part of a self-description; ``groups`` maps choices to what is compared (default: the choice)."""

    key: str
    label: str
    choices: dict[str, str]
    phrase: str  # how a difference is named: "you differ in <phrase>"
    ordered: bool = False  # age: compared by how far apart the ranges are
    groups: dict[str, str] = field(default_factory=dict)

    def group(self, choice: str) -> str:
        return self.groups.get(choice, choice)


DIMENSIONS: tuple[Dimension, ...] = (
    Dimension("age_range", "Age range", {
        "under_18": "under 18", "18_24": "18 to 24", "25_34": "25 to 34", "35_44": "35 to 44",
        "45_54": "45 to 54", "55_64": "55 to 64", "65_74": "65 to 74", "75_over": "75 or over"},
        "age", ordered=True),
    Dimension("gender", "Gender", {"woman": "woman", "man": "man", "non_binary": "non-binary"}, "gender"),
    Dimension("ethnicity", "Ethnicity", {
        "majority": "I belong to the majority ethnic group where I live",
        "minoritised": "I belong to a minoritised ethnic group where I live"}, "ethnicity"),
    Dimension("class_background", "Class background (growing up)", {
        "working": "working class", "middle": "middle class", "upper": "upper middle or upper class"},
        "class background"),
    Dimension("sexual_orientation", "Sexual orientation", {
        "heterosexual": "heterosexual (straight)", "gay_lesbian": "gay or lesbian", "bisexual": "bisexual"},
        "sexual orientation", groups={"gay_lesbian": "minority", "bisexual": "minority"}),
    Dimension("disability", "Disability", {
        "no": "I am not disabled", "yes": "I am disabled or live with a long-term condition"}, "disability"),
    Dimension("language", "Language", {
        "first": "our sessions are in my first language",
        "other": "our sessions are not in my first language"}, "language"),
    Dimension("own_words", "Anything else, in your own words", {}, ""),
)
BY_KEY = {d.key: d for d in DIMENSIONS}
# Who the owner may show their description to, by the owner's role.
AUDIENCES: dict[str, dict[str, str]] = {
    UserRole.CLIENT: {"to_therapist": "my therapist", "to_supervisor": "a supervisor my therapist chose",
                      "to_research": "research use (the answers I chose from the lists, never my own words, "
                                     "in my therapist's research table, under a code instead of my name)"},
    UserRole.THERAPIST: {"to_client": "my clients", "to_supervisor": "the supervisors I chose"},
}
FLAG_OF: dict[tuple[str, Relation], str] = {
    (UserRole.CLIENT, "therapist"): "to_therapist", (UserRole.CLIENT, "supervisor"): "to_supervisor",
    (UserRole.CLIENT, "research"): "to_research",
    (UserRole.THERAPIST, "client"): "to_client", (UserRole.THERAPIST, "supervisor"): "to_supervisor",
}


def description_of(db: Session, user_id: int | None) -> SelfDescription | None:
    return None if user_id is None else db.get(SelfDescription, user_id)


def parse(form: Mapping[str, Any], role: str) -> tuple[dict[str, dict[str, str]], dict[str, bool], list[str]]:
    """The submitted description (only what was given), the audience flags and the problems in words."""
    details: dict[str, dict[str, str]] = {}
    problems: list[str] = []
    for dim in DIMENSIONS:
        entry: dict[str, str] = {}
        choice = str(form.get(dim.key) or "").strip()
        if choice and choice not in dim.choices:
            problems.append(f"Please choose one of the answers listed for \u201c{dim.label}\u201d, or none.")
        elif choice:
            entry["choice"] = choice
        words = str(form.get(f"{dim.key}_words") or "").strip()[:MAX_WORDS]
        if words:
            entry["words"] = words
        if entry:
            details[dim.key] = entry
    flags = {flag: str(form.get(flag) or "") == "yes" for flag in AUDIENCES[role]}
    return details, flags, problems


def save(db: Session, user: User, details: dict[str, Any], flags: Mapping[str, bool]) -> SelfDescription:
    """Store (or replace) the user's description and their choice of readers."""
    row = db.get(SelfDescription, user.id)
    if row is None:
        row = SelfDescription(user_id=user.id, details=details)
        db.add(row)
    row.details = details
    for flag in ("to_therapist", "to_client", "to_supervisor", "to_research"):
        setattr(row, flag, bool(flags.get(flag)))
    row.updated_at = utcnow()
    db.flush()
    return row


def readable(row: SelfDescription | None, owner_role: str, relation: Relation) -> bool:
    """Whether someone related to the owner as ``relation`` may read the owner's description."""
    flag = FLAG_OF.get((owner_role, relation))
    return row is not None and flag is not None and bool(getattr(row, flag))


def shown(row: SelfDescription | None) -> list[dict[str, str]] | None:
    """The description as a reader sees it: one entry per part given, the choice in words and own words."""
    if row is None:
        return None
    out = []
    for dim in DIMENSIONS:
        entry = (row.details or {}).get(dim.key) or {}
        if entry:
            out.append({"key": dim.key, "label": dim.label, "choice": entry.get("choice"),
                        "choice_words": dim.choices.get(entry.get("choice") or ""),
                        "words": entry.get("words")})
    return out


def shown_to(row: SelfDescription | None, owner_role: str, relation: Relation) -> list[dict[str, str]] | None:
    """The description as :func:`shown` gives it, if someone related as ``relation`` may read it."""
    return shown(row) if readable(row, owner_role, relation) else None


def for_owner(row: SelfDescription | None, role: str) -> dict[str, Any]:
    """The owner's own view: what they gave and whom they show it to."""
    return {"exists": row is not None, "details": shown(row) or [],
            "values": dict(row.details or {}) if row else {},
            "audiences": [{"flag": flag, "words": words, "on": bool(getattr(row, flag)) if row else False}
                          for flag, words in AUDIENCES[role].items()],
            "updated_at": row.updated_at.isoformat() if row and row.updated_at else None}


def differences(client: Mapping[str, Any], therapist: Mapping[str, Any]) -> list[str]:
    """The phrases of the dimensions in which the two descriptions' chosen answers differ.

    Only a choice on both sides is compared; ages only when the ranges are two or more ranges apart, so
    that neighbouring ranges (perhaps a year apart) never count.
    """
    found = []
    for dim in DIMENSIONS:
        a = (client.get(dim.key) or {}).get("choice")
        b = (therapist.get(dim.key) or {}).get("choice")
        if not dim.choices or a not in dim.choices or b not in dim.choices:
            continue
        if dim.ordered:
            order = list(dim.choices)
            if abs(order.index(a) - order.index(b)) >= 2:
                found.append(dim.phrase)
        elif dim.group(a) != dim.group(b):
            found.append(dim.phrase)
    return found


def _joined(phrases: list[str]) -> str:
    return phrases[0] if len(phrases) == 1 else ", ".join(phrases[:-1]) + " and " + phrases[-1]


def prompt(client_row: SelfDescription | None, therapist_row: SelfDescription | None,
           reader: Literal["therapist", "client"]) -> dict[str, Any] | None:
    """The differences prompt for the client's or the therapist's page, or None.

    Only when both have described themselves and each lets the other read it; None too when the chosen
    answers do not differ (the page then says nothing, which is not a claim that the two are alike).
    """
    if not (readable(client_row, UserRole.CLIENT, "therapist")
            and readable(therapist_row, UserRole.THERAPIST, "client")):
        return None
    assert client_row is not None and therapist_row is not None
    found = differences(client_row.details or {}, therapist_row.details or {})
    if not found:
        return None
    if reader == "client":
        text = (f"You and your therapist differ in {_joined(found)}. Some clients find that differences like "
                "these change how free they feel to disagree, or what they feel they can bring up; others "
                "find they matter little. If it matters to you, it is something you can talk about together.")
    else:
        text = (f"You and your client differ in {_joined(found)}. Clients sometimes find that differences "
                "like these make it harder to disagree or to bring some things up, and the side of a "
                "difference that carries more social power is easy not to notice from inside it. You might "
                "ask your client how it is for them.")
    return {"dimensions": found, "text": text,
            "about": "A prompt for a conversation, not a score: it compares only the answers you both chose "
                     "from the lists, never your own words, and says nothing about how a difference is "
                     "lived."}


def for_access(db: Session, access: Any) -> dict[str, Any]:
    """What a viewer reaching a client (``access``: owner, self or supervisor) reads of the two contexts.

    ``their_context``: the other person's description, when its owner lets this viewer read it (the
    client's to their therapist or a supervisor, the therapist's to the client); ``context_prompt``: the
    differences prompt, for the client and their therapist only.
    """
    client = access.client
    client_row = description_of(db, client.user_id)
    therapist_row = description_of(db, client.therapist_id)
    if access.mode == "self":
        their = shown_to(therapist_row, UserRole.THERAPIST, "client")
    else:
        their = shown_to(client_row, UserRole.CLIENT, "therapist" if access.mode == "owner" else "supervisor")
    reader: Literal["therapist", "client"] | None = {"owner": "therapist", "self": "client"}.get(access.mode)
    return {"their_context": their,
            "context_prompt": prompt(client_row, therapist_row, reader) if reader else None}
