"""The account pages: turning the second factor on (QR code and secret until confirmed),
recovery codes shown once, new codes and turning it off with a code or the password, each
audited; and the operator's reset command."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from teams.models import AuditAction, AuditEvent
from tests.factories import PASSWORD, make_user
from tests.support.second_factor import code_for, code_step, enrol, logged_in, password_step
from twofactor import services

pytestmark = pytest.mark.django_db
CODE = re.compile(r"<li>([a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4})</li>")


def _events(action: AuditAction) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action))


def test_setting_up_shows_a_qr_code_and_the_secret_until_confirmed(login):
    client = login(user=make_user("ann"))
    page = client.get(reverse("twofactor:setup"))
    assert page.status_code == 200
    assert '<svg class="qr-code"' in page.text and "<path" in page.text
    device = TOTPDevice.objects.get(user=client.user, confirmed=False)
    assert services.secret_base32(device) in page.text
    # A reload shows the same secret: the app may already have scanned it.
    assert services.secret_base32(device) in client.get(reverse("twofactor:setup")).text
    assert TOTPDevice.objects.filter(user=client.user).count() == 1
    assert page["Cache-Control"].startswith("max-age=0")


def test_a_wrong_first_code_turns_nothing_on(login):
    client = login(user=make_user("ann"))
    client.get(reverse("twofactor:setup"))
    device = TOTPDevice.objects.get(user=client.user)
    wrong = f"{(int(code_for(device)) + 1) % 1_000_000:06d}"
    page = client.post(reverse("twofactor:setup"), {"code": wrong})
    assert page.status_code == 200 and "That code is not right" in page.text
    assert not services.has_second_factor(client.user)
    assert not _events(AuditAction.SECOND_FACTOR_ENABLE)


def test_confirming_turns_it_on_and_shows_the_recovery_codes_once(login):
    user = make_user("ann")
    client = login(user=user)
    client.get(reverse("twofactor:setup"))
    device = TOTPDevice.objects.get(user=user)
    page = client.post(reverse("twofactor:setup"), {"code": code_for(device)})
    assert page.status_code == 200
    codes = CODE.findall(page.text)
    assert len(codes) == services.RECOVERY_CODE_COUNT == len(set(codes))
    assert services.has_second_factor(user)
    # This session proved the device: it counts as verified.
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    (event,) = _events(AuditAction.SECOND_FACTOR_ENABLE)
    assert event.actor == user and event.team is None and event.target == "ann"
    # The codes are never shown again; the secret neither.
    account = client.get(reverse("twofactor:account")).text
    assert not CODE.findall(account) and codes[0] not in account
    assert f">{services.RECOVERY_CODE_COUNT}<" in account
    assert client.get(reverse("twofactor:setup"))["Location"] == reverse("twofactor:account")
    # And they work at the login, once each.
    client.post(reverse("logout"))
    password_step(client, "ann")
    assert code_step(client, codes[0]).status_code == 302 and logged_in(client)


def test_new_recovery_codes_need_a_current_code_and_replace_the_old_ones(login):
    user = make_user("ann")
    device, old = enrol(user)
    client = login(user=user)
    refused = client.post(reverse("twofactor:recovery"), {"proof": "not-my-password"})
    assert refused.status_code == 200 and not CODE.findall(refused.text)
    page = client.post(reverse("twofactor:recovery"), {"proof": code_for(device)})
    new = CODE.findall(page.text)
    assert len(new) == services.RECOVERY_CODE_COUNT and not set(new) & set(old)
    assert StaticDevice.objects.filter(user=user).count() == 1
    assert len(_events(AuditAction.RECOVERY_CODES)) == 1
    client.post(reverse("logout"))
    password_step(client, "ann")
    assert code_step(client, old[0]).status_code == 200 and not logged_in(client)
    assert code_step(client, new[0]).status_code == 302 and logged_in(client)


def test_turning_it_off_needs_a_code_or_the_password(login):
    user = make_user("ann")
    enrol(user)
    client = login(user=user)
    wrong = client.post(reverse("twofactor:disable"), {"proof": "wrong-password"})
    assert wrong.status_code == 200 and "neither a current code nor your password" in wrong.text
    assert services.has_second_factor(user)
    done = client.post(reverse("twofactor:disable"), {"proof": PASSWORD})
    assert done.status_code == 302 and done["Location"] == reverse("twofactor:account")
    assert not services.has_second_factor(user)
    assert not StaticDevice.objects.filter(user=user).exists()
    (event,) = _events(AuditAction.SECOND_FACTOR_DISABLE)
    assert event.actor == user and event.outcome == "ok"
    client.post(reverse("logout"))
    assert password_step(client, "ann")["Location"] == reverse("home") and logged_in(client)


def test_the_proof_is_throttled_like_a_login(login):
    user = make_user("ann")
    enrol(user)
    client = login(user=user)
    for _ in range(5):
        client.post(reverse("twofactor:disable"), {"proof": "wrong-password"})
    refused = client.post(reverse("twofactor:disable"), {"proof": PASSWORD})
    assert refused.status_code == 429 and services.has_second_factor(user)


def test_the_proofs_throttle_is_said_and_answered_429_in_german(login):
    user = make_user("ann")
    enrol(user)
    client = login(user=user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "de"
    for _ in range(5):
        client.post(reverse("twofactor:disable"), {"proof": "wrong-password"})
    refused = client.post(reverse("twofactor:disable"), {"proof": PASSWORD})
    assert refused.status_code == 429 and services.has_second_factor(user)
    body = refused.content.decode()
    assert "Zu viele fehlgeschlagene Versuche. Versuchen Sie es in 15 Minuten erneut." in body
    assert "Too many failed attempts" not in body


def test_the_account_page_lists_the_accounts_own_events(login):
    ann, bob = make_user("ann"), make_user("bob")
    enrol(ann)
    enrol(bob)
    page = login(user=ann).get(reverse("twofactor:account"))
    assert page.status_code == 200
    assert page.text.count("Second factor turned on") == 1


def test_the_operator_resets_a_lost_second_factor_and_it_is_audited(capsys):
    user = make_user("ann")
    enrol(user)
    call_command("reset_second_factor", "ann", "--operator", "ops-oncall")
    assert not services.has_second_factor(user)
    assert not StaticDevice.objects.filter(user=user).exists()
    (event,) = _events(AuditAction.SECOND_FACTOR_RESET)
    assert event.actor is None and event.target == "ann"
    assert "ops-oncall" in event.message
    assert "removed" in capsys.readouterr().out
    call_command("reset_second_factor", "ann")
    assert "nothing to reset" in capsys.readouterr().out
    with pytest.raises(CommandError, match="No account named 'nobody'"):
        call_command("reset_second_factor", "nobody")


def test_a_set_up_left_unconfirmed_starts_over_with_a_new_secret(login):
    client = login(user=make_user("ann"))
    client.get(reverse("twofactor:setup"))
    first = TOTPDevice.objects.get(user=client.user)
    TOTPDevice.objects.filter(pk=first.pk).update(
        created_at=first.created_at - timedelta(seconds=services.ENROLMENT_SECONDS + 1)
    )
    page = client.get(reverse("twofactor:setup"))
    (second,) = TOTPDevice.objects.filter(user=client.user)
    assert second.pk != first.pk and second.key != first.key
    assert services.secret_base32(second) in page.text


def test_confirming_the_set_up_is_throttled_like_a_login(login):
    client = login(user=make_user("ann"))
    client.get(reverse("twofactor:setup"))
    device = TOTPDevice.objects.get(user=client.user)
    right = code_for(device)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    for _ in range(5):
        client.post(reverse("twofactor:setup"), {"code": wrong})
    refused = client.post(reverse("twofactor:setup"), {"code": right})
    assert refused.status_code == 429 and not services.has_second_factor(client.user)
