"""The second factor in tests: an account with an authenticator app and recovery codes, the
app's codes computed with django-otp's own TOTP, the login's two steps, and a session that
has entered a code (for pages that need one, such as the admin)."""

from __future__ import annotations

import time

from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import PASSWORD
from twofactor import services


def code_for(device: TOTPDevice, step: int | None = None) -> str:
    """The app's code: for `step`, or the first time step the device still accepts."""
    device.refresh_from_db()
    if step is None:
        now = int((time.time() - device.t0) // device.step)
        step = device.last_t + 1 if device.last_t >= 0 else now
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, 0)
    totp.time = device.t0 + step * device.step + 1
    return f"{totp.token():0{device.digits}d}"


def enrol(user) -> tuple[TOTPDevice, list[str]]:
    """Turn the second factor on as the set-up page does; the device and recovery codes."""
    device = services.pending_enrolment(user)
    codes = services.confirm_enrolment(user, device, code_for(device))
    device.refresh_from_db()
    return device, codes


def verify_session(client: Client, user) -> TOTPDevice:
    """A confirmed authenticator for `user` (a new one), and `client`'s session marked as
    having entered its code, as the login's code step marks it."""
    device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device


def password_step(client: Client, username: str, **extra):
    return client.post(reverse("login"), {"username": username, "password": PASSWORD}, **extra)


def code_step(client: Client, code: str, **extra):
    return client.post(reverse("twofactor:login_code"), {"code": code}, **extra)


def logged_in(client: Client) -> bool:
    return SESSION_KEY in client.session
