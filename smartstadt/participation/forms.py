"""Forms of participation: they validate only. Each public form carries a honeypot field that people never see."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from smartstadt.regions.models import District
from smartstadt.strategy.models import FieldOfAction, Measure

from .models import AgeGroup, Idea, IdeaStatus, Process


class HoneypotMixin(forms.Form):
    """A field hidden from people (the template puts it in a ``hidden`` block); scripts that fill every field
    fill it, too, and their submission is refused without saving anything."""

    website = forms.CharField(
        label=_("Website (leave empty)"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    honeypot_fields = ("website",)

    def clean_website(self) -> str:
        value: str = self.cleaned_data.get("website", "")
        if value:
            raise forms.ValidationError(_("This submission looks automated and was not saved."))
        return value

    def visible_fields(self) -> list[Any]:
        return [field for field in super().visible_fields() if field.name not in self.honeypot_fields]


def _district_choices(queryset: Any) -> Any:
    return queryset.select_related("municipality").order_by("municipality__name", "kind", "name")


class IdeaForm(HoneypotMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=150, help_text=_("Say your idea in a few words."))
    text = forms.CharField(
        label=_("Your idea"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What should change, and why? Please no personal data of others."),
    )
    field_of_action = forms.ModelChoiceField(
        label=_("Field of action"), queryset=FieldOfAction.objects.none(), required=False
    )
    district = forms.ModelChoiceField(
        label=_("District"),
        queryset=District.objects.none(),
        required=False,
        help_text=_("Where in the city is your idea about?"),
    )
    latitude = forms.DecimalField(
        label=_("Latitude"), max_digits=9, decimal_places=6, min_value=-90, max_value=90, required=False
    )
    longitude = forms.DecimalField(
        label=_("Longitude"), max_digits=9, decimal_places=6, min_value=-180, max_value=180, required=False
    )

    def __init__(self, *args: Any, process: Process, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["district"]).queryset = _district_choices(
            District.objects.filter(municipality=process.municipality)
        )
        if process.strategy_id is not None:
            cast(forms.ModelChoiceField, self.fields["field_of_action"]).queryset = FieldOfAction.objects.filter(
                strategy_id=process.strategy_id
            ).order_by("order", "title")
        else:
            del self.fields["field_of_action"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (data.get("latitude") is None) != (data.get("longitude") is None):
            self.add_error(
                "longitude" if data.get("longitude") is None else "latitude",
                _("A place needs both latitude and longitude."),
            )
        return data


class CommentForm(HoneypotMixin, forms.Form):
    text = forms.CharField(label=_("Your comment"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)


class ReportForm(forms.Form):
    reason = forms.CharField(
        label=_("What is wrong with this contribution?"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example: insulting, advertising, personal data of others."),
    )


class HideForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason the author will see"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Name the rule of the discussion that the contribution breaks."),
    )


class AnswerForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=IdeaStatus.choices)
    answer = forms.CharField(
        label=_("Official answer"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Plain words: what happens with the idea, and why. If it is not taken, say why not."),
    )
    measure = forms.ModelChoiceField(
        label=_("Measure it was taken into"),
        queryset=Measure.objects.none(),
        required=False,
        help_text=_("Only for the status “taken into the strategy”."),
    )

    def __init__(self, *args: Any, idea: Idea, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        strategy_id = idea.process.strategy_id
        if strategy_id is not None:
            cast(forms.ModelChoiceField, self.fields["measure"]).queryset = Measure.objects.filter(
                strategy_id=strategy_id
            ).order_by("order", "title")
        else:
            del self.fields["measure"]


class RegistrationForm(HoneypotMixin, forms.Form):
    display_name = forms.CharField(
        label=_("Display name"),
        max_length=80,
        help_text=_("Shown with your contributions instead of your name. A pseudonym is fine."),
    )
    email = forms.EmailField(
        label=_("E-mail address"),
        help_text=_("You sign in with it. We send you a link to confirm it; it is never shown publicly."),
    )
    password = forms.CharField(
        label=_("Password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 10 characters."),
    )
    password_again = forms.CharField(
        label=_("Password again"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    age_group = forms.ChoiceField(
        label=_("Age group"),
        choices=[("", _("I prefer not to say")), *AgeGroup.choices],
        required=False,
        help_text=_("Voluntary. Only used, counted together, to see whether all age groups take part."),
    )
    district = forms.ModelChoiceField(
        label=_("District you live in"),
        queryset=District.objects.none(),
        required=False,
        empty_label=_("I prefer not to say"),
        help_text=_("Voluntary. Only used, counted together, to see whether all parts of the city take part."),
    )
    consent = forms.BooleanField(
        label=_("I have read the notes on my data above and agree."),
        error_messages={"required": _("Without your consent we cannot create the account.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["district"]).queryset = _district_choices(District.objects.all())
        self.fields["email"].widget.attrs["autocomplete"] = "email"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        password = data.get("password")
        if password and data.get("password_again") and password != data["password_again"]:
            self.add_error("password_again", _("The two passwords differ."))
        elif password:
            try:
                password_validation.validate_password(password)
            except forms.ValidationError as error:
                self.add_error("password", error)
        return data


class ProfileForm(forms.Form):
    display_name = forms.CharField(label=_("Display name"), max_length=80)
    notify_on_answer = forms.BooleanField(label=_("E-mail me when my contribution is answered"), required=False)
    age_group = forms.ChoiceField(
        label=_("Age group"), choices=[("", _("I prefer not to say")), *AgeGroup.choices], required=False
    )
    district = forms.ModelChoiceField(
        label=_("District you live in"),
        queryset=District.objects.none(),
        required=False,
        empty_label=_("I prefer not to say"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["district"]).queryset = _district_choices(District.objects.all())
