"""Each dimension's lean by group of sessions: the research summary of a batch with metadata.

It reads a batch's sessions table (``OUT/sessions.csv``, or ``sessions.parquet``) and, for one metadata
column, gives per group of sessions and per number (``power_lean``, ``shared_power`` and every
``<dimension>.lean``): the number of sessions with a value (n), their mean, and a 95% confidence interval
of the mean by Student's t (mean ± t(0.975, n-1) · sd / √n, sd with n-1). A group (or one number of a
group) with fewer than ``min_group`` sessions is suppressed: no numbers are given for it, not even n.
Sessions with no value in the column (no metadata, or no consent) belong to no group and are counted.

The numbers describe groups of sessions; they grade nobody. The interval treats sessions as independent:
several sessions of one client or one therapist are not, so the true uncertainty is then wider.

>>> rows = [{"g": "x", "power_lean": v} for v in (0.1, 0.2, 0.3)]
>>> [(c.group, c.n, round(c.mean, 2)) for c in summarise(rows, "g", min_group=3)[0]]
[('x', 3, 0.2)]
"""

from __future__ import annotations

import csv
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import InputError, UsageError

DEFAULT_MIN_GROUP = 5
SUMMARY_NUMBERS = ("power_lean", "shared_power")
LEVEL = 0.95
COLUMNS = ("by", "group", "number", "n", "mean", "ci_low", "ci_high", "suppressed")


@dataclass(frozen=True, slots=True)
class Cell:
    """One number of one group; ``n``, ``mean`` and the interval are None when it is suppressed."""

    group: str
    number: str
    n: int | None
    mean: float | None
    ci_low: float | None
    ci_high: float | None
    suppressed: bool

    def as_row(self, by: str) -> dict[str, Any]:
        return {"by": by, "group": self.group, "number": self.number, "n": self.n, "mean": self.mean,
                "ci_low": self.ci_low, "ci_high": self.ci_high,
                "suppressed": "yes" if self.suppressed else ""}


def read_sessions(out: Path) -> list[dict[str, Any]]:
    """The sessions table of a batch folder: ``sessions.csv``, else ``sessions.parquet``."""
    if not out.is_dir():
        raise UsageError(f"{out} is not a folder (give the --out folder of a batch)")
    table = out / "sessions.csv"
    if table.is_file():
        with table.open(encoding="utf-8", newline="") as handle:
            return list(csv.DictReader(handle))
    parquet = out / "sessions.parquet"
    if parquet.is_file():
        from .report.tables import _pyarrow

        return _pyarrow().parquet.read_table(parquet).to_pylist()
    raise UsageError(f"{out} has no sessions.csv or sessions.parquet: run `equipoise batch` into it first")


def numbers_of(columns: Sequence[str]) -> list[str]:
    """The numbers summarised: the summary indices, then each dimension's lean, in the table's order."""
    return [c for c in SUMMARY_NUMBERS if c in columns] + [c for c in columns if c.endswith(".lean")]


def _value(row: Mapping[str, Any], number: str) -> float | None:
    raw = row.get(number)
    if raw is None or raw == "":
        return None
    try:
        value = float(raw)
    except (TypeError, ValueError):
        raise InputError("sessions table", f"session {row.get('file') or row.get('session')}: the {number} "
                                           "column holds something that is not a number") from None
    return value if math.isfinite(value) else None


def interval(values: Sequence[float]) -> tuple[float, float | None, float | None]:
    """Mean and 95% t-interval of ``values`` (no interval for a single value).

    >>> [round(x, 3) for x in interval([0.0, 1.0])]
    [0.5, -5.853, 6.853]
    """
    from scipy import stats

    n = len(values)
    mean = math.fsum(values) / n
    if n < 2:
        return mean, None, None
    sd = math.sqrt(math.fsum((v - mean) ** 2 for v in values) / (n - 1))
    half = float(stats.t.ppf(0.5 + LEVEL / 2, n - 1)) * sd / math.sqrt(n)
    return mean, mean - half, mean + half


def summarise(rows: Sequence[Mapping[str, Any]], by: str, *, min_group: int = DEFAULT_MIN_GROUP
              ) -> tuple[list[Cell], int]:
    """Cells per group (sorted by name) and number, and how many sessions had no value in ``by``."""
    if min_group < 1:
        raise UsageError(f"--min-group must be at least 1, not {min_group}")
    columns = list(rows[0]) if rows else []
    if by not in columns:
        available = ", ".join(c for c in columns if c not in ("file", "session") and "." not in c)
        raise UsageError(f"the sessions table has no column {by!r}; its columns without a dot are: "
                         f"{available or 'none'} (join metadata with `equipoise batch --metadata FILE`)")
    groups: dict[str, list[Mapping[str, Any]]] = {}
    no_value = 0
    for row in rows:
        group = row.get(by)
        if group is None or str(group).strip() == "":
            no_value += 1
        else:
            groups.setdefault(str(group).strip(), []).append(row)
    numbers = numbers_of(columns)
    cells = []
    for group in sorted(groups):
        for number in numbers:
            values = [v for row in groups[group] if (v := _value(row, number)) is not None]
            if len(values) < min_group:
                cells.append(Cell(group, number, None, None, None, None, True))
                continue
            mean, low, high = interval(values)
            cells.append(Cell(group, number, len(values), mean, low, high, False))
    return cells, no_value


def write_summary_csv(cells: Sequence[Cell], by: str, path: Path) -> Path:
    """Write the cells as CSV (``by, group, number, n, mean, ci_low, ci_high, suppressed``)."""
    from .files import make_private
    from .report.tables import write_csv

    write_csv([c.as_row(by) for c in cells], path, COLUMNS)
    make_private([path])
    return path
