"""A tiny synthetic AnnoMI-format CSV, written by hand for the tests (no AnnoMI data is copied)."""

from __future__ import annotations

import csv
from pathlib import Path

FULL_COLUMNS = ["mi_quality", "transcript_id", "video_title", "video_url", "topic", "utterance_id",
                "interlocutor", "timestamp", "utterance_text", "annotator_id", "therapist_input_exists",
                "therapist_input_subtype", "reflection_exists", "reflection_subtype", "question_exists",
                "question_subtype", "main_therapist_behaviour", "client_talk_type"]

# (therapist text, behaviour, subtype), (client text, talk type): one exchange; sessions repeat them with
# small changes so that every class has several examples.
EXCHANGES = [
    (("What brings you in today?", "question", "open"), ("My doctor sent me about my drinking.", "neutral")),
    (("Do you drink every day?", "question", "closed"), ("No, only at weekends.", "sustain")),
    (("You're worried about your health.", "reflection", "simple"), ("Yes, I want to cut down.", "change")),
    (("Part of you enjoys it and part of you is scared.", "reflection", "complex"),
     ("I like it but I know I should stop.", "change")),
    (("Drinking raises blood pressure.", "therapist_input", "information"),
     ("I didn't know that.", "neutral")),
    (("You should stop drinking on weeknights.", "therapist_input", "advice"),
     ("I don't think that's a problem.", "sustain")),
    (("Okay.", "other", ""), ("Okay.", "neutral")),
]


def row(tid: int, uid: int, who: str, text: str, annotator: int = 0, behaviour: str = "", subtype: str = "",
        talk: str = "") -> dict[str, str]:
    exists = {"therapist_input": "therapist_input", "reflection": "reflection", "question": "question"}
    out = dict.fromkeys(FULL_COLUMNS, "n/a")
    out.update({"mi_quality": "high", "transcript_id": str(tid), "video_title": f"video {tid}",
                "video_url": f"https://example.org/v{tid // 2}", "topic": "alcohol", "utterance_id": str(uid),
                "interlocutor": who, "timestamp": "00:00:01", "utterance_text": text,
                "annotator_id": str(annotator)})
    if who == "therapist":
        for kind in exists:
            out[f"{kind}_exists"] = str(kind == behaviour)
            if kind == behaviour and subtype:
                out[f"{kind}_subtype"] = subtype
        out["main_therapist_behaviour"] = behaviour
    else:
        out["client_talk_type"] = talk
    return out


def write_tiny_annomi(path: Path, sessions: int = 8, disagree: bool = False) -> Path:
    """Write ``sessions`` synthetic sessions; with ``disagree``, session 0 has three annotators who
    disagree on one turn (two say question, one says reflection)."""
    rows = []
    for tid in range(sessions):
        uid = 0
        for k, ((t_text, behaviour, subtype), (c_text, talk)) in enumerate(EXCHANGES):
            if (k + tid) % 5 == 4:
                continue  # vary the sessions a little
            annotators = (0, 1, 2) if disagree and tid == 0 else (0,)
            for a in annotators:
                b, s = (behaviour, subtype)
                if disagree and tid == 0 and k == 0 and a == 2:
                    b, s = "reflection", "simple"
                rows.append(row(tid, uid, "therapist", f"{t_text}", a, b, s))
                rows.append(row(tid, uid + 1, "client", c_text, a, talk=talk))
            uid += 2
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=FULL_COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    return path
