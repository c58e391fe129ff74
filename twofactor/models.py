"""A team's security policy. It lives here, one to one with the team, so that `teams` knows
nothing of the second factor (this app sits above `teams`)."""

from __future__ import annotations

from django.db import models

from teams.models import Team


class SecondFactorPolicy(models.Model):
    team = models.OneToOneField(Team, on_delete=models.CASCADE, related_name="second_factor_policy")
    # Owners and admins of the team (and superusers, who act as owners) must use a second
    # factor on its pages; managers are not affected.
    required = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        state = "required" if self.required else "optional"
        return f"Second factor {state} for {self.team}"
