"""Profile pictures of the domains team's seeded users, served by the simulator itself.

The original API's `avatarSrc` is the URL of a picture on another host. The
simulator's pictures come from the simulator, so a demo or a test never makes a
browser reach outside the machine and never hands anything about its users to a third
party: `avatarSrc` is `http://<the Host the client called>/_sim/avatars/<md5 of the
email>.svg`, a generated identicon (a 5x5 mirrored grid).
"""

from __future__ import annotations

import hashlib
import re
from typing import TYPE_CHECKING

from simulator.web import Request, Response, Route

if TYPE_CHECKING:
    from simulator.app import Simulator

PATH = "/_sim/avatars/"
DIGEST_RE = re.compile(r"[0-9a-f]{32}")
HOST_RE = re.compile(r"[A-Za-z0-9.-]+(:[0-9]{1,5})?|\[[0-9A-Fa-f:.]+\](:[0-9]{1,5})?")
CELL = 8  # px; the picture is 5 cells and a margin of half a cell on each side


def digest(email: str) -> str:
    return hashlib.md5(email.strip().lower().encode(), usedforsecurity=False).hexdigest()


def avatar_url(host: str | None, email: str) -> str | None:
    """The picture's URL on the simulator as the client reached it; None without a Host."""
    if not host or not HOST_RE.fullmatch(host):
        return None
    return f"http://{host}{PATH}{digest(email)}.svg"


def identicon(hexdigest: str) -> bytes:
    """An SVG identicon: the colour from the first bytes, a mirrored 5x5 pattern."""
    hue = int(hexdigest[:3], 16) * 360 // 4096
    bits = int(hexdigest[3:18], 16)
    cells = []
    for row in range(5):
        for col in range(3):
            if bits >> (row * 3 + col) & 1:
                for x in {col, 4 - col}:
                    cells.append(
                        f'<rect x="{(x + 0.5) * CELL}" y="{(row + 0.5) * CELL}" '
                        f'width="{CELL}" height="{CELL}"/>'
                    )
    size = 6 * CELL
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" '
        f'width="{size}" height="{size}"><rect width="{size}" height="{size}" '
        f'fill="hsl({hue},45%,92%)"/><g fill="hsl({hue},55%,45%)">{"".join(cells)}</g></svg>'
    ).encode()


def serve(sim: Simulator, req: Request) -> Response:
    name = req.params["file"]
    if not name.endswith(".svg") or not DIGEST_RE.fullmatch(name[:-4]):
        return Response(404, {"error": "no such avatar"})
    return Response(
        raw=identicon(name[:-4]),
        content_type="image/svg+xml",
        headers={"Cache-Control": "public, max-age=86400"},
    )


ROUTES: list[Route[Simulator]] = [
    Route("GET", PATH + "{file}", serve, "control", locked=False),
]
