"""A session that has entered a second-factor code, for tests of pages that need one (the
admin): an authenticator app for the user, and the session marked verified as the login's
code step marks it."""

from __future__ import annotations

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice


def verify_session(client: Client, user) -> TOTPDevice:
    device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device
