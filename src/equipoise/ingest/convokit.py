"""ConvoKit corpora: a folder with ``utterances.jsonl`` and, optionally, ``speakers.json``.

Accepted shape (ConvoKit's own disk format): ``utterances.jsonl`` holds one utterance per line with
``id``, ``speaker`` (older corpora: ``user``), ``text``, ``timestamp``, ``reply_to``,
``conversation_id`` and ``meta``. ``speakers.json`` maps each speaker id to ``{"meta": {...}}`` (or to
the meta object itself); a ``role`` in a speaker's meta, or in an utterance's meta, gives the role
(therapist, client, other or a common spelling). The path may be the folder or its ``utterances.jsonl``.

A corpus usually holds many conversations: :func:`read` returns the first ``conversation_id`` in the
file and reports how many others there are. Utterances keep the file's order (ConvoKit writes them in
the order they were said); ``reply_to`` is not followed. ``timestamp`` is taken as seconds, as it is.
Messages name the line of ``utterances.jsonl``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..model import Role
from .formats import Format
from .raw import Parsed, RawTurn
from .source import is_dir, is_file, read_text
from .table import first_line, parse_json, time_value

UTTERANCES = "utterances.jsonl"
SPEAKERS = "speakers.json"
_VALID_ROLES = ", ".join(role.value for role in Role)


def _files(path: Path) -> tuple[Path, Path]:
    folder = path if is_dir(path) else path.parent
    utterances = folder / UTTERANCES if is_dir(path) else path
    if not is_file(utterances):
        raise InputError(path, f"is not a ConvoKit corpus: it has no {UTTERANCES}",
                         hint="point at the corpus folder that holds utterances.jsonl, or run "
                              "`equipoise batch FOLDER --out DIR` to analyse every transcript in a folder")
    return utterances, folder / SPEAKERS


def _role(path: Path, value: Any, line: int | None, unit: str = "line") -> Role | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        return Role.parse(str(value))
    except ValueError:
        raise InputError(path, f"unknown role; valid roles: {_VALID_ROLES}", line=line, unit=unit) from None


def _speaker_roles(path: Path) -> dict[str, Role]:
    if not is_file(path):
        return {}
    source = read_text(path)
    data = parse_json(path, source.text.lstrip("\ufeff"))
    if not isinstance(data, dict):
        raise InputError(path, "must be a JSON object mapping speaker ids to their meta")
    roles: dict[str, Role] = {}
    for speaker, entry in data.items():
        meta = entry.get("meta", entry) if isinstance(entry, dict) else None
        if isinstance(meta, dict):
            role = _role(path, meta.get("role"), None)
            if role is not None:
                roles[str(speaker)] = role
    return roles


def read(path: Path) -> Parsed:
    utterances, speakers_file = _files(path)
    roles = _speaker_roles(speakers_file)
    source = read_text(utterances)
    conversations: dict[str, list[RawTurn]] = {}
    for number, line in enumerate(source.text.lstrip("\ufeff").splitlines(), start=1):
        if not line.strip():
            continue
        item = parse_json(utterances, line, number)
        if not isinstance(item, dict):
            raise InputError(utterances, "each line must be a JSON object (an utterance)", line=number)
        speaker = item.get("speaker", item.get("user"))
        if speaker is None or "text" not in item:
            raise InputError(utterances, "an utterance needs 'speaker' and 'text'", line=number)
        speaker = str(speaker)
        meta = item.get("meta")
        role = roles.get(speaker) or _role(utterances, meta.get("role") if isinstance(meta, dict) else None,
                                           number)
        try:
            start = time_value(item.get("timestamp"))
        except ValueError as exc:
            raise InputError(utterances, f"malformed timestamp: {exc}", line=number) from None
        text = item["text"] if isinstance(item["text"], str) else ""
        conversation = str(item.get("conversation_id", item.get("root", "")))
        conversations.setdefault(conversation, []).append(RawTurn(speaker, text, number, start, None, role))
    if not conversations:
        raise InputError(utterances, "holds no utterances")
    first, turns = next(iter(conversations.items()))
    notices = list(source.notices)
    if len(conversations) > 1:
        notices.append(f"{utterances.parent.name}: holds {len(conversations)} conversations; read only "
                       f"conversation_id {first!r}, the first in {UTTERANCES}")
    return Parsed(turns, notices)


_KEYS = re.compile(r'"(conversation_id|reply_to)"\s*:')


def sniff(head: str) -> bool:
    line = first_line(head.lstrip())
    return line.startswith("{") and len(set(_KEYS.findall(line))) == 2


FORMAT = Format(
    name="convokit",
    description="ConvoKit corpus folder (utterances.jsonl, optional speakers.json with a 'role' in meta)",
    extensions=(".jsonl",),
    read=read,
    sniff=sniff,
)
