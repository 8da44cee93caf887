"""The examples in the docstrings of the profile modules run and hold."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ["equipoise.analysers", "equipoise.analysers.base", "equipoise.analysers.registry",
           "equipoise.analysers.text", "equipoise.analysers.topics", "equipoise.pipeline",
           "equipoise.profile", "equipoise.summary", "equipoise.timeline", "equipoise.course",
           "equipoise.norms", "equipoise.glossary", "equipoise.agreement", "equipoise.validation",
           "equipoise.analysers.agenda", "equipoise.analysers.responsiveness", "equipoise.label.markers",
           "equipoise.report.texts"]
# partnership's one example (shrunk) moved to equipoise.analysers.base with the function


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0
