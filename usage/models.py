"""The team's price per participant-minute (owners and admins set it)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models

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
