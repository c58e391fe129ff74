"""Attendance reports: meetings, people, rooms and charts, with their CSV exports.

Shape: one module per report (`meetings`, `people`, `rooms`, `charts`), each taking a
`ReportFilters` (the validated query string, see `forms.py`: the date range as days in
the team's time zone turned into aware datetimes) and answering a page of rows with its
total. The views only parse, call and render; a CSV view runs the same query without the
pagination and streams it (`export.py`, columns in `tables.py`), so the CSV is exactly
the filtered table.

Figures (each defined in a sentence on its page, `definitions.py`):
- A meeting belongs to the day it started in the team's time zone; its sessions count
  with it, so the four reports of one range agree.
- A person's minutes merge their overlapping sessions in a meeting (interval union, in
  SQL with one window function: `presence.py`). Identified people are one person across
  meetings; each guest session is its own person (guests cannot be told apart).
- Open ends: a session without a leave counts to the meeting's end, or to `now` while the
  meeting is ongoing; a leave after the meeting's end is cut at the end.

Databases: the reports' SQL is one text for PostgreSQL and SQLite (only the epoch
conversion and GREATEST/LEAST differ: `sql.py`), in the ORM where it plans well (charts)
and written out where it does not (people, the meetings list, the rooms report's
per-room counts, which PostgreSQL runs room by room through a LATERAL join). The people
report reads the stored merges of ended meetings (`attendance.summary`: per meeting, and
per UTC day) and merges only the rest, so a month of a busy team is a few thousand rows.
"""
