"""The practice agreement: the frame a therapist sets (fee, place, cancellation, contact, breaks, ending,
records, supervision), which no transcript shows.

An agreement is a list of immutable versions, each a mapping from an item's key to the therapist's text;
what changed is computed between consecutive versions. The client may mark any item ("I'd like to talk
about this", "I didn't get a say in this") on the version they read, and the therapist answers. These
are plain values: the web app stores them, the course report and the CLI export show them. Like the rest
of Equipoise, the frame informs a conversation between the two people; it never grades anybody.

>>> first = clean_items({"fee": " 60 a session ", "location": "Room 2", "unknown": "x"})
>>> first
{'fee': '60 a session', 'location': 'Room 2'}
>>> [(c.key, c.kind) for c in changes(first, {"fee": "65 a session", "contact": "E-mail"})]
[('fee', 'changed'), ('location', 'removed'), ('contact', 'added')]
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

MAX_TEXT = 5000


@dataclass(frozen=True, slots=True)
class Item:
    """One part of the frame: its key, its title and what the therapist is asked to say about it."""

    key: str
    title: str
    prompt: str


ITEMS: tuple[Item, ...] = (
    Item("fee", "Fee", "What a session costs, and how and when the fee may change."),
    Item("sliding_scale", "Sliding scale", "Whether the fee can be lowered, for whom, and how to ask."),
    Item("cancellation", "Cancellation", "How much notice a cancellation needs, what a late one costs, "
                                         "and how exceptions are decided (and by whom)."),
    Item("location", "Place", "Where sessions happen (or online), and how a move is announced."),
    Item("contact", "Contact between sessions", "Whether and how the client can reach you between sessions, "
                                                "and how soon you answer."),
    Item("breaks", "Breaks and holidays", "Your holidays and breaks, how early they are announced, and "
                                          "what happens to sessions the client misses for theirs."),
    Item("ending", "How therapy ends", "How either of you can end therapy, and how an ending is prepared."),
    Item("records", "Records", "What you write down and keep, for how long, and who may see it."),
    Item("supervision", "Supervision", "Whether you discuss this work with a supervisor, and what they see."),
    Item("other", "Anything else", "Anything else that frames the work."),
)
BY_KEY: dict[str, Item] = {item.key: item for item in ITEMS}

MarkKind = Literal["talk", "no_say"]
#: What a client can say about an item, in their words.
MARKS: dict[str, str] = {"talk": "I\u2019d like to talk about this",
                         "no_say": "I didn\u2019t get a say in this"}
ChangeKind = Literal["added", "changed", "removed"]


def clean_items(raw: Mapping[str, Any]) -> dict[str, str]:
    """The known items of ``raw`` with their text stripped and bounded, empty ones left out, in order."""
    out = {}
    for item in ITEMS:
        text = str(raw.get(item.key) or "").strip()[:MAX_TEXT]
        if text:
            out[item.key] = text
    return out


@dataclass(frozen=True, slots=True)
class Change:
    """How one item differs between two versions."""

    key: str
    kind: ChangeKind
    before: str | None
    after: str | None

    @property
    def title(self) -> str:
        return BY_KEY[self.key].title if self.key in BY_KEY else self.key


def changes(before: Mapping[str, str] | None, after: Mapping[str, str]) -> list[Change]:
    """What changed from ``before`` (None: there was no agreement) to ``after``, in the items' order."""
    before = before or {}
    out = []
    for key in [item.key for item in ITEMS] + sorted((set(before) | set(after)) - set(BY_KEY)):
        old, new = before.get(key), after.get(key)
        if old == new:
            continue
        kind: ChangeKind = "added" if old is None else "removed" if new is None else "changed"
        out.append(Change(key, kind, old, new))
    return out


@dataclass(frozen=True, slots=True)
class Version:
    """One immutable version of a client's agreement (``after_session``: the last session before it)."""

    number: int
    created_at: dt.datetime
    items: Mapping[str, str]
    after_session: str | None = None


@dataclass(frozen=True, slots=True)
class Mark:
    """A client's mark on an item of the version they read, with the therapist's answer if any.

    ``comment`` and ``answer`` are None when the reader may not see the client's words.
    """

    item: str
    kind: str
    version: int
    created_at: dt.datetime
    comment: str | None = None
    answer: str | None = None
    answered_at: dt.datetime | None = None


@dataclass(frozen=True, slots=True)
class Frame:
    """A client's agreement over time: its versions (oldest first) and the client's marks."""

    versions: Sequence[Version]
    marks: Sequence[Mark] = ()
    words_hidden: bool = False

    @property
    def current(self) -> Version | None:
        return self.versions[-1] if self.versions else None


def _day(moment: dt.datetime | None) -> str | None:
    return moment.date().isoformat() if moment is not None else None


def frame_view(frame: Frame, audience: str = "therapist") -> dict[str, Any]:
    """The frame as the reports show it: the current items with their marks, and each version's changes.

    >>> when = dt.datetime(2026, 1, 5, tzinfo=dt.UTC)
    >>> view = frame_view(Frame([Version(1, when, {"fee": "60"})], [Mark("fee", "no_say", 1, when)]))
    >>> view["items"][0]["marks"][0]["kind_words"], view["history"][0]["changes"][0]["kind"]
    ('I didn’t get a say in this', 'added')
    """
    client = audience == "client"
    marks = [{"item": m.item, "item_title": BY_KEY[m.item].title if m.item in BY_KEY else m.item,
              "kind": m.kind, "kind_words": MARKS.get(m.kind, m.kind), "version": m.version,
              "at": _day(m.created_at), "comment": m.comment, "answer": m.answer,
              "answered_at": _day(m.answered_at)} for m in frame.marks]
    current = frame.current
    items = [{"key": key, "title": BY_KEY[key].title if key in BY_KEY else key, "text": text,
              "marks": [m for m in marks if m["item"] == key]}
             for key, text in (current.items.items() if current else ())]
    history, previous = [], None
    for version in frame.versions:
        history.append({"number": version.number, "at": _day(version.created_at),
                        "after_session": version.after_session,
                        "changes": [{"key": c.key, "title": c.title, "kind": c.kind, "before": c.before,
                                     "after": c.after} for c in changes(previous, version.items)]})
        previous = version.items
    who = "you" if client else "the client"
    kept = set(current.items) if current else set()
    return {"version": current.number if current else None, "since": _day(current.created_at) if current
            else None, "items": items, "history": history, "marks": marks,
            "earlier_marks": [m for m in marks if m["item"] not in kept],
            "open_marks": sum(1 for m in frame.marks if m.answered_at is None),
            "words_hidden": frame.words_hidden,
            "who_marks": who.capitalize(),
            "intro": ("The practice agreement sets the frame of the work: fee, place, cancellation, "
                      f"contact, breaks and ending. Beside each item, what {who} marked for discussion; "
                      "below, how the agreement changed over time. It is here to be talked about, not to "
                      "grade anybody.")}
