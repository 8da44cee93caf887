"""A server process draws each kind of page once before it takes requests (serve.warm_up)."""

from __future__ import annotations

from pathlib import Path

import pytest

from equipoise.label import load_labeller
from equipoise.web import charts
from equipoise.web.serve import warm_up


def test_warm_up_draws_every_kind_of_web_chart_and_writes_nothing(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    charts._DRAWN.clear()
    misses = charts._DRAWN.misses
    warm_up()
    # course, check-in items and caseload charts, each wide and narrow: six drawings, none of them empty
    assert charts._DRAWN.misses - misses == 6
    assert all("<svg" in svg for svg in charts._DRAWN.values())
    assert list(tmp_path.iterdir()) == []


def test_warm_up_lets_the_labeller_go_once_the_demo_is_analysed() -> None:
    before = load_labeller()
    warm_up()
    assert load_labeller() is not before   # loaded again: the server process did not keep it
