"""The seeded world: who is on each team and which rooms exist, as a pure function of the seed.

`profiles()` is what the history generator needs (room names, people); it never
changes while the process runs. `initial_state()` builds the mutable state a
fresh simulator (or `POST /_sim/reset`) starts from.
"""

from __future__ import annotations

import base64
import itertools
import random
from dataclasses import dataclass

from simulator.clock import DAY, iso_ms
from simulator.config import SimConfig
from simulator.state import RoomRecord, SimState, TeamState, new_uuid

# Rooms whose meetings are chained back to back all day, so that at any
# simulated instant a few meetings are live (presence, ongoing, webhooks).
CHAINED_ROOMS = ("lobby", "help-desk")
BIG_ROOM = "all-hands"  # rest team: a few meetings with more than 100 participants
CURATED_ROOMS = (
    "standup",
    "design-review",
    "eng-sync",
    "sales-demo",
    "customer-onboarding",
    "retro",
    "Team_Sync",
    "board-room",
    "interview-a",
    "interview-b",
    "office-hours",
    "product-triage",
    "hiring-panel",
    "qa-war-room",
    "ops-oncall",
    "coffee-chat",
    "marketing",
    "support-escalations",
    "1-on-1-ana",
    "partners",
)
ADJECTIVES = ("amber", "brisk", "calm", "dusty", "eager", "fuzzy", "glad", "hazy", "icy", "jolly")
NOUNS = ("otter", "falcon", "maple", "harbor", "comet", "meadow", "canyon", "lantern", "willow")

# (email, name or None for "no name key", has avatar, role). Names cover accents,
# CJK, right-to-left, an empty name and markup that must be escaped.
DOMAINS_USERS: tuple[tuple[str, str | None, bool, str], ...] = (
    ("ana.garcia@example.com", "Ana García", True, "owner"),
    ("kwindla@example.com", "Kwindla Kramer", True, "owner"),
    ("jose.alvarez@example.com", "José Álvarez", True, "member"),
    ("zoe@example.com", "Zoë Brontë", False, "member"),
    ("francois@example.com", "François Lefèvre", True, "member"),
    ("lukasz@example.com", "Łukasz Żółć", False, "member"),
    ("taro.yamada@example.jp", "山田 太郎", True, "member"),
    ("li.xiaolong@example.cn", "李小龙", False, "member"),
    ("minjun.kim@example.kr", "김민준", True, "member"),
    ("layla@example.com", "ليلى حسن", True, "member"),
    ("empty.name@example.com", "", True, "member"),
    ("mallory@example.com", "<script>alert(1)</script>", True, "member"),
    ("nameless@example.com", None, True, "member"),
    ("no.profile@example.com", None, False, "member"),
    ("dev+ops@example.com", None, False, "owner"),
    ("priya.patel@example.com", "Priya Patel", True, "member"),
    ("olu.adeyemi@example.com", "Olúwásẹ̀gun Adéyẹmí", True, "member"),
    ("sven@example.se", "Sven Ångström", False, "member"),
    ("maria.rossi@example.it", "Maria Rossi", True, "member"),
    ("chen.wei@example.com", "陈伟", True, "member"),
    ("dmitri@example.com", "Дмитрий Иванов", True, "member"),
    ("o'brien@example.ie", "Siobhán O'Brien", True, "member"),
    ("hannah.mueller@example.de", "Hannah Müller", False, "member"),
    ("sam.lee@example.com", "Sam Lee", True, "member"),
    ("noor@example.com", "Noor Al-Farsi", True, "member"),
)

FIRST = ("Ana", "Ben", "Chloé", "Dev", "Émile", "Fatima", "Gus", "Hiro", "Inès", "Jon", "Kai")
LAST = ("Silva", "Okafor", "Nguyen", "Schmidt", "Rossi", "Tanaka", "Dubois", "Kowalski", "Ali")
TOKEN_USERS = 80  # rest: people whose meeting tokens carry a stable user_id ("u-0001")


@dataclass(frozen=True)
class TeamProfile:
    """The static facts the history generator needs about one team."""

    name: str
    dialect: str  # "domains" | "rest"
    rooms: tuple[str, ...]
    chained: tuple[str, ...]
    big_room: str | None
    regular: tuple[str, ...]
    regular_cum: tuple[float, ...]  # cumulative popularity weights of `regular`
    emails: tuple[str, ...]  # domains: the users' emails
    token_users: tuple[tuple[str, str | None], ...]  # rest: (user_id, user_name)


def _rng(cfg: SimConfig, *parts: object) -> random.Random:
    return random.Random("|".join([cfg.seed, *map(str, parts)]))


def room_names(cfg: SimConfig, team: str, count: int, max_len: int) -> tuple[str, ...]:
    rng = _rng(cfg, team, "rooms")
    fixed = [*CHAINED_ROOMS, BIG_ROOM, *CURATED_ROOMS]
    names = [n for n in fixed if len(n) <= max_len][:count]
    pairs = list(itertools.product(ADJECTIVES, NOUNS))
    rng.shuffle(pairs)
    counter = itertools.count(1)
    seen = set(names)  # a set: a team of 100,000 rooms must start in seconds
    while len(names) < count:
        adjective, noun = pairs[len(names) % len(pairs)]
        name = f"{adjective}-{noun}-{next(counter)}"[:max_len]
        if name not in seen:
            seen.add(name)
            names.append(name)
    return tuple(names)


def _token_users(cfg: SimConfig, team: str) -> tuple[tuple[str, str | None], ...]:
    rng = _rng(cfg, team, "people")
    people: list[tuple[str, str | None]] = []
    for i in range(1, TOKEN_USERS + 1):
        # One in ten tokens was issued without a user_name: user_name is null.
        name = None if rng.random() < 0.1 else f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        people.append((f"u-{i:04d}", name))
    return tuple(people)


def profiles(cfg: SimConfig) -> dict[str, TeamProfile]:
    result: dict[str, TeamProfile] = {}
    for team, dialect in ((cfg.domains_team, "domains"), (cfg.rest_domain, "rest")):
        max_len = 35 - len(team) if dialect == "domains" else 128
        rooms = room_names(cfg, team, max(cfg.rooms, 1), max_len)
        chained = tuple(r for r in CHAINED_ROOMS if r in rooms)
        big = BIG_ROOM if dialect == "rest" and BIG_ROOM in rooms else None
        regular = tuple(r for r in rooms if r not in chained and r != big) or rooms
        # Zipf-like popularity: a few rooms carry most meetings, as in real teams.
        cum = tuple(itertools.accumulate(1.0 / (i + 1) ** 0.8 for i in range(len(regular))))
        result[team] = TeamProfile(
            name=team,
            dialect=dialect,
            rooms=rooms,
            chained=chained,
            big_room=big,
            regular=regular,
            regular_cum=cum,
            emails=tuple(u[0] for u in DOMAINS_USERS),
            token_users=_token_users(cfg, team),
        )
    return result


def _seed_rest_config(rng: random.Random, name: str, start_now: float) -> dict[str, object]:
    """A sparse config: most rooms keep the defaults, some differ in realistic ways."""
    config: dict[str, object] = {}
    roll = rng.random()
    if name == BIG_ROOM:
        config.update(enable_chat=True, enable_emoji_reactions=True, enable_recording="cloud")
    elif roll < 0.15:
        config.update(enable_chat=True, enable_knocking=True)
    elif roll < 0.25:
        config.update(max_participants=rng.choice((2, 10, 50)), start_video_off=True)
    elif roll < 0.32:
        config.update(
            enable_recording=rng.choice(("cloud", "local", "raw-tracks")), geo="eu-west-2"
        )
    elif roll < 0.37:
        config.update(lang=rng.choice(("fr", "de", "es", "jp")), enable_prejoin_ui=True)
    elif roll < 0.40:
        config["sip"] = {"display_name": "conference-line", "sip_mode": "dial-in", "video": False}
        config["sip"]["num_endpoints"] = 1  # type: ignore[index]
        config["sip_uri"] = {"endpoint": f"{name}@sip.daily.co"}
    elif roll < 0.43:
        # Expires a few days after the start: such a room leaves the list, and its
        # meetings stop, while the demo runs.
        config.update(exp=int(start_now) + rng.randrange(1, 5) * DAY, eject_at_room_exp=True)
    return config


def initial_state(cfg: SimConfig, start_now: float, history_start_day: int) -> SimState:
    profs = profiles(cfg)
    state = SimState(history_start_day=history_start_day)
    epoch = history_start_day * DAY
    for team, prof in profs.items():
        rng = _rng(cfg, team, "state")
        invite = base64.urlsafe_b64encode(rng.randbytes(9)).decode()
        team_state = TeamState(
            name=team,
            dialect=prof.dialect,
            domain_id=new_uuid(rng),
            invite_link=f"https://d.daily.co/?tk={invite}",
        )
        # Older rooms first, so the ordering by creation is the natural one.
        created = sorted(epoch - rng.randrange(3600, 400 * DAY) for _ in prof.rooms)
        for name, created_at in zip(prof.rooms, created, strict=True):
            state.seq += 1
            if prof.dialect == "domains":
                privacy = rng.choices(("org", "public", "private"), (6, 3, 1))[0]
                config: dict[str, object] = {}
            else:
                privacy = rng.choices(("public", "private"), (7, 3))[0]
                config = _seed_rest_config(rng, name, start_now)
            team_state.rooms[name] = RoomRecord(
                name=name,
                id=new_uuid(rng),
                privacy=privacy,
                created_at=float(created_at),
                seq=state.seq,
                api_created=rng.random() < 0.8,
                config=config,
                dial_in_pin=f"{rng.randrange(10**5, 10**6)}",
                seeded=True,
            )
        if prof.dialect == "domains":
            for email, name, avatar, role in DOMAINS_USERS:
                user: dict[str, object] = {"email": email, "role": role}
                if name is not None:
                    user["name"] = name
                if avatar:
                    # Made absolute, on the simulator's own host, per request (avatars.py).
                    user["avatarSrc"] = "/_sim/avatars/"
                # Undocumented extras, as the real API adds them: clients must ignore them.
                user["userId"] = new_uuid(rng)
                user["joinedTeam"] = iso_ms(epoch - rng.randrange(DAY, 700 * DAY))
                team_state.users[email] = user
        else:
            team_state.recordings = seed_recordings(cfg, team, prof.rooms, epoch, start_now)
            # The room whose recordings are in the customer's bucket says so in its config
            # (docs.daily.co/reference/rest-api/rooms/config: `recordings_bucket`).
            own = sorted(prof.rooms)[:1]
            if own and team_state.recordings:
                team_state.rooms[own[0]].config["recordings_bucket"] = {
                    **RECORDINGS_BUCKET,
                    "assume_role_arn": "arn:aws:iam::123456789012:role/DailyRecordings",
                    "allow_api_access": True,
                }
        state.teams[team] = team_state
    return state


# A few rooms of the rest team have recordings (also with --rooms 100000); the first of
# them stores its recordings in the customer's own S3 bucket.
RECORDED_ROOMS = 12
RECORDINGS_BUCKET = {"bucket_name": "demo-rest-recordings", "bucket_region": "eu-west-2"}


def seed_recordings(
    cfg: SimConfig, team: str, rooms: tuple[str, ...], epoch: float, start_now: float
) -> dict[str, dict[str, object]]:
    """The rest team's cloud recordings, from their own random stream (the other seeded
    data does not move). Reference: docs.daily.co/reference/rest-api/recordings/config:
    status "finished", "in-progress" or "canceled"; `duration` left out while in progress;
    `tracks` only on raw-tracks recordings."""
    rng = _rng(cfg, team, "recordings")
    found: dict[str, dict[str, object]] = {}
    for index, room in enumerate(sorted(rooms)[:RECORDED_ROOMS]):
        for _ in range(rng.randrange(2, 7)):
            start = int(epoch + rng.randrange(0, int(start_now - epoch) - 3 * 3600))
            rid = new_uuid(rng)
            session = new_uuid(rng)
            rec: dict[str, object] = {
                "id": rid,
                "room_name": room,
                "start_ts": start,
                "status": rng.choices(("finished", "canceled"), (12, 1))[0],
                "max_participants": rng.randrange(1, 9),
                "duration": rng.randrange(30, 5400),
                "share_token": base64.urlsafe_b64encode(rng.randbytes(9)).decode(),
                "s3key": f"{team}/{room}/{start}000",
                "mtgSessionId": session,
            }
            if rng.random() < 0.2:
                rec["tracks"] = [
                    {
                        "size": rng.randrange(10**5, 10**8),
                        "type": kind,
                        "s3key": f"{team}/{room}/{start}-{kind}",
                    }
                    for kind in ("audio", "video")
                ]
            if index == 0:
                rec["bucket"] = dict(RECORDINGS_BUCKET)
            found[rid] = rec
    # The newest recording of the last recorded room is still going on.
    if found:
        newest = max(found.values(), key=lambda r: int(str(r["start_ts"])))
        newest["status"] = "in-progress"
        newest["start_ts"] = int(start_now - 600)
        newest.pop("duration", None)
    return found
