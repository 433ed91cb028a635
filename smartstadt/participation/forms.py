"""Forms of participation: they validate only. Each public form carries a honeypot field that people never see."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from smartstadt.regions.models import District
from smartstadt.strategy.models import FieldOfAction, Measure

from .models import AgeGroup, Idea, IdeaStatus, Phase, Process, Question, QuestionKind, Survey, Workshop


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


class DraftCommentForm(HoneypotMixin, forms.Form):
    text = forms.CharField(label=_("Your comment"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    paragraph = forms.CharField(max_length=60, widget=forms.HiddenInput)


class DraftAnswerForm(AnswerForm):
    """The official answer to a comment on the draft: the same fields as for an idea."""


class MergeForm(forms.Form):
    into = forms.ModelChoiceField(
        label=_("Merge into this idea"),
        queryset=Idea.objects.none(),
        help_text=_("Its supports and comments move to the idea you choose; a person who supported both counts once."),
    )

    def __init__(self, *args: Any, candidates: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["into"]).queryset = candidates


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class ProcessForm(forms.ModelForm[Process]):
    class Meta:
        model = Process
        fields = ["title", "slug", "summary", "description", "source_url", "strategy", "draft_version", "is_published"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 3}), "description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args: Any, municipality: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from smartstadt.strategy.models import Strategy, StrategyVersion

        cast(forms.ModelChoiceField, self.fields["strategy"]).queryset = Strategy.objects.filter(
            municipality=municipality
        ).order_by("title")
        cast(forms.ModelChoiceField, self.fields["draft_version"]).queryset = (
            StrategyVersion.objects.filter(strategy__municipality=municipality)
            .select_related("strategy")
            .order_by("strategy__title", "number")
        )


class PhaseForm(forms.ModelForm[Phase]):
    class Meta:
        model = Phase
        fields = ["kind", "title", "description", "starts_on", "ends_on"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "starts_on": DateInput(),
            "ends_on": DateInput(),
        }


class WorkshopForm(forms.ModelForm[Workshop]):
    class Meta:
        model = Workshop
        fields = ["kind", "title", "held_on", "place", "participant_count", "participant_kinds", "results"]
        widgets = {"held_on": DateInput(), "results": forms.Textarea(attrs={"rows": 8})}


class WorkshopIdeaForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=150)
    text = forms.CharField(label=_("Idea or statement"), max_length=5000, widget=forms.Textarea(attrs={"rows": 5}))
    field_of_action = forms.ModelChoiceField(
        label=_("Field of action"), queryset=FieldOfAction.objects.none(), required=False
    )
    district = forms.ModelChoiceField(label=_("District"), queryset=District.objects.none(), required=False)

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


class SurveyForm(forms.ModelForm[Survey]):
    class Meta:
        model = Survey
        fields = ["title", "description", "is_published", "results_public"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class QuestionForm(forms.ModelForm[Question]):
    options = forms.CharField(
        label=_("Options, one per line"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("For single choice, multiple choice and ranking."),
    )

    class Meta:
        model = Question
        fields = ["kind", "text", "help_text", "required", "scale_max", "scale_low_label", "scale_high_label"]


class SurveyAnswerForm(HoneypotMixin, forms.Form):
    """The citizen's answers: one field per question, for a ranking one select per option (no JavaScript)."""

    def __init__(self, *args: Any, questions: list[Question], initial_raw: dict[str, Any] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.questions = questions
        self.question_errors: dict[str, list[str]] = {}
        raw = initial_raw or {}
        for question in questions:
            name = f"question_{question.pk}"
            options = [(str(option.pk), option.text) for option in question.options.all()]
            common: dict[str, Any] = {"label": question.text, "required": False, "help_text": question.help_text}
            if question.kind == QuestionKind.SINGLE:
                self.fields[name] = forms.ChoiceField(choices=options, widget=forms.RadioSelect, **common)
                self.initial[name] = str(raw[name]) if raw.get(name) else None
            elif question.kind == QuestionKind.MULTIPLE:
                self.fields[name] = forms.MultipleChoiceField(
                    choices=options, widget=forms.CheckboxSelectMultiple, **common
                )
                self.initial[name] = [str(pk) for pk in raw.get(name, [])]
            elif question.kind == QuestionKind.RANKING:
                ranks = [("", "–")] + [(str(n), str(n)) for n in range(1, len(options) + 1)]
                for pk, text in options:
                    field_name = f"{name}_{pk}"
                    self.fields[field_name] = forms.ChoiceField(
                        label=text, choices=ranks, required=False, widget=forms.Select(attrs={"class": "rank-select"})
                    )
                    rank = raw.get(name, {}).get(int(pk))
                    self.initial[field_name] = str(rank) if rank else ""
            elif question.kind == QuestionKind.RATING:
                scale = [(str(n), str(n)) for n in range(1, question.scale_max + 1)]
                self.fields[name] = forms.ChoiceField(choices=scale, widget=forms.RadioSelect, **common)
                self.initial[name] = str(raw[name]) if raw.get(name) else None
            else:
                self.fields[name] = forms.CharField(max_length=3000, widget=forms.Textarea(attrs={"rows": 4}), **common)
                self.initial[name] = raw.get(name, "")

    def raw(self) -> dict[str, Any]:
        """The cleaned answers in the shape ``services.survey_answer`` takes."""
        data = self.cleaned_data
        raw: dict[str, Any] = {}
        for question in self.questions:
            name = f"question_{question.pk}"
            if question.kind == QuestionKind.RANKING:
                raw[name] = {
                    option.pk: int(data[f"{name}_{option.pk}"])
                    for option in question.options.all()
                    if data.get(f"{name}_{option.pk}")
                }
            else:
                raw[name] = data.get(name)
        return raw

    def blocks(self) -> list[dict[str, Any]]:
        """Per question: its bound fields and its errors, for a fieldset each."""
        blocks = []
        for question in self.questions:
            name = f"question_{question.pk}"
            if question.kind == QuestionKind.RANKING:
                fields = [self[f"{name}_{option.pk}"] for option in question.options.all()]
            else:
                fields = [self[name]]
            errors = list(self.question_errors.get(name, []))
            for field in fields:
                errors += [str(error) for error in field.errors]
            blocks.append({"question": question, "name": name, "fields": fields, "errors": errors})
        return blocks
