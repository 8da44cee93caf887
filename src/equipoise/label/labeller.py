"""The turn labeller: applies the trained artifact, the marker rules and the stance rule to a transcript.

Labelling is vectorised over the whole transcript (one feature matrix, one matrix product per head) and
never mutates its input. Therapist-only labels are ``None`` on client turns and the reverse; turns of
other speakers get markers only.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from ..errors import UsageError
from ..model import Role, Transcript
from .labels import Labels, TurnLabels, UtteranceLabels
from .markers import MARKER_NAMES, RULES_VERSION, answers_closed_question, find_markers
from .sentences import split_spans
from .stance import derive_stance, stance_phrases

if TYPE_CHECKING:  # numpy, scipy and the artifact load on first use, keeping `import equipoise.label` cheap
    import numpy as np

    from .artifact import Artifact

MODELS_DIR = Path(__file__).parent / "models"
DEFAULT_MODEL = "counselling-linear"


class Labeller(Protocol):
    """What the pipeline needs from a labeller: a name, a version and ``label``."""

    name: str
    version: str

    def label(self, transcript: Transcript) -> Labels:
        """One :class:`TurnLabels` per turn of ``transcript``, in order."""
        ...


class TrainedLabeller:
    """Labels turns and their utterances with a trained :class:`Artifact`, plus the rule-based markers.

    Each turn is labelled as a whole (that is how AnnoMI's and ESConv's annotators coded them): its main
    labels are the whole turn's. A turn of two or more utterances (:mod:`equipoise.label.sentences`) also gets
    each utterance labelled, in ``TurnLabels.utterances``, so that a reflection followed by advice and a
    question is visible as three acts. Stance comes from the transparent rule of
    :mod:`equipoise.label.stance` (kept as ``stance_rule``) where it sees an explicit directive or
    collaborative move, and from the learned head where the rule says neutral. The learned ``support`` head
    adds the ``self_disclosure`` and ``affirmation`` markers the phrase rules miss.

    >>> labeller = load_labeller()                                  # doctest: +SKIP
    >>> labeller.label(transcript)[0].behaviour                     # doctest: +SKIP
    'question'
    """

    def __init__(self, artifact: Artifact) -> None:
        self.artifact = artifact
        self.name = artifact.name
        # The learned part and the rules change numbers independently; the version names both.
        self.version = f"{artifact.version}+rules.{RULES_VERSION}"

    def predict(self, texts: list[str], roles: list[Role]) -> dict[str, np.ndarray]:
        """Per learned label: calibrated class probabilities of every text (rows) in the order of the head's
        classes. Pure, no rules; context comes from the neighbouring texts of the same list."""
        if not texts:
            return {}
        features = self.artifact.space.transform(texts, roles)
        return {name: head.predict_proba(features) for name, head in self.artifact.heads.items()}

    def label(self, transcript: Transcript) -> Labels:
        """Label every turn of ``transcript``."""
        texts = [t.text for t in transcript.turns]
        roles = [t.role for t in transcript.turns]
        turn_proba = self.predict(texts, roles)
        spans = [split_spans(t) for t in texts]
        # Utterances of multi-utterance turns, labelled in one pass as a sequence of their own.
        owners = [(i, span) for i, sp in enumerate(spans) if len(sp) > 1 for span in sp]
        utt_proba = self.predict([texts[i][a:b] for i, (a, b) in owners], [roles[i] for i, _ in owners])
        by_turn: dict[int, list[UtteranceLabels]] = {}
        previous_permission = False
        for k, (i, (a, b)) in enumerate(owners):
            piece = self._one(texts[i][a:b], roles[i], {n: p[k] for n, p in utt_proba.items()},
                              previous_permission=previous_permission, previous_text=None)
            previous_permission = "permission" in piece["markers"]  # type: ignore[operator]
            piece.pop("stance_rule", None)
            by_turn.setdefault(i, []).append(UtteranceLabels(start=a, end=b, **piece))  # type: ignore[arg-type]
        turns: list[TurnLabels] = []
        previous_permission = False
        for i, (text, role) in enumerate(zip(texts, roles, strict=True)):
            previous = texts[i - 1] if i > 0 and roles[i - 1] is not role else None
            # The stance's phrases are read in the whole turn and in each of its utterances, so that a
            # sentence start the splitter finds in unpunctuated text counts as one.
            phrases = (stance_phrases(text).union(*(stance_phrases(text[a:b]) for a, b in spans[i]))
                       if role is Role.THERAPIST else None)
            values = self._one(text, role, {n: p[i] for n, p in turn_proba.items()},
                               previous_permission=previous_permission, previous_text=previous,
                               phrases=phrases)
            if role is Role.THERAPIST:
                previous_permission = "permission" in values["markers"]
            rule = values.pop("stance_rule", None)
            turns.append(TurnLabels(**values, utterances=tuple(by_turn.get(i, ())),  # type: ignore[arg-type]
                                    stance_rule=rule))
        return Labels(tuple(turns), self.name, self.version)

    def _one(self, text: str, role: Role, proba: dict[str, np.ndarray], *, previous_permission: bool,
             previous_text: str | None, phrases: frozenset[str] | None = None) -> dict[str, object]:
        """Labels of one turn or utterance from its probabilities, its markers and its context."""
        heads = self.artifact.heads

        def pick(name: str) -> tuple[str, float]:
            row = proba[name]
            best = int(row.argmax())
            return heads[name].classes[best], float(row[best])

        markers = find_markers(text)
        if role is Role.THERAPIST:
            behaviour, p_b = pick("behaviour")
            confidence = {"behaviour": p_b}
            sub: dict[str, str | None] = dict.fromkeys(("question_type", "reflection_type", "input_type"))
            field = {"question": "question_type", "reflection": "reflection_type",
                     "input": "input_type"}.get(behaviour)
            if field is not None:
                sub[field], confidence[field] = pick(field)
            if "support" in heads:
                support, p_s = pick("support")
                if support != "none" and p_s >= 0.5 and support not in markers:
                    markers = tuple(m for m in MARKER_NAMES if m in markers or m == support)
            rule = derive_stance(markers, behaviour, sub["input_type"],
                                 previous_permission=previous_permission,
                                 phrases=stance_phrases(text) if phrases is None else phrases)
            # The rule decides where it sees an explicit move (confronting, advice with or without
            # permission, asking permission, affirming, handing over the choice); the learned head decides
            # the rest, where phrase rules are silent. The corpora code such moves unevenly (AnnoMI's
            # permission questions are plain questions), and the head cannot see two turns back.
            stance = rule
            if "stance" in heads:
                learned, p_learned = pick("stance")
                if rule == "neutral":
                    stance = learned
                confidence["stance"] = (p_learned if stance == learned
                                        else float(proba["stance"][heads["stance"].classes.index(stance)]))
            return {"behaviour": behaviour, "stance": stance, "markers": markers, "confidence": confidence,
                    "stance_rule": rule, **sub}
        if role is Role.CLIENT:
            talk, p_t = pick("talk_type")
            if previous_text is not None and answers_closed_question(text, previous_text):
                markers = tuple(m for m in markers if m != "disagreement")
            return {"talk_type": talk, "markers": markers, "confidence": {"talk_type": p_t}}
        return {"markers": markers}


def available_models() -> list[str]:
    """Names of the artifacts shipped in the package."""
    if not MODELS_DIR.is_dir():
        return []
    return sorted(p.name for p in MODELS_DIR.iterdir() if (p / "vocab.json").is_file())


@lru_cache(maxsize=8)
def _load(folder: Path) -> TrainedLabeller:
    from .artifact import Artifact
    from .onnx_tier import is_onnx_folder, load_onnx_labeller

    if is_onnx_folder(folder):  # the accurate tier (extra `accurate`), docs/labeller.md
        return load_onnx_labeller(folder)
    return TrainedLabeller(Artifact.load(folder))


def unload_labellers() -> None:
    """Forget every labeller loaded so far (the next :func:`load_labeller` loads it again): for a process
    that needed one once, such as a web server process warming up, whose uploads are analysed elsewhere."""
    _load.cache_clear()


def load_labeller(name: str | None = None) -> Labeller:
    """Load a labeller once and cache it: a shipped artifact by name (default: the trained AnnoMI model),
    or an artifact folder written by ``equipoise train --out DIR``.
    """
    key = name or DEFAULT_MODEL
    folder = MODELS_DIR / key
    if not (folder / "manifest.json").is_file():
        folder = Path(key)
        if not (folder / "manifest.json").is_file():
            shipped = ", ".join(available_models()) or "none"
            raise UsageError(f"no labeller named {key!r}; available names: {shipped} "
                             "(or give the folder of an artifact made by `equipoise train --out`)")
    return _load(folder.resolve())
