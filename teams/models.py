"""Teams the dashboard administers, who may use them, and what was done."""

from __future__ import annotations

import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.debug import sensitive_variables

from teams import crypto
from teams.api_hosts import refusal


class Dialect(models.TextChoices):
    DOMAINS = "domains", _("Original team API (domains)")
    REST = "rest", _("REST API (v1)")


class Role(models.TextChoices):
    OWNER = "owner", _("Owner")
    ADMIN = "admin", _("Admin")
    MANAGER = "manager", _("Manager")

    @property
    def in_sentence(self) -> str:
        """The role's name inside a sentence ("you are manager"): lower case in English,
        as each language writes it in others."""
        return str(_ROLE_IN_SENTENCE[self.value])


_ROLE_IN_SENTENCE = {
    "owner": pgettext_lazy("a role, inside a sentence", "owner"),
    "admin": pgettext_lazy("a role, inside a sentence", "admin"),
    "manager": pgettext_lazy("a role, inside a sentence", "manager"),
}


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(
            _("%(value)r is not a known time zone (for example Europe/Paris)."),
            params={"value": value},
        )


def default_sync_interval() -> int:
    return settings.DAILY_SYNC_INTERVAL


daily_name_validator = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9-]{0,62}$",
    _("Use the Daily team or domain name: letters, digits and dashes."),
)


class Team(models.Model):
    """A Daily team (domains dialect) or domain (REST dialect)."""

    name = models.CharField(
        max_length=63,
        validators=[daily_name_validator],
        help_text="The Daily team or domain name, as in https://<name>.daily.co/.",
    )
    slug = models.SlugField(max_length=63, unique=True)
    dialect = models.CharField(max_length=16, choices=Dialect.choices)
    base_url = models.URLField(max_length=255)
    # Fernet ciphertext; use set_token() / get_token(). Never rendered.
    token_encrypted = crypto.EncryptedTextField(blank=True, editable=False, label="team token")
    token_last4 = models.CharField(max_length=4, blank=True, editable=False)
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])
    sync_enabled = models.BooleanField(default=True)
    sync_interval = models.PositiveIntegerField(
        default=default_sync_interval, help_text="Seconds between two attendance syncs."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        if self.base_url:
            # The allowed API hosts (DAILY_API_HOSTS): the token goes nowhere else.
            message = refusal(self.base_url)
            if message is not None:
                raise ValidationError({"base_url": message})

    @sensitive_variables("token")
    def set_token(self, token: str) -> None:
        self.token_encrypted = crypto.encrypt(token)
        self.token_last4 = token[-4:] if len(token) >= 12 else ""

    def get_token(self) -> str:
        return crypto.decrypt(self.token_encrypted) if self.token_encrypted else ""

    @property
    def has_token(self) -> bool:
        return bool(self.token_encrypted)

    @property
    def token_masked(self) -> str:
        """What the settings page shows: never more than the last four characters."""
        if not self.token_encrypted:
            return "not set"
        return f"••••••••{self.token_last4}" if self.token_last4 else "••••••••"

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)


class Membership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=16, choices=Role.choices)
    # Owners get the team's alerts by email (attendance.alerts) unless they opt out here.
    alert_emails = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "team"], name="membership_unique_user_team")
        ]
        ordering = ["team__name", "user__username"]

    def __str__(self) -> str:
        return f"{self.user} is {self.role} of {self.team}"


class AuditAction(models.TextChoices):
    TEAM_CREATE = "team.create", _("Team added")
    TEAM_UPDATE = "team.update", _("Team settings changed")
    CREDENTIALS_CHANGE = "team.credentials", _("API token changed")
    MEMBERSHIP_ADD = "membership.add", _("Dashboard member added")
    MEMBERSHIP_CHANGE = "membership.change", _("Dashboard role changed")
    MEMBERSHIP_REMOVE = "membership.remove", _("Dashboard member removed")
    MEMBERSHIP_ALERTS = "membership.alerts", _("Alert emails turned on or off")
    INVITATION_SEND = "invitation.send", _("Invitation sent")
    INVITATION_REVOKE = "invitation.revoke", _("Invitation revoked")
    INVITATION_ACCEPT = "invitation.accept", _("Invitation accepted")
    ALERT_SEND = "alert.send", _("Alert emailed to the owners")
    ROOM_CREATE = "room.create", _("Room created")
    ROOM_PRIVACY = "room.privacy", _("Room privacy changed")
    ROOM_UPDATE = "room.update", _("Room properties changed")
    ROOM_DELETE = "room.delete", _("Room deleted")
    PARTICIPANT_EJECT = "room.eject", _("Participant ejected")
    TOKEN_ISSUE = "token.issue", _("Meeting token issued")
    USER_REMOVE = "user.remove", _("User removed from the team")
    WEBHOOK_CHANGE = "webhook.change", _("Webhook changed")
    DOMAIN_UPDATE = "domain.update", _("Domain settings changed")
    SYNC_TRIGGER = "sync.trigger", _("Sync started")
    BULK_START = "bulk.start", _("Bulk action started")
    BULK_CANCEL = "bulk.cancel", _("Bulk action cancelled")
    KEY_ROTATE = "key.rotate", _("Encryption key rotated")
    SECOND_FACTOR_POLICY = "team.second_factor", _("Second-factor requirement changed")
    SECOND_FACTOR_ENABLE = "2fa.enable", _("Second factor turned on")
    SECOND_FACTOR_DISABLE = "2fa.disable", _("Second factor turned off")
    SECOND_FACTOR_RESET = "2fa.reset", _("Second factor reset by an operator")
    RECOVERY_CODES = "2fa.recovery_codes", _("Recovery codes generated")
    RECOVERY_CODE_USE = "2fa.recovery_use", _("Recovery code used to log in")
    SSO_LOGIN = "sso.login", _("Signed in with single sign-on")
    RECORDING_LINK = "recording.link", _("Recording download link made")
    RECORDING_DELETE = "recording.delete", _("Recording deleted")
    RECORDING_RETENTION = "recording.retention", _("Recording retention policy changed")
    USAGE_PRICE = "usage.price", _("Usage price changed")
    DIGEST_SUBSCRIBE = "digest.subscribe", _("Attendance digest subscribed")
    DIGEST_UNSUBSCRIBE = "digest.unsubscribe", _("Attendance digest unsubscribed")


class Outcome(models.TextChoices):
    OK = "ok", _("OK")
    FAILED = "failed", _("Failed")


class AuditEvent(models.Model):
    """One mutation, successful or not. Never holds a token."""

    team = models.ForeignKey(
        Team, on_delete=models.SET_NULL, null=True, blank=True, related_name="audit_events"
    )
    team_name = models.CharField(max_length=63, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    actor_name = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=32, choices=AuditAction.choices)
    target = models.CharField(max_length=255, blank=True)
    outcome = models.CharField(max_length=8, choices=Outcome.choices)
    error_type = models.CharField(max_length=64, blank=True)
    message = models.TextField(blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["team", "-created_at"], name="audit_team_created"),
            models.Index(fields=["team", "action"], name="audit_team_action"),
            models.Index(fields=["team", "outcome"], name="audit_team_outcome"),
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.target} {self.outcome}"


class Invitation(models.Model):
    """An owner's invitation, by email, to use a team with a role.

    The link's token is random and single use; only its SHA-256 digest is stored, so a
    database dump holds no usable link. Pending: neither accepted nor revoked, not expired.
    """

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(max_length=254)
    role = models.CharField(max_length=16, choices=Role.choices)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-sent_at", "-id"]
        constraints = [
            # One open invitation per address and team: inviting again renews it.
            models.UniqueConstraint(
                Lower("email"),
                "team",
                condition=models.Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="invitation_one_open_per_email",
            )
        ]

    def __str__(self) -> str:
        return f"invitation of {self.email} to {self.team}"


class TeamAlert(models.Model):
    """One incident of one kind for one team (the kinds are the alerting app's), from the
    moment it is seen until it is resolved: the owners are emailed once per incident, so a
    new incident after a resolution alerts again."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="alerts")
    kind = models.CharField(max_length=32)
    detail = models.TextField(blank=True)
    opened_at = models.DateTimeField()
    notified_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-opened_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["team", "kind"],
                condition=models.Q(resolved_at__isnull=True),
                name="teamalert_one_open_per_kind",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} alert of {self.team}"


class UserPreference(models.Model):
    """A person's own settings, kept for what runs without their request: the language of
    the mail the worker sends them (alerts, digests). Empty: none chosen yet, the mail is in
    settings.LANGUAGE_CODE (teams/language.py)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="preference"
    )
    language = models.CharField(max_length=16, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"preferences of {self.user}"
