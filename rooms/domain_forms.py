"""The domain settings form: Daily's domain properties in words, checked like room properties.

Reference: docs.daily.co/reference/rest-api/your-domain/config. The form starts from the
domain's effective values (its own, else Daily's documented defaults) and `changes()`
returns only the differences, so a save never pins a default nobody touched. As with rooms,
Daily's API sets values and cannot remove one: a region or a bucket, once set, can be
changed but not cleared here (the redirect can: Daily shows "" for none).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from daily import DomainBucket, DomainProperties, InvalidInput, RecordingsBucket, Region
from daily import domain_config as dc
from rooms.forms import LANGUAGE_LABELS, REGION_LABELS
from rooms.words import refusal

RTMP_LABELS = {
    "us-west-2": _("US West (Oregon)"),
    "eu-central-1": _("Europe (Frankfurt)"),
    "ap-south-1": _("Asia Pacific (Mumbai)"),
}

NOT_REMOVABLE = {
    "recordings bucket": _("The recordings bucket cannot be removed through Daily's API."),
    "transcriptions bucket": _("The transcriptions bucket cannot be removed through Daily's API."),
}

# (group title, [(property, label, help)]) for the booleans, in the page's order.
BOOLEAN_GROUPS: tuple[tuple[str, tuple[tuple[str, str, str], ...]], ...] = (
    (
        "Branding",
        (
            (
                "hide_daily_branding",
                _("Hide “Powered by Daily”"),
                _("A pay-as-you-go feature of Daily."),
            ),
        ),
    ),
    (
        "In the call (Daily Prebuilt)",
        (
            ("enable_prejoin_ui", _("Pre-join screen"), _("Camera, mic and browser check first.")),
            ("enable_people_ui", _("People panel"), ""),
            (
                "enable_advanced_chat",
                _("Rich chat"),
                _("Reactions, emoji picker and Giphy in chat."),
            ),
            ("enable_emoji_reactions", _("Emoji reactions"), ""),
            ("enable_hand_raising", _("Hand raising"), ""),
            ("enable_pip_ui", _("Picture in picture"), ""),
            ("enable_breakout_rooms", _("Breakout rooms"), _("A beta feature of Daily.")),
            ("enable_live_captions_ui", _("Closed captions button"), ""),
            ("enable_network_ui", _("Network panel"), ""),
            ("enable_noise_cancellation_ui", _("Noise cancellation controls"), ""),
            ("enable_video_processing_ui", _("Background blur controls"), ""),
        ),
    ),
    (
        "Network and scale",
        (
            ("enable_adaptive_simulcast", _("Adaptive bitrate"), ""),
            (
                "enable_opus_fec",
                _("Opus forward error correction"),
                _("Audio more resilient to loss."),
            ),
            ("enable_mesh_sfu", _("Several SFUs per call"), _("For interactive live streaming.")),
            ("enable_terse_logging", _("Terse logging"), _("Advised above 200 participants.")),
            ("disable_rtmp_geo_fallback", _("No fallback from the streaming region"), ""),
            (
                "enforce_unique_user_ids",
                _("One participant per user id"),
                _("A second join with the same user id ejects the first."),
            ),
        ),
    ),
    (
        "Transcription",
        (("enable_transcription_storage", _("Store transcriptions (WebVTT)"), ""),),
    ),
)
BOOLEANS = tuple(item for _title, items in BOOLEAN_GROUPS for item in items)

# Where InvalidInput.field lands in this form.
FIELD_MAP = {
    "recordings_bucket": "rec_bucket_name",
    "transcription_bucket": "tr_bucket_name",
}

LABELS: dict[str, str] = {
    **{name: label for name, label, _help in BOOLEANS},
    "redirect_on_meeting_exit": _("Page after leaving a call"),
    "lang": _("Default language"),
    "meeting_join_hook": _("Join hook URL"),
    "geo": _("Call server region"),
    "rtmp_geo": _("Streaming region"),
    "sfu_switchover": _("Switch to SFU above"),
    "recordings_template": _("Recording file names"),
    "transcription_template": _("Transcription file names"),
    "recordings_bucket": _("Recordings bucket"),
    "transcription_bucket": _("Transcriptions bucket"),
}


class DomainSettingsForm(forms.Form):
    # Optional fields are the rule here (unset means Daily's default): no "optional" marks.
    optional_marks = False
    redirect_on_meeting_exit = forms.CharField(
        required=False,
        max_length=2048,
        label=LABELS["redirect_on_meeting_exit"],
        help_text=_("An http(s) address. Empty: no redirect."),
        widget=forms.URLInput(attrs={"placeholder": "https://example.com/thanks"}),
    )
    lang = forms.ChoiceField(label=LABELS["lang"], help_text=_("Rooms and tokens may override it."))
    geo = forms.ChoiceField(required=False, label=LABELS["geo"])
    rtmp_geo = forms.ChoiceField(required=False, label=LABELS["rtmp_geo"])
    sfu_switchover = forms.FloatField(
        min_value=0.5,
        label=LABELS["sfu_switchover"],
        help_text=(
            _(
                "Participants; the call moves from peer-to-peer to a server above this count. "
                "0.5: always a server."
            )
        ),
    )
    meeting_join_hook = forms.CharField(
        required=False,
        max_length=2048,
        label=LABELS["meeting_join_hook"],
        help_text=_("Daily advises webhooks (participant.joined) instead."),
    )
    recordings_template = forms.CharField(
        max_length=dc.MAX_TEMPLATE_LENGTH,
        label=LABELS["recordings_template"],
        help_text=(
            _(
                "Must contain {epoch_time}; may use {domain_name}, {room_name}, {mtg_session_id}, "
                "{instance_id}, {recording_id}. Only .mp4 as an extension."
            )
        ),
    )
    transcription_template = forms.CharField(
        max_length=dc.MAX_TEMPLATE_LENGTH,
        label=LABELS["transcription_template"],
        help_text=(
            _(
                "Must contain {epoch_time}; may use {domain_name}, {room_name}, {mtg_session_id}, "
                "{instance_id}, {transcript_id}."
            )
        ),
    )
    rec_bucket_name = forms.CharField(required=False, max_length=255, label=_("Bucket name"))
    rec_bucket_region = forms.CharField(required=False, max_length=64, label=_("Bucket region"))
    rec_role_arn = forms.CharField(
        required=False, max_length=2048, label=_("IAM role ARN Daily assumes")
    )
    rec_allow_api_access = forms.BooleanField(
        required=False, label=_("Allow downloads of recordings through Daily's API")
    )
    rec_allow_streaming = forms.BooleanField(
        required=False, label=_("Play recordings in the browser (inline links)")
    )
    tr_bucket_name = forms.CharField(required=False, max_length=255, label=_("Bucket name"))
    tr_bucket_region = forms.CharField(required=False, max_length=64, label=_("Bucket region"))
    tr_role_arn = forms.CharField(
        required=False, max_length=2048, label=_("IAM role ARN Daily assumes")
    )
    tr_allow_api_access = forms.BooleanField(
        required=False, label=_("Allow access to transcriptions through Daily's API")
    )

    def __init__(self, *args: Any, baseline: DomainProperties, **kwargs: Any) -> None:
        self.baseline = baseline
        super().__init__(*args, **kwargs)
        for name, label, help_text in BOOLEANS:
            self.fields[name] = forms.BooleanField(required=False, label=label, help_text=help_text)
        b = baseline
        languages = list(LANGUAGE_LABELS.items())
        if b.lang is not None and b.lang not in LANGUAGE_LABELS:
            languages.append((b.lang, b.lang))
        self.fields["lang"].choices = languages
        regions = [(r.value, f"{REGION_LABELS[r]}, {r.value}") for r in Region]
        if b.geo is None:
            regions.insert(0, ("", _("Automatic: nearest to the first participant (default)")))
        self.fields["geo"].choices = regions
        rtmp = list(RTMP_LABELS.items())
        if b.rtmp_geo is None:
            rtmp.insert(0, ("", _("Closest to the call's server (default)")))
        elif b.rtmp_geo not in RTMP_LABELS:
            rtmp.append((b.rtmp_geo, b.rtmp_geo))
        self.fields["rtmp_geo"].choices = rtmp
        if b.meeting_join_hook:
            self.fields["meeting_join_hook"].required = True
        self.initial.update(self._initial_from(b))

    @staticmethod
    def _initial_from(b: DomainProperties) -> dict[str, Any]:
        initial: dict[str, Any] = {name: bool(b.effective(name)) for name, _l, _h in BOOLEANS}
        initial.update(
            redirect_on_meeting_exit=b.redirect_on_meeting_exit or "",
            lang=b.effective("lang"),
            geo=b.geo.value if b.geo else "",
            rtmp_geo=b.rtmp_geo or "",
            sfu_switchover=_number(b.effective("sfu_switchover")),
            meeting_join_hook=b.meeting_join_hook or "",
            recordings_template=b.effective("recordings_template"),
            transcription_template=b.effective("transcription_template"),
        )
        if b.recordings_bucket is not None:
            r = b.recordings_bucket
            initial.update(
                rec_bucket_name=r.bucket_name or "",
                rec_bucket_region=r.bucket_region or "",
                rec_role_arn=r.assume_role_arn or "",
                rec_allow_api_access=bool(r.allow_api_access),
                rec_allow_streaming=bool(r.allow_streaming_from_bucket),
            )
        if b.transcription_bucket is not None:
            t = b.transcription_bucket
            initial.update(
                tr_bucket_name=t.bucket_name or "",
                tr_bucket_region=t.bucket_region or "",
                tr_role_arn=t.assume_role_arn or "",
                tr_allow_api_access=bool(t.allow_api_access),
            )
        return initial

    def boolean_groups(self) -> list[tuple[str, list[forms.BoundField]]]:
        return [(title, [self[name] for name, _l, _h in items]) for title, items in BOOLEAN_GROUPS]

    def _bucket_fields(self, prefix: str, name: str, current: RecordingsBucket | None) -> None:
        data = self.cleaned_data
        parts = [data.get(f"{prefix}_{k}") for k in ("bucket_name", "bucket_region", "role_arn")]
        if any(parts) and not all(parts):
            self.add_error(
                f"{prefix}_bucket_name", gettext("A bucket needs its name, region and role ARN.")
            )
        if current is not None and not any(parts):
            self.add_error(f"{prefix}_bucket_name", str(NOT_REMOVABLE[name]))

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        self._bucket_fields("rec", "recordings bucket", self.baseline.recordings_bucket)
        self._bucket_fields("tr", "transcriptions bucket", self.baseline.transcription_bucket)
        if not self.errors:
            # Daily's own rules (templates, URLs, regions), next to the field they name.
            try:
                dc.domain_properties(self.changes())
            except InvalidInput as exc:
                field = FIELD_MAP.get(exc.field or "", exc.field)
                self.add_error(field if field in self.fields else None, refusal(exc))
        return data

    def changes(self) -> DomainProperties:
        """Only what differs from the baseline's effective values (after is_valid)."""
        data = self.cleaned_data
        b = self.baseline
        out: dict[str, Any] = {}
        for name, _label, _help in BOOLEANS:
            if data.get(name) is not None and data[name] != bool(b.effective(name)):
                out[name] = data[name]
        redirect = data.get("redirect_on_meeting_exit") or ""
        if redirect != (b.redirect_on_meeting_exit or ""):
            out["redirect_on_meeting_exit"] = redirect
        for name in ("lang", "recordings_template", "transcription_template"):
            if data.get(name) and data[name] != b.effective(name):
                out[name] = data[name]
        if data.get("meeting_join_hook") and data["meeting_join_hook"] != b.meeting_join_hook:
            out["meeting_join_hook"] = data["meeting_join_hook"]
        if data.get("geo") and Region(data["geo"]) != b.geo:
            out["geo"] = Region(data["geo"])
        if data.get("rtmp_geo") and data["rtmp_geo"] != b.rtmp_geo:
            out["rtmp_geo"] = data["rtmp_geo"]
        switchover = data.get("sfu_switchover")
        if switchover is not None and switchover != b.effective("sfu_switchover"):
            out["sfu_switchover"] = _number(switchover)
        if data.get("rec_bucket_name"):
            bucket = DomainBucket(
                bucket_name=data["rec_bucket_name"],
                bucket_region=data["rec_bucket_region"],
                assume_role_arn=data["rec_role_arn"],
                allow_api_access=bool(data.get("rec_allow_api_access")),
                allow_streaming_from_bucket=bool(data.get("rec_allow_streaming")),
            )
            if not _same_bucket(bucket, b.recordings_bucket):
                out["recordings_bucket"] = bucket
        if data.get("tr_bucket_name"):
            tr = RecordingsBucket(
                bucket_name=data["tr_bucket_name"],
                bucket_region=data["tr_bucket_region"],
                assume_role_arn=data["tr_role_arn"],
                allow_api_access=bool(data.get("tr_allow_api_access")),
            )
            if not _same_bucket(tr, b.transcription_bucket):
                out["transcription_bucket"] = tr
        return DomainProperties(**out)


def _same_bucket(new: RecordingsBucket, old: RecordingsBucket | None) -> bool:
    """Equal, reading Daily's missing yes/no flags as no (the form shows them so)."""
    if old is None:
        return False
    return all(
        (getattr(new, f) or False) == (getattr(old, f, None) or False)
        for f in new.__dataclass_fields__
    )


def _number(value: object) -> float | int:
    """2.0 as 2 (a participant count), 0.5 as it is."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value  # type: ignore[return-value]


# -- the diff ---------------------------------------------------------------------------------


def _shown(name: str, value: object) -> str:
    if value is None:
        return gettext("Daily's default")
    if value == "":
        return gettext("none")
    if isinstance(value, bool):
        return gettext("on") if value else gettext("off")
    if isinstance(value, Region):
        return f"{REGION_LABELS[value]} ({value.value})"
    if name == "lang":
        return str(LANGUAGE_LABELS.get(str(value), str(value)))
    if name == "rtmp_geo":
        return f"{RTMP_LABELS.get(str(value), value)} ({value})"
    if isinstance(value, RecordingsBucket):
        flags = []
        if value.allow_api_access:
            flags.append(gettext("API access"))
        if getattr(value, "allow_streaming_from_bucket", None):
            flags.append(gettext("streaming"))
        extra = f", {', '.join(flags)}" if flags else ""
        return (
            gettext("%(bucket)s in %(region)s, role %(role)s")
            % {
                "bucket": value.bucket_name,
                "region": value.bucket_region,
                "role": value.assume_role_arn,
            }
            + extra
        )
    if isinstance(value, float):
        return str(_number(value))
    return str(value)


def diff(before: DomainProperties, changes: DomainProperties) -> list[tuple[str, str, str, str]]:
    """(property, label, from, to) for each property `changes` sets."""
    rows = []
    for name in DomainProperties.__dataclass_fields__:
        new = getattr(changes, name)
        if new is None:
            continue
        old = before.effective(name)
        if name == "redirect_on_meeting_exit":
            old = before.redirect_on_meeting_exit or ""
        label = str(LABELS[name]) if name in LABELS else name
        rows.append((name, label, _shown(name, old), _shown(name, new)))
    return rows
