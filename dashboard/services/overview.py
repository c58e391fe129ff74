"""The team overview: invite link, counts, and what the team's API can do."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from attendance.models import Attendance, Meeting, SyncState
from attendance.reports import known
from daily import Capability, DailyError, Dialect
from daily.enums import CAPABILITIES
from dashboard.services import mirror_status
from dashboard.services.mirror_status import MirrorStatus
from rooms import mirror as rooms_mirror
from rooms import services as rooms_services
from rooms.models import MirrorState
from teams.models import Team
from teams.services.errors import describe

# What each capability lets a person do, in the words of the overview page.
CAN = {
    Capability.TEAM_USERS: _("see the Daily team's users"),
    Capability.INVITE_LINK: _("share the team's invite link"),
    Capability.REMOVE_USER: _("remove users from the Daily team"),
    Capability.DIAL_IN_PIN: _("show dial-in PINs of rooms"),
    # Many rooms at once (the rooms list's bulk actions) works on every API: the worker
    # goes through them one by one (rooms.bulk), so it is no capability of the API.
    Capability.ROOMS: _("create, list and delete rooms, and delete many at once"),
    Capability.PRIVACY: _("change a room's privacy, or many rooms' at once"),
    Capability.MEETINGS: _("sync meeting attendance"),
    Capability.ROOM_PROPERTIES: _("edit room properties (expiry, recording, chat, …)"),
    Capability.MEETING_TOKENS: _("issue meeting tokens"),
    Capability.PRESENCE: _("see who is in a room right now"),
    Capability.EJECT: _("eject participants from a meeting"),
    Capability.WEBHOOKS: _("receive meeting events by webhook"),
    Capability.DOMAIN_CONFIG: _("read the domain's configuration"),
}
ORDER = list(CAN)
# The team's API in the words of the page (daily.Dialect.label's, translated).
DIALECT_WORDS = {
    Dialect.DOMAINS: _("the original team API (domains)"),
    Dialect.REST: _("the current REST API"),
}
# The meetings card: today and the six days before it, in the team's time zone, as the
# meetings report counts a range of days (the card links to that report).
MEETINGS_DAYS = 7


@dataclass
class Overview:
    team: Team
    rooms: int | None = None
    users: int | None = None
    live: int | None = None
    live_as_of: datetime | None = None  # domains: live people come from the last sync
    meetings_7d: int = 0
    meetings_from: date | None = None  # the first day the meetings card counts
    today: date | None = None  # the team's today
    invite_link: str | None = None
    can: list[str] = field(default_factory=list)
    cannot: list[str] = field(default_factory=list)
    # How far the worker has loaded the team from Daily (the rooms mirror), its last
    # error; and the broker's refusal of a request to load it.
    mirror: MirrorStatus = field(default_factory=lambda: MirrorStatus(MirrorState.READY))
    queue_error: str = ""

    @property
    def is_domains(self) -> bool:
        return self.team.dialect == Dialect.DOMAINS

    @property
    def dialect_label(self) -> str:
        return DIALECT_WORDS[Dialect(self.team.dialect)]


@dataclass(frozen=True)
class LiveNow:
    """REST: how many people are in the team's rooms now (Daily's presence)."""

    people: int | None
    error: str | None = None  # Daily's failure in words


def live_now(team: Team) -> LiveNow:
    """Asked apart from the page (a tile of its own, refreshed while the page is open): the
    overview shows at once, and a slow or failing presence call holds up nothing else."""
    try:
        return LiveNow(len(rooms_services.team_presence(team)))
    except DailyError as exc:
        return LiveNow(None, describe(exc, team))


def team_today(team: Team, now: datetime | None = None) -> date:
    return (now or timezone.now()).astimezone(team.tz).date()


def capabilities_in_words(dialect: str) -> tuple[list[str], list[str]]:
    have = CAPABILITIES[Dialect(dialect)]
    return [CAN[c] for c in ORDER if c in have], [CAN[c] for c in ORDER if c not in have]


def build(team: Team, *, now: datetime | None = None, asked_at: float | None = None) -> Overview:
    """The overview's figures. `asked_at`: when the page asked the worker to try again
    (`mirror_status.asked_at`), so it waits for the answer."""
    now = now or timezone.now()
    overview = Overview(team=team)
    overview.can, overview.cannot = capabilities_in_words(team.dialect)
    overview.today = team_today(team, now)
    overview.meetings_from = overview.today - timedelta(days=MEETINGS_DAYS - 1)
    first = datetime.combine(overview.meetings_from, time.min, tzinfo=team.tz).astimezone(UTC)
    overview.meetings_7d = Meeting.objects.filter(team=team, start__gte=first).count()
    if team.dialect == Dialect.DOMAINS:
        overview.live = Attendance.objects.filter(
            team=team, meeting__ongoing=True, leave__isnull=True
        ).count()
        overview.live_as_of = (
            SyncState.objects.filter(team=team).values_list("last_success_at", flat=True).first()
        )
    else:
        # The people REST teams know: stable identities (token user ids) seen in attendance.
        overview.users = known.people_count(team)
    # Rooms, and a domains team's users and invite link, from the rooms mirror the worker
    # keeps: no Daily call (a team may have 100,000 rooms). Until its first fill lands,
    # the page says the team is loading (and asks for the fill), not that Daily has none.
    mirrored = rooms_mirror.state(team)
    overview.queue_error = mirror_status.start_if_empty(team, mirrored)
    overview.mirror = mirror_status.status(team, mirrored, asked_at=asked_at)
    if mirrored.state == MirrorState.READY:
        overview.rooms = rooms_mirror.rooms(team).count()
    if team.dialect == Dialect.DOMAINS:
        info = rooms_mirror.team_info(team)
        if info is not None:
            overview.users = len(info.users)
            overview.invite_link = info.invite_link
    return overview
