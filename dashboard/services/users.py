"""The users page: the Daily team's users (domains), or the people the dashboard knows
from attendance (REST, whose API has no team members), and removing a user (domains).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.core.paginator import Page, Paginator
from django.db.models import Count, Max
from django.utils.translation import gettext, gettext_noop

from attendance.models import Attendance
from daily import (
    Capability,
    DailyClient,
    DailyError,
    Dialect,
    TeamInfo,
    TeamRole,
    TeamUser,
    Unsupported,
)
from daily.enums import CAPABILITIES
from dashboard.services import mirror_status
from dashboard.services.mirror_status import MirrorStatus
from dashboard.services.overview import DIALECT_WORDS
from rooms import mirror as rooms_mirror
from rooms import services as rooms_services
from rooms.models import MirrorState
from teams.audit import Refused, User, perform
from teams.models import AuditAction, Team
from teams.permissions import Permission
from teams.services.errors import describe

PER_PAGE = 50
# Marked here, translated where shown; a refusal's audit event keeps it in English.
NOT_LOADED = gettext_noop(
    "The team's users have not been loaded from Daily yet: the background worker is "
    "loading them. Try again in a minute."
)
LAST_DAILY_OWNER = gettext_noop(
    "%(who)s is the last owner of the Daily team %(team)s. Daily needs at least one owner: "
    "make someone else an owner in Daily first."
)


@dataclass(frozen=True)
class UserRow:
    email: str
    name: str  # the name, or the email's local part when Daily has none
    name_is_fallback: bool
    avatar_url: str | None  # only http(s) URLs; otherwise the page shows initials
    initials: str
    is_owner: bool

    @property
    def label(self) -> str:
        """How a confirmation names the person: name and email."""
        return f"{self.name} ({self.email})"


def display_name(user: TeamUser) -> tuple[str, bool]:
    name = (user.name or "").strip()
    if name:
        return name, False
    return user.email.split("@", 1)[0] or user.email, True


def safe_avatar(url: str | None) -> str | None:
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:  # e.g. an unclosed IPv6 bracket: not an image we can show
        return None
    return url.strip() if parts.scheme.lower() in ("http", "https") and parts.netloc else None


def initials(name: str) -> str:
    letters = [next((c for c in word if c.isalnum()), "") for word in name.split()]
    return ("".join(letters[:2]) or "?").upper()


def to_row(user: TeamUser) -> UserRow:
    name, fallback = display_name(user)
    return UserRow(
        email=user.email,
        name=name,
        name_is_fallback=fallback,
        avatar_url=safe_avatar(user.avatar_url),
        initials=initials(name),
        is_owner=user.role == TeamRole.OWNER,
    )


def _matches(row: UserRow, query: str) -> bool:
    needle = query.casefold()
    return needle in row.name.casefold() or needle in row.email.casefold()


@dataclass
class UsersPage:
    dialect: str
    query: str = ""
    rows: list[UserRow] = field(default_factory=list)  # domains
    total: int = 0
    owner_count: int = 0
    known: Page | None = None  # rest: dicts of identity, name, sessions, last_seen
    # domains: how far the worker has loaded the team from Daily, and its last error
    mirror: MirrorStatus | None = None
    queue_error: str = ""

    @property
    def loaded(self) -> bool:
        """The domains team's users are known (from the worker's first load on)."""
        return self.mirror is None or self.mirror.state == MirrorState.READY


def users_page(
    team: Team, *, query: str = "", page: int | str = 1, asked_at: float | None = None
) -> UsersPage:
    """`asked_at`: when the page asked the worker to try again loading the team
    (`mirror_status.asked_at`), so it waits for the answer."""
    # NUL can match nothing, and PostgreSQL refuses it in a query.
    query = query.replace("\x00", "").strip()
    result = UsersPage(dialect=team.dialect, query=query)
    if team.dialect != Dialect.DOMAINS:
        result.known = _known_people(team, query, page)
        result.total = result.known.paginator.count
        return result
    mirrored = rooms_mirror.state(team)
    result.queue_error = mirror_status.start_if_empty(team, mirrored)
    result.mirror = mirror_status.status(team, mirrored, asked_at=asked_at)
    info = rooms_mirror.team_info(team) if mirrored.state == MirrorState.READY else None
    if info is None:
        return result
    rows = sorted(
        (to_row(u) for u in info.users), key=lambda r: (not r.is_owner, r.name.casefold())
    )
    result.total = len(rows)
    result.owner_count = sum(1 for r in rows if r.is_owner)
    result.rows = [r for r in rows if _matches(r, query)] if query else rows
    return result


def _known_people(team: Team, query: str, page: int | str) -> Page:
    sessions = Attendance.objects.filter(team=team, is_guest=False)
    if query:
        matching = sessions.filter(identity__icontains=query) | sessions.filter(
            user_name__icontains=query
        )
        sessions = sessions.filter(identity__in=matching.values("identity"))
    people = (
        sessions.values("identity")
        .annotate(name=Max("user_name"), sessions=Count("id"), last_seen=Max("join"))
        .order_by("-last_seen", "identity")
    )
    return Paginator(people, PER_PAGE).get_page(page)


@dataclass(frozen=True)
class Removal:
    """A removal, asked for or attempted: what its confirmation shows."""

    email: str
    user: UserRow | None = None  # None: not in the team, or Daily could not be asked
    owner_count: int = 0
    error: str | None = None
    refused: bool = False  # the dashboard refused (last owner, not a member)
    removed: bool = False

    @property
    def is_last_owner(self) -> bool:
        return self.user is not None and self.user.is_owner and self.owner_count <= 1


def _find(info: TeamInfo, email: str) -> TeamUser | None:
    wanted = email.casefold()
    return next((u for u in info.users if u.email.casefold() == wanted), None)


def _owners(info: TeamInfo) -> int:
    return sum(1 for u in info.users if u.role == TeamRole.OWNER)


def _cannot_remove(team: Team) -> str | None:
    """Why this team's API cannot remove users, or None when it can."""
    if Capability.REMOVE_USER in CAPABILITIES[Dialect(team.dialect)]:
        return None
    return gettext(
        "This team uses %(api)s, which cannot remove users: "
        "team membership is managed in Daily's own dashboard."
    ) % {"api": DIALECT_WORDS[Dialect(team.dialect)]}


def removal(team: Team, email: str) -> Removal:
    """The person a removal would remove, from the cached team info."""
    reason = _cannot_remove(team)
    if reason:
        return Removal(email=email, error=reason, refused=True)
    info = _mirrored_info(team)
    if info is None:
        return Removal(email=email, error=gettext(NOT_LOADED))
    user = _find(info, email)
    return Removal(email=email, user=to_row(user) if user else None, owner_count=_owners(info))


def remove_user(*, actor: User, team: Team, email: str, request_id: str = "") -> Removal:
    """Remove a user from the Daily team; refuses to remove its last owner.

    The check reads fresh team info inside the audited operation: the cached copy may be
    stale, and a refusal is audited like any other failure. The cache is invalidated
    whatever happened.
    """
    seen: dict[str, UserRow] = {}

    def operation(client: DailyClient) -> None:
        if not client.supports(Capability.REMOVE_USER):
            client.remove_user(email)  # raises Unsupported, before any HTTP
        info = client.team_info()
        user = _find(info, email)
        if user is None:
            raise Refused(
                gettext_noop("%(email)s is not a member of the Daily team %(team)s."),
                {"email": email, "team": team.name},
            )
        seen["user"] = row = to_row(user)
        if row.is_owner and _owners(info) <= 1:
            raise Refused(LAST_DAILY_OWNER, {"who": row.label, "team": team.name})
        client.remove_user(user.email)

    try:
        perform(
            actor=actor,
            team=team,
            permission=Permission.REMOVE_USERS,
            action=AuditAction.USER_REMOVE,
            target=email,
            operation=operation,
            request_id=request_id,
        )
    except Refused as exc:
        return Removal(email=email, user=seen.get("user"), error=exc.shown, refused=True)
    except Unsupported as exc:
        return Removal(email=email, error=exc.message, refused=True)
    except DailyError as exc:
        return Removal(email=email, user=seen.get("user"), error=describe(exc, team))
    finally:
        rooms_services.invalidate(team)
    _forget_user(team, email)
    return Removal(email=email, user=seen["user"], removed=True)


def _mirrored_info(team: Team) -> TeamInfo | None:
    """The team info (users, invite link) as the rooms mirror last stored it: no Daily
    call. None before the worker's first refresh, which this asks for."""
    info = rooms_mirror.team_info(team)
    if info is None:
        rooms_mirror.ensure_started(team)
    return info


def _forget_user(team: Team, email: str) -> None:
    """Write-through of a removal Daily confirmed: the mirrored team info no longer lists
    the user, so the users page shows the change at once."""
    state = rooms_mirror.state(team)
    if not state.team_info:
        return
    wanted = email.casefold()
    users = [u for u in state.team_info.get("users", []) if u["email"].casefold() != wanted]
    state.team_info = {**state.team_info, "users": users}
    state.save(update_fields=["team_info"])
