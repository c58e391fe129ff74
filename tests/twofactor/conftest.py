"""Helpers of the second-factor tests: an account with an authenticator app and recovery codes,
and the app's codes computed with django-otp's own TOTP."""

from __future__ import annotations

import time

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import PASSWORD
from twofactor import services


@pytest.fixture(autouse=True)
def _no_device_delays(settings):
    """django-otp waits 1, 2, 4... seconds after each wrong code; one test checks that, the
    others need no waiting after a wrong code."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0
    settings.LOGIN_THROTTLE_ATTEMPTS = 5
    settings.LOGIN_THROTTLE_ADDRESS_ATTEMPTS = 50
    settings.CLIENT_IP_HEADER = ""


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


def password_step(client: Client, username: str, **extra):
    return client.post(reverse("login"), {"username": username, "password": PASSWORD}, **extra)


def code_step(client: Client, code: str, **extra):
    return client.post(reverse("twofactor:login_code"), {"code": code}, **extra)


def logged_in(client: Client) -> bool:
    from django.contrib.auth import SESSION_KEY

    return SESSION_KEY in client.session
