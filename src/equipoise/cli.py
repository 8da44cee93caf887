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
from .errors import InputError, InputRequirementError, RequirementError, UsageError

if TYPE_CHECKING:
    from .course import Course
    from .metadata import JoinReport
    from .model import Transcript
    from .profile import Profile

EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE = 0, 1, 2


def _err(message: str, style: str = "red") -> None:
    click.secho(message, err=True, fg=style)


@contextmanager
def _usage_errors() -> Iterator[None]:
    try:
        yield
    except UsageError as exc:
        raise click.UsageError(str(exc)) from None


@contextmanager
def _data_errors() -> Iterator[None]:
    """For commands that read one data file (train, evaluate): bad data is a usage error, exit 2."""
    with _usage_errors():
        try:
            yield
        except InputError as exc:
            _err(f"error: {exc.describe()}")
            sys.exit(EXIT_USAGE)


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


def run_inputs(
    paths: Sequence[Path],
    *,
    load_options: dict[str, object],
    labeller: str | None,
) -> tuple[list[tuple[Path, Transcript, Profile]], list[tuple[Path, str]]]:
    """Run every path through :func:`equipoise.runner.run_one`; report notices and failures on stderr.

    One bad file (or a recording without the audio extra) never stops the others; only a missing
    labeller (nothing can be analysed) stops all.
    """
    from .runner import failure, run_one

    done: list[tuple[Path, Transcript, Profile]] = []
    failed: list[tuple[Path, str]] = []
    for path in paths:
        try:
            ran = run_one(path, load_options=load_options, labeller=labeller)
        except InputRequirementError as exc:  # this input only (a recording without the audio extra)
            _err(f"error: {path}: {exc}")
            failed.append((path, str(exc)))
            continue
        except RequirementError as exc:  # no labeller at all: nothing can be analysed
            _err(f"error: {exc}")
            sys.exit(EXIT_SOME_FAILED)
        except UsageError as exc:
            raise click.UsageError(str(exc)) from None
        except Exception as exc:  # one bad file must not stop the others
            problem = failure(exc, str(path))
            _err(f"error: {problem.message}")
            failed.append((path, problem.message))
            continue
        for notice in ran.transcript.notices:
            _err(f"note: {notice}", "yellow")
        done.append((path, ran.transcript, ran.profile))
    return done, failed


@contextmanager
def _terminate_like_interrupt() -> Iterator[None]:
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(_signum: int, _frame: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="equipoise")
def main() -> None:
    """Equipoise: see who holds which lever of power in a therapy session.

    It informs a conversation between people; it never grades a therapist or a client.
    """
    from .files import private_umask

    context = click.get_current_context()
    # Everything written (reports, tables, databases, batch records) is private to its owner.
    context.with_resource(private_umask())
    # A SIGTERM (a service manager, `kill`) ends a run like Ctrl-C: clean-ups in finally blocks run.
    context.with_resource(_terminate_like_interrupt())


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@input_options
@click.option("--format", "fmt", default="summary", show_default=True, metavar="NAME",
              help="summary (a table on screen), or a file format: json, html, pdf, csv, parquet.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), metavar="DIR",
              help="Write OUT/<input stem>.<ext> for each file (json goes to stdout without it).")
@click.option("--course", is_flag=True,
              help="Describe the course across FILES (by the date in their names if every name has one, "
                   "else in the order given); written as OUT/course.json, or with --format json and no "
                   "--out printed as {course, profiles}.")
@click.option("--labeller", metavar="NAME", help="Labeller to use (default: the packaged one).")
@click.option("--audience", type=click.Choice(["therapist", "client"]), default="therapist",
              show_default=True,
              help="Who the html/pdf report is for; the client version is <stem>.client.<ext>.")
def analyse(files: tuple[Path, ...], input_format: str | None, therapist: tuple[str, ...],
            client: tuple[str, ...], merge_consecutive: bool, fmt: str, out_dir: Path | None,
            course: bool, labeller: str | None, audience: str) -> None:
    """Compute the power profile of each transcript: eight dimensions, evidence, norms, timeline.

    FILES are transcript files in any supported format, or ConvoKit corpus folders.
    """
    from .course import build_course, order_paths

    _check_output(fmt, out_dir)
    paths = list(files)
    if course:
        paths, how = order_paths(paths)
        _err(f"note: course order: {how}", "yellow")
    options = {"input_format": input_format, "therapist": therapist, "client": client,
               "merge_consecutive": merge_consecutive}
    with _audio_progress():
        profiles, failed = run_inputs(paths, load_options=options, labeller=labeller)
    the_course = build_course([p for _, _, p in profiles]) if course and profiles else None
    with _usage_errors():
        _emit(profiles, the_course, fmt, out_dir, audience)
    sys.exit(EXIT_SOME_FAILED if failed else EXIT_OK)


@contextmanager
def _audio_progress() -> Iterator[None]:
    """While recordings are transcribed, say how far each has got on stderr (every tenth of it)."""
    from .audio import reporting_progress

    reported: dict[Path, int] = {}

    def show(path: Path, done: float, total: float) -> None:
        tenth = int(10 * done / total) if total else 10
        if tenth > reported.get(path, -1):
            reported[path] = tenth
            _err(f"transcribing {path}: {10 * tenth}% ({done / 60:.1f} of {total / 60:.1f} min)", "blue")

    with reporting_progress(show):
        yield


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path), metavar="AUDIO...")
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              metavar="DIR", help="Write OUT/<input stem>.<format> for each recording.")
@click.option("--format", "fmt", type=click.Choice(["csv", "jsonl", "vtt"]), default="csv",
              show_default=True, help="Transcript format (each one is read back by `equipoise analyse`).")
@click.option("--therapist", multiple=True, metavar="NAME",
              help="Voice that is the therapist (SPEAKER_1 is the voice heard first, SPEAKER_2 the other).")
@click.option("--client", multiple=True, metavar="NAME", help="Voice that is a client.")
def transcribe(files: tuple[Path, ...], out_dir: Path, fmt: str, therapist: tuple[str, ...],
               client: tuple[str, ...]) -> None:
    """Turn session recordings into transcripts (speaker, role, start, end, text), on this machine.

    Check and correct the transcript, then analyse it like any other. Needs the 'audio' extra.
    """
    from .audio.export import write_transcript
    from .ingest import load
    from .runner import failure

    failed = 0
    with _audio_progress():
        for path in files:
            try:
                transcript = load(path, input_format="audio", therapist=therapist, client=client)
                written = write_transcript(transcript, out_dir, fmt, stem=path.stem)
            except UsageError as exc:
                raise click.UsageError(str(exc)) from None
            except Exception as exc:  # one bad recording must not stop the others
                _err(f"error: {failure(exc, str(path)).message}")
                failed += 1
                continue
            for notice in transcript.notices:
                _err(f"note: {notice}", "yellow")
            _err(f"wrote {written}", "green")
    sys.exit(EXIT_SOME_FAILED if failed else EXIT_OK)


def _check_output(fmt: str, out_dir: Path | None) -> None:
    from .report import WRITERS

    if fmt != "summary" and fmt not in WRITERS:
        raise click.UsageError(f"no output format {fmt!r}; available: summary, {', '.join(WRITERS)}")
    if fmt == "summary" and out_dir is not None:
        raise click.UsageError("--format summary prints to the screen; choose a file format to use --out")
    if fmt not in ("summary", "json") and out_dir is None:
        raise click.UsageError(f"--format {fmt} writes files: give --out DIR")


def _emit(profiles: list[tuple[Path, Transcript, Profile]], course: Course | None, fmt: str,
          out_dir: Path | None, audience: str = "therapist") -> None:
    import json

    if fmt == "summary":
        _print_summary([(path, p) for path, _, p in profiles], course)
    elif out_dir is None:  # json on stdout
        docs = [p.to_dict() for _, _, p in profiles]
        if course is not None:
            click.echo(json.dumps({"course": course.to_dict(), "profiles": docs}, indent=2))
        elif docs:
            click.echo(json.dumps(docs[0] if len(docs) == 1 else docs, indent=2))
    else:
        from .report import WRITERS, write, write_course

        for path, transcript, profile in profiles:
            for written in write(profile, transcript, out_dir, fmt, stem=path.stem, audience=audience):
                _err(f"wrote {written}", "green")
        if course is not None:
            target = out_dir / "course.json"
            target.write_text(json.dumps(course.to_dict(), indent=2), encoding="utf-8")
            _err(f"wrote {target}", "green")
            if WRITERS[fmt].course is not None:
                written = write_course([p for _, _, p in profiles], out_dir, fmt, audience=audience)
                _err(f"wrote {written}", "green")


def _print_summary(named: list[tuple[Path, Profile]], course: Course | None) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    profiles = [p for _, p in named]
    if profiles:
        # One column per session, one row per dimension: stays readable in a narrow terminal.
        table = Table(title="Power profile (lean: +1 the therapist holds the lever, -1 the client)",
                      caption="descriptions, not grades; what each number means: equipoise explain; "
                              "the turns behind each: --format html")
        table.add_column("")
        for path, _ in named:
            table.add_column(path.name, justify="right")
        for role in ("therapist", "client"):
            table.add_row(role, *(", ".join(n for n, r in p.speakers if r == role) or "-" for p in profiles))
        table.add_row("turns", *(str(p.n_turns) for p in profiles))
        table.add_row("shared power (0-1)", *(_num(p.shared_power, "{:.2f}") for p in profiles))
        table.add_row("power lean", *(_num(p.power_lean) for p in profiles))
        for d in profiles[0].dimensions:
            table.add_row(f"  {d}", *(_num(p.dimensions[d].lean) if d in p.dimensions else "-"
                                      for p in profiles))
        console.print(table)
    if course is not None:
        for line in course.statements():
            console.print(line)


def _num(value: float | None, pattern: str = "{:+.2f}") -> str:
    return "-" if value is None else pattern.format(value)


@main.command()
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              metavar="DIR", help="Write OUT/<input stem>.<ext> per input, sessions.csv and failures.csv.")
@click.option("--format", "fmt", default="json", show_default=True, metavar="NAME",
              help="json, html, pdf, csv or parquet.")
@click.option("--audience", type=click.Choice(["therapist", "client"]), default="therapist",
              show_default=True, help="Who the html/pdf reports are for.")
@click.option("--workers", type=click.IntRange(min=1), metavar="N",
              help="Local worker processes (default: the number of CPUs).")
@click.option("--scheduler", metavar="ADDRESS",
              help="Run on a Dask distributed cluster (e.g. tcp://host:8786) instead of local processes; "
                   "its workers must see FOLDER and DIR at the same paths.")
@click.option("--force", is_flag=True, help="Redo inputs whose output already exists.")
@click.option("--labeller", metavar="NAME", help="Labeller to use (default: the packaged one).")
@click.option("--follow-links", is_flag=True,
              help="Read symbolic links that lead out of FOLDER (by default they are skipped and listed).")
@click.option("--metadata", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE.csv",
              help="Join per-session columns to the sessions table: a CSV with a 'session' column (the "
                   "input's path from FOLDER, without or with its extension, or its file name alone); "
                   "with a 'consent' column only rows saying yes are joined. Only with consent.")
@input_options
def batch(folder: Path, out_dir: Path, fmt: str, audience: str, workers: int | None, scheduler: str | None,
          force: bool, labeller: str | None, follow_links: bool, metadata: Path | None,
          input_format: str | None, therapist: tuple[str, ...], client: tuple[str, ...],
          merge_consecutive: bool) -> None:
    """Analyse every transcript under FOLDER (any supported format), resumably, with a progress bar.

    Inputs whose output already exists are skipped; failures are listed at the end and in
    OUT/failures.csv (file and reason, never transcript text). With --metadata, what matched nothing is
    listed at the end and in OUT/metadata-unmatched.csv.
    """
    import os

    from .batch import ProgressBar, run_batch

    options = {"input_format": input_format, "therapist": therapist, "client": client,
               "merge_consecutive": merge_consecutive}
    with _data_errors(), ProgressBar() as bar:
        result = run_batch(folder, out_dir, fmt=fmt, audience=audience,
                           workers=workers or os.cpu_count() or 1, scheduler=scheduler, force=force,
                           options=options, labeller=labeller, on_start=bar.start, on_outcome=bar.advance,
                           follow_links=follow_links, metadata=metadata)
    for name, why in result.not_read:
        _err(f"not read: {folder / name}: {why}", "yellow")
    rate = f", {result.turns / result.seconds:,.0f} turns/s" if result.seconds and result.turns else ""
    _err(f"{result.done} analysed, {result.skipped} skipped, {result.failed} failed "
         f"in {result.seconds:.1f} s{rate}", "green" if not result.failed else "yellow")
    for name, reason in result.failures[:20]:
        _err(f"failed: {folder / name}: {reason}")
    if result.failed > 20:
        _err(f"... and {result.failed - 20} more")
    if result.failed:
        _err(f"failures are listed in {out_dir / 'failures.csv'}")
    if result.sessions_table:
        _err(f"sessions table: {result.sessions_table}", "green")
    if result.metadata is not None:
        _report_join(result.metadata, out_dir)
    sys.exit(EXIT_SOME_FAILED if result.failed else EXIT_OK)


def _report_join(report: JoinReport, out_dir: Path) -> None:
    """What --metadata joined and what it could not: keys and file names only, never a value."""
    from .batch import METADATA_REPORT

    unmatched = len(report.unmatched_rows) + len(report.sessions_without)
    _err(f"metadata: {report.matched} session(s) matched, {len(report.unmatched_rows)} row(s) matched no "
         f"session, {len(report.sessions_without)} session(s) without metadata, {report.without_consent} "
         "row(s) left out without consent", "yellow" if unmatched or report.without_consent else "green")
    for line, key, why in report.unmatched_rows[:20]:
        _err(f"not joined: {report.path}, line {line} ({key}): {why}", "yellow")
    for file in report.sessions_without[:20]:
        _err(f"no metadata: {file}", "yellow")
    if unmatched:
        _err(f"all of them are listed in {out_dir / METADATA_REPORT}", "yellow")


@main.command()
@click.argument("out_dir", metavar="OUT_DIR", type=click.Path(file_okay=False, path_type=Path))
@click.option("--by", "by", required=True, metavar="COLUMN",
              help="The sessions table's column to group by (a metadata column joined by batch --metadata).")
@click.option("--min-group", type=click.IntRange(min=1), default=5, show_default=True, metavar="N",
              help="Groups (or numbers of a group) with fewer sessions are suppressed: no numbers at all.")
@click.option("--csv", "csv_path", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
              help="Also write the summary as CSV (by, group, number, n, mean, ci_low, ci_high, suppressed).")
def summarise(out_dir: Path, by: str, min_group: int, csv_path: Path | None) -> None:
    """Print each dimension's lean by group of a batch's sessions: n, mean and 95% t-interval.

    OUT_DIR is the --out folder of `equipoise batch` (its sessions.csv or sessions.parquet). These numbers
    describe groups of sessions; they grade nobody.
    """
    from rich.console import Console
    from rich.table import Table

    from .stratification import LEVEL, read_sessions, write_summary_csv
    from .stratification import summarise as group_cells

    with _data_errors():
        rows = read_sessions(out_dir)
        cells, no_value = group_cells(rows, by, min_group=min_group)
    table = Table(title=f"Lean by {by} (+1: the therapist holds the lever, -1: the client)",
                  caption=f"n: sessions with a value; mean and {LEVEL:.0%} t-interval of the mean, treating "
                          f"sessions as independent; groups under {min_group} sessions suppressed. These "
                          "describe groups of sessions and grade nobody.")
    for name in (by, "number", "n", "mean", f"{LEVEL:.0%} interval"):
        table.add_column(name, justify="left" if name in (by, "number") else "right")
    for cell in cells:
        if cell.suppressed:
            table.add_row(cell.group, cell.number, "suppressed", "", "")
        else:
            span = "-" if cell.ci_low is None else f"{cell.ci_low:+.2f} to {cell.ci_high:+.2f}"
            table.add_row(cell.group, cell.number, str(cell.n), _num(cell.mean), span)
    Console().print(table)
    if no_value:
        _err(f"{no_value} session(s) without a value for {by} are in no group", "yellow")
    if csv_path is not None:
        _err(f"wrote {write_summary_csv(cells, by, csv_path)}", "green")


@main.command()
@click.argument("dimensions", nargs=-1, metavar="[DIMENSION]...")
def explain(dimensions: tuple[str, ...]) -> None:
    """Say what each dimension measures and cannot know, and how the summary numbers are weighted."""
    from .glossary import render

    with _usage_errors():
        click.echo(render(dimensions))


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


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="Port.")
@click.option("--database-url", metavar="URL", default=None,
              help="SQLAlchemy URL (default: EQUIPOISE_DATABASE_URL, else sqlite:///equipoise.db).")
@click.option("--demo", is_flag=True,
              help="Start with a demo practice in a fresh temporary database and print its logins.")
@click.option("--admin", metavar="EMAIL", default=None,
              help="Create this administrator account first (asks for its password) if it does not exist.")
@click.option("--workers", type=click.IntRange(1, 64), default=None,
              help="Server processes (default: EQUIPOISE_WORKERS, else 2).")
def serve(host: str, port: int, database_url: str | None, demo: bool, admin: str | None,
          workers: int | None) -> None:
    """Run the web app: therapist, client and supervisor pages, each with a JSON twin under /api."""
    from .web.serve import run

    with _usage_errors():
        run(host=host, port=port, database_url=database_url, demo=demo, admin=admin, workers=workers)


@main.command("rotate-key")
@click.option("--database-url", metavar="URL", default=None,
              help="SQLAlchemy URL (default: EQUIPOISE_DATABASE_URL, else sqlite:///equipoise.db).")
def rotate_key(database_url: str | None) -> None:
    """Replace the data key: re-encrypt every stored transcript, profile and answer with a new key.

    With a key file (the default) the file is updated in place, safely: until the data is re-encrypted
    it holds both keys. With EQUIPOISE_DATA_KEY the new key is printed on stdout (nothing else is) and
    must replace the variable's value before the next start. Stop the server first.
    """
    from .web.serve import rotate

    with _usage_errors():
        count, new_key = rotate(database_url)
    _err(f"re-encrypted {count} stored field(s) with a new data key", "green")
    if new_key is not None:
        _err("EQUIPOISE_DATA_KEY is set: put this new key in its place before the next start", "yellow")
        click.echo(new_key)


@main.group()
def agreement() -> None:
    """The practice agreements kept by the web app (the frame each client can see and question)."""


@agreement.command("export")
@click.argument("client_id")
@click.option("--database-url", metavar="URL", default=None,
              help="SQLAlchemy URL (default: EQUIPOISE_DATABASE_URL, else sqlite:///equipoise.db).")
@click.option("--format", "fmt", type=click.Choice(["html", "pdf"]), default="html", show_default=True,
              help="html (self-contained) or pdf (needs the pdf extra).")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              metavar="FILE", help="The file to write (private to you: mode 0600).")
@click.option("--audience", type=click.Choice(["therapist", "client"]), default="therapist",
              show_default=True, help="Whose words the document speaks in.")
def agreement_export(client_id: str, database_url: str | None, fmt: str, out: Path, audience: str) -> None:
    """Write the practice agreement of CLIENT_ID (the id in the address of the client's page) as HTML or
    PDF: its items, the client's marks and answers, and every version with what changed. An older id that
    starts with "-" goes after "--" (agreement export -- -Uq3...); ids made now never start so."""
    from .files import make_private, open_private
    from .web.frame import export_html

    with _usage_errors():
        html = export_html(database_url, client_id, audience=audience, static=fmt == "pdf")
        if fmt == "pdf":
            from .report.pdf import write_agreement

            write_agreement(html, out)
            make_private([out])
        else:
            with open_private(out, "w") as handle:
                handle.write(html)
    _err(f"wrote {out}", "green")


@main.command()
@click.option("--data", "data", required=True, type=click.Path(exists=True, path_type=Path),
              help="The shared data folder (e.g. ../shared/data, with annomi/ and esconv/), one corpus "
                   "folder, or one AnnoMI CSV / ESConv JSONL file.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Artifact folder to write [default: the model shipped in the package].")
@click.option("--seed", default=0, show_default=True, help="Seed of the folds and the classifiers.")
@click.option("--no-cv", is_flag=True, help="Skip the grouped cross-validation (faster).")
@click.option("--json", "as_json", is_flag=True, help="Print the training report as JSON.")
def train(data: Path, out_dir: Path | None, seed: int, no_cv: bool, as_json: bool) -> None:
    """Train the turn labeller on AnnoMI and ESConv; print grouped 5-fold CV figures per corpus and label."""
    import json

    from rich.console import Console

    from .label.evaluate import report_tables
    from .label.labeller import DEFAULT_MODEL, MODELS_DIR
    from .label.train import TrainConfig
    from .label.train import train as run_training

    out = out_dir or MODELS_DIR / DEFAULT_MODEL
    progress = None if as_json else (lambda line: _err(line, "blue"))
    with _data_errors():
        report = run_training(data, out, TrainConfig(seed=seed), cv=not no_cv, progress=progress)
    if as_json:
        click.echo(json.dumps(report, indent=2, sort_keys=True))
    else:
        console = Console()
        if "cross_validation" in report:
            for table in report_tables(report):
                console.print(table)
        console.print(f"Artifact written to {out}")


@main.command()
@click.option("--data", "data", required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="AnnoMI-format CSV (simple or full layout) or ESConv JSONL (.jsonl) with gold labels.")
@click.option("--labeller", "labeller_name", default=None, metavar="NAME|DIR",
              help="Labeller to evaluate [default: the shipped model].")
@click.option("--json", "as_json", is_flag=True, help="Print the scores as JSON.")
def evaluate(data: Path, labeller_name: str | None, as_json: bool) -> None:
    """Score the turn labeller on AnnoMI CSV or ESConv JSONL: macro-F1, per-class F1, confusion, acts."""
    import json

    from rich.console import Console

    from .label import load_labeller
    from .label.evaluate import evaluate as run_evaluation
    from .label.evaluate import report_tables

    with _data_errors():
        report = run_evaluation(load_labeller(labeller_name), data)
    if as_json:
        click.echo(json.dumps(report, indent=2, sort_keys=True))
        return
    console = Console()
    for table in report_tables(report):
        console.print(table)


if __name__ == "__main__":  # pragma: no cover
    main()
