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
from .labels import Labels, TurnLabels
from .markers import RULES_VERSION, find_markers
from .stance import derive_stance

if TYPE_CHECKING:  # numpy, scipy and the artifact load on first use, keeping `import equipoise.label` cheap
    import numpy as np

    from .artifact import Artifact

MODELS_DIR = Path(__file__).parent / "models"
DEFAULT_MODEL = "annomi-linear"


class Labeller(Protocol):
    """What the pipeline needs from a labeller: a name, a version and ``label``."""

    name: str
    version: str

    def label(self, transcript: Transcript) -> Labels:
        """One :class:`TurnLabels` per turn of ``transcript``, in order."""
        ...


class TrainedLabeller:
    """Labels turns with a trained :class:`Artifact` plus the rule-based markers and stance.

    >>> labeller = load_labeller()                                  # doctest: +SKIP
    >>> labeller.label(transcript)[0].behaviour                     # doctest: +SKIP
    'question'
    """

    def __init__(self, artifact: Artifact) -> None:
        self.artifact = artifact
        self.name = artifact.name
        # The learned part and the rules change numbers independently; the version names both.
        self.version = f"{artifact.version}+rules.{RULES_VERSION}"

    def predict(self, texts: list[str], roles: list[Role]) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        """Per learned label: (class index, probability of that class) for every turn. Pure, no rules."""
        import numpy as np

        if not texts:
            return {}
        features = self.artifact.space.transform(texts, roles)
        out = {}
        for name, head in self.artifact.heads.items():
            proba = head.predict_proba(features)
            best = proba.argmax(axis=1)
            out[name] = (best, proba[np.arange(len(best)), best])
        return out

    def label(self, transcript: Transcript) -> Labels:
        """Label every turn of ``transcript``."""
        texts = [t.text for t in transcript.turns]
        roles = [t.role for t in transcript.turns]
        predicted = self.predict(texts, roles)
        heads = self.artifact.heads

        def pick(name: str, i: int) -> tuple[str, float]:
            index, prob = predicted[name]
            return heads[name].classes[int(index[i])], float(prob[i])

        turns: list[TurnLabels] = []
        previous_permission = False
        for i, (text, role) in enumerate(zip(texts, roles, strict=True)):
            markers = find_markers(text)
            if role is Role.THERAPIST:
                behaviour, p_b = pick("behaviour", i)
                confidence = {"behaviour": p_b}
                sub: dict[str, str | None] = dict.fromkeys(("question_type", "reflection_type", "input_type"))
                field = {"question": "question_type", "reflection": "reflection_type",
                         "input": "input_type"}.get(behaviour)
                if field is not None:
                    sub[field], confidence[field] = pick(field, i)
                stance = derive_stance(markers, behaviour, sub["input_type"],
                                       previous_permission=previous_permission)
                previous_permission = "permission" in markers
                turns.append(TurnLabels(behaviour=behaviour, stance=stance, markers=markers,  # type: ignore[arg-type]
                                        confidence=confidence, **sub))  # type: ignore[arg-type]
            elif role is Role.CLIENT:
                talk, p_t = pick("talk_type", i)
                turns.append(TurnLabels(talk_type=talk, markers=markers,  # type: ignore[arg-type]
                                        confidence={"talk_type": p_t}))
            else:
                turns.append(TurnLabels(markers=markers))
        return Labels(tuple(turns), self.name, self.version)


def available_models() -> list[str]:
    """Names of the artifacts shipped in the package."""
    if not MODELS_DIR.is_dir():
        return []
    return sorted(p.name for p in MODELS_DIR.iterdir() if (p / "manifest.json").is_file())


@lru_cache(maxsize=8)
def _load(folder: Path) -> TrainedLabeller:
    from .artifact import Artifact
    from .onnx_tier import is_onnx_folder, load_onnx_labeller

    if is_onnx_folder(folder):  # the accurate tier (extra `accurate`), docs/labeller.md
        return load_onnx_labeller(folder)
    return TrainedLabeller(Artifact.load(folder))


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
