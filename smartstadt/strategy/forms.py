"""Forms of the strategy workspace: they validate only; the services write."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from smartstadt.frameworks.models import Framework, Term
from smartstadt.inventory.forms import TermChoiceField
from smartstadt.regions.models import District, Municipality, Organisation

from .models import (
    Challenge,
    FieldOfAction,
    Goal,
    GuidingPrinciple,
    Indicator,
    Measure,
    Milestone,
    Strategy,
    StrategyVersion,
)


def _frameworks_of(strategy: Strategy) -> Any:
    return Framework.objects.visible_for_municipality(strategy.municipality_id)


def _terms(frameworks: Any) -> Any:
    return (
        Term.objects.filter(framework__in=frameworks)
        .select_related("framework")
        .order_by("framework__order", "framework__name", "parent__order", "parent_id", "order")
    )


def _region_municipalities(strategy: Strategy) -> Any:
    region_id = strategy.region_id or strategy.municipality.region_id
    if region_id:
        return Municipality.objects.filter(region_id=region_id)
    return Municipality.objects.filter(pk=strategy.municipality_id)


class StrategyForm(forms.ModelForm):
    class Meta:
        model = Strategy
        fields = ["title", "motto", "vision", "summary", "topic_framework", "source_url", "source_note"]
        widgets = {
            "vision": forms.Textarea(attrs={"rows": 6}),
            "summary": forms.Textarea(attrs={"rows": 6}),
            "source_note": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, municipality: Municipality, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["topic_framework"]).queryset = Framework.objects.filter(
            Q(municipality=municipality) | Q(municipality__isnull=True)
        ).order_by("order", "name")


class ElementForm(forms.ModelForm):
    """A form for one part of a strategy; subclasses narrow their choices to the strategy."""

    def __init__(self, *args: Any, strategy: Strategy, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.strategy = strategy


class GuidingPrincipleForm(ElementForm):
    class Meta:
        model = GuidingPrinciple
        fields = ["text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 2})}


class GoalForm(ElementForm):
    class Meta:
        model = Goal
        fields = ["title", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}


class ChallengeForm(ElementForm):
    goals = forms.ModelMultipleChoiceField(
        label=_("Goals it threatens"),
        queryset=Goal.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Challenge
        fields = ["title", "description", "goals"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args: Any, strategy: Strategy, **kwargs: Any) -> None:
        super().__init__(*args, strategy=strategy, **kwargs)
        cast(forms.ModelMultipleChoiceField, self.fields["goals"]).queryset = Goal.objects.filter(strategy=strategy)


class FieldOfActionForm(ElementForm):
    terms = TermChoiceField(
        label=_("Tags"),
        queryset=Term.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The Smart City dimensions and topic fields the field of action belongs to."),
    )

    class Meta:
        model = FieldOfAction
        fields = ["title", "description", "terms"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args: Any, strategy: Strategy, **kwargs: Any) -> None:
        super().__init__(*args, strategy=strategy, **kwargs)
        cast(forms.ModelMultipleChoiceField, self.fields["terms"]).queryset = _terms(_frameworks_of(strategy))


class MeasureForm(ElementForm):
    topic_terms = TermChoiceField(
        label=_("Related topic fields"),
        queryset=Term.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    goals = forms.ModelMultipleChoiceField(
        label=_("Goals it serves"), queryset=Goal.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    challenges = forms.ModelMultipleChoiceField(
        label=_("Challenges it addresses"),
        queryset=Challenge.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    fields_of_action = forms.ModelMultipleChoiceField(
        label=_("Fields of action"),
        queryset=FieldOfAction.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    districts = forms.ModelMultipleChoiceField(
        label=_("Districts"), queryset=District.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    partner_municipalities = forms.ModelMultipleChoiceField(
        label=_("Partner municipalities"),
        queryset=Municipality.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Municipalities of the region that take part."),
    )

    class Meta:
        model = Measure
        fields = [
            "number",
            "title",
            "topic_terms",
            "priority",
            "horizon",
            "objective",
            "description",
            "stakeholders",
            "goals",
            "challenges",
            "fields_of_action",
            "districts",
            "lead_organisation",
            "partner_municipalities",
            "period",
            "budget_eur",
            "funding",
            "source_url",
        ]
        widgets = {
            "objective": forms.Textarea(attrs={"rows": 2}),
            "description": forms.Textarea(attrs={"rows": 8}),
            "stakeholders": forms.Textarea(attrs={"rows": 2}),
            "funding": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, strategy: Strategy, **kwargs: Any) -> None:
        super().__init__(*args, strategy=strategy, **kwargs)
        self.instance.strategy = strategy
        topic = (
            Framework.objects.filter(pk=strategy.topic_framework_id)
            if strategy.topic_framework_id
            else _frameworks_of(strategy)
        )
        if strategy.topic_framework_id:
            self.fields["topic_terms"].help_text = _("Topic fields of “%(name)s”.") % {
                "name": strategy.topic_framework.name if strategy.topic_framework else ""
            }
        cast(forms.ModelMultipleChoiceField, self.fields["topic_terms"]).queryset = _terms(topic)
        for name, model in (("goals", Goal), ("challenges", Challenge), ("fields_of_action", FieldOfAction)):
            cast(forms.ModelMultipleChoiceField, self.fields[name]).queryset = model._default_manager.filter(
                strategy=strategy
            )
        cast(forms.ModelMultipleChoiceField, self.fields["districts"]).queryset = District.objects.filter(
            municipality_id=strategy.municipality_id
        ).order_by("kind", "name")
        municipalities = _region_municipalities(strategy)
        cast(forms.ModelMultipleChoiceField, self.fields["partner_municipalities"]).queryset = municipalities.exclude(
            pk=strategy.municipality_id
        ).order_by("name")
        cast(forms.ModelChoiceField, self.fields["lead_organisation"]).queryset = (
            Organisation.objects.filter(municipality__in=municipalities, is_active=True)
            .select_related("municipality")
            .order_by("municipality__name", "name")
        )


class IndicatorForm(ElementForm):
    class Meta:
        model = Indicator
        fields = ["name", "unit", "baseline", "target", "year"]


class MilestoneForm(ElementForm):
    class Meta:
        model = Milestone
        fields = ["title", "date", "year", "done"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("date") and data.get("year"):
            self.add_error("year", _("Give either a date or a year, not both."))
        return data


FORMS: dict[str, type[ElementForm]] = {
    "leitsaetze": GuidingPrincipleForm,
    "ziele": GoalForm,
    "herausforderungen": ChallengeForm,
    "handlungsfelder": FieldOfActionForm,
    "massnahmen": MeasureForm,
    "kennzahlen": IndicatorForm,
    "meilensteine": MilestoneForm,
}


class VersionForm(forms.ModelForm):
    class Meta:
        model = StrategyVersion
        fields = ["label", "kind", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 2})}


class StrategyCreateForm(forms.ModelForm):
    class Meta:
        model = Strategy
        fields = ["title"]
