"""Hypothesis strategies for hostile input: form values, query strings and JSON bodies."""

from __future__ import annotations

import string

from django import forms
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

# Function-scoped fixtures (db, clients, the simulator) are set up once per test, and the
# examples share them: that is intended here, each example must leave them usable.
FUZZ = settings(
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
    print_blob=True,
)
# For targets whose examples each cost an HTTP round trip (a view, a mocked client call).
FUZZ_SLOW = settings(FUZZ, max_examples=50)
# For whole pages through the test client; the sweeps of test_fuzz_views add the edges.
FUZZ_PAGES = settings(FUZZ, max_examples=30)

# Characters that have hurt web applications: NUL and other controls, bidi overrides and
# marks, zero-width and byte-order marks, fullwidth and other non-ASCII digits, combining
# marks, characters outside the BMP, and what means something in a URL, HTML or SQL.
ODD_CHARACTERS = [
    "\x00",
    "\x01",
    "\x7f",
    "\t",
    "\n",
    "\r",
    "\u200b",
    "\u200e",
    "\u200f",
    "\u202e",
    "\u2066",
    "\ufeff",
    "\ufffd",
    "\u0301",
    "\u0661",  # ARABIC-INDIC DIGIT ONE
    "\uff11",  # FULLWIDTH DIGIT ONE
    "\U0001f600",
    "\U0010ffff",
    "%",
    "/",
    "\\",
    "..",
    "<",
    ">",
    "'",
    '"',
    "&",
    ";",
    "=",
    "+",
    "@",
    "#",
    "?",
]
ODD_STRINGS = [
    "",
    " ",
    "\x00",
    "../../etc/passwd",
    "..%2F..%2F",
    "%00",
    "%FF%FE",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "=cmd|' /C calc'!A0",
    "\u202egnp.exe",
    "\uff53\uff54\uff41\uff4e\uff44\uff55\uff50",  # "standup" in fullwidth letters
    "İstanbul",
    "ß",
    "NaN",
    "Infinity",
    "-Infinity",
    "1e309",
    "-1e309",
    "0x10",
    "1_000",
    "99999999999999999999999999999999",
    "-99999999999999999999999999999999",
    "-0",
    "0",
    "1.5",
    "2024-02-30",
    "0000-00-00",
    "0001-01-01",
    "9999-12-31",
    "10000-01-01",
    "2024-13-01",
    "0001-01-01T00:00",
    "9999-12-31T23:59",
    "9999-12-31T23:59:59",
    "2024-03-31T02:30",  # a time that does not exist in Europe/Paris (DST gap)
    "2024-10-27T02:30",  # a time that exists twice in Europe/Paris
    "2024-01-01T00:00:00+99:00",
    "2024-01-01T00:00Z",
    "1970-01-01",
    "true",
    "false",
    "on",
    "null",
    "None",
    "[]",
    "{}",
    "public",
    "private",
    "org",
    "owner",
    "admin",
    "manager",
    "standup",
    "a" * 129,
    "x@example.com",
    "@",
    "a@b",
    "a@b.c" * 60,
]

odd_text = st.lists(
    st.one_of(st.sampled_from(ODD_CHARACTERS), st.text(max_size=3)), max_size=12
).map("".join)
huge_text = st.builds(
    lambda piece, n: (piece * n)[:20_000],
    st.sampled_from(["a", "1", "\x00", "\u202e", "é", "\U0001f600", "-_", "9", " "]),
    st.integers(min_value=1_000, max_value=20_000),
)
numbers = st.one_of(
    st.integers().map(str),
    st.integers(min_value=-(10**40), max_value=10**40).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.decimals(allow_nan=True).map(str),
)
dates = st.one_of(
    st.dates().map(lambda d: d.isoformat()),
    st.datetimes().map(lambda d: d.strftime("%Y-%m-%dT%H:%M")),
    st.datetimes().map(lambda d: d.strftime("%Y-%m-%d %H:%M")),
    st.datetimes().map(lambda d: d.isoformat()),
)

# One value of a form field or a query parameter.
value = st.one_of(
    st.text(),  # any unicode (Hypothesis never draws surrogates here)
    odd_text,
    st.sampled_from(ODD_STRINGS),
    numbers,
    dates,
    huge_text,
)


# Dates and times at the edges of the calendar: converted to UTC from a far time zone,
# they overflow Python's datetime.
EDGE_DAYS = ["0001-01-01", "0001-01-02", "9999-12-30", "9999-12-31"]
_edge_days = st.sampled_from(EDGE_DAYS)
_edge_times = st.sampled_from([f"{d}T{t}" for d in EDGE_DAYS for t in ("00:00", "12:00", "23:59")])
edge_dates = st.one_of(_edge_days, _edge_days, dates)
edge_datetimes = st.one_of(_edge_times, _edge_times, dates)


def field_value(field: forms.Field | None) -> st.SearchStrategy[str]:
    """Hostile values, weighted toward what the field expects so validation goes deep."""
    if isinstance(field, forms.DateTimeField):
        typed = edge_datetimes
    elif isinstance(field, forms.DateField):
        typed = edge_dates
    elif isinstance(field, forms.IntegerField):
        typed = numbers
    elif isinstance(field, forms.BooleanField):
        typed = st.sampled_from(["on", "true", "1", "0", "false", ""])
    elif isinstance(field, forms.ChoiceField):
        choices = [str(v) for v, _label in field.choices if not isinstance(_label, list | tuple)]
        typed = st.sampled_from(choices) if choices else value
    else:
        typed = st.one_of(st.text(max_size=40), st.sampled_from(ODD_STRINGS))
    return st.one_of(typed, typed, typed, value)


def form_data(fields, *, extra: tuple[str, ...] = ()) -> st.SearchStrategy[dict]:
    """Some of a form's fields (and unknown ones) with hostile values, as a dict.

    `fields` is a form's `fields` mapping (values weighted by type) or a list of names.
    """
    known = dict(fields) if isinstance(fields, dict) else dict.fromkeys(fields)
    names = sorted(set(known) | set(extra) | {"unknown", "csrfmiddlewaretoken"})
    return st.fixed_dictionaries(
        {}, optional={name: field_value(known.get(name)) for name in names}
    )


def near_valid(base: dict, fields) -> st.SearchStrategy[dict]:
    """A valid submission with one to three fields replaced by hostile values: it passes
    the other checks, so the hostile value reaches the deepest code that reads it."""
    known = dict(fields) if isinstance(fields, dict) else dict.fromkeys(fields)
    names = sorted(set(known) | set(base))

    @st.composite
    def build(draw):
        data = dict(base)
        for name in draw(st.lists(st.sampled_from(names), min_size=1, max_size=3, unique=True)):
            data[name] = draw(field_value(known.get(name)))
        return data

    return build()


def submissions(fields, base: dict | None = None, **kwargs) -> st.SearchStrategy[dict]:
    """Half anything at all, half near a valid submission (when one is given)."""
    anything = form_data(fields, **kwargs)
    return anything if base is None else st.one_of(anything, near_valid(base, fields))


def query(names) -> st.SearchStrategy[list[tuple[str, str]]]:
    """Query-string pairs: the known parameters (repeated at times) and strangers."""
    keys = st.one_of(st.sampled_from(sorted(names)), st.text(max_size=8))
    return st.lists(st.tuples(keys, value), max_size=8)


# -- JSON shapes -----------------------------------------------------------------------

# Keys the parsers of daily/ look for, so the shapes reach past the first check.
KNOWN_KEYS = [
    "name", "privacy", "config", "properties", "url", "id", "created_at", "api_created",
    "participant_id", "join_time", "duration", "user_id", "user_name", "start_time",
    "ongoing", "participants", "room", "max_participants", "data", "total_count",
    "session_id", "joinTime", "userId", "userName", "uuid", "eventTypes", "event_types",
    "hmac", "state", "failed_count", "failedCount", "domain_name", "domain_id", "token",
    "rooms", "users", "teamInviteLink", "email", "role", "avatarSrc", "mtgStart", "mtgEnd",
    "mtgJoin", "mtgLeave", "meetings", "moreResults", "error", "info", "message", "deleted",
    "updated", "deleted_count", "ejectedIds", "nbf", "exp", "enable_chat", "sip", "sip_uri",
    "recordings_bucket", "geo", "enable_recording", "lang", "dialInPIN", "room_name",
    "is_owner", "permissions", "display_name", "sip_mode", "video", "num_endpoints", "codecs",
    "endpoint", "bucket_name", "bucket_region", "assume_role_arn", "allow_api_access",
    "eject_after_elapsed", "start_video_off",
]  # fmt: skip
json_leaf = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.sampled_from(ODD_STRINGS),
    st.sampled_from(
        [
            "2024-01-01T00:00:00Z",
            "2024-01-01T00:00:00.000Z",
            "1700000000",
            "9" * 40,
            "-" + "9" * 40,
            "cloud",
            "eu-central-1",
            "dial-in",
            "owner",
            "member",
            "public",
            "org",
            "private",
            "true",
        ]
    ),
)
json_keys = st.one_of(st.sampled_from(KNOWN_KEYS), st.text(max_size=6))
json_values = st.recursive(
    json_leaf,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(json_keys, children, max_size=6),
    ),
    max_leaves=25,
)
json_objects = st.dictionaries(json_keys, json_values, max_size=8)
json_any = st.one_of(json_objects, json_values)

# Characters a URL path segment may carry to a view (what the test client can encode).
path_text = st.text(alphabet=string.ascii_letters + string.digits + "-_.~%", max_size=40)

# Near-valid shapes of each answer: the right keys, values of any type (weighted toward
# plausible ones), so generation gets past the first check and into the arithmetic.
times = st.one_of(
    st.integers(min_value=-(2**40), max_value=2**40),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(
        [
            "2025-03-01T10:00:00Z",
            "2025-03-01T10:00:00.000Z",
            "9999-12-31T23:59:59Z",
            "0001-01-01T00:00:00+14:00",
            "9999-12-31T23:59:59-12:00",
            "1740823200",
            "253402300799",
            "-62135596800",
        ]
    ),
    json_leaf,
)
durations = st.one_of(st.integers(min_value=-10, max_value=10**6), st.integers(), json_leaf)
names = st.one_of(st.sampled_from(["standup", "m-1", "p-1", "Team_Sync"]), json_leaf)


def _shape(required: dict, optional: dict | None = None) -> st.SearchStrategy[dict]:
    extra = st.dictionaries(json_keys, json_values, max_size=2)
    return st.builds(
        lambda fixed, more: {**more, **fixed},
        st.fixed_dictionaries(required, optional=optional or {}),
        extra,
    )


properties_config = st.fixed_dictionaries(
    {},
    optional={
        key: st.one_of(json_leaf, times, json_values)
        for key in ("nbf", "exp", "max_participants", "enable_chat", "geo", "enable_recording",
                    "lang", "sip", "sip_uri", "recordings_bucket", "eject_after_elapsed")
    },
)  # fmt: skip
rest_room = _shape(
    {"name": names},
    {
        "privacy": json_leaf,
        "config": st.one_of(properties_config, json_values),
        "url": json_leaf,
        "id": names,
        "created_at": times,
        "api_created": json_leaf,
    },
)
rest_participant = _shape(
    {"participant_id": names, "join_time": times},
    {"duration": durations, "user_id": names, "user_name": json_leaf},
)
rest_meeting = _shape(
    {"id": names, "room": names, "start_time": times},
    {
        "duration": durations,
        "ongoing": json_leaf,
        "max_participants": durations,
        "participants": st.one_of(st.lists(rest_participant, max_size=3), json_leaf),
    },
)
presence_entry = _shape(
    {"id": names, "joinTime": times},
    {"room": names, "userId": names, "userName": json_leaf, "duration": durations},
)
rest_presence = st.one_of(
    st.dictionaries(names.filter(lambda n: isinstance(n, str)), st.lists(presence_entry)),
    st.builds(lambda d: {"total_count": 1, "data": d}, st.dictionaries(st.text(), json_values)),
)
rest_webhook = _shape(
    {"uuid": names, "url": json_leaf},
    {"eventTypes": json_values, "hmac": json_leaf, "state": json_leaf, "failedCount": durations},
)
rest_domain = _shape({"domain_name": names}, {"domain_id": json_leaf, "config": json_values})
domains_team = _shape(
    {},
    {
        "name": names,
        "teamInviteLink": json_leaf,
        "rooms": st.lists(_shape({"name": names}, {"dialInPIN": json_leaf}), max_size=3),
        "users": st.one_of(
            st.dictionaries(
                st.text(max_size=10),
                _shape({}, {"email": json_leaf, "name": json_leaf, "role": json_leaf}),
                max_size=3,
            ),
            st.lists(_shape({"email": json_leaf}, {"role": json_leaf}), max_size=3),
            json_leaf,
        ),
    },
)
domains_participant = _shape({"mtgJoin": times}, {"email": json_leaf, "mtgLeave": times})
domains_meetings = _shape(
    {
        "meetings": st.lists(
            _shape(
                {"room": names, "mtgStart": times},
                {"mtgEnd": times, "participants": st.lists(domains_participant, max_size=3)},
            ),
            max_size=3,
        )
    },
    {"moreResults": json_leaf},
)
near_valid_json = st.one_of(
    rest_room,
    rest_participant,
    rest_meeting,
    rest_presence,
    rest_webhook,
    rest_domain,
    domains_team,
    domains_meetings,
    properties_config,
)
