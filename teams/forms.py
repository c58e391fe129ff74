"""Forms of the teams pages. They validate input only; the services do the changes."""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import urlsplit

from django import forms
from django.contrib.auth.forms import UserCreationForm
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.text import format_lazy, slugify
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from daily import DEFAULT_BASE_URLS
from daily import Dialect as DailyDialect
from teams import api_hosts
from teams.api_hosts import validate_base_url
from teams.models import (
    AuditAction,
    Dialect,
    Outcome,
    Role,
    Team,
    daily_name_validator,
)
from teams.time_zones import TimeZoneField

TOKEN_HELP = _("Leave empty to keep the current token. It is stored encrypted and never shown.")
TOKEN_AGAIN = _(
    "Enter the API token again: the stored token is never sent to a new API host or API "
    "version on its own."
)


def _allowed_hosts() -> str:
    return gettext("This dashboard allows API hosts: %(hosts)s.") % {
        "hosts": api_hosts.policy().describe()
    }


def _origin(url: str) -> tuple[str, str, int | None]:
    """Scheme, host and port: where a token travels (the path does not change that)."""
    try:
        parts = urlsplit(url)
        return parts.scheme.lower(), (parts.hostname or "").lower(), parts.port
    except ValueError:
        return "", url, None


class TokenInput(forms.PasswordInput):
    """A password input that is never pre-filled, even when the form is shown again."""

    def __init__(self) -> None:
        super().__init__(
            render_value=False,
            attrs={"autocomplete": "new-password", "spellcheck": "false"},
        )


class TeamSettingsForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=63,
        validators=[daily_name_validator],
        help_text=_("The Daily team or domain name, as in https://<name>.daily.co/."),
    )
    dialect = forms.ChoiceField(label=_("API"), choices=Dialect.choices, widget=forms.RadioSelect)
    base_url = forms.URLField(
        label=_("API base URL"),
        max_length=255,
        assume_scheme="https",
        help_text=_(
            "Daily: https://api.daily.co/v1 (REST) or https://prod-ks.pluot.blue/ (domains)."
        ),
    )
    token = forms.CharField(
        label=_("New token"), required=False, strip=True, widget=TokenInput(), help_text=TOKEN_HELP
    )
    time_zone = TimeZoneField(
        label=_("Time zone"),
        help_text=_(
            "Attendance reports count days in this time zone, and the team's pages show "
            "times in it. Type to search the list, e.g. Paris or New_York."
        ),
    )
    sync_enabled = forms.BooleanField(label=_("Sync attendance automatically"), required=False)
    sync_interval = forms.IntegerField(
        label=_("Sync every (seconds)"), min_value=30, max_value=86400
    )

    @staticmethod
    def initial_for(team: Team) -> dict[str, Any]:
        return {
            "name": team.name,
            "dialect": team.dialect,
            "base_url": team.base_url,
            "time_zone": team.time_zone,
            "sync_enabled": team.sync_enabled,
            "sync_interval": team.sync_interval,
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["base_url"]
        field.help_text = f"{field.help_text} {_allowed_hosts()}"

    def clean_base_url(self) -> str:
        url = self.cleaned_data["base_url"]
        if not url:
            return url
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            raise forms.ValidationError(_("Use an http or https URL."))
        if parts.username or parts.password or parts.query or parts.fragment:
            raise forms.ValidationError(
                _("Use a plain URL: no user name, password, query or fragment.")
            )
        validate_base_url(url)
        return url

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        # The stored token goes only where it was entered for: a new host (or scheme, or
        # port) or a new API generation needs it typed again (docs/security.md).
        before_url, before_dialect = self.initial.get("base_url"), self.initial.get("dialect")
        if before_url and not data.get("token") and "base_url" in data and "dialect" in data:
            moved = data["base_url"] and _origin(data["base_url"]) != _origin(before_url)
            if moved or data["dialect"] != before_dialect:
                self.add_error("token", TOKEN_AGAIN)
        return data

    def clean_token(self) -> str:
        token = self.cleaned_data["token"]
        # What can travel in an HTTP header. The message never repeats the value.
        if token and any(not 33 <= ord(c) <= 126 for c in token):
            raise forms.ValidationError(
                _("This token contains spaces or characters an API token cannot have.")
            )
        return token


class TeamCreateForm(TeamSettingsForm):
    slug = forms.SlugField(
        label=_("Address in the dashboard"),
        required=False,
        max_length=63,
        help_text=_("The team's pages live at /t/<address>/. Defaults to the name."),
    )
    field_order = ["name", "slug", "dialect", "base_url", "token", "time_zone"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["base_url"].required = False
        default = gettext("Leave empty for Daily's own API of this kind.")
        self.fields["base_url"].help_text = f"{default} {_allowed_hosts()}"
        self.fields["token"].required = True
        self.fields["token"].label = _("API token")
        self.fields["token"].help_text = _("Stored encrypted, never shown again.")
        del self.fields["sync_enabled"]
        del self.fields["sync_interval"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if "dialect" in data and not data.get("base_url") and "base_url" not in self.errors:
            # Daily's own API of the dialect, which the operator may not have allowed.
            try:
                validate_base_url(DEFAULT_BASE_URLS[DailyDialect(data["dialect"])])
            except forms.ValidationError as exc:
                self.add_error("base_url", exc)
        if "name" in data:
            slug = data.get("slug") or slugify(data["name"])
            if Team.objects.filter(slug=slug).exists():
                self.add_error(
                    "slug", gettext("A team already uses the address %(slug)s.") % {"slug": slug}
                )
            data["slug"] = slug
        return data


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("Email address"), max_length=254)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.MANAGER)


class InviteeSignUpForm(UserCreationForm):
    """A new login for the invitee: a username and a password (Django's password
    validators); the email is the invitation's."""

    class Meta(UserCreationForm.Meta):
        fields = ("username",)

    def __init__(self, *args: Any, email: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The password must not resemble the address either (UserAttributeSimilarity).
        self.instance.email = email
        self.fields["username"].widget.attrs.pop("autofocus", None)


class AlertPreferenceForm(forms.Form):
    alert_emails = forms.BooleanField(required=False)


class MemberRoleForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices)


class RemoveUserForm(forms.Form):
    email = forms.CharField(max_length=254)


class DateInput(forms.DateInput):
    input_type = "date"


# The days the audit filter accepts: a day outside can hold no event, and the calendar's
# own ends (years 1 and 9999) cannot be turned into instants in every time zone.
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2999, 12, 31)
DAY_RANGE_MESSAGE = format_lazy(
    _("Choose a day between {first} and {last}."), first=FIRST_DAY, last=LAST_DAY
)
DAY_RANGE = [
    MinValueValidator(FIRST_DAY, DAY_RANGE_MESSAGE),
    MaxValueValidator(LAST_DAY, DAY_RANGE_MESSAGE),
]


class AuditFilterForm(forms.Form):
    # Drawn in the filter bar (templates/forms/field.html): errors are said above the results.
    field_class = "filter"
    optional_marks = False

    actor = forms.ChoiceField(label=_("Actor"), required=False)
    action = forms.ChoiceField(
        label=_("Action"), required=False, choices=[("", _("Any action")), *AuditAction.choices]
    )
    outcome = forms.ChoiceField(
        label=_("Outcome"), required=False, choices=[("", _("Any outcome")), *Outcome.choices]
    )
    since = forms.DateField(
        label=_("From"),
        required=False,
        widget=DateInput(),
        validators=DAY_RANGE,
    )
    until = forms.DateField(
        label=_("To"),
        required=False,
        widget=DateInput(),
        validators=DAY_RANGE,
    )

    def __init__(self, *args: Any, actors: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["actor"].choices = [("", _("Anyone")), *((a, a) for a in actors)]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", _("The end date is before the start date."))
        return data
