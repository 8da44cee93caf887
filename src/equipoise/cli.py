"""The ``equipoise`` command line: a thin layer over the library.

Library exceptions become messages here. Exit codes: 0 success, 1 some inputs failed (the rest are
still written), 2 usage error.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import click

from . import __version__
from .errors import EquipoiseError, InputError, UsageError

if TYPE_CHECKING:
    from .model import Transcript

EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE = 0, 1, 2


def _err(message: str, style: str = "red") -> None:
    click.secho(message, err=True, fg=style)


@contextmanager
def _usage_errors() -> Iterator[None]:
    try:
        yield
    except UsageError as exc:
        raise click.UsageError(str(exc)) from None


def input_options(func: Callable[..., object]) -> Callable[..., object]:
    """Options shared by every command that reads transcripts."""
    for option in reversed([
        click.option("--input-format", "input_format", metavar="NAME",
                     help="Force an input format instead of detecting it (see `equipoise formats`)."),
        click.option("--therapist", multiple=True, metavar="NAME",
                     help="Speaker who is the therapist (repeatable); overrides the file and the inference."),
        click.option("--client", multiple=True, metavar="NAME",
                     help="Speaker who is a client (repeatable); overrides the file and the inference."),
        click.option("--merge-consecutive", is_flag=True,
                     help="Merge consecutive turns by the same speaker into one turn."),
    ]):
        func = option(func)
    return func


def read_inputs(
    paths: Sequence[Path],
    *,
    input_format: str | None,
    therapist: Sequence[str],
    client: Sequence[str],
    merge_consecutive: bool,
) -> tuple[list[tuple[Path, Transcript]], list[tuple[Path, str]]]:
    """Load every path; report notices and failures on stderr; one bad file never stops the others."""
    from .ingest import load

    loaded: list[tuple[Path, Transcript]] = []
    failed: list[tuple[Path, str]] = []
    for path in paths:
        try:
            with _usage_errors():
                transcript = load(path, input_format=input_format, therapist=therapist, client=client,
                                  merge_consecutive=merge_consecutive)
        except InputError as exc:
            _err(f"error: {exc.describe()}")
            failed.append((path, exc.describe()))
            continue
        except (click.UsageError, EquipoiseError):
            raise
        except Exception as exc:  # noqa: BLE001 - one bad file must not stop the others
            # Only the exception type: its message could quote the transcript.
            reason = f"unexpected {exc.__class__.__name__} while reading; please report this"
            _err(f"error: {path}: {reason}")
            failed.append((path, reason))
            continue
        for notice in transcript.notices:
            _err(f"note: {notice}", "yellow")
        loaded.append((path, transcript))
    return loaded, failed


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="equipoise")
def main() -> None:
    """Equipoise: see who holds which lever of power in a therapy session.

    It informs a conversation between people; it never grades a therapist or a client.
    """


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@input_options
def analyse(files: tuple[Path, ...], input_format: str | None, therapist: tuple[str, ...],
            client: tuple[str, ...], merge_consecutive: bool) -> None:
    """Read transcripts and summarise each one (speakers, roles, turns, words, duration).

    FILES are transcript files in any supported format, or ConvoKit corpus folders.
    """
    from rich.console import Console
    from rich.table import Table

    loaded, failed = read_inputs(files, input_format=input_format, therapist=therapist, client=client,
                                 merge_consecutive=merge_consecutive)
    if loaded:
        table = Table(title="Sessions read")
        for column in ("file", "format", "speakers", "turns", "words", "duration"):
            table.add_column(column, justify="right" if column in ("turns", "words") else "left")
        for path, transcript in loaded:
            speakers = ", ".join(f"{s.name} ({s.role.value})" for s in transcript.speakers)
            words = sum(len(t.text.split()) for t in transcript.turns)
            duration = transcript.duration
            table.add_row(str(path), transcript.source_format or "?", speakers, str(transcript.n_turns),
                          str(words), "-" if duration is None else f"{duration / 60:.1f} min")
        Console().print(table)
    sys.exit(EXIT_SOME_FAILED if failed else EXIT_OK)


@main.command()
def formats() -> None:
    """List the transcript formats Equipoise can read, with their extensions."""
    from rich.console import Console
    from rich.table import Table

    from .ingest import formats as registry

    table = Table(title="Input formats (detected by extension and content; force one with --input-format)")
    table.add_column("name")
    table.add_column("extensions")
    table.add_column("what it reads")
    for fmt in registry.all_formats():
        table.add_row(fmt.name, " ".join(fmt.extensions) or "(folder)", fmt.description)
    Console().print(table)


if __name__ == "__main__":  # pragma: no cover
    main()
