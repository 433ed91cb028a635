from __future__ import annotations

from collections.abc import Iterator
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from smartstadt.inventory.forms import EntryForm
from smartstadt.regions.models import Organisation

from .models import Campaign, Invitation
from .services import INVITEE_FIELDS


class CampaignForm(forms.ModelForm):
    class Meta:
        model = Campaign
        fields = ["title", "message", "deadline"]
        widgets = {
            "message": forms.Textarea(attrs={"rows": 8}),
            "deadline": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def clean_deadline(self) -> Any:
        deadline = self.cleaned_data["deadline"]
        if "deadline" in self.changed_data and deadline < timezone.localdate():
            raise forms.ValidationError(_("The deadline must not be in the past."))
        return deadline


class InvitationsForm(forms.Form):
    """Choose organisations (one checkbox each) and the role mailbox to write to (prefilled where known)."""

    def __init__(self, *args: Any, organisations: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organisations = organisations
        for organisation in organisations:
            self.fields[f"invite_{organisation.pk}"] = forms.BooleanField(required=False, label=organisation.name)
            self.fields[f"email_{organisation.pk}"] = forms.EmailField(
                required=False,
                initial=organisation.contact_email,
                max_length=254,
                label=_("E-mail address of %(name)s") % {"name": organisation.name},
            )

    def rows(self) -> Iterator[tuple[Organisation, forms.BoundField, forms.BoundField]]:
        for organisation in self.organisations:
            yield organisation, self[f"invite_{organisation.pk}"], self[f"email_{organisation.pk}"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        chosen = 0
        for organisation in self.organisations:
            if not cleaned.get(f"invite_{organisation.pk}"):
                continue
            chosen += 1
            if not cleaned.get(f"email_{organisation.pk}") and f"email_{organisation.pk}" not in self.errors:
                self.add_error(
                    f"email_{organisation.pk}",
                    _("Please enter the e-mail address of %(name)s.") % {"name": organisation.name},
                )
        if not chosen:
            raise forms.ValidationError(_("Please choose at least one organisation."))
        return cleaned

    def invitees(self) -> list[tuple[Organisation, str]]:
        return [
            (organisation, self.cleaned_data[f"email_{organisation.pk}"])
            for organisation in self.organisations
            if self.cleaned_data.get(f"invite_{organisation.pk}")
        ]


class InviteeEntryForm(EntryForm):
    """The inventory's entry form with fewer fields; the lead organisation is fixed to the invited one."""

    class Meta(EntryForm.Meta):
        fields = [*INVITEE_FIELDS, "lead_organisation"]

    def __init__(self, *args: Any, invitation: Invitation, **kwargs: Any) -> None:
        organisation = invitation.organisation
        super().__init__(
            *args,
            municipality=invitation.campaign.municipality,
            lead_choices=[] if invitation.is_partner else [organisation],
            lead_required=False,
            **kwargs,
        )
        # Set by the service, never by the form: an invitee cannot hand an entry to anybody else.
        del self.fields["lead_organisation"]
        if self.instance.pk is None:
            self.instance.lead_organisation = None if invitation.is_partner else organisation
        partners = cast(forms.ModelMultipleChoiceField, self.fields["partners"])
        partners.queryset = partners.queryset.exclude(pk=organisation.pk)  # type: ignore[union-attr]
        if invitation.is_partner:
            partners.help_text = _(
                "%(name)s is named as partner in any case. Tick further organisations of the region that take part."
            ) % {"name": organisation.name}
