"""`python -m bench [--short] [--only NAME ...] [--output PATH]`.

Runs the benchmarks in order (ingest, queries, pages, client, upstream, mirror_fill),
prints the table on stdout (progress goes to stderr) and, for a full run of every
benchmark, writes docs/benchmarks.md. `--short` is the same code on tiny data, for CI:
every benchmark end to end in well under a minute; its figures mean nothing.
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import sys
import time
from pathlib import Path

from bench import load
from bench.harness import FULL, REPO, SHORT, Harness, HarnessError, say
from bench.results import Row, machine, markdown_table, table

BENCHMARKS = (
    "ingest",
    "queries",
    "pages",
    "client",
    "upstream",
    "mirror_fill",
    "rooms_page",
    "backfill",
)
DOC = REPO / "docs" / "benchmarks.md"
COMMAND = "make bench   # = .venv/bin/python -m bench"
# Everything after this line in docs/benchmarks.md is written by hand and kept.
KEEP = "<!-- Written by hand below this line: `python -m bench` keeps it. -->"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--short", action="store_true", help="tiny data, for CI")
    parser.add_argument(
        "--only", action="append", choices=BENCHMARKS, metavar="NAME", help="repeatable"
    )
    parser.add_argument(
        "--output",
        help="write the Markdown here (default: docs/benchmarks.md for a full run of all)",
    )
    return parser.parse_args(argv)


def document(rows: list[Row], facts: dict[str, str], seconds: float, modules: list) -> str:
    old = DOC.read_text(encoding="utf-8") if DOC.exists() else ""
    kept = old.split(KEEP, 1)[1].lstrip("\n") if KEEP in old else ""
    notes = [f"- {r.benchmark}: {r.what}: {r.note}" for r in rows if r.note]
    methods = []
    for module in modules:
        doc = inspect.getdoc(module) or ""
        title, _, body = doc.partition("\n")
        methods += [f"### {title.strip()}", "", body.strip(), ""]
    lines = [
        "# Benchmarks",
        "",
        "Speed and cost as ratios against a baseline measured in the same run, on the same",
        "machine: absolute times on shared machines drift, same-run ratios much less. These",
        "are measurements, not tests: nothing asserts a timing (CI runs `--short` so the",
        "code cannot rot). This file is written by the run it shows; the method of each",
        "benchmark is the docstring of its module in `bench/`.",
        "",
        "Reproduce (from a fresh clone; needs PostgreSQL at 127.0.0.1:5432 as user postgres,",
        "or DATABASE_URL's host; installs Debian's wrk when it can):",
        "",
        "```sh",
        COMMAND,
        "```",
        "",
        "## Machine",
        "",
        "| | |",
        "|---|---|",
        *(f"| {k} | {v} |" for k, v in facts.items()),
        f"| run time | {seconds / 60:.1f} min |",
        "",
        "## Figures",
        "",
        markdown_table(rows),
        "",
        *(["Notes:", "", *notes, ""] if notes else []),
        "## Method",
        "",
        *methods,
        KEEP,
        "",
        kept,
    ]
    return "\n".join(lines).rstrip("\n") + "\n"


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    profile = SHORT if args.short else FULL
    names = [n for n in BENCHMARKS if not args.only or n in args.only]
    output = args.output
    if output is None and not args.short and len(names) == len(BENCHMARKS):
        output = str(DOC)
    started = time.monotonic()
    rows: list[Row] = []
    modules = []
    try:
        with Harness(profile) as h:
            for name in names:
                module = importlib.import_module(f"bench.{name}")
                modules.append(module)
                say(f"--- {name}")
                rows += module.run(h)
            facts = machine(h.db.server_version(), REPO, load.generator())
    except HarnessError as exc:
        say(f"failed: {exc}")
        return 1
    except KeyboardInterrupt:
        say("interrupted; everything started was stopped")
        return 130
    seconds = time.monotonic() - started
    print(table(rows))
    print(
        f"\n{profile.name} run, {seconds:.0f} s; "
        + "; ".join(f"{k}: {v}" for k, v in facts.items())
    )
    if output:
        Path(output).write_text(document(rows, facts, seconds, modules), encoding="utf-8")
        say(f"wrote {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
