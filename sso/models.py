"""Which account at the identity provider signs in as which dashboard user."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Identity(models.Model):
    """A provider's account (issuer and `sub`, which the provider never reassigns) linked to
    a dashboard user at its first sign-in. Later sign-ins follow this link, not the
    username or email claims, which people and providers can change."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sso_identities"
    )
    issuer = models.CharField(max_length=255)
    subject = models.CharField(max_length=255)
    # How the first sign-in found the user: "username", "email" or "created".
    linked_by = models.CharField(max_length=16)
    created_at = models.DateTimeField(auto_now_add=True)
    last_login_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "single sign-on identity"
        verbose_name_plural = "single sign-on identities"
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="sso_identity_unique_sub"),
            # One provider account per user and provider: a second one cannot take it over.
            models.UniqueConstraint(fields=["issuer", "user"], name="sso_identity_unique_user"),
        ]

    def __str__(self) -> str:
        return f"{self.user} is {self.subject} at {self.issuer}"
