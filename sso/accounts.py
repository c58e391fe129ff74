"""From a provider's verified claims to a dashboard user, or a refusal said in words.

In order:
1. the provider account (issuer, `sub`) is already linked to a user: that user;
2. a user whose username is the username claim (`OIDC_USERNAME_CLAIM`): linked;
3. else a user whose email is the `email` claim, only when the provider says
   `email_verified` (anyone can type an address at many providers): linked;
4. else, with `OIDC_AUTO_CREATE`, a new user (no usable password) and, with
   `OIDC_DEFAULT_TEAM`, a membership of that team with `OIDC_DEFAULT_ROLE`;
5. else refused.
When the username claim is `email`, it is used only when verified, for the same reason.
A user already linked to another account of the same provider is not linked again.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from sso.conf import Config
from sso.models import Identity
from teams.audit import english, perform_local
from teams.models import AuditAction, Membership, Role, Team

CREATED, BY_EMAIL, BY_USERNAME, LINKED = "created", "email", "username", "linked"


# Two sign-ins of one person at once: the second is refused.
CROSSED = gettext_noop("Your sign-in crossed another one. Sign in again.")


class SignInRefused(Exception):
    """A sign-in the dashboard refuses; `message` is written for the person in English (the
    audit log keeps it so), `shown` is the same in the request's language; `name` is what
    the provider called them (for the audit log). `text` is marked with gettext_noop, its
    %(…)s placeholders filled from `params`."""

    def __init__(self, text: str, name: str = "", params: dict[str, Any] | None = None) -> None:
        self.text, self.params = text, params or {}
        self.message = text % self.params if self.params else text
        self.name = name
        super().__init__(self.message)

    @property
    def shown(self) -> str:
        translated = gettext(self.text)
        return translated % self.params if self.params else translated


def _text(claims: dict[str, Any], name: str) -> str:
    value = claims.get(name)
    return value.strip() if isinstance(value, str) else ""


def email_verified(claims: dict[str, Any]) -> bool:
    # A boolean by the spec; some providers send the string "true".
    value = claims.get("email_verified")
    return value is True or (isinstance(value, str) and value.lower() == "true")


def resolve(cfg: Config, claims: dict[str, Any]) -> tuple[AbstractBaseUser, str]:
    """The user these claims sign in as, and how they were found (see the module)."""
    provider = cfg.provider_name
    subject = _text(claims, "sub")
    name = _text(claims, cfg.username_claim)
    if not subject:
        raise SignInRefused(
            gettext_noop("%(provider)s did not say who you are (no subject)."),
            name,
            {"provider": provider},
        )
    identity = (
        Identity.objects.select_related("user").filter(issuer=cfg.issuer, subject=subject).first()
    )
    if identity is not None:
        _check_active(identity.user, name)
        Identity.objects.filter(pk=identity.pk).update(last_login_at=timezone.now())
        return identity.user, LINKED

    verified = email_verified(claims)
    if cfg.username_claim == "email" and not verified:
        name = name or _text(claims, "email")
        raise SignInRefused(
            gettext_noop(
                "%(provider)s does not say that your email address is verified, so it cannot "
                "sign you in here. Verify it there, then sign in again."
            ),
            name,
            {"provider": provider},
        )
    if not name:
        raise SignInRefused(
            gettext_noop(
                "%(provider)s did not send your %(claim)s, which this dashboard uses as the "
                "username. Tell an administrator."
            ),
            _text(claims, "email"),
            {"provider": provider, "claim": repr(cfg.username_claim)},
        )

    user, how = _find(name, _text(claims, "email") if verified else "")
    if user is not None:
        _check_active(user, name)
        _link(cfg, user, subject, how, name)
        return user, how
    if not cfg.auto_create:
        if _text(claims, "email") and not verified:
            text = gettext_noop(
                "There is no dashboard account for “%(name)s”. Your email address is not "
                "verified at %(provider)s, so it was not used. Ask an owner of your team to "
                "add you, then sign in again."
            )
        else:
            text = gettext_noop(
                "There is no dashboard account for “%(name)s”. Ask an owner of your team to "
                "add you, then sign in again."
            )
        raise SignInRefused(text, name, {"name": name, "provider": provider})
    return _create(cfg, claims, subject, name, verified), CREATED


def _find(name: str, verified_email: str) -> tuple[AbstractBaseUser | None, str]:
    users = get_user_model().objects
    user = users.filter(username=name).first()
    if user is None:
        # Providers differ on case ("Alice" for "alice"); only an unambiguous match counts.
        matches = list(users.filter(username__iexact=name)[:2])
        user = matches[0] if len(matches) == 1 else None
    if user is not None:
        return user, BY_USERNAME
    if verified_email:
        matches = list(users.filter(email__iexact=verified_email)[:2])
        if len(matches) == 1:
            return matches[0], BY_EMAIL
    return None, ""


def _check_active(user: AbstractBaseUser, name: str) -> None:
    if not user.is_active:
        raise SignInRefused(gettext_noop("This dashboard account is disabled."), name)


def _link(cfg: Config, user: AbstractBaseUser, subject: str, how: str, name: str) -> None:
    if Identity.objects.filter(issuer=cfg.issuer, user=user).exists():
        raise SignInRefused(
            gettext_noop(
                "The dashboard account “%(username)s” is already linked to another "
                "%(provider)s account. Ask an administrator to remove that link."
            ),
            name,
            {"username": user.get_username(), "provider": cfg.provider_name},
        )
    try:
        with transaction.atomic():
            Identity.objects.create(
                user=user,
                issuer=cfg.issuer,
                subject=subject,
                linked_by=how,
                last_login_at=timezone.now(),
            )
    except IntegrityError:  # a parallel first sign-in linked it a moment ago
        raise SignInRefused(CROSSED, name) from None


def _create(
    cfg: Config, claims: dict[str, Any], subject: str, name: str, verified: bool
) -> AbstractBaseUser:
    """A new user, linked, with the default team's membership: all or nothing, audited."""
    model = get_user_model()
    try:
        model.username_validator(name)
        if len(name) > model._meta.get_field("username").max_length:
            raise ValidationError("too long")
    except ValidationError:
        raise SignInRefused(
            gettext_noop(
                "“%(name)s” cannot be a dashboard username (letters, digits and @ . + - _ "
                "only, at most 150). Ask an administrator to create your account."
            ),
            name,
            {"name": name},
        ) from None
    team = None
    if cfg.default_team:
        team = Team.objects.filter(slug=cfg.default_team).first()
        if team is None:
            raise SignInRefused(
                gettext_noop(
                    "New accounts are set to join a team that does not exist "
                    "(OIDC_DEFAULT_TEAM=%(team)s). Tell an administrator."
                ),
                name,
                {"team": cfg.default_team},
            )

    def create() -> AbstractBaseUser:
        user = model.objects.create_user(
            username=name,
            email=_text(claims, "email") if verified else "",
            first_name=_text(claims, "given_name")[:150],
            last_name=_text(claims, "family_name")[:150],
        )
        user.set_unusable_password()
        user.save(update_fields=["password"])
        Identity.objects.create(
            user=user,
            issuer=cfg.issuer,
            subject=subject,
            linked_by=CREATED,
            last_login_at=timezone.now(),
        )
        if team is not None:
            Membership.objects.create(user=user, team=team, role=cfg.default_role)
        return user

    # The audit log keeps English, whatever the language of the browser signing in.
    role = english(Role(cfg.default_role).label)
    try:
        if team is None:
            with transaction.atomic():
                return create()
        # The membership is a mutation of the team: audited with it, in one transaction.
        return perform_local(
            actor=None,
            team=team,
            permission=None,
            action=AuditAction.MEMBERSHIP_ADD,
            target=name,
            operation=create,
            message=f"Account created at its first sign-in with {cfg.provider_name}, as {role}.",
        )
    except IntegrityError:  # the same person signing in twice at once
        raise SignInRefused(CROSSED, name) from None
