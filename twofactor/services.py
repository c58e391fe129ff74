"""The second factor of an account: an authenticator app (TOTP) and its recovery codes.

Both are django-otp devices: a `TOTPDevice` (otp_totp) and a `StaticDevice` (otp_static)
holding the recovery codes. An account has a second factor when it has a confirmed TOTP
device; the recovery codes belong to it, are made with it and go with it.

Recovery codes are stored hashed: django-otp's `StaticToken` keeps up to 16 characters and
compares them as given, so what is stored is the first 16 characters of the URL-safe base64
of the code's SHA-256 (96 bits), and a code typed at login is hashed the same way before
django-otp looks it up and deletes it. A code has 80 random bits, which no offline search of
a database dump can find. The TOTP secret itself is stored as django-otp stores it: the
server needs it to check codes.

Every change is audited (`teams.audit.perform_local`, no team: an account's own event).
"""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy, ngettext
from django_otp import verify_token
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from teams.audit import perform_local
from teams.models import AuditAction, AuditEvent

RECOVERY_CODE_COUNT = 10
DEVICE_NAME = "Authenticator app"
RECOVERY_NAME = "Recovery codes"
# An enrolment not confirmed within this time starts over with a new secret.
ENROLMENT_SECONDS = 30 * 60
ACCOUNT_ACTIONS = (
    AuditAction.SECOND_FACTOR_ENABLE,
    AuditAction.SECOND_FACTOR_DISABLE,
    AuditAction.SECOND_FACTOR_RESET,
    AuditAction.RECOVERY_CODES,
    AuditAction.RECOVERY_CODE_USE,
)
_BASE32 = "abcdefghijklmnopqrstuvwxyz234567"
# What people misread in a code: base32 has no 0, 1 or 8.
_LOOKALIKES = str.maketrans({"0": "o", "1": "l", "8": "b"})


def totp_device(user: AbstractBaseUser) -> TOTPDevice | None:
    """The account's confirmed authenticator, if it has one."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def has_second_factor(user: AbstractBaseUser) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def recovery_device(user: AbstractBaseUser) -> StaticDevice | None:
    return StaticDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def recovery_codes_left(user: AbstractBaseUser) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


# -- codes --------------------------------------------------------------------------------


def new_recovery_code() -> str:
    """16 base32 characters (80 bits), shown in four groups: abcd-efgh-ijkl-mnop."""
    raw = "".join(secrets.choice(_BASE32) for _ in range(16))
    return "-".join(raw[i : i + 4] for i in range(0, 16, 4))


def normalise_recovery_code(typed: str) -> str:
    """What people type (any case, dashes or spaces, 0 for o) as the code's 16 characters."""
    return re.sub(r"[^a-z2-7]", "", typed.lower().translate(_LOOKALIKES))


def recovery_digest(code: str) -> str:
    digest = hashlib.sha256(normalise_recovery_code(code).encode()).digest()
    return base64.urlsafe_b64encode(digest).decode()[:16]


def looks_like_totp(typed: str) -> bool:
    return re.fullmatch(r"\d{6}", re.sub(r"\s", "", typed)) is not None


def secret_base32(device: TOTPDevice) -> str:
    """The secret as people type it into an app, in groups of four."""
    text = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


# -- enrolment ----------------------------------------------------------------------------


def pending_enrolment(user: AbstractBaseUser) -> TOTPDevice:
    """The unconfirmed authenticator being set up: the same secret while the person scans
    and confirms it, a new one after `ENROLMENT_SECONDS`."""
    cutoff = timezone.now() - timedelta(seconds=ENROLMENT_SECONDS)
    TOTPDevice.objects.filter(user=user, confirmed=False, created_at__lt=cutoff).delete()
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


@dataclass(frozen=True)
class Verified:
    """A code that was accepted: by which device, and whether it was a recovery code."""

    device: TOTPDevice | StaticDevice
    recovery: bool


class Refusal(Exception):
    """A code that was not accepted; `message` is for people."""

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


WRONG_CODE = gettext_lazy("That code is not right, or it was already used.")


def _throttled(device: TOTPDevice | StaticDevice) -> str | None:
    allowed, data = device.verify_is_allowed()
    if allowed:
        return None
    until = (data or {}).get("locked_until")
    seconds = max(1, int((until - timezone.now()).total_seconds()) + 1) if until else 1
    return ngettext(
        "Too many wrong codes. Try again in %(seconds)d second.",
        "Too many wrong codes. Try again in %(seconds)d seconds.",
        seconds,
    ) % {"seconds": seconds}


def _recovery_codes(user: AbstractBaseUser, codes: list[str]) -> None:
    """Replace the account's recovery codes with `codes` (stored hashed)."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    StaticToken.objects.bulk_create(
        StaticToken(device=device, token=recovery_digest(code)) for code in codes
    )


def confirm_enrolment(
    user: AbstractBaseUser, device: TOTPDevice, code: str, *, request_id: str = ""
) -> list[str]:
    """Turn the second factor on once the app's first code is right; return the new
    recovery codes (to be shown once). Raises `Refusal` for a wrong code."""
    if device.user_id != user.pk or device.confirmed:
        raise Refusal(gettext("This set-up has ended. Start again."))
    message = _throttled(device)
    if message:
        raise Refusal(message)
    if not looks_like_totp(code) or not device.verify_token(re.sub(r"\s", "", code)):
        raise Refusal(
            gettext("That code is not right. Check the time on your phone and try again.")
        )
    codes = [new_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]

    def enable() -> None:
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        _recovery_codes(user, codes)

    perform_local(
        actor=user,
        team=None,
        permission=None,
        action=AuditAction.SECOND_FACTOR_ENABLE,
        target=user.get_username(),
        operation=enable,
        request_id=request_id,
        message=f"Authenticator app and {len(codes)} recovery codes.",
    )
    return codes


def regenerate_recovery_codes(user: AbstractBaseUser, *, request_id: str = "") -> list[str]:
    """New recovery codes; the old ones stop working. Returns them, to be shown once."""
    if not has_second_factor(user):
        raise Refusal(gettext("Turn on the second factor first."))
    codes = [new_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
    perform_local(
        actor=user,
        team=None,
        permission=None,
        action=AuditAction.RECOVERY_CODES,
        target=user.get_username(),
        operation=lambda: _recovery_codes(user, codes),
        request_id=request_id,
        message=f"{len(codes)} new recovery codes; the previous ones no longer work.",
    )
    return codes


def _remove_devices(user: AbstractBaseUser) -> int:
    removed = TOTPDevice.objects.filter(user=user).delete()[0]
    return removed + StaticDevice.objects.filter(user=user).delete()[0]


def disable(user: AbstractBaseUser, *, request_id: str = "") -> None:
    perform_local(
        actor=user,
        team=None,
        permission=None,
        action=AuditAction.SECOND_FACTOR_DISABLE,
        target=user.get_username(),
        operation=lambda: _remove_devices(user),
        request_id=request_id,
        message="Authenticator app and recovery codes removed.",
    )


def reset(user: AbstractBaseUser, *, operator: str) -> int:
    """An operator's reset for a lost device: no actor, the operator named in the event."""
    return perform_local(
        actor=None,
        team=None,
        permission=None,
        action=AuditAction.SECOND_FACTOR_RESET,
        target=user.get_username(),
        operation=lambda: _remove_devices(user),
        message=f"Reset by {operator} with manage.py reset_second_factor.",
    )


# -- checking a code -----------------------------------------------------------------------


def check_code(user: AbstractBaseUser, typed: str, *, request_id: str = "") -> Verified:
    """A code from the authenticator app, or a recovery code (then used up and audited).

    Each device's own throttle (django-otp: 1, 2, 4... seconds after successive failures,
    whatever the address) applies on top of the login throttle the callers count.
    Raises `Refusal`.
    """
    typed = typed.strip()
    if looks_like_totp(typed):
        device = totp_device(user)
        token = re.sub(r"\s", "", typed)
        recovery = False
    else:
        device = recovery_device(user)
        token = recovery_digest(typed)
        recovery = True
        if len(normalise_recovery_code(typed)) != 16:
            raise Refusal(WRONG_CODE)
    if device is None:
        raise Refusal(WRONG_CODE)
    message = _throttled(device)
    if message:
        raise Refusal(message)
    # django_otp.verify_token locks the device row, so one code cannot be used twice at once.
    verified = verify_token(user, device.persistent_id, token)
    if verified is None:
        raise Refusal(WRONG_CODE)
    if recovery:
        left = recovery_codes_left(user)
        perform_local(
            actor=user,
            team=None,
            permission=None,
            action=AuditAction.RECOVERY_CODE_USE,
            target=user.get_username(),
            operation=lambda: None,
            request_id=request_id,
            message=f"{left} recovery codes left.",
        )
    return Verified(device=verified, recovery=recovery)


def account_events(user: AbstractBaseUser, limit: int = 10) -> list[AuditEvent]:
    """The account's own second-factor events, newest first."""
    return list(
        AuditEvent.objects.filter(
            team=None, target=user.get_username(), action__in=ACCOUNT_ACTIONS
        ).order_by("-created_at", "-id")[:limit]
    )
