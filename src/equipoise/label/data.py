"""Read AnnoMI-format CSV files into labelled sessions for training and evaluation.

Both AnnoMI layouts are read: *simple* (one row per utterance, ``main_therapist_behaviour`` and
``client_talk_type``) and *full* (one row per utterance and annotator, with the subtype columns
``question_subtype``, ``reflection_subtype``, ``therapist_input_subtype``). Where several annotators labelled
one utterance (10 of them on 7 transcripts of the training part), each label is their majority vote; a tie
goes to the label given first in file order. For ``main_therapist_behaviour`` and ``client_talk_type`` this
vote reproduces the simple file exactly. A subtype is voted among the annotators who marked that behaviour
as present (``question_exists`` ...), so a question subtype exists wherever any annotator saw a question.

Texts are kept in memory only; nothing here prints or logs them.
"""

from __future__ import annotations

import csv
import os
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError
from ..model import Role

#: Label names and their classes, in a fixed order (the order of probability columns in the artifact).
LABEL_CLASSES: dict[str, tuple[str, ...]] = {
    "behaviour": ("reflection", "question", "input", "other"),
    "question_type": ("open", "closed"),
    "reflection_type": ("simple", "complex"),
    "input_type": ("information", "advice", "negotiation", "options"),
    "talk_type": ("change", "neutral", "sustain"),
    "stance": ("directive", "collaborative", "neutral"),
    "support": ("self_disclosure", "affirmation", "none"),
}
THERAPIST_LABELS = ("behaviour", "question_type", "reflection_type", "input_type", "stance", "support")
CLIENT_LABELS = ("talk_type",)

_REQUIRED = ("transcript_id", "utterance_id", "interlocutor", "utterance_text")
_SUBTYPES = {
    "question_type": ("question_exists", "question_subtype"),
    "reflection_type": ("reflection_exists", "reflection_subtype"),
    "input_type": ("therapist_input_exists", "therapist_input_subtype"),
}


@dataclass
class Session:
    """One AnnoMI transcript: turn texts, roles and gold labels (``None`` where a label does not apply)."""

    transcript_id: str
    group: str
    corpus: str = "annomi"
    texts: list[str] = field(default_factory=list)
    roles: list[Role] = field(default_factory=list)
    gold: dict[str, list[str | None]] = field(default_factory=lambda: {k: [] for k in LABEL_CLASSES})

    def __len__(self) -> int:
        return len(self.texts)


def default_data_dir() -> Path:
    """Where the shared data lives: ``$EQUIPOISE_DATA`` or else ``<repo root>/../shared/data``."""
    env = os.environ.get("EQUIPOISE_DATA")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[3].parent / "shared" / "data"


def annomi_file(data: Path) -> Path:
    """The AnnoMI CSV to train on from a folder (the full layout if present) or a file given directly."""
    if data.is_file():
        return data
    for base in (data, data / "annomi"):
        for name in ("annomi-full-train.csv", "annomi-full.csv", "annomi-simple-train.csv",
                     "annomi-simple.csv"):
            if (base / name).is_file():
                return base / name
    raise InputError(data, "no AnnoMI CSV found here", hint="expected annomi-full-train.csv or "
                     "annomi-simple-train.csv; pass the folder of the shared data with --data")


def _vote(values: Iterable[str]) -> str | None:
    counts = Counter(v for v in values if v)
    if not counts:
        return None
    best = max(counts.values())
    return next(v for v in counts if counts[v] == best)  # Counter keeps first-seen order


def _clean(value: str | None) -> str:
    value = (value or "").strip()
    return "" if value.lower() in ("", "n/a", "nan", "none") else value


def read_annomi(path: Path) -> list[Session]:
    """Read an AnnoMI-format CSV (simple or full layout) into sessions ordered by transcript and utterance."""
    try:
        handle = path.open(newline="", encoding="utf-8")
    except OSError as exc:
        raise InputError(path, f"cannot open: {exc.strerror}") from None
    with handle:
        reader = csv.DictReader(handle)
        missing = [c for c in _REQUIRED if c not in (reader.fieldnames or ())]
        if missing:
            raise InputError(path, f"not an AnnoMI CSV: missing column(s) {', '.join(missing)}", line=1)
        rows: dict[tuple[str, int], list[dict[str, str]]] = defaultdict(list)
        for line, row in enumerate(reader, start=2):
            try:
                key = (row["transcript_id"].strip(), int(row["utterance_id"]))
            except (TypeError, ValueError):
                raise InputError(path, "utterance_id is not an integer", line=line) from None
            rows[key].append(row)
    sessions: dict[str, Session] = {}
    for (tid, _), votes in sorted(rows.items(), key=lambda kv: (_sort_key(kv[0][0]), kv[0][1])):
        first = votes[0]
        session = sessions.get(tid)
        if session is None:
            group = first.get("video_url") or first.get("video_title") or tid
            session = sessions[tid] = Session(tid, group)
        who = first["interlocutor"].strip().lower()
        role = Role.THERAPIST if who == "therapist" else Role.CLIENT if who == "client" else Role.OTHER
        session.texts.append(first["utterance_text"] or "")
        session.roles.append(role)
        gold = _gold_labels(votes) if role is not Role.OTHER else dict.fromkeys(LABEL_CLASSES)
        if role is not Role.THERAPIST:
            gold.update(dict.fromkeys(THERAPIST_LABELS))
        if role is not Role.CLIENT:
            gold["talk_type"] = None
        for name in LABEL_CLASSES:
            session.gold[name].append(gold[name])
    for session in sessions.values():
        session.gold["stance"] = annomi_stance(session)
    return list(sessions.values())


def annomi_stance(session: Session) -> list[str | None]:
    """Stance gold derived from AnnoMI's codes (DESIGN §1; docs/labeller.md, *Label mapping*).

    Advice is **directive** unless permission was asked in the turn or in the same therapist's previous
    turn (MITI 4: advising with permission is MI-adherent), then **collaborative**; negotiation and options
    are **collaborative**; questions, reflections and information are **neutral**. AnnoMI's "other" mixes
    affirmations, greetings and small talk, so it gets no stance gold.
    """
    from .markers import find_markers

    out: list[str | None] = []
    previous_permission = False
    for i, role in enumerate(session.roles):
        if role is not Role.THERAPIST:
            out.append(None)
            continue
        markers = find_markers(session.texts[i])
        permission = previous_permission or "permission" in markers or "autonomy" in markers
        behaviour, subtype = session.gold["behaviour"][i], session.gold["input_type"][i]
        if behaviour == "input" and subtype == "advice":
            out.append("collaborative" if permission else "directive")
        elif behaviour == "input" and subtype in ("negotiation", "options"):
            out.append("collaborative")
        elif behaviour in ("question", "reflection", "input"):
            out.append("neutral")
        else:
            out.append(None)
        previous_permission = "permission" in markers
    return out


def _sort_key(tid: str) -> tuple[int, str]:
    return (int(tid), tid) if tid.isdigit() else (1 << 62, tid)


def _gold_labels(annotations: list[dict[str, str]]) -> dict[str, str | None]:
    behaviour = _vote(_clean(a.get("main_therapist_behaviour")) for a in annotations)
    if behaviour == "therapist_input":
        behaviour = "input"
    gold: dict[str, str | None] = {
        "behaviour": behaviour,
        "talk_type": _vote(_clean(a.get("client_talk_type")) for a in annotations),
        "stance": None,  # derived per session by annomi_stance
        "support": None,  # AnnoMI has no self-disclosure or affirmation code
    }
    for name, (exists, subtype) in _SUBTYPES.items():
        gold[name] = _vote(_clean(a.get(subtype)) for a in annotations
                           if _clean(a.get(exists)).lower() != "false")
    for name, value in gold.items():
        if value is not None and value not in LABEL_CLASSES[name]:
            gold[name] = None  # an unknown code is treated as missing, not as a new class
    return gold
