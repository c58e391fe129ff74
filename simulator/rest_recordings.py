"""Rest dialect: cloud recordings.

Reference: docs.daily.co/reference/rest-api/recordings and its pages:
- `GET /recordings` (list-recordings): `{total_count, data}`, "sorted by created_at time
  in reverse chronological order" (here: start_ts, then creation order), at most 100 a
  call; `limit`, `starting_after`, `ending_before`, `room_name`. `total_count` counts
  every match. As for rooms here: an unknown cursor is a 400, a deleted recording stays a
  valid cursor, a limit above 100 is capped.
- `GET /recordings/:id` (get-recording-information): the recording object
  (recordings/config: id, room_name, start_ts, status, max_participants, duration (not
  while in progress), share_token, s3key, mtgSessionId, tracks on raw-tracks).
- `GET /recordings/:id/access-link` (get-recording-link): `{download_link, expires}`, a
  new signed link per call, `valid_for_secs` default 3600; for a recording in the
  customer's bucket at least 15 minutes and at most 12 hours, else a 400. The link points
  at this simulator (`/_sim/recording-files/<id>.mp4`), which serves a few bytes as an
  attachment while the signature and expiry hold.
- `DELETE /recordings/:id` (delete-recording): `{deleted: true, id}`; a recording in the
  customer's own bucket: only Daily's reference goes, and the answer names the bucket
  (`s3_bucket`, `s3_region`, `s3_key`, `storage_provider: "aws"`, as Daily's OpenAPI
  1.1.1 types it). An unknown id: 404.
Rate limit: `GET /recordings` counts against the slow bucket (docs.daily.co/reference/
rest-api "Rate limits"), applied in server.py.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import TYPE_CHECKING, Any

from simulator.rest_rooms import NAME_RE, page_limit
from simulator.web import Request, Response, Route, invalid, not_found

if TYPE_CHECKING:
    from simulator.app import Simulator

LINK_DEFAULT = 3600
LINK_MAX = 12 * 3600
LINK_MIN_OWN_BUCKET = 15 * 60
FILE_PATH = "/_sim/recording-files/"
PUBLIC_KEYS = (
    "id",
    "room_name",
    "start_ts",
    "status",
    "max_participants",
    "duration",
    "share_token",
    "s3key",
    "mtgSessionId",
    "tracks",
)


def recording_json(rec: dict[str, Any]) -> dict[str, Any]:
    # `bucket` and `deleted` are the simulator's own bookkeeping, never sent.
    return {key: rec[key] for key in PUBLIC_KEYS if key in rec}


def _order(rec: dict[str, Any]) -> tuple[int, str]:
    return (int(rec["start_ts"]), rec["id"])


def _all(sim: Simulator) -> list[dict[str, Any]]:
    """Every recording, deleted ones included (cursors), newest first."""
    return sorted(sim.rest.recordings.values(), key=_order, reverse=True)


def _live(sim: Simulator, rid: str) -> dict[str, Any]:
    rec = sim.rest.recordings.get(rid)
    if rec is None or rec.get("deleted"):
        raise not_found(f"recording {rid} not found")
    return rec


def list_recordings(sim: Simulator, req: Request) -> Response:
    # Reference: docs.daily.co/reference/rest-api/recordings/list-recordings
    limit = page_limit(req)
    room = req.query.get("room_name") or None
    if room is not None and not NAME_RE.fullmatch(room):
        raise invalid("room_name is not a valid room name")
    after, before = req.query.get("starting_after"), req.query.get("ending_before")
    every = _all(sim)
    if after or before:
        cursor = after or before
        known = sim.rest.recordings.get(cursor or "")
        if known is None:
            raise invalid(
                f"{'starting_after' if after else 'ending_before'}: no recording with id {cursor}"
            )
        key = _order(known)
        every = [r for r in every if (_order(r) < key if after else _order(r) > key)]
    matches = [
        r for r in every if not r.get("deleted") and (room is None or r["room_name"] == room)
    ]
    total = sum(
        1
        for r in sim.rest.recordings.values()
        if not r.get("deleted") and (room is None or r["room_name"] == room)
    )
    # ending_before: the `limit` recordings just newer than the cursor, still newest first.
    page = matches[-limit:] if before and not after else matches[:limit]
    return Response(body={"total_count": total, "data": [recording_json(r) for r in page]})


def get_recording(sim: Simulator, req: Request) -> Response:
    # Reference: docs.daily.co/reference/rest-api/recordings/get-recording-information
    return Response(body=recording_json(_live(sim, req.params["id"])))


def _signature(sim: Simulator, rid: str, expires: int, nonce: str) -> str:
    message = f"recording|{rid}|{expires}|{nonce}".encode()
    return hmac.new(sim.token_secret, message, hashlib.sha256).hexdigest()


def access_link(sim: Simulator, req: Request) -> Response:
    # Reference: docs.daily.co/reference/rest-api/recordings/get-recording-link
    rec = _live(sim, req.params["id"])
    raw = req.query.get("valid_for_secs")
    try:
        valid = LINK_DEFAULT if raw in (None, "") else int(raw or "")
    except ValueError:
        raise invalid("valid_for_secs must be an integer") from None
    low = LINK_MIN_OWN_BUCKET if rec.get("bucket") else 1
    if not low <= valid <= LINK_MAX:
        raise invalid(f"valid_for_secs must be between {low} and {LINK_MAX}")
    expires = int(sim.now()) + valid
    host = req.headers.get("host") or f"{sim.cfg.host}:{sim.cfg.port}"
    # A new link per call, as Daily "creates and returns" one: a nonce in the signature.
    nonce = secrets.token_hex(8)
    link = (
        f"http://{host}{FILE_PATH}{rec['id']}.mp4?expires={expires}&nonce={nonce}"
        f"&signature={_signature(sim, rec['id'], expires, nonce)}"
    )
    return Response(body={"download_link": link, "expires": expires})


def serve_file(sim: Simulator, req: Request) -> Response:
    """The "file" an access link names: a few bytes, as an attachment."""
    name = req.params["file"]
    rid = name[:-4] if name.endswith(".mp4") else ""
    try:
        expires = int(req.query.get("expires", ""))
    except ValueError:
        expires = -1
    given = req.query.get("signature", "")
    nonce = req.query.get("nonce", "")
    with sim.lock:
        rec = sim.rest.recordings.get(rid) if NAME_RE.fullmatch(rid or "-") else None
        alive = rec is not None and not rec.get("deleted")
        now = sim.now()
    good = (
        alive and hmac.compare_digest(given, _signature(sim, rid, expires, nonce)) and expires > now
    )
    if not good:
        return Response(403, raw=b"AccessDenied", content_type="text/plain")
    return Response(
        raw=b"\x00\x00\x00\x18ftypmp42simulated recording " + rid.encode(),
        content_type="video/mp4",
        headers={"Content-Disposition": f'attachment; filename="{rid}.mp4"'},
    )


def delete_recording(sim: Simulator, req: Request) -> Response:
    # Reference: docs.daily.co/reference/rest-api/recordings/delete-recording
    rec = _live(sim, req.params["id"])
    rec["deleted"] = True
    body: dict[str, Any] = {"deleted": True, "id": rec["id"]}
    bucket = rec.get("bucket")
    if bucket:
        body.update(
            s3_bucket=bucket["bucket_name"],
            s3_region=bucket["bucket_region"],
            s3_key=rec.get("s3key"),
            storage_provider="aws",
        )
    return Response(body=body)


RECORDING_LIST_PATH = "/v1/recordings"  # its GET has the slow limit (server.py)

ROUTES: list[Route[Simulator]] = [
    Route("GET", RECORDING_LIST_PATH, list_recordings, "rest"),
    Route("GET", "/v1/recordings/{id}", get_recording, "rest"),
    Route("GET", "/v1/recordings/{id}/access-link", access_link, "rest"),
    Route("DELETE", "/v1/recordings/{id}", delete_recording, "rest"),
    Route("GET", FILE_PATH + "{file}", serve_file, "control", locked=False),
]
