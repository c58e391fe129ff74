"""Each person's language, remembered for the mail the worker sends them.

A page is read in the language of its request (the switcher's cookie, else the browser's
Accept-Language: LocaleMiddleware). The worker has no request, so the language is also kept
on the person's `UserPreference`: written when a logged-in person chooses one with the
switcher (`set_language` below), and on login from the language the page was in when none
is stored yet. Alerts and digests are rendered in it (`teams.mail.send(languages=...)`);
a person with none, or with one the dashboard no longer offers, gets settings.LANGUAGE_CODE.

A language is a person's own preference, not a change to a team: it is not audited (the
audit log records what was done to teams and their members, AuditAction; each event
belongs to a team's log, and a preference belongs to none).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from teams.models import UserPreference


def offered(code: str | None) -> str | None:
    """`code` if the dashboard speaks it (a variant such as de-at: its language), else None."""
    if not code:
        return None
    try:
        found = translation.get_supported_language_variant(code)
    except LookupError:
        return None
    return found if found in dict(settings.LANGUAGES) else None


def remember(user, code: str) -> None:
    """Store `code` as the person's language (a language not offered is ignored)."""
    language = offered(code)
    if language is None or not getattr(user, "is_authenticated", False):
        return
    UserPreference.objects.update_or_create(user=user, defaults={"language": language})


def remember_if_none(user, code: str) -> None:
    """Store `code` unless the person already has a language."""
    language = offered(code)
    if language is None:
        return
    preference, created = UserPreference.objects.get_or_create(
        user=user, defaults={"language": language}
    )
    if not created and not preference.language:
        preference.language = language
        preference.save(update_fields=["language", "updated_at"])


def language_of(user) -> str:
    """The language of mail to `user`: theirs, else settings.LANGUAGE_CODE."""
    return languages_of([user.pk]).get(user.pk, settings.LANGUAGE_CODE)


def languages_of(user_ids: Iterable[int]) -> dict[int, str]:
    """{user id: language} for each of `user_ids` (one query); settings.LANGUAGE_CODE for
    those with none stored or one no longer offered."""
    ids = list(user_ids)
    stored = dict(UserPreference.objects.filter(user_id__in=ids).values_list("user_id", "language"))
    return {pk: offered(stored.get(pk)) or settings.LANGUAGE_CODE for pk in ids}


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Django's switcher (the cookie, the safe `next`), and for a logged-in person the
    choice is kept for their mail too. Only a language Django accepted (it set the cookie)
    is stored."""
    response = django_set_language(request)
    cookie = response.cookies.get(settings.LANGUAGE_COOKIE_NAME)
    if cookie is not None and request.user.is_authenticated:
        remember(request.user, cookie.value)
    return response


@receiver(user_logged_in, dispatch_uid="teams.language.on_login")
def _on_login(sender, request: HttpRequest | None = None, user=None, **kwargs) -> None:
    """A person who never chose gets the language they are reading the dashboard in."""
    if request is None or user is None:
        return
    remember_if_none(user, getattr(request, "LANGUAGE_CODE", "") or translation.get_language())
