"""The code step counts its attempts with the login throttle's rules (teams/auth.py).

Its own counter per username and address, so a correct password (which clears the login's
username counter) never gives a guesser of codes new attempts; the address counter is the
login's, shared with every form that checks a secret.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.http import HttpRequest

from teams.auth import Attempt, begin, succeeded

__all__ = ["Attempt", "begin_code", "succeeded"]


def begin_code(request: HttpRequest, user: AbstractBaseUser) -> Attempt:
    """Count an attempt at a code (or a password that stands in for one) before checking it."""
    return begin(request, f"second-factor\x00{user.get_username()}")
