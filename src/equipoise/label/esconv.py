"""Read ESConv (emotional support chats, one JSON conversation per line) into labelled sessions.

ESConv labels every supporter (``sys``) message with one strategy. The mapping onto Equipoise's labels is
written down here and in ``docs/labeller.md`` (*Label mapping*); where ESConv has no equivalent the label is
missing (``None``) and the training masks it, so no head learns from a guess:

======================================  ==========  ===========  ===============  ==========  ===============
ESConv strategy                         behaviour   subtype      stance           support     marker
======================================  ==========  ===========  ===============  ==========  ===============
Question                                question    (missing)    neutral          none
Restatement or Paraphrasing             reflection  simple       neutral          none
Reflection of feelings                  reflection  (missing)    neutral          none
Providing Suggestions                   input       advice       directive [1]_   none
Information                             input       information  neutral          none
Self-disclosure                         other       -            neutral          self_disclosure
Affirmation and Reassurance             other       -            collaborative    affirmation
Others                                  other       -            neutral          none
======================================  ==========  ===========  ===============  ==========  ===============

.. [1] collaborative when the message or the supporter's previous message asks permission or hands the
   choice to the seeker (the ``permission`` and ``autonomy`` markers), as for AnnoMI's advice.

Seeker (``usr``) messages are client turns with no talk-type gold. Question subtypes and the depth of a
reflection of feelings are not coded by ESConv, so they stay missing. Texts are kept in memory only.
"""

from __future__ import annotations

import json
from pathlib import Path

from ..errors import InputError
from ..model import Role
from .data import LABEL_CLASSES, Session
from .markers import find_markers

#: strategy -> (behaviour, question/reflection/input subtype field and value, stance, support)
STRATEGIES: dict[str, tuple[str, tuple[str, str] | None, str, str]] = {
    "Question": ("question", None, "neutral", "none"),
    "Restatement or Paraphrasing": ("reflection", ("reflection_type", "simple"), "neutral", "none"),
    "Reflection of feelings": ("reflection", None, "neutral", "none"),
    "Providing Suggestions": ("input", ("input_type", "advice"), "directive", "none"),
    "Information": ("input", ("input_type", "information"), "neutral", "none"),
    "Self-disclosure": ("other", None, "neutral", "self_disclosure"),
    "Affirmation and Reassurance": ("other", None, "collaborative", "affirmation"),
    "Others": ("other", None, "neutral", "none"),
}


def esconv_files(data: Path) -> list[Path]:
    """The ESConv JSONL files under ``data`` (a file, an ``esconv`` folder, or the shared data folder)."""
    if data.is_file():
        return [data]
    for base in (data, data / "esconv"):
        found = sorted(base.glob("esconv*.jsonl"))
        if found:
            return found
    return []


def read_esconv(path: Path) -> list[Session]:
    """Read one ESConv JSONL file; each line is one conversation, grouped by itself."""
    sessions: list[Session] = []
    try:
        handle = path.open(encoding="utf-8")
    except OSError as exc:
        raise InputError(path, f"cannot open: {exc.strerror}") from None
    with handle:
        for line_no, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                dialog = json.loads(line)["dialog"]
                messages = [(m["speaker"], m["text"], m.get("strategy")) for m in dialog]
            except (json.JSONDecodeError, KeyError, TypeError):
                raise InputError(path, "not an ESConv conversation (a JSON object with a 'dialog' list of "
                                 "speaker/text messages)", line=line_no) from None
            sessions.append(_session(f"{path.stem}-{line_no}", messages, path, line_no))
    return sessions


def _session(sid: str, messages: list[tuple[str, str, str | None]], path: Path, line_no: int) -> Session:
    session = Session(sid, f"esconv:{sid}", corpus="esconv")
    previous_soft = False
    for speaker, text, strategy in messages:
        if speaker not in ("sys", "usr"):
            raise InputError(path, f"unknown speaker {speaker!r} (expected sys or usr)", line=line_no)
        gold: dict[str, str | None] = dict.fromkeys(LABEL_CLASSES)
        text = str(text or "")
        if speaker == "sys":
            role = Role.THERAPIST
            mapped = STRATEGIES.get(strategy or "")
            markers = find_markers(text)
            soft = bool({"permission", "autonomy"} & set(markers))
            if mapped is not None:
                behaviour, sub, stance, support = mapped
                gold.update(behaviour=behaviour, stance=stance, support=support)
                if sub is not None:
                    gold[sub[0]] = sub[1]
                if stance == "directive" and (soft or previous_soft):
                    gold["stance"] = "collaborative"
            previous_soft = soft
        else:
            role = Role.CLIENT
        session.texts.append(text)
        session.roles.append(role)
        for name in LABEL_CLASSES:
            session.gold[name].append(gold[name])
    return session
