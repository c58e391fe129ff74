"""How far the worker has loaded a team from Daily, as the overview and users pages say it.

Both pages read the rooms mirror (`rooms.mirror`): a domains team's users and invite link,
and every team's room count. Until the worker's first fill lands, there is nothing to
count: the pages say the team is loading (with the rooms loaded so far), not that Daily
reported nothing. When the worker's last attempt failed, they show its error and a retry
(`retry`, the pages' "Try again"), which asks the worker again.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.utils.formats import number_format
from django.utils.translation import gettext, gettext_noop, ngettext
from kombu.exceptions import KombuError

from rooms import mirror as rooms_mirror
from rooms.models import MirrorState, RoomMirror
from teams.models import Team

logger = logging.getLogger(__name__)

# How long a page waits (polling) for the worker to answer a retry asked for from it; a
# worker that is down never answers.
RETRY_WAIT_SECONDS = 120
POLL_SECONDS = 3
# Marked here, translated where used (in the language of the page that shows them).
QUEUE_FAILED = gettext_noop("The background worker could not be reached. Try again in a moment.")
AUTH_REFUSED = gettext_noop(
    "Daily refused the team's API token. An owner can change it in the team settings; "
    "loading starts again then."
)


@dataclass(frozen=True)
class MirrorStatus:
    state: str  # rooms.models.MirrorState
    loaded: int = 0  # rooms loaded so far (while filling)
    at_daily: int | None = None  # Daily's count of them, once the first page said it
    error: str = ""  # the worker's last attempt failed: what Daily answered (unescaped)
    blocked: bool = False  # Daily refused the token: nothing is tried until it changes
    waiting: bool = False  # a retry asked for from this page has not landed yet
    has_token: bool = True
    # When the pages' figures were last read from Daily: with an error, the pages show
    # them as of then and state the failure; they asked Daily nothing themselves.
    as_of: datetime | None = None
    failed_at: datetime | None = None

    @property
    def stale(self) -> bool:
        """The worker's last refresh failed, the figures of the one before are shown."""
        return bool(self.error) and not self.loading

    @property
    def loading(self) -> bool:
        return self.state != MirrorState.READY

    @property
    def progress(self) -> str:
        """ "1,200 of 20,000 rooms loaded so far", once the fill has stored a page."""
        if self.state != MirrorState.FILLING or not (self.loaded or self.at_daily):
            return ""
        count = self.at_daily or self.loaded
        loaded = number_format(self.loaded, force_grouping=True)
        if self.at_daily is None:
            return ngettext(
                "%(loaded)s room loaded so far", "%(loaded)s rooms loaded so far", count
            ) % {"loaded": loaded}
        return ngettext(
            "%(loaded)s of %(total)s room loaded so far",
            "%(loaded)s of %(total)s rooms loaded so far",
            count,
        ) % {"loaded": loaded, "total": number_format(self.at_daily, force_grouping=True)}

    @property
    def poll_seconds(self) -> int | None:
        """Ask again while something is on its way: the first fill, or a retry."""
        if not self.has_token or self.blocked:
            return None
        if self.waiting or (self.loading and not self.error):
            return POLL_SECONDS
        return None


def status(team: Team, mirror: RoomMirror, *, asked_at: float | None = None) -> MirrorStatus:
    """The mirror's state in a page's words. `asked_at`: when this page asked for a retry
    (unix seconds), if it did: the page polls until the worker has answered since."""
    loaded, at_daily = 0, None
    if mirror.state == MirrorState.FILLING:
        loaded, at_daily = mirror.walk_seen, mirror.total_count
        if at_daily is not None:
            at_daily = max(at_daily, loaded)
    answered = [
        t for t in (mirror.refreshed_at, mirror.filled_at, mirror.last_error_at) if t is not None
    ]
    waiting = asked_at is not None and all(t.timestamp() < asked_at for t in answered)
    blocked = rooms_mirror.blocked(team, mirror)
    return MirrorStatus(
        state=mirror.state,
        loaded=loaded,
        at_daily=at_daily,
        error=gettext(AUTH_REFUSED) if blocked else mirror.current_error,
        blocked=blocked,
        waiting=waiting and not blocked,
        has_token=team.has_token,
        as_of=mirror.refreshed_at or mirror.filled_at,
        failed_at=mirror.last_error_at,
    )


def asked_at(value: str | None) -> float | None:
    """The `after` of a page's URL (unix seconds) if it is recent: the page then polls
    until the worker has answered the retry it asked for."""
    try:
        asked = float(value or "")
    except ValueError:
        return None
    now = time.time()
    return asked if now - RETRY_WAIT_SECONDS <= asked <= now + 5 else None


def start_if_empty(team: Team, mirror: RoomMirror) -> str:
    """Ask for the first fill of an empty mirror; the words to show if the broker cannot
    be reached (the page shows, it does not fail)."""
    if mirror.state != MirrorState.EMPTY:
        return ""
    return _queue(lambda: rooms_mirror.ensure_started(team))


def retry(team: Team) -> str:
    """The "Try again": a filled mirror reads Daily's newest rooms again; one still loading
    resumes its fill now rather than at the dispatcher's next round (`request_refresh`
    decides). The words to show if the broker cannot be reached, else ""."""
    return _queue(lambda: rooms_mirror.request_refresh(team))


def _queue(ask: Callable[[], None]) -> str:
    try:
        ask()
    except (OSError, KombuError):
        logger.warning("rooms mirror: the broker refused a message", exc_info=True)
        return gettext(QUEUE_FAILED)
    return ""
