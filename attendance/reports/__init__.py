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

Databases: the merge is one SQL text for PostgreSQL and SQLite (only the epoch
conversion and GREATEST/LEAST differ: `sql.py`); the other reports are ORM queries.
On PostgreSQL, the people query is a single plan: meetings of the range (index on team,
start), their sessions (by meeting), one incremental sort for the window, two streaming
aggregates, and the total of the page from `COUNT(*) OVER ()` in the same query.
"""
