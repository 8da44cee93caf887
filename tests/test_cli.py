"""The ``equipoise`` command line: version, help on every command, formats, analyse on an example."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result

import equipoise
from equipoise.cli import main
from equipoise.ingest import formats

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def run(*args: str) -> Result:
    result = CliRunner().invoke(main, list(args), env={"COLUMNS": "400"})
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"the CLI crashed with {result.exception!r}") from result.exception
    return result


def test_version_prints_the_package_version() -> None:
    result = run("--version")
    assert result.exit_code == 0
    assert equipoise.__version__ in result.stdout


def test_main_help_lists_every_command() -> None:
    result = run("--help")
    assert result.exit_code == 0
    for name in main.commands:
        assert name in result.stdout


def _commands(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found: list[tuple[str, ...]] = []
    for name, command in sorted(group.commands.items()):
        found.append((*prefix, name))
        if isinstance(command, click.Group):
            found.extend(_commands(command, (*prefix, name)))
    return found


@pytest.mark.parametrize("path", _commands(main), ids=" ".join)
def test_every_command_has_help(path: tuple[str, ...]) -> None:
    result = run(*path, "--help")
    assert result.exit_code == 0
    assert "Usage:" in result.stdout
    command = main
    for name in path:
        command = command.commands[name]  # type: ignore[attr-defined]
    assert command.help and command.help.strip(), f"{' '.join(path)} has no help text"


def test_formats_lists_every_registered_format() -> None:
    result = run("formats")
    assert result.exit_code == 0
    for fmt in formats.all_formats():
        assert fmt.name in result.stdout
        for extension in fmt.extensions:
            assert extension in result.stdout


def test_analyse_on_an_example_prints_a_summary() -> None:
    result = run("analyse", str(EXAMPLES / "collaborative.txt"))
    assert result.exit_code == 0
    assert "collaborative" in result.stdout
    assert "Therapist" in result.stdout and "Client" in result.stdout
    assert "not grades" in result.stdout and "equipoise explain" in " ".join(result.stdout.split())
    # The summary index is "shared power"; "partnership" names only the dimension (indented row).
    assert "shared power (0-1)" in result.stdout and "partnership (0-1)" not in result.stdout


def test_analyse_reports_inferred_roles_on_stderr() -> None:
    result = run("analyse", str(EXAMPLES / "overlap_teams.vtt"))
    assert result.exit_code == 0
    assert "inferred 'Dr Maya Patel' as therapist" in result.stderr


def test_therapist_option_overrides_the_inference() -> None:
    result = run("analyse", "--therapist", "jordan lee", str(EXAMPLES / "overlap_teams.vtt"))
    assert result.exit_code == 0
    assert "inferred 'Dr Maya Patel' as client" in result.stderr
    assert "as therapist" not in result.stderr


def test_console_script_runs_as_a_module() -> None:
    completed = subprocess.run([sys.executable, "-m", "equipoise.cli", "--version"],
                               capture_output=True, text=True, check=False)
    assert completed.returncode == 0
    assert equipoise.__version__ in completed.stdout
