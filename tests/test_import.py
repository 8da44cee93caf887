"""``import equipoise`` stays light: no heavy library is imported until a function needs it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

HEAVY = ("sklearn", "torch", "dask", "pandas", "docx", "webvtt", "pysrt", "fastapi", "sqlalchemy",
         "weasyprint")


def _imported_after(statement: str) -> set[str]:
    code = f"import sys, json\n{statement}\nprint(json.dumps(sorted(sys.modules)))"
    output = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    return {name.split(".")[0] for name in json.loads(output)}


@pytest.mark.parametrize("statement", [
    "import equipoise",
    "import equipoise.model, equipoise.errors",
    "import equipoise.ingest",
])
def test_import_does_not_load_heavy_libraries(statement: str) -> None:
    loaded = _imported_after(statement) & set(HEAVY)
    assert not loaded, f"{statement!r} imported {sorted(loaded)}"


def test_reading_plain_text_does_not_load_heavy_libraries(tmp_path: Path) -> None:
    path = tmp_path / "s.txt"
    path.write_text("T: How are you?\nC: Fine.\n", encoding="utf-8")
    loaded = _imported_after(f"import equipoise; equipoise.load({str(path)!r})")
    assert not loaded & {"sklearn", "torch", "dask", "pandas", "fastapi", "sqlalchemy", "weasyprint"}
