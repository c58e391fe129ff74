from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.validators import RegexValidator


class PriceForm(forms.Form):
    per_minute = forms.DecimalField(
        label="Price per participant-minute",
        required=False,
        min_value=Decimal(0),
        max_digits=12,
        decimal_places=6,
        help_text="What your Daily plan charges for one participant-minute now; empty to remove.",
    )
    currency = forms.CharField(
        label="Currency",
        initial="USD",
        max_length=3,
        validators=[RegexValidator(r"^\s*[A-Za-z]{3}\s*$", "Three letters, such as USD or EUR.")],
    )

    def clean_currency(self) -> str:
        return (self.cleaned_data.get("currency") or "").strip().upper()
