"""`python -m dailyadmin.probe URL`: exit 0 when URL answers 2xx, else 1 (the image's
HEALTHCHECK). No Django: a probe every 30 s should not start the whole application.

The request carries what the reverse proxy would add: a Host from ALLOWED_HOSTS (Django
refuses any other) and `X-Forwarded-Proto: https` (so the HTTPS redirect does not answer
instead of the page).
"""

from __future__ import annotations

import os
import sys
import urllib.error
import urllib.request


def host_header(allowed_hosts: str) -> str:
    for host in (h.strip() for h in allowed_hosts.split(",")):
        if host and host != "*":
            return host.lstrip(".") or "localhost"
    return "localhost"


def main(argv: list[str]) -> int:
    url = argv[1] if len(argv) > 1 else "http://127.0.0.1:8000/readyz"
    request = urllib.request.Request(  # noqa: S310 (a URL given by the image, http only)
        url,
        headers={
            "Host": host_header(os.environ.get("ALLOWED_HOSTS", "")),
            "X-Forwarded-Proto": "https",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=8) as response:  # noqa: S310
            return 0 if 200 <= response.status < 300 else 1
    except (urllib.error.URLError, OSError) as exc:
        print(f"not ready: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
