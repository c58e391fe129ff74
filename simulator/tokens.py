"""Rest dialect: meeting tokens, as HS256 JWTs signed with the simulator's secret.

The payload uses Daily's short claim names (`r` for room_name, `o` for
is_owner, ...) so a client that tries to read a token instead of asking
`GET /meeting-tokens/<token>` gets no help. A token without `room_name` is
valid for every room (pipecat's docs); `user_id` is limited to 36 characters;
an `exp` in the past is refused at creation and makes validation fail later.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import math
from typing import TYPE_CHECKING, Any

from simulator.room_props import RECORDING
from simulator.web import Request, Response, Route, invalid

if TYPE_CHECKING:
    from simulator.app import Simulator

BOOL = "bool"
INT = "int"
TIME = "time"
STR = "str"
CLAIMS: dict[str, tuple[str, str]] = {
    "room_name": ("r", STR),
    "exp": ("exp", TIME),
    "nbf": ("nbf", TIME),
    "is_owner": ("o", BOOL),
    "user_name": ("u", STR),
    "user_id": ("ud", STR),
    "eject_at_token_exp": ("ejt", BOOL),
    "eject_after_elapsed": ("eje", INT),
    "enable_screenshare": ("ss", BOOL),
    "start_video_off": ("vo", BOOL),
    "start_audio_off": ("ao", BOOL),
    "enable_recording": ("er", STR),
    "enable_prejoin_ui": ("ep", BOOL),
    "start_cloud_recording": ("sr", BOOL),
    "permissions": ("p", "object"),
}
SHORT = {short: long for long, (short, _) in CLAIMS.items()}
USER_ID_MAX = 36


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _check(key: str, kind: str, value: Any) -> Any:
    if kind == BOOL and not isinstance(value, bool):
        raise invalid(f"{key} must be a boolean")
    if kind == STR and not isinstance(value, str):
        raise invalid(f"{key} must be a string")
    if kind in (INT, TIME):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise invalid(f"{key} must be a number")
        if not math.isfinite(value) or value < 0:
            raise invalid(f"{key} must be a positive number")
        return int(value)
    if kind == "object" and not isinstance(value, dict):
        raise invalid(f"{key} must be an object")
    return value


def sign(secret: bytes, claims: dict[str, Any]) -> str:
    header = _b64(json.dumps({"alg": "HS256", "typ": "JWT"}, separators=(",", ":")).encode())
    payload = _b64(json.dumps(claims, separators=(",", ":"), ensure_ascii=False).encode())
    mac = hmac.new(secret, f"{header}.{payload}".encode(), hashlib.sha256).digest()
    return f"{header}.{payload}.{_b64(mac)}"


def verify(secret: bytes, token: str) -> dict[str, Any] | None:
    """The claims of a token this simulator signed, or None for anything else."""
    parts = token.split(".")
    if len(parts) != 3:
        return None
    header, payload, signature = parts
    expected = hmac.new(secret, f"{header}.{payload}".encode(), hashlib.sha256).digest()
    try:
        if not hmac.compare_digest(_unb64(signature), expected):
            return None
        head = json.loads(_unb64(header))
        claims = json.loads(_unb64(payload))
    except (ValueError, binascii.Error):
        return None
    if not isinstance(head, dict) or head.get("alg") != "HS256" or not isinstance(claims, dict):
        return None
    return claims


def create_token(sim: Simulator, req: Request) -> Response:
    # Reference: docs.daily.co/reference/rest-api/meeting-tokens/create-meeting-token
    body = req.json_object()
    for key in body:
        if key != "properties":
            raise invalid(f"unknown parameter: {key}")
    props = body.get("properties", {})
    if not isinstance(props, dict):
        raise invalid("properties must be an object")
    now = sim.now()
    claims: dict[str, Any] = {}
    for key, value in props.items():
        if key not in CLAIMS:
            raise invalid(f"unknown property: {key}")
        if value is None:
            continue
        short, kind = CLAIMS[key]
        claims[short] = _check(key, kind, value)
    if "ud" in claims and len(claims["ud"]) > USER_ID_MAX:
        raise invalid(f"user_id must be at most {USER_ID_MAX} characters")
    if "er" in claims and claims["er"] not in RECORDING:
        raise invalid(f"enable_recording must be one of: {', '.join(RECORDING)}")
    if "exp" in claims and claims["exp"] <= now:
        raise invalid("exp was in the past")
    claims["d"] = sim.rest.domain_id
    claims["iat"] = int(now)
    sim.state.tokens_issued += 1
    return Response(body={"token": sign(sim.token_secret, claims)})


def validate_token(sim: Simulator, req: Request) -> Response:
    # Reference: docs.daily.co/reference/rest-api/meeting-tokens/validate-meeting-token
    claims = verify(sim.token_secret, req.params["token"])
    if claims is None or claims.get("d") != sim.rest.domain_id:
        raise invalid("token is not valid")
    exp = claims.get("exp")
    if isinstance(exp, int | float) and exp <= sim.now():
        raise invalid("token has expired")
    props = {SHORT[k]: v for k, v in claims.items() if k in SHORT}
    return Response(body=props)


ROUTES: list[Route[Simulator]] = [
    Route("POST", "/v1/meeting-tokens", create_token, "rest"),
    Route("GET", "/v1/meeting-tokens/{token}", validate_token, "rest"),
]
