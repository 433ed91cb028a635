"""The strategy workspace: vision and Leitsätze → goals → challenges → fields of action → measures.

A measure's sheet (Steckbrief) carries the fields of the seed's project sheet "4) Oberhausen ist ... smart" and
what a council needs beside them (budget, funding, indicators, milestones). Everything orderable has an
``order`` field; siblings are kept numbered 0..n-1 by the services.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

YEAR_VALIDATORS = [MinValueValidator(1950), MaxValueValidator(2100)]


class Priority(models.TextChoices):
    """Priorität as the seed's sheet offers it."""

    VERY_HIGH = "very_high", _("very high")
    HIGH = "high", _("high")
    MEDIUM = "medium", _("medium")


class Horizon(models.TextChoices):
    """Umsetzbarkeit as the seed's sheet offers it."""

    SHORT = "short", _("short-term")
    MEDIUM = "medium", _("medium-term")
    LONG = "long", _("long-term")


class StrategyQuerySet(models.QuerySet["Strategy"]):
    def published(self) -> StrategyQuerySet:
        return self.filter(is_published=True)

    def for_municipality(self, municipality: Any) -> StrategyQuerySet:
        return self.filter(municipality=municipality)

    def municipal(self) -> StrategyQuerySet:
        """The strategies of one municipality itself (not the regional ones a municipality leads)."""
        return self.filter(region__isnull=True)


class Strategy(models.Model):
    """A municipality's Smart City strategy, or a regional one that a municipality's team leads."""

    municipality = models.ForeignKey(
        "regions.Municipality",
        on_delete=models.PROTECT,
        related_name="strategies",
        verbose_name=_("municipality"),
        help_text=_("Its Smart City team edits the strategy; for a regional strategy the leading municipality."),
    )
    region = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="strategies",
        verbose_name=_("region"),
        help_text=_("Only for a regional strategy."),
    )
    title = models.CharField(_("title"), max_length=300)
    motto = models.CharField(_("motto"), max_length=200, blank=True)
    vision = models.TextField(_("vision"), blank=True)
    summary = models.TextField(_("summary"), blank=True)
    topic_framework = models.ForeignKey(
        "frameworks.Framework",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("topic framework of the measure sheets"),
        help_text=_("Its topic fields appear as check boxes on every measure sheet (e.g. the Masterplan)."),
    )
    is_published = models.BooleanField(_("published"), default=False)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    source_url = models.URLField(_("source"), max_length=500, blank=True)
    source_note = models.TextField(_("note on the sources"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = StrategyQuerySet.as_manager()

    class Meta:
        verbose_name = _("strategy")
        verbose_name_plural = _("strategies")
        ordering = ["municipality__name", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality"], condition=Q(region__isnull=True), name="strategy_one_per_municipality"
            ),
            models.UniqueConstraint(fields=["municipality", "region"], name="strategy_one_regional_per_lead"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("strategy:public", kwargs={"pk": self.pk})

    def get_workspace_url(self) -> str:
        return reverse("strategy:overview", kwargs={"pk": self.pk})

    @property
    def is_regional(self) -> bool:
        return self.region_id is not None


class StrategyElement(models.Model):
    """What every part of a strategy shares: its strategy and its place in the order."""

    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="+", verbose_name=_("strategy"))
    order = models.PositiveIntegerField(_("order"), default=0)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True
        ordering = ["order", "pk"]

    @property
    def municipality_id(self) -> int:
        """The municipality the element belongs to (for the named permission rules)."""
        return int(self.strategy.municipality_id)


class GuidingPrinciple(StrategyElement):
    """A Leitsatz of the vision."""

    strategy = models.ForeignKey(
        Strategy, on_delete=models.CASCADE, related_name="guiding_principles", verbose_name=_("strategy")
    )
    text = models.TextField(_("guiding principle"), max_length=1000)

    class Meta(StrategyElement.Meta):
        verbose_name = _("guiding principle")
        verbose_name_plural = _("guiding principles")

    def __str__(self) -> str:
        return self.text[:100]


class Goal(StrategyElement):
    """A shared goal (Entwicklungsziel) the strategy serves."""

    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="goals", verbose_name=_("strategy"))
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)

    class Meta(StrategyElement.Meta):
        verbose_name = _("goal")
        verbose_name_plural = _("goals")

    def __str__(self) -> str:
        return self.title


class Challenge(StrategyElement):
    """A challenge (Herausforderung) that threatens goals; inventory entries may already address it."""

    strategy = models.ForeignKey(
        Strategy, on_delete=models.CASCADE, related_name="challenges", verbose_name=_("strategy")
    )
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    goals = models.ManyToManyField(Goal, blank=True, related_name="challenges", verbose_name=_("goals it threatens"))
    entries = models.ManyToManyField(
        "inventory.Entry",
        blank=True,
        related_name="strategy_challenges",
        verbose_name=_("inventory entries that address it"),
    )

    class Meta(StrategyElement.Meta):
        verbose_name = _("challenge")
        verbose_name_plural = _("challenges")

    def __str__(self) -> str:
        return self.title


class FieldOfAction(StrategyElement):
    """A field of action (Handlungsfeld), tagged with terms of the frameworks."""

    strategy = models.ForeignKey(
        Strategy, on_delete=models.CASCADE, related_name="fields_of_action", verbose_name=_("strategy")
    )
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    terms = models.ManyToManyField(
        "frameworks.Term", blank=True, related_name="fields_of_action", verbose_name=_("tags")
    )

    class Meta(StrategyElement.Meta):
        verbose_name = _("field of action")
        verbose_name_plural = _("fields of action")

    def __str__(self) -> str:
        return self.title


class Measure(StrategyElement):
    """A measure with its sheet (Steckbrief) in the seed's layout, plus what a council needs beside it."""

    strategy = models.ForeignKey(
        Strategy, on_delete=models.CASCADE, related_name="measures", verbose_name=_("strategy")
    )
    number = models.CharField(
        _("number"), max_length=20, blank=True, help_text=_("As the measure is numbered in the strategy, e.g. 4.")
    )
    title = models.CharField(_("title"), max_length=300)
    topic_terms = models.ManyToManyField(
        "frameworks.Term",
        blank=True,
        related_name="strategy_measures",
        verbose_name=_("related topic fields"),
        help_text=_("Bezug zu Themenfeldern: the topic fields of the municipality the measure relates to."),
    )
    priority = models.CharField(_("priority"), max_length=16, choices=Priority.choices, blank=True)
    horizon = models.CharField(_("feasibility (horizon)"), max_length=16, choices=Horizon.choices, blank=True)
    objective = models.TextField(_("objective"), blank=True, help_text=_("Ziel: what the measure is for."))
    description = models.TextField(_("description"), blank=True)
    stakeholders = models.TextField(_("stakeholders and drivers"), blank=True)
    goals = models.ManyToManyField(Goal, blank=True, related_name="measures", verbose_name=_("goals it serves"))
    challenges = models.ManyToManyField(
        Challenge, blank=True, related_name="measures", verbose_name=_("challenges it addresses")
    )
    fields_of_action = models.ManyToManyField(
        FieldOfAction, blank=True, related_name="measures", verbose_name=_("fields of action")
    )
    entries = models.ManyToManyField(
        "inventory.Entry",
        blank=True,
        related_name="strategy_measures",
        verbose_name=_("inventory entries it builds on"),
    )
    partner_municipalities = models.ManyToManyField(
        "regions.Municipality",
        blank=True,
        related_name="partner_measures",
        verbose_name=_("partner municipalities"),
    )
    districts = models.ManyToManyField(
        "regions.District", blank=True, related_name="strategy_measures", verbose_name=_("districts")
    )
    lead_organisation = models.ForeignKey(
        "regions.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="led_measures",
        verbose_name=_("lead organisation"),
    )
    period = models.CharField(_("period"), max_length=120, blank=True, help_text=_("E.g. “autumn 2022 – June 2023”."))
    budget_eur = models.DecimalField(
        _("budget in euros"), max_digits=14, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    funding = models.TextField(_("funding"), blank=True, help_text=_("Funding programmes and own shares."))
    source_url = models.URLField(_("source"), max_length=500, blank=True)

    class Meta(StrategyElement.Meta):
        verbose_name = _("measure")
        verbose_name_plural = _("measures")

    def __str__(self) -> str:
        return f"{self.number} {self.title}".strip()

    def get_absolute_url(self) -> str:
        return reverse("strategy:measure", kwargs={"pk": self.strategy_id, "measure": self.pk})

    def clean(self) -> None:
        if (
            self.lead_organisation_id is not None
            and self.lead_organisation is not None
            and self.strategy_id is not None
            and self.lead_organisation.municipality.region_id != self.strategy.municipality.region_id
            and self.lead_organisation.municipality_id != self.strategy.municipality_id
        ):
            raise ValidationError(
                {"lead_organisation": _("The lead organisation must belong to the strategy's municipality or region.")}
            )


class MeasurePart(models.Model):
    """What indicators and milestones share: their measure and their place in the order."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="+", verbose_name=_("measure"))
    order = models.PositiveIntegerField(_("order"), default=0)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True
        ordering = ["order", "pk"]

    @property
    def strategy(self) -> Strategy:
        return self.measure.strategy

    @property
    def municipality_id(self) -> int:
        return int(self.measure.strategy.municipality_id)


class Indicator(MeasurePart):
    """A Kennzahl of a measure: from its baseline to its target in a year."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="indicators", verbose_name=_("measure"))
    name = models.CharField(_("name"), max_length=200)
    unit = models.CharField(_("unit"), max_length=60, blank=True)
    baseline = models.DecimalField(_("baseline"), max_digits=16, decimal_places=3, null=True, blank=True)
    target = models.DecimalField(_("target value"), max_digits=16, decimal_places=3, null=True, blank=True)
    year = models.PositiveSmallIntegerField(_("target year"), null=True, blank=True, validators=YEAR_VALIDATORS)

    class Meta(MeasurePart.Meta):
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")

    def __str__(self) -> str:
        return self.name


class Milestone(MeasurePart):
    """A milestone of a measure, by date or by year."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="milestones", verbose_name=_("measure"))
    title = models.CharField(_("title"), max_length=300)
    date = models.DateField(_("date"), null=True, blank=True)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True, validators=YEAR_VALIDATORS)
    done = models.BooleanField(_("reached"), default=False)

    class Meta(MeasurePart.Meta):
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        constraints = [
            models.CheckConstraint(
                condition=Q(date__isnull=True) | Q(year__isnull=True),
                name="milestone_date_or_year",
                violation_error_message=_("Give either a date or a year, not both."),
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def when(self) -> str:
        if self.date:
            return self.date.strftime("%d.%m.%Y")
        return str(self.year or "")


class VersionKind(models.TextChoices):
    DRAFT = "draft", _("draft")
    ADOPTED = "adopted", _("adopted version")


class StrategyVersion(models.Model):
    """A frozen state of a strategy (Entwurf 1, Entwurf 2, beschlossene Fassung) as a full JSON snapshot."""

    strategy = models.ForeignKey(
        Strategy, on_delete=models.CASCADE, related_name="versions", verbose_name=_("strategy")
    )
    number = models.PositiveIntegerField(_("number"))
    label = models.CharField(_("label"), max_length=120, help_text=_("E.g. “Entwurf 1” or “beschlossene Fassung”."))
    kind = models.CharField(_("kind"), max_length=16, choices=VersionKind.choices, default=VersionKind.DRAFT)
    note = models.TextField(_("note"), blank=True)
    snapshot = models.JSONField(_("snapshot"), default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("frozen by"),
    )
    created_at = models.DateTimeField(_("frozen at"), default=timezone.now)

    class Meta:
        verbose_name = _("strategy version")
        verbose_name_plural = _("strategy versions")
        ordering = ["strategy", "number"]
        constraints = [
            models.UniqueConstraint(fields=["strategy", "number"], name="strategy_version_unique_number"),
        ]

    def __str__(self) -> str:
        return f"{self.number}: {self.label}"

    @property
    def municipality_id(self) -> int:
        return int(self.strategy.municipality_id)
