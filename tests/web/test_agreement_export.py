"""``equipoise agreement export``: a client's practice agreement as a private HTML or PDF file."""

from __future__ import annotations

import importlib.util
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from equipoise.cli import main

from .conftest import FRAME, Practice


def export(practice: Practice, out: Path, *args: str) -> object:
    url = str(practice.app.state.engine.url)
    return CliRunner().invoke(main, ["agreement", "export", practice.ids["record_a"], "--database-url", url,
                                     "--out", str(out), *args])


def test_the_export_writes_the_agreement_as_a_private_html_file(practice: Practice, tmp_path: Path) -> None:
    out = tmp_path / "agreement.html"
    result = export(practice, out)
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert FRAME["fee"] in html and "I\u2019d like to talk about this" in html and "Version 1" in html
    assert "Secret Name A" in html  # the therapist's own document, under the name they gave the record
    assert stat.S_IMODE(out.stat().st_mode) == 0o600


def test_the_client_version_speaks_to_the_client(practice: Practice, tmp_path: Path) -> None:
    out = tmp_path / "agreement.html"
    result = export(practice, out, "--audience", "client")
    assert result.exit_code == 0, result.output
    assert "your marks" in out.read_text(encoding="utf-8")


def test_an_unknown_client_or_database_is_a_usage_error(practice: Practice, tmp_path: Path) -> None:
    url = str(practice.app.state.engine.url)
    result = CliRunner().invoke(main, ["agreement", "export", "no-such-client", "--database-url", url,
                                       "--out", str(tmp_path / "a.html")])
    assert result.exit_code == 2 and "no client record" in result.output
    missing = tmp_path / "missing.db"
    result = CliRunner().invoke(main, ["agreement", "export", "x", "--database-url", f"sqlite:///{missing}",
                                       "--out", str(tmp_path / "a.html")])
    assert result.exit_code == 2 and not missing.exists()


@pytest.mark.skipif(importlib.util.find_spec("weasyprint") is None, reason="the pdf extra is not installed")
def test_the_export_writes_a_private_pdf(practice: Practice, tmp_path: Path) -> None:
    out = tmp_path / "agreement.pdf"
    result = export(practice, out, "--format", "pdf")
    if result.exit_code == 2 and "pango" in result.output:
        pytest.skip("WeasyPrint's system libraries are missing")
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"%PDF") and stat.S_IMODE(out.stat().st_mode) == 0o600
