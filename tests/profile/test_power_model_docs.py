"""docs/power-model.md documents every dimension, every metric and the summary weights as shipped."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from profile_builders import collaborative_session, directive_session

from equipoise.analysers import registry
from equipoise.pipeline import analyse
from equipoise.profile import describe_weights

DOC = (Path(__file__).resolve().parents[2] / "docs" / "power-model.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", registry.BUILTIN_MODULES)
def test_every_dimension_has_a_section_with_its_lean_and_limits(name: str) -> None:
    match = re.search(rf"^## \d\. {name}\n(.*?)(?=^## )", DOC, flags=re.S | re.M)
    assert match, f"no section for {name}"
    section = match.group(1)
    assert "**Lean**" in section and "*Cannot know*" in section


def test_every_metric_is_documented() -> None:
    names = set()
    for session in (directive_session(), collaborative_session()):
        transcript, labels = session
        for dim in analyse(transcript, labels=labels).dimensions.values():
            names |= set(dim.metrics)
    templated = {m: re.sub(r"_(therapist|client|other)$", "_<role>", m) for m in names}
    missing = [m for m in sorted(names) if f"`{m}`" not in DOC and f"`{templated[m]}`" not in DOC]
    assert not missing, f"metrics missing from docs/power-model.md: {missing}"


def test_the_documented_weights_are_the_shipped_ones() -> None:
    table = "\n".join(describe_weights().splitlines()[:-1])
    assert table in DOC
