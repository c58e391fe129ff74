from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=64,
        strip=True,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "none", "autofocus": True}
        ),
        help_text=_("The 6 digits your authenticator app shows, or one of your recovery codes."),
    )


class ConfirmSetupForm(forms.Form):
    code = forms.CharField(
        label=_("Code from the app"),
        max_length=16,
        strip=True,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
        help_text=_("The 6 digits the app shows for dailyadmin once it has the secret."),
    )


class ProofForm(forms.Form):
    """A change to the second factor needs a current code or the password."""

    proof = forms.CharField(
        label=_("A code from your authenticator app, or your password"),
        max_length=4096,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "autofocus": True}),
    )


class PolicyForm(forms.Form):
    required = forms.BooleanField(
        label=_("Owners and admins must use a second factor"),
        required=False,
        help_text=_(
            "When on, an owner or admin of this team (and a superuser) without a second "
            "factor is sent to set one up before any of the team's pages. Managers are not "
            "affected."
        ),
    )
