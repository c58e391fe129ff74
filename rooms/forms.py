"""Forms for rooms and meeting tokens, checked on the server with Daily's own rules.

Times are entered as a date and time in the team's time zone (`<input type=datetime-local>`)
and sent to Daily as UTC. Room properties are sparse (None means "Daily's default"): the
forms send only what differs from the room's current values (or from Daily's defaults when
creating), so an edit never pins a default the person did not touch.
"""

from __future__ import annotations

import zoneinfo
from datetime import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext, gettext_lazy
from django.utils.translation import gettext_lazy as _

from daily import (
    DEFAULTS,
    InvalidInput,
    Privacy,
    RecordingMode,
    RecordingsBucket,
    Region,
    RoomProperties,
    SipParams,
)
from daily import validation as daily_validation
from rooms import services
from rooms.words import PRIVACY_WORDS, refusal
from teams.models import Team

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"

RECORDING_LABELS = {
    RecordingMode.CLOUD: gettext_lazy("In the cloud (Daily stores the recording)"),
    RecordingMode.CLOUD_AUDIO_ONLY: gettext_lazy("In the cloud, audio only"),
    RecordingMode.LOCAL: gettext_lazy("On the recording participant's computer"),
    RecordingMode.RAW_TRACKS: gettext_lazy("Raw tracks, one file per participant (cloud)"),
}
REGION_LABELS = {
    Region.AF_SOUTH_1: gettext_lazy("Africa (Cape Town)"),
    Region.AP_NORTHEAST_2: gettext_lazy("Asia Pacific (Seoul)"),
    Region.AP_SOUTHEAST_1: gettext_lazy("Asia Pacific (Singapore)"),
    Region.AP_SOUTHEAST_2: gettext_lazy("Asia Pacific (Sydney)"),
    Region.AP_SOUTH_1: gettext_lazy("Asia Pacific (Mumbai)"),
    Region.EU_CENTRAL_1: gettext_lazy("Europe (Frankfurt)"),
    Region.EU_WEST_2: gettext_lazy("Europe (London)"),
    Region.SA_EAST_1: gettext_lazy("South America (São Paulo)"),
    Region.US_EAST_1: gettext_lazy("US East (N. Virginia)"),
    Region.US_WEST_2: gettext_lazy("US West (Oregon)"),
}

# The interface languages Daily offers for `lang` ("user": each person's browser language).
LANGUAGE_LABELS = {
    "user": gettext_lazy("Each person's browser language"),
    "da": gettext_lazy("Danish"),
    "nl": gettext_lazy("Dutch"),
    "en": gettext_lazy("English"),
    "fi": gettext_lazy("Finnish"),
    "fr": gettext_lazy("French"),
    "ka": gettext_lazy("Georgian"),
    "de": gettext_lazy("German"),
    "it": gettext_lazy("Italian"),
    "jp": gettext_lazy("Japanese"),
    "no": gettext_lazy("Norwegian"),
    "pl": gettext_lazy("Polish"),
    "pt": gettext_lazy("Portuguese"),
    "pt-BR": gettext_lazy("Portuguese (Brazil)"),
    "ru": gettext_lazy("Russian"),
    "es": gettext_lazy("Spanish"),
    "sv": gettext_lazy("Swedish"),
    "tr": gettext_lazy("Turkish"),
}
# The longest time limit per person the form offers: a week, in minutes.
MAX_TIME_LIMIT_MINUTES = 7 * 24 * 60

# Where Daily's InvalidInput.field lands in our forms.
PROPERTY_FIELD_MAP = {
    "exp": "exp",
    "nbf": "nbf",
    "eject_after_elapsed": "eject_after_elapsed",
    "lang": "lang",
    "max_participants": "max_participants",
    "enable_recording": "enable_recording",
    "geo": "geo",
    "sip": "sip_display_name",
    "recordings_bucket": "bucket_name",
}


def local_datetime_widget() -> forms.DateTimeInput:
    return forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT)


def to_local_naive(value: datetime | None, tz: zoneinfo.ZoneInfo) -> datetime | None:
    """An aware datetime as the wall-clock time of `tz`, for a datetime-local input."""
    if value is None:
        return None
    return value.astimezone(tz).replace(tzinfo=None, second=0, microsecond=0)


def add_daily_error(form: forms.Form, exc: InvalidInput, field_map: dict[str, str]) -> None:
    """Show Daily's local validation next to the field it names (or above the form)."""
    field = field_map.get(exc.field or "", exc.field)
    form.add_error(field if field in form.fields else None, refusal(exc))


PAST = {
    "opening time": gettext_lazy("The opening time is in the past."),
    "expiry time": gettext_lazy("The expiry time is in the past."),
}


class TeamTimeZoneForm(forms.Form):
    """Interprets and shows datetime-local values in the team's time zone."""

    # Optional fields are the rule here (unset means Daily's default): no "optional" marks.
    optional_marks = False

    def __init__(self, *args: Any, team: Team, **kwargs: Any) -> None:
        self.team = team
        super().__init__(*args, **kwargs)

    def full_clean(self) -> None:
        with timezone.override(self.team.tz):
            super().full_clean()

    def _future(self, value: datetime | None, what: str) -> datetime | None:
        """`what` is "opening time" or "expiry time"."""
        if value is not None and value <= timezone.now():
            raise forms.ValidationError(str(PAST[what]))
        return value


class RoomCreateForm(forms.Form):
    # Optional fields are the rule here (unset means Daily's default): no "optional" marks.
    optional_marks = False
    # No max_length: check_room_name says the limit of the team's dialect (35 with the team
    # name on domains, 128 on rest), the one the hint gives.
    name = forms.CharField(required=False, strip=True, label=gettext_lazy("Name"))
    privacy = forms.ChoiceField(label=gettext_lazy("Privacy"))

    def __init__(self, *args: Any, team: Team, **kwargs: Any) -> None:
        self.team = team
        super().__init__(*args, **kwargs)
        choices = services.privacy_choices(team)
        self.fields["privacy"].choices = [
            (p.value, str(PRIVACY_WORDS[p]).capitalize()) for p in choices
        ]
        default = Privacy.TEAM if Privacy.TEAM in choices else Privacy.PUBLIC
        self.fields["privacy"].initial = default.value
        rest = services.supports(team, services.Capability.ROOM_PROPERTIES)
        self.fields["name"].required = not rest
        # The limits daily.validation.room_name checks (and its error names).
        whole = daily_validation.DOMAINS_MAX_TEAM_PLUS_ROOM
        limit = whole - len(team.name) if not rest else daily_validation.MAX_ROOM_NAME_LENGTH
        self.fields["name"].widget.attrs.update(
            {"maxlength": str(max(limit, 1)), "autocomplete": "off", "spellcheck": "false"}
        )
        if rest:
            self.fields["name"].help_text = gettext(
                "Letters, digits, '-' and '_', up to %(limit)s characters. "
                "Leave empty and Daily chooses a name."
            ) % {"limit": limit}
        else:
            self.fields["name"].help_text = gettext(
                "Letters, digits, '-' and '_'. Team name and room name together may have "
                "at most %(whole)s characters: up to %(limit)s for this team."
            ) % {"whole": whole, "limit": max(limit, 0)}

    def clean_name(self) -> str | None:
        value = self.cleaned_data["name"]
        if not value:
            if self.fields["name"].required:
                raise forms.ValidationError(gettext("Enter a room name."))
            return None
        try:
            return services.check_room_name(self.team, value)
        except InvalidInput as exc:
            raise forms.ValidationError(refusal(exc)) from None

    def clean_privacy(self) -> Privacy:
        return Privacy(self.cleaned_data["privacy"])


class RoomPropertiesForm(TeamTimeZoneForm):
    """The REST room properties of CONTRACT.md, in words a person understands.

    `baseline` is the room's current properties (or all defaults, when creating); the form
    starts from its effective values and `properties()` returns only the differences.
    """

    BOOLEANS = (
        ("enable_chat", _("Text chat"), _("People can send chat messages.")),
        (
            "enable_prejoin_ui",
            _("Pre-join screen"),
            _("People check camera and mic before joining."),
        ),
        ("enable_emoji_reactions", _("Emoji reactions"), ""),
        ("enable_screenshare", _("Screen sharing"), ""),
        (
            "enable_knocking",
            _("Knocking"),
            _("People without access to a private room can ask to be let in."),
        ),
        ("start_video_off", _("Join with camera off"), ""),
        ("start_audio_off", _("Join with microphone off"), ""),
        ("eject_at_room_exp", _("Remove everyone when the room expires"), ""),
        (
            "enable_dialout",
            _("Dial-out"),
            _("Participants can call phone numbers from the room."),
        ),
    )

    nbf = forms.DateTimeField(
        required=False,
        label=_("Opens at"),
        widget=local_datetime_widget(),
        input_formats=[DATETIME_FORMAT, "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
    )
    exp = forms.DateTimeField(
        required=False,
        label=_("Expires at"),
        widget=local_datetime_widget(),
        input_formats=[DATETIME_FORMAT, "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
    )
    eject_after_elapsed = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_TIME_LIMIT_MINUTES,
        label=_("Time limit per person, in minutes"),
        help_text=_("Each person is removed this long after joining. Empty: no limit."),
    )
    lang = forms.ChoiceField(required=False, label=_("Language of the call's interface"))
    max_participants = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=daily_validation.MAX_PARTICIPANTS_LIMIT,
        label=_("Maximum participants"),
        help_text=format_lazy(
            _("Empty: Daily's default ({default})."), default=DEFAULTS["max_participants"]
        ),
    )
    enable_recording = forms.ChoiceField(required=False, label=_("Recording"))
    geo = forms.ChoiceField(required=False, label=_("Region"))
    sip_enabled = forms.BooleanField(required=False, label=_("SIP dial-in"))
    sip_display_name = forms.CharField(
        required=False, max_length=128, label=_("SIP display name"), strip=True
    )
    sip_video = forms.BooleanField(required=False, label=_("SIP callers send video"))
    sip_num_endpoints = forms.IntegerField(
        required=False, min_value=1, max_value=5, label=_("SIP endpoints")
    )
    bucket_name = forms.CharField(required=False, max_length=255, label=_("Bucket name"))
    bucket_region = forms.CharField(required=False, max_length=64, label=_("Bucket region"))
    bucket_role_arn = forms.CharField(
        required=False, max_length=2048, label=_("IAM role ARN Daily assumes")
    )
    bucket_allow_api_access = forms.BooleanField(
        required=False, label=_("Allow downloads of recordings through Daily's API")
    )

    def __init__(
        self, *args: Any, team: Team, baseline: RoomProperties | None = None, **kwargs: Any
    ) -> None:
        self.baseline = baseline or RoomProperties()
        self.editing = baseline is not None
        super().__init__(*args, team=team, **kwargs)
        for name, label, help_text in self.BOOLEANS:
            self.fields[name] = forms.BooleanField(required=False, label=label, help_text=help_text)
        recording = [(m.value, RECORDING_LABELS[m]) for m in RecordingMode]
        regions = [(r.value, f"{REGION_LABELS[r]}, {r.value}") for r in Region]
        b = self.baseline
        # Daily's API cannot remove a property once set (an update sends only values), so
        # an edit offers "default" only where the room still has the default.
        if not (self.editing and b.enable_recording is not None):
            recording.insert(0, ("", gettext("Off (Daily's default)")))
        if not (self.editing and b.geo is not None):
            regions.insert(
                0, ("", gettext("Automatic: nearest to the participants (Daily's default)"))
            )
        self.fields["enable_recording"].choices = recording
        self.fields["geo"].choices = regions
        languages = list(LANGUAGE_LABELS.items())
        if b.lang is not None and b.lang not in LANGUAGE_LABELS:
            languages.append((b.lang, b.lang))  # one Daily added since: kept as it is
        self.fields["lang"].choices = languages
        zone = {"zone": team.time_zone}
        self.fields["nbf"].help_text = (
            gettext("Date and time in %(zone)s. Nobody can join before it. Empty: open at once.")
            % zone
        )
        self.fields["exp"].help_text = (
            gettext("Date and time in %(zone)s. Empty: the room never expires.") % zone
        )
        if self.editing and b.nbf is not None:
            self.fields["nbf"].required = True
            self.fields["nbf"].help_text = (
                gettext("Date and time in %(zone)s. An opening time can be moved but not removed.")
                % zone
            )
        if self.editing and b.exp is not None:
            self.fields["exp"].required = True
            self.fields["exp"].help_text = (
                gettext("Date and time in %(zone)s. An expiry can be moved but not removed.") % zone
            )
        if self.editing and b.eject_after_elapsed is not None:
            self.fields["eject_after_elapsed"].required = True
            self.fields["eject_after_elapsed"].help_text = gettext(
                "Each person is removed this long after joining. "
                "A time limit can be changed but not removed."
            )
        self.initial.update(self._initial_from(b))

    def _initial_from(self, props: RoomProperties) -> dict[str, Any]:
        initial: dict[str, Any] = {
            name: bool(props.effective(name)) for name, _label, _help in self.BOOLEANS
        }
        initial["nbf"] = to_local_naive(props.nbf, self.team.tz)
        initial["exp"] = to_local_naive(props.exp, self.team.tz)
        initial["eject_after_elapsed"] = _minutes(props.eject_after_elapsed)
        initial["lang"] = props.effective("lang")
        initial["max_participants"] = props.max_participants
        initial["enable_recording"] = props.enable_recording.value if props.enable_recording else ""
        initial["geo"] = props.geo.value if props.geo else ""
        if props.sip is not None:
            initial.update(
                sip_enabled=True,
                sip_display_name=props.sip.display_name or "",
                sip_video=bool(props.sip.video),
                sip_num_endpoints=props.sip.num_endpoints,
            )
        if props.recordings_bucket is not None:
            bucket = props.recordings_bucket
            initial.update(
                bucket_name=bucket.bucket_name or "",
                bucket_region=bucket.bucket_region or "",
                bucket_role_arn=bucket.assume_role_arn or "",
                bucket_allow_api_access=bool(bucket.allow_api_access),
            )
        return initial

    @property
    def boolean_fields(self) -> list[forms.BoundField]:
        return [self[name] for name, _label, _help in self.BOOLEANS]

    def _kept_or_future(
        self, value: datetime | None, current: datetime | None, what: str
    ) -> datetime | None:
        # The input shows minutes only: the same minute means "unchanged", even when that
        # time has passed (not the person's doing).
        tz = self.team.tz
        if (
            value is not None
            and current is not None
            and (to_local_naive(value, tz) == to_local_naive(current, tz))
        ):
            return current
        return self._future(value, what)

    def clean_nbf(self) -> datetime | None:
        return self._kept_or_future(self.cleaned_data.get("nbf"), self.baseline.nbf, "opening time")

    def clean_exp(self) -> datetime | None:
        return self._kept_or_future(self.cleaned_data.get("exp"), self.baseline.exp, "expiry time")

    def clean_eject_after_elapsed(self) -> int | None:
        minutes = self.cleaned_data.get("eject_after_elapsed")
        current = self.baseline.eject_after_elapsed
        if minutes is None:
            return None
        # Shown in whole minutes: the minutes shown mean "unchanged", whatever the seconds.
        if current is not None and minutes == _minutes(current):
            return current
        return minutes * 60

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        # Daily compares the two whole times, the one sent and the one the room keeps.
        nbf = data.get("nbf") or (None if "nbf" in self.errors else self.baseline.nbf)
        exp = data.get("exp") or (None if "exp" in self.errors else self.baseline.exp)
        if nbf is not None and exp is not None and nbf >= exp:
            self.add_error("nbf", gettext("The room must open before it expires."))
        if data.get("sip_enabled") and not data.get("sip_display_name"):
            self.add_error("sip_display_name", gettext("Give SIP dial-in a display name."))
        if self.editing and self.baseline.sip is not None and not data.get("sip_enabled"):
            self.add_error(
                "sip_enabled", gettext("SIP dial-in cannot be turned off through Daily's API.")
            )
        bucket = [data.get(k) for k in ("bucket_name", "bucket_region", "bucket_role_arn")]
        if any(bucket) and not all(bucket):
            self.add_error(
                "bucket_name",
                gettext("A recordings bucket needs its name, its region and the role ARN."),
            )
        if self.editing and self.baseline.recordings_bucket is not None and not any(bucket):
            self.add_error(
                "bucket_name",
                gettext("A recordings bucket cannot be removed through Daily's API."),
            )
        return data

    def properties(self) -> RoomProperties:
        """Only what differs from the baseline's effective values (call after is_valid)."""
        data = self.cleaned_data
        b = self.baseline
        changes: dict[str, Any] = {}
        for name, _label, _help in self.BOOLEANS:
            if data[name] != bool(b.effective(name)):
                changes[name] = data[name]
        for name in ("nbf", "exp", "eject_after_elapsed"):
            if data.get(name) is not None and data[name] != getattr(b, name):
                changes[name] = data[name]
        if data.get("lang") and data["lang"] != b.effective("lang"):
            changes["lang"] = data["lang"]
        if data.get("max_participants") is not None and data["max_participants"] != (
            b.effective("max_participants")
        ):
            changes["max_participants"] = data["max_participants"]
        recording = RecordingMode(data["enable_recording"]) if data["enable_recording"] else None
        if recording is not None and recording != b.enable_recording:
            changes["enable_recording"] = recording
        geo = Region(data["geo"]) if data["geo"] else None
        if geo is not None and geo != b.geo:
            changes["geo"] = geo
        if data.get("sip_enabled"):
            sip = SipParams(
                display_name=data["sip_display_name"],
                sip_mode="dial-in",
                video=bool(data.get("sip_video")),
                num_endpoints=data.get("sip_num_endpoints") or 1,
                codecs=b.sip.codecs if b.sip else None,
            )
            if sip != b.sip:
                changes["sip"] = sip
        if data.get("bucket_name"):
            bucket = RecordingsBucket(
                bucket_name=data["bucket_name"],
                bucket_region=data["bucket_region"],
                assume_role_arn=data["bucket_role_arn"],
                allow_api_access=bool(data.get("bucket_allow_api_access")),
            )
            if bucket != b.recordings_bucket:
                changes["recordings_bucket"] = bucket
        return RoomProperties(**changes)


def _minutes(seconds: int | None) -> int | None:
    """Whole minutes for the form, at least one (Daily counts in seconds)."""
    return None if seconds is None else max(1, round(seconds / 60))


class EmbedForm(forms.Form):
    name = forms.CharField(required=False, max_length=100, strip=True, label=_("Visible name"))
