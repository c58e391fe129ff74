from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _no_device_delays(settings):
    """django-otp waits 1, 2, 4... seconds after each wrong code; one test checks that, the
    others need no waiting after a wrong code. The login throttle at its defaults."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0
    settings.LOGIN_THROTTLE_ATTEMPTS = 5
    settings.LOGIN_THROTTLE_ADDRESS_ATTEMPTS = 50
    settings.CLIENT_IP_HEADER = ""
