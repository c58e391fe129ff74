"""Sync (or backfill) a team's attendance from the command line, with a progress bar.

python manage.py sync_attendance --team acme --since 2026-01-01 [--until 2026-02-01]
"""

from __future__ import annotations

import sys
from datetime import datetime, time

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import ngettext

import daily
from attendance.models import SyncOutcome, SyncRun, SyncTrigger
from attendance.sync import sync_team
from teams.models import Team

BAR_WIDTH = 30


def _count(n: int, noun: str) -> str:
    """`1 meeting`, `2 meetings` (the nouns here take an s)."""
    return f"{n} {ngettext(noun, noun + 's', n)}"


def parse_when(value: str, tz) -> datetime:
    """A date (midnight in the team's time zone) or an ISO date-time."""
    moment = parse_datetime(value)
    if moment is None:
        day = parse_date(value)
        if day is None:
            raise CommandError(f"{value!r} is not a date (YYYY-MM-DD) or an ISO date-time.")
        moment = datetime.combine(day, time.min)
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=tz)
    return moment


class Command(BaseCommand):
    help = "Sync meetings and attendance of a team from Daily."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--team", required=True, help="The team's slug.")
        parser.add_argument("--since", help="Start of the window (date or date-time).")
        parser.add_argument("--until", help="End of the window (default: now).")

    def handle(self, *args, **options) -> None:
        try:
            team = Team.objects.get(slug=options["team"])
        except Team.DoesNotExist:
            raise CommandError(f"No team {options['team']!r}.") from None
        since = parse_when(options["since"], team.tz) if options["since"] else None
        until = parse_when(options["until"], team.tz) if options["until"] else None
        if since and until and since >= until:
            raise CommandError("--since must be before --until.")
        if until and until > timezone.now():
            raise CommandError("--until cannot be in the future.")
        self._interactive = sys.stdout.isatty()
        try:
            run = sync_team(
                team, trigger=SyncTrigger.COMMAND, since=since, until=until, progress=self._progress
            )
        except daily.DailyError as exc:
            run = SyncRun.objects.filter(team=team).first()
            kept = ""
            if run is not None and run.checkpoint is not None:
                kept = (
                    f" Everything up to {run.checkpoint:%Y-%m-%d %H:%M} UTC is written: "
                    "run the same command again to continue from there."
                )
            raise CommandError(f"The sync failed ({type(exc).__name__}): {exc}{kept}") from None
        if run.outcome == SyncOutcome.SKIPPED:
            raise CommandError("Another sync of this team is running; try again when it ends.")
        self._finish(run, since)

    def _progress(self, run: SyncRun, at: datetime | None) -> None:
        start, end = run.window_start, run.window_end
        if at is None or start is None or end is None:
            done = 1.0
        else:
            total = (end - start).total_seconds() or 1
            # REST pages arrive newest first, domains oldest first: show distance covered.
            covered = abs((at - start).total_seconds())
            done = min(1.0, covered / total) if at >= start else 0.0
        filled = int(done * BAR_WIDTH)
        line = (
            f"[{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {done:4.0%}  "
            f"{_count(run.meetings_seen, 'meeting')}, {_count(run.rows_seen, 'session')}"
        )
        if self._interactive:
            self.stdout.write("\r" + line, ending="")
            self.stdout.flush()
        else:
            self.stdout.write(line)

    def _finish(self, run: SyncRun, since: datetime | None) -> None:
        if self._interactive:
            self.stdout.write("")
        if since is not None and run.window_start is not None and run.window_start > since:
            self.stdout.write(
                f"Continued an unfinished backfill from {run.window_start:%Y-%m-%d %H:%M} UTC."
            )
        if run.quarantined:
            self.stdout.write(
                self.style.WARNING(
                    ngettext(
                        "%(n)d meeting could not be stored and was set aside; "
                        "the sync page lists it.",
                        "%(n)d meetings could not be stored and were set aside; "
                        "the sync page lists them.",
                        run.quarantined,
                    )
                    % {"n": run.quarantined}
                )
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Synced {run.team}: window {run.window_start:%Y-%m-%d %H:%M} to "
                f"{run.window_end:%Y-%m-%d %H:%M} UTC, "
                f"{_count(run.meetings_written, 'meeting')} and "
                f"{_count(run.rows_written, 'session')} written in {run.duration_seconds:.1f} s."
            )
        )
