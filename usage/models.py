"""The team's price per participant-minute (owners and admins set it)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from teams.models import Team


class UsagePrice(models.Model):
    """What one participant-minute costs the team, for the page's estimate.

    Daily bills video by the participant-minute and lowers the rate with volume, so the
    price is the team's own (what their plan charges now), never a figure of ours."""

    team = models.OneToOneField(
        Team, on_delete=models.CASCADE, primary_key=True, related_name="usage_price"
    )
    per_minute = models.DecimalField(
        max_digits=12, decimal_places=6, validators=[MinValueValidator(Decimal(0))]
    )
    currency = models.CharField(max_length=3, default="USD")
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    def __str__(self) -> str:
        return f"{self.per_minute} {self.currency} per participant-minute"


class Period(models.TextChoices):
    WEEKLY = "weekly", _("Weekly (Monday to Sunday)")
    MONTHLY = "monthly", _("Monthly")


class DigestSubscription(models.Model):
    """A person's attendance digest of a team, by email, for some rooms (none: all)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digest_subscriptions"
    )
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="digest_subscriptions")
    period = models.CharField(max_length=8, choices=Period.choices, default=Period.WEEKLY)
    rooms = models.JSONField(default=list, blank=True)  # room names; empty: every room
    threshold = models.PositiveSmallIntegerField(
        default=50, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    # The unsubscribe link's token is derived from `nonce` with the secret key
    # (`usage.digests.unsubscribe_token`); only its SHA-256 is stored, for the lookup.
    nonce = models.CharField(max_length=32)
    token_digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["team", "user"], name="digest_team_user")]

    def __str__(self) -> str:
        return f"{self.get_period_display()} digest of {self.team} for {self.user}"


class DigestDelivery(models.Model):
    """One digest of one period, claimed before it is sent: at most one per period, however
    many beat processes run (the unique key), and marked sent in the claim's transaction."""

    subscription = models.ForeignKey(
        DigestSubscription, on_delete=models.CASCADE, related_name="deliveries"
    )
    period_start = models.DateField()
    claimed_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "period_start"], name="digest_once_per_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.subscription_id} {self.period_start}"
