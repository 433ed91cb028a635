from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Municipality


class LinesField(forms.CharField):
    """A list of short texts, edited as one line each."""

    widget = forms.Textarea(attrs={"rows": 6})

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list):
            return "\n".join(str(item) for item in value)
        return value

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        text = super().to_python(value) or ""
        return [line.strip() for line in text.splitlines() if line.strip()]


class MunicipalityProfileForm(forms.ModelForm):
    guiding_principles = LinesField(
        label=_("Guiding principles (Leitsätze)"),
        required=False,
        help_text=_("One guiding principle per line."),
    )
    development_goals = LinesField(label=_("Development goals"), required=False, help_text=_("One goal per line."))

    class Meta:
        model = Municipality
        fields = [
            "motto",
            "vision",
            "guiding_principles",
            "development_goals",
            "population",
            "population_source",
            "area_km2",
            "official_key",
            "website",
            "contact_email",
            "smart_city_unit",
        ]
        widgets = {"vision": forms.Textarea(attrs={"rows": 5})}
