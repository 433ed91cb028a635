"""The form that asks for a document: which one, in which format, from which state of the strategy."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import DocumentFormat, DocumentKind
from .selectors import SourceChoice


class DocumentRequestForm(forms.Form):
    kind = forms.ChoiceField(label=_("Document"), choices=DocumentKind.choices, widget=forms.RadioSelect)
    format = forms.ChoiceField(label=_("Format"), choices=DocumentFormat.choices, widget=forms.RadioSelect)
    source = forms.ChoiceField(label=_("State of the strategy"))
    measure = forms.ChoiceField(
        label=_("Measure (only for a measure sheet)"),
        required=False,
        help_text=_("The number of the measure; the list shows the measures of the working state."),
    )

    def __init__(self, *args: Any, sources: list[SourceChoice], measures: list[tuple[str, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.sources = {choice.key: choice for choice in sources}
        cast(forms.ChoiceField, self.fields["source"]).choices = [(choice.key, choice.label) for choice in sources]
        cast(forms.ChoiceField, self.fields["measure"]).choices = [("", "–"), *measures]
        self.fields["kind"].initial = DocumentKind.STRATEGY
        self.fields["format"].initial = DocumentFormat.PDF
        if sources:
            self.fields["source"].initial = sources[0].key

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") == DocumentKind.MEASURE and not data.get("measure"):
            self.add_error("measure", _("Choose the measure whose sheet you want."))
        return data
