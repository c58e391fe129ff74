"""A standalone Daily API simulator: both dialects of daily-api/CONTRACT.md, seeded data, faults.

Standard library only, and independent of the dashboard (DESIGN.md rule 3):
it re-implements the contract so that it can catch the client's mistakes.
Run `python -m simulator --help`; tests start it with tests/support/simulator.py.

Modules, in layers: a module imports only from its own layer or the ones
below it (tests/test_architecture.py checks it).
1. `clock`, `config`, `state` (what API calls change, and its JSON form),
   `faults`, `web` (requests, responses, routing; a handler's context is a
   type parameter, so it knows nothing of the `Simulator`), `outbound`
   (signed POSTs to webhook URLs);
2. `seed`, `history` (generated meetings), `observe` (what is visible now),
   `formats`, `room_props`;
3. `app` (the `Simulator` object);
4. the handlers `domains_api`, `rest_rooms`, `rest_meetings`, `rest_recordings`, `tokens`,
   `webhooks`, `control` (`/_sim/`), `avatars` (the domains users' pictures,
   served here so nothing reaches outside), and `delivery` (the webhook loop,
   which `app` knows only as the `WebhookDispatcher` protocol);
5. `server` (the route table and the HTTP pipeline);
6. `__main__` (the command line).

Teams: `demo-team` (domains, under `/domains/by-name/demo-team`, base URL =
server root) and `demo-rest` (rest, base URL = root + `/v1`). Room URLs are
`https://<team>.daily.co/<room>`.

Data. History is a pure function of (seed, team, day, --scale, --rooms): see
history.py. It spans the 90 days before the start day, onwards forever as the
clock moves. `--scale 1` (demo) gives about 6,100 meetings and 51,000 (domains)
/ 59,000 (rest) sessions per team; `--scale 45` (config.BENCHMARK_SCALE)
gives about 141,000 meetings and 1.14 M / 1.39 M sessions per team.

Guarantees and decisions where the contract is silent:
- Natural keys are unique. Domains: no two meetings of a room share an
  `mtgStart` minute (one start per room and minute, rooms never overlap);
  no two sessions of a meeting share (email, `mtgJoin` minute): a colliding
  session joins a minute later, or is dropped if the meeting is over by then.
  Rest: meeting ids and participant ids are unique UUIDs.
- Domains: `mtgStart` is the second join and `mtgEnd` the next-to-last
  leave (the 2018 OpenAPI file): every meeting has two people or more, and
  its first person may join before `mtgStart` and leave after `mtgEnd`,
  alone. An ongoing meeting (anyone still in) has `mtgEnd: null`; a
  participant still in has `mtgLeave: null`. The window applies to the
  shown (minute) `mtgStart`. `dialInPIN` is 6 digits.
  Bad JSON gets the endpoint's own error message (e.g. "invalid time range").
  Unknown paths answer 404. No rate limits (only the 429 fault).
  A removed user's history keeps their email.
- Rest: a participant still in a meeting has the time so far as `duration`
  (Daily: it "will always contain valid data"), like an ongoing meeting's
  `duration`. Times lie on a 15-second grid (ejections too). Without a token
  user id, `user_id` is null for some sessions and the participant_id for
  others (both happen); presence's `userId` is null then. With the domain's
  `hipaa` flag (`POST /_sim/domain-config`), a non-UUID `user_id` reads
  `"hipaa"`. The participants endpoint answers 404 past its last page.
- Rest: a header other than `Bearer <key>` is a 400 `invalid-request-error`
  "bad Authorization header format"; none at all a 400
  `authorization-header-error`.
- Rest meetings list at most 100 participants inline (first by join_time);
  the rest come from `/meetings/<id>/participants`. `no_participants=true`
  omits the key; `ongoing=true` keeps ongoing meetings only.
- `limit` above 100 is capped to 100; an unknown cursor is a 400; a room
  deleted between two pages stays a valid cursor.
- `POST /batch/rooms` is all-or-nothing, at most 1000 rooms, and answers a
  bare array of rooms (the OpenAPI document's type).
- An expired room looks deleted: gone from the list, 404 on GET, and 404 with
  `deleted: true` on DELETE. Its meetings stop taking joins at `exp`; people
  already in stay unless `eject_at_room_exp`. Deleting a room ends its live
  meeting at once; no generated meeting happens in it afterwards.
- `max_participants` is 1..200; a property set to its default or to null
  disappears from `config`.
- Meeting tokens are HS256 JWTs with Daily's short claim names, signed with a
  secret derived from the seed (they survive restarts). No `room_name` means
  every room.
- Eject acts on participants present now; `ban` keeps that user_id out for
  the rest of that meeting.
- Webhooks: see webhooks.py and delivery.py (a test request before every
  create or update; `circuit-breaker` FAILED after 3 consecutive failures,
  `exponential` retried up to 5 times over about 15 minutes).
- Rate limits count accepted requests per API key in real time;
  `DELETE /rooms/<name>` has its own bucket. No Retry-After unless the
  `retry_after` fault switch sets one.
- Rest recordings (rest_recordings.py): a dozen rooms have 2 to 6 each, from
  their own random stream; the first room's are in the customer's own bucket
  (DELETE names it); the newest one is in progress. `GET /recordings` has
  its own bucket at the `DELETE /rooms/<name>` limit. Access links point at
  `/_sim/recording-files/`, which checks their signature and expiry.
- Rest domain configuration (rest_domain.py): `GET /` shows every documented
  default merged with what `POST /` set (only values that differ from a
  default are kept); types, options and the file-name templates are checked;
  `hipaa` and `intercom_auto_record` are read-only (hipaa switches at
  `/_sim/domain-config`); null resets a property.
- Rest logs (rest_logs.py): `GET /logs` by `mtgSessionId` gives one metrics
  sample per participant every 15 s while two or more are in the call,
  deterministic per session (about one in four on a poor network: heavy loss
  or a long round trip); `userSessionId` alone finds nothing.
- A --state file's clock and fault switches win over --now (rate limits
  follow the command line).
"""
