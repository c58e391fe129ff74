"""The figures of a run: one `Row` per comparison, printed as a table and written as Markdown."""

from __future__ import annotations

import datetime as dt
import os
import platform
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Target:
    """What a figure should be: a ratio at most/at least `value`, or an absolute bound."""

    kind: str  # "ratio<=", "ratio>=", "abs<=", "equal", "" (none: informative)
    value: float = 0.0
    unit: str = ""

    def __str__(self) -> str:
        if self.kind == "ratio<=":
            return f"<= {self.value:g}x"
        if self.kind == "ratio>=":
            return f">= {self.value:g}x"
        if self.kind == "abs<=":
            return f"<= {self.value:g} {self.unit}".strip()
        if self.kind == "equal":
            return "equal"
        return "-"


NONE = Target("")


def ratio_at_most(value: float) -> Target:
    return Target("ratio<=", value)


def ratio_at_least(value: float) -> Target:
    return Target("ratio>=", value)


def at_most(value: float, unit: str) -> Target:
    return Target("abs<=", value, unit)


EQUAL = Target("equal")


@dataclass(frozen=True)
class Row:
    """One figure. The ratio is measured / baseline: for times, lower is better; for
    rates (rows/s), higher is better, which is why those targets are ">=".
    """

    benchmark: str  # the module: ingest, pages, queries, client, upstream
    what: str
    measured: float | None
    baseline: float | None
    unit: str
    target: Target = NONE
    baseline_unit: str = ""  # when it differs from `unit`
    note: str = ""

    @property
    def ratio(self) -> float | None:
        if self.measured is None or self.baseline in (None, 0):
            return None
        return self.measured / self.baseline

    @property
    def met(self) -> bool | None:
        t, r = self.target, self.ratio
        if t.kind == "ratio<=":
            return None if r is None else r <= t.value
        if t.kind == "ratio>=":
            return None if r is None else r >= t.value
        if t.kind == "abs<=":
            return None if self.measured is None else self.measured <= t.value
        if t.kind == "equal":
            return None if self.measured is None else self.measured == self.baseline
        return None

    @property
    def verdict(self) -> str:
        met = self.met
        if met is None:
            return "-"
        if met:
            return "yes"
        t, r = self.target, self.ratio
        if t.kind == "ratio<=" and r is not None:
            return f"NO, {r / t.value - 1:.0%} over"
        if t.kind == "ratio>=" and r is not None:
            return f"NO, {1 - r / t.value:.0%} under"
        if t.kind == "abs<=" and self.measured is not None:
            if t.value == 0:
                return f"NO, {self.measured:+g}"
            return f"NO, {self.measured / t.value - 1:.0%} over"
        if t.kind == "equal" and self.measured is not None and self.baseline is not None:
            return f"NO, {self.measured - self.baseline:+g}"
        return "NO"


def figure(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    if unit == "rows/s":
        return f"{value:,.0f} rows/s"
    if unit == "ms":
        return f"{value:,.1f} ms" if value < 100 else f"{value:,.0f} ms"
    if unit == "MiB":
        return f"{value:,.0f} MiB"
    if unit in ("calls", "queries", "requests"):
        return f"{value:g} {unit}"
    return f"{value:,.3g} {unit}".strip()


def ratio_text(row: Row) -> str:
    r = row.ratio
    if r is None or row.target.kind in ("abs<=", "equal", ""):
        return "-" if r is None or row.target.kind == "equal" else f"{r:.2f}x"
    return f"{r:.2f}x"


COLUMNS = ("benchmark", "measured", "baseline", "ratio", "target", "met?")


def cells(row: Row) -> list[str]:
    return [
        f"{row.benchmark}: {row.what}",
        figure(row.measured, row.unit),
        figure(row.baseline, row.baseline_unit or row.unit),
        ratio_text(row),
        str(row.target),
        row.verdict,
    ]


def table(rows: Sequence[Row]) -> str:
    body = [list(COLUMNS), *[cells(r) for r in rows]]
    widths = [max(len(line[i]) for line in body) for i in range(len(COLUMNS))]

    def line(values: list[str]) -> str:
        first, *rest = values
        return "  ".join(
            [first.ljust(widths[0]), *(v.rjust(w) for v, w in zip(rest, widths[1:], strict=True))]
        )

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(body[0]), rule, *(line(v) for v in body[1:])])


def markdown_table(rows: Sequence[Row]) -> str:
    out = ["| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    for r in rows:
        values = [c.replace("|", "\\|") for c in cells(r)]
        out.append("| " + " | ".join(values) + " |")
    return "\n".join(out)


# -- the machine -------------------------------------------------------------------------
def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "?"


def _memory() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    return "?"


def _commit(repo: Path) -> str:
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=repo,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain"], cwd=repo, capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "?"
    return f"{head}{' (with uncommitted changes)' if dirty else ''}"


def machine(pg_version: str, repo: Path, load_generator: str) -> dict[str, str]:
    load = os.getloadavg()
    return {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "commit": _commit(repo),
        "cpu": f"{_cpu_model()}, {os.cpu_count()} logical cores (nproc)",
        "memory": _memory(),
        "os": f"{platform.system()} {platform.release()}",
        "postgresql": pg_version,
        "python": platform.python_version(),
        "load generator": load_generator,
        "load average at the end": " ".join(f"{x:.2f}" for x in load),
    }
