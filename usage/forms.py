from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from usage.models import Period


class PriceForm(forms.Form):
    optional_marks = False  # the help says what an empty price does
    per_minute = forms.DecimalField(
        label=_("Price per participant-minute"),
        required=False,
        min_value=Decimal(0),
        max_digits=12,
        decimal_places=6,
        help_text=_(
            "What your Daily plan charges for one participant-minute now; empty to remove."
        ),
    )
    currency = forms.CharField(
        label=_("Currency"),
        initial="USD",
        max_length=3,
        validators=[
            RegexValidator(r"^\s*[A-Za-z]{3}\s*$", _("Three letters, such as USD or EUR."))
        ],
    )

    def clean_currency(self) -> str:
        return (self.cleaned_data.get("currency") or "").strip().upper()


class DigestForm(forms.Form):
    period = forms.ChoiceField(label=_("Every"), choices=Period.choices, initial=Period.WEEKLY)
    rooms = forms.MultipleChoiceField(
        label=_("Rooms"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every room."),
    )
    threshold = forms.IntegerField(
        label=_("List people under (% attendance)"),
        min_value=1,
        max_value=100,
        initial=50,
        help_text=_("A person's minutes in their meetings over those meetings' length."),
    )

    def __init__(self, *args, rooms: list[str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["rooms"].choices = [(r, r) for r in rooms]
