"""Benchmarks: speed and cost as ratios against ceilings measured in the same run.

`python -m bench [--short] [--only NAME]` (or `make bench`) starts everything it needs
(the Daily API simulator, a PostgreSQL database of its own, gunicorn), runs each
benchmark, prints one table and, for a full run, writes `docs/benchmarks.md`.

Absolute times on shared machines drift; a ratio against a baseline measured a moment
before on the same machine does not (much). So every figure has its baseline from the
same run: `COPY` for the sync's writes, `/healthz` for the pages, hand-written SQL for
the report queries, raw `requests` for the client.

Modules: `harness` (processes, database, data, timing), `results` (the table and the
Markdown), one module per benchmark (`ingest`, `queries`, `pages`, `client`,
`upstream`), `sync_child` (a sync run in its own process, for its peak memory) and
`load` (the load generator: Debian's wrk, or a small Python one where wrk is missing).

They are not tests: nothing here asserts a timing. `tests/test_bench_short.py` runs the
short form so the benchmarks cannot rot.
"""
