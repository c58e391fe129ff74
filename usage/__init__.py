"""Usage: participant-minutes per month, per room and per person, recording minutes, a
cost estimate from the team's own price, a chart of the last 12 months and a CSV.

Above attendance and recordings (it reads both; nothing below imports it). Every figure
comes from the attendance reports' own queries (`attendance.reports.people` and its
stored summaries), so the usage of a month is the people report of that month, guests
included, by construction.
"""
