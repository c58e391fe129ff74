from __future__ import annotations

from oauth2_provider.oauth2_validators import OAuth2Validator

# Members of this group have an email address the provider has not verified.
UNVERIFIED = "email-unverified"


class Validator(OAuth2Validator):
    """The standard claims a provider sends for the scopes `profile email` (each claim is
    sent only with its scope: OAuth2Validator.oidc_claim_scope)."""

    def get_additional_claims(self, request):
        user = request.user
        return {
            "preferred_username": user.username,
            "given_name": user.first_name,
            "family_name": user.last_name,
            "email": user.email,
            "email_verified": not user.groups.filter(name=UNVERIFIED).exists(),
        }
