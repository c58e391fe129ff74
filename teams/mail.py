"""Sending the dashboard's mail: one place that renders, sends and reports a failure.

Each message is two templates, `<name>_subject.txt` and `<name>.txt` (plain text: nothing
in a message is interpreted as HTML). A failure to reach the mail server is logged with
its type only (an SMTP error can quote the exchange, and the settings hold a password)
and reported to the caller as `MailError`, whose message is written for people.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.core import checks
from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext_noop

from teams.language import languages_of
from teams.models import Membership, Role, Team

log = logging.getLogger(__name__)


class MailError(Exception):
    """The mail server could not take the message."""

    # Marked for translation: a refusal that quotes it translates it where it is shown.
    UNREACHABLE = gettext_noop("The mail server could not be reached.")

    def __init__(self, message: str = UNREACHABLE) -> None:
        self.message = message
        super().__init__(message)


def render(name: str, context: dict[str, Any]) -> tuple[str, str]:
    """(subject, body) of the message `name` (templates `<name>_subject.txt`, `<name>.txt`)."""
    subject = render_to_string(f"{name}_subject.txt", context)
    # One line, whatever the template or the data in it: a header cannot be split.
    subject = " ".join(subject.split())
    body = render_to_string(f"{name}.txt", context)
    return subject, body


def send(
    name: str,
    to: Iterable[str],
    context: dict[str, Any],
    *,
    attachments: Iterable[tuple[str, str, str]] = (),
    headers: dict[str, str] | None = None,
    languages: Mapping[str, str] | None = None,
) -> int:
    """Render the message `name` and send it, one message per recipient (no one sees the
    others' addresses). Returns how many were sent; raises MailError if the server failed.

    `attachments`: (filename, content, mimetype) each; `headers`: extra headers (such as
    List-Unsubscribe), the same on every copy. `languages`: {address: language} for mail
    sent without a request (the worker's: teams/language.py); each recipient's copy is
    rendered in theirs, settings.LANGUAGE_CODE for an address it lacks. Without it, the
    message is in the active language (the request's: the person whose action sends it)."""
    recipients = [address for address in dict.fromkeys(to) if address]
    if not recipients:
        return 0
    files = list(attachments)
    rendered: dict[str | None, tuple[str, str]] = {}
    messages = []
    for address in recipients:
        language = None if languages is None else languages.get(address, settings.LANGUAGE_CODE)
        if language not in rendered:
            rendered[language] = _render_in(language, name, context)
        subject, body = rendered[language]
        messages.append(
            EmailMessage(subject, body, to=[address], attachments=files, headers=headers)
        )
    try:
        with get_connection() as connection:
            sent = connection.send_messages(messages)
    except (smtplib.SMTPException, OSError) as exc:  # a timeout is an OSError
        log.warning("Mail %s not sent: %s", name, type(exc).__name__)
        raise MailError() from exc
    return sent or 0


def _render_in(language: str | None, name: str, context: dict[str, Any]) -> tuple[str, str]:
    """(subject with the prefix, body) in `language` (None: the active one)."""
    if language is None:
        subject, body = render(name, context)
    else:
        with translation.override(language):
            subject, body = render(name, context)
    return settings.EMAIL_SUBJECT_PREFIX + subject, body


def absolute(path: str, base: str | None = None) -> str:
    """A link for a message: `base` (from the request), else DASHBOARD_URL, else the path."""
    root = (base or getattr(settings, "DASHBOARD_URL", "") or "").rstrip("/")
    return f"{root}{path}"


def alert_recipients(team: Team) -> list[str]:
    """The addresses of the team's owners who want its alerts (active logins with an email)."""
    return list(alert_recipient_languages(team))


def alert_recipient_languages(team: Team) -> dict[str, str]:
    """{address: language} of the team's owners who want its alerts, in address order: the
    language each chose (teams/language.py), else settings.LANGUAGE_CODE."""
    rows = list(
        Membership.objects.filter(
            team=team, role=Role.OWNER, alert_emails=True, user__is_active=True
        )
        .exclude(user__email="")
        .order_by("user__email")
        .values_list("user__email", "user_id")
    )
    languages = languages_of(pk for _, pk in rows)
    found: dict[str, str] = {}
    for address, pk in rows:
        found.setdefault(address, languages[pk])
    return found


# Backends that send nothing anywhere a person would read it.
_NOT_SENT = {
    "django.core.mail.backends.console.EmailBackend": "printed on the process's output",
    "django.core.mail.backends.locmem.EmailBackend": "kept in memory",
    "django.core.mail.backends.dummy.EmailBackend": "dropped",
}


@checks.register(checks.Tags.compatibility, deploy=True)
def check_mail_is_sent(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """`check --deploy`: a production dashboard whose mail goes nowhere is half broken
    (password resets, invitations and alerts never arrive), and nothing else would say so."""
    where = _NOT_SENT.get(settings.EMAIL_BACKEND)
    if where is None:
        return []
    return [
        checks.Warning(
            f"Mail is {where}, not sent: password resets, invitations and alerts never arrive.",
            hint="Set EMAIL_URL (smtp://user:password@host:587/?tls=1) or EMAIL_HOST "
            "(docs/security.md, 'Email').",
            id="teams.W001",
        )
    ]
