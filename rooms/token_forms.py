"""The meeting-token form (REST): who, when, and what they may do in the call."""

from __future__ import annotations

from collections.abc import Container
from datetime import datetime
from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from daily import InvalidInput, MeetingTokenProperties
from daily import validation as daily_validation
from rooms import services
from rooms.forms import DATETIME_FORMAT, TeamTimeZoneForm, local_datetime_widget
from rooms.words import refusal
from teams.models import Team

TOKEN_FIELD_MAP = {
    "room_name": "room",
    "room": "room",
    "user_id": "user_id",
    "user_name": "user_name",
    "exp": "exp",
}


SCREENSHARE_CHOICES = [
    ("", _("As the room allows")),
    ("yes", _("Allowed")),
    ("no", _("Not allowed")),
]


class MeetingTokenForm(TeamTimeZoneForm):
    room = forms.CharField(max_length=128, strip=True, label=_("Room"))
    user_name = forms.CharField(
        required=False, max_length=200, strip=True, label=_("User name"),
        help_text=_("Shown to the others in the call."),
    )  # fmt: skip
    user_id = forms.CharField(
        required=False,
        max_length=daily_validation.MAX_USER_ID_LENGTH,
        strip=True,
        label=_("User id"),
        help_text=_(
            "Your own id for this person (at most 36 characters); it appears in attendance reports."
        ),
    )
    is_owner = forms.BooleanField(
        required=False, label=_("Owner"), help_text=_("Owners can remove people and end the call.")
    )
    exp = forms.DateTimeField(
        required=False,
        label=_("Expires at"),
        widget=local_datetime_widget(),
        input_formats=[DATETIME_FORMAT, "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
    )
    eject_at_token_exp = forms.BooleanField(
        required=False, label=_("Remove the person from the call when the token expires")
    )
    start_video_off = forms.BooleanField(required=False, label=_("Join with camera off"))
    start_audio_off = forms.BooleanField(required=False, label=_("Join with microphone off"))
    enable_screenshare = forms.ChoiceField(
        required=False, choices=SCREENSHARE_CHOICES, label=_("Screen sharing")
    )

    def __init__(
        self, *args: Any, team: Team, room_names: Container[str] = frozenset(), **kwargs: Any
    ) -> None:
        self.room_names = room_names
        super().__init__(*args, team=team, **kwargs)
        self.fields["exp"].help_text = gettext(
            "Date and time in %(zone)s. Empty: the token never expires."
        ) % {"zone": team.time_zone}
        self.fields["room"].widget.attrs.update({"list": "room-names", "autocomplete": "off"})

    def clean_room(self) -> str:
        value = self.cleaned_data["room"]
        try:
            services.check_room_name(self.team, value)
        except InvalidInput as exc:
            raise forms.ValidationError(refusal(exc)) from None
        if value not in self.room_names:
            raise forms.ValidationError(gettext("This team has no room of that name."))
        return value

    def clean_user_id(self) -> str:
        value = self.cleaned_data["user_id"]
        if value:
            try:
                daily_validation.user_id(value)
            except InvalidInput as exc:
                raise forms.ValidationError(refusal(exc)) from None
        return value

    def clean_exp(self) -> datetime | None:
        return self._future(self.cleaned_data.get("exp"), "expiry time")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("eject_at_token_exp") and not data.get("exp"):
            self.add_error(
                "exp", gettext("Set an expiry time to remove the person when it passes.")
            )
        return data

    def properties(self) -> MeetingTokenProperties:
        data = self.cleaned_data
        screenshare = {"yes": True, "no": False}.get(data.get("enable_screenshare") or "")
        return MeetingTokenProperties(
            room_name=data["room"],
            exp=data.get("exp"),
            is_owner=True if data.get("is_owner") else None,
            user_name=data.get("user_name") or None,
            user_id=data.get("user_id") or None,
            eject_at_token_exp=True if data.get("eject_at_token_exp") else None,
            start_video_off=True if data.get("start_video_off") else None,
            start_audio_off=True if data.get("start_audio_off") else None,
            enable_screenshare=screenshare,
        )
