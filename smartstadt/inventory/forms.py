from __future__ import annotations

from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db.models import Case, When
from django.utils.translation import gettext_lazy as _

from smartstadt.analysis.tag_views import FIELD_TEMPLATE
from smartstadt.frameworks.models import Framework, Term
from smartstadt.regions.forms import LinesField
from smartstadt.regions.models import District, Municipality, Organisation

from .models import Entry


class LinksField(forms.CharField):
    """Links, one per line: either an address or "Label | address"."""

    widget = forms.Textarea(attrs={"rows": 4})

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list):
            return "\n".join(
                f"{link.get('label')} | {link.get('url')}" if link.get("label") else str(link.get("url", ""))
                for link in value
                if isinstance(link, dict)
            )
        return value

    def to_python(self, value: Any) -> list[dict[str, str]]:  # type: ignore[override]
        text = super().to_python(value) or ""
        links = []
        check = URLValidator(schemes=["http", "https"])
        for number, line in enumerate((line.strip() for line in text.splitlines()), start=1):
            if not line:
                continue
            label, _sep, url = line.rpartition("|") if "|" in line else ("", "", line)
            url = url.strip()
            try:
                check(url)
            except ValidationError:
                raise ValidationError(
                    _("Line %(n)s: “%(url)s” is not a web address (http or https)."),
                    params={"n": number, "url": url},
                ) from None
            links.append({"label": label.strip(), "url": url})
        return links


class TermChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Term) -> str:
        return (
            f"{obj.framework.short_name or obj.framework.name}: {obj.label}"
            if obj.parent_id is None
            else f"– {obj.label}"
        )


class PartnerChoiceField(forms.ModelMultipleChoiceField):
    """Organisations of the whole region: the municipality tells the many "Stadtwerke" apart and can be searched."""

    def label_from_instance(self, obj: Organisation) -> str:
        return f"{obj.name} ({obj.municipality.name})"


class EntryForm(forms.ModelForm):
    funding_sources = LinesField(label=_("Funding sources"), required=False, help_text=_("One per line."))
    links = LinksField(label=_("Links"), required=False, help_text=_("One per line: an address, or “Label | address”."))
    terms = TermChoiceField(
        label=_("Tags"),
        queryset=Term.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The Smart City dimensions and topic fields the entry belongs to."),
        template_name=FIELD_TEMPLATE,  # with the suggested Giffinger dimensions (smartstadt/analysis/tag_views.py)
    )
    districts = forms.ModelMultipleChoiceField(
        label=_("Districts"), queryset=District.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    partners = PartnerChoiceField(
        label=_("Partner organisations"),
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Organisations of the region; tick all that take part."),
    )

    class Meta:
        model = Entry
        fields = [
            "title",
            "kind",
            "knowledge_type",
            "summary",
            "description",
            "status",
            "lead_organisation",
            "partners",
            "terms",
            "districts",
            "start_year",
            "end_year",
            "budget_eur",
            "funding_sources",
            "links",
            "contact_email",
            "maturity",
            "transferability",
            "licence",
            "latitude",
            "longitude",
            "source_url",
            "source_note",
        ]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 3}),
            "description": forms.Textarea(attrs={"rows": 8}),
            "source_note": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(
        self,
        *args: Any,
        municipality: Municipality,
        lead_choices: list[Organisation],
        lead_required: bool,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.instance.municipality = municipality
        frameworks = Framework.objects.visible_for_municipality(municipality.pk)
        cast(forms.ModelMultipleChoiceField, self.fields["terms"]).queryset = (
            Term.objects.filter(framework__in=frameworks)
            .select_related("framework")
            .order_by("framework__order", "framework__name", "parent__order", "parent_id", "order")
        )
        cast(forms.ModelMultipleChoiceField, self.fields["districts"]).queryset = District.objects.filter(
            municipality=municipality
        ).order_by("name")
        partner_scope = Organisation.objects.filter(is_active=True)
        partner_scope = (
            partner_scope.filter(municipality__region_id=municipality.region_id)
            if municipality.region_id
            else partner_scope.filter(municipality=municipality)
        )
        # The entry's own municipality first: most partners are local, the region's follow by city.
        cast(forms.ModelMultipleChoiceField, self.fields["partners"]).queryset = (
            partner_scope.select_related("municipality")
            .annotate(elsewhere=Case(When(municipality=municipality, then=0), default=1))
            .order_by("elsewhere", "municipality__name", "name")
        )
        cast(forms.ModelChoiceField, self.fields["lead_organisation"]).queryset = Organisation.objects.filter(
            pk__in=[o.pk for o in lead_choices]
        )
        self.fields["lead_organisation"].required = lead_required


class SpreadsheetUploadForm(forms.Form):
    """The spreadsheet to check and import: the filled template as .xlsx or .csv."""

    MAX_BYTES = 20 * 1024 * 1024

    file = forms.FileField(
        label=_("Spreadsheet (.xlsx or .csv)"),
        help_text=_("The filled template. The file is checked first; nothing is saved before you confirm."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        name = upload.name or ""
        if not name.lower().endswith((".xlsx", ".csv")):
            raise ValidationError(_("Please choose an .xlsx or .csv file."))
        if upload.size > self.MAX_BYTES:
            raise ValidationError(_("The file is larger than 20 MB; please split it."))
        return upload


class MergeForm(forms.Form):
    """Which value each differing field of two merged entries keeps (see ``merging.py``)."""

    def __init__(self, *args: Any, rows: list[Any], keep_title: str, remove_title: str, **kwargs: Any) -> None:
        from .merging import BOTH, KEEP, REMOVE

        super().__init__(*args, **kwargs)
        for row in rows:
            if not row.differs:
                continue
            choices = [
                (KEEP, f"{keep_title}: {_short(row.keep)}"),
                (REMOVE, f"{remove_title}: {_short(row.remove)}"),
            ]
            if row.is_list:
                choices.append((BOTH, str(_("Both together"))))
            self.fields[row.name] = forms.ChoiceField(
                label=row.label, choices=choices, initial=row.default, widget=forms.RadioSelect, required=False
            )  # not sent: the default (see merging.default_choices)


def _short(value: str) -> str:
    value = " ".join(value.split())
    return (value[:117] + "…" if len(value) > 120 else value) or "–"
