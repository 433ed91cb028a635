"""Participation: processes with phases, ideas with comments and supports, reports, answers, participant profiles.

Every kind of contribution (ideas and comments now; comments on the draft strategy, survey answers and workshop
results later) shares the fields of ``Contribution``: the process it belongs to, an author who may be gone
(deleted accounts leave their contributions anonymised), moderation (hidden with a reason the author sees) and
the example mark of demo data. Later kinds add their own model with the same base and a foreign key to what
they comment (e.g. a strategy version's paragraph), so reports and answers keep working the same way.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PhaseKind(models.TextChoices):
    INFORMATION = "information", _("Information")
    IDEAS = "ideas", _("Ideas")
    DRAFT_COMMENTS = "draft_comments", _("Commenting the draft")
    SURVEY = "survey", _("Survey or vote")
    RESULTS = "results", _("Results")


class ContributionFormat(models.TextChoices):
    IDEA = "idea", _("Ideas")
    COMMENT = "comment", _("Comments")
    SUPPORT = "support", _("Supports")
    DRAFT_COMMENT = "draft_comment", _("Comments on the draft")
    SURVEY = "survey", _("Survey")


# What citizens may do in each kind of phase. Comments and supports on ideas stay open while the draft is
# discussed: the ideas then feed into the draft's discussion.
PHASE_FORMATS: dict[str, frozenset[str]] = {
    PhaseKind.INFORMATION: frozenset(),
    PhaseKind.IDEAS: frozenset({ContributionFormat.IDEA, ContributionFormat.COMMENT, ContributionFormat.SUPPORT}),
    PhaseKind.DRAFT_COMMENTS: frozenset(
        {ContributionFormat.DRAFT_COMMENT, ContributionFormat.COMMENT, ContributionFormat.SUPPORT}
    ),
    PhaseKind.SURVEY: frozenset({ContributionFormat.SURVEY}),
    PhaseKind.RESULTS: frozenset(),
}


class ProcessQuerySet(models.QuerySet["Process"]):
    def published(self) -> ProcessQuerySet:
        return self.filter(is_published=True)


class Process(models.Model):
    """A participation process (Beteiligungsverfahren) of one municipality, e.g. on its draft strategy."""

    municipality = models.ForeignKey(
        "regions.Municipality", on_delete=models.CASCADE, related_name="processes", verbose_name=_("municipality")
    )
    strategy = models.ForeignKey(
        "strategy.Strategy",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="processes",
        verbose_name=_("strategy it feeds"),
    )
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("URL name"), max_length=100, unique=True)
    summary = models.TextField(_("summary"), blank=True)
    description = models.TextField(_("what happens with the contributions"), blank=True)
    source_url = models.URLField(_("source"), max_length=500, blank=True)
    is_published = models.BooleanField(_("published"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ProcessQuerySet.as_manager()

    class Meta:
        verbose_name = _("participation process")
        verbose_name_plural = _("participation processes")
        ordering = ["-created_at", "title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("participation:process", kwargs={"slug": self.slug})


class Phase(models.Model):
    """One phase of a process with its dates; its kind says which formats citizens may use."""

    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="phases", verbose_name=_("process"))
    kind = models.CharField(_("kind"), max_length=20, choices=PhaseKind.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True, help_text=_("Empty: open-ended."))
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("phase")
        verbose_name_plural = _("phases")
        ordering = ["process", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                name="phase_ends_after_start",
                condition=Q(starts_on__isnull=True) | Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                violation_error_message=_("A phase cannot end before it starts."),
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def formats(self) -> frozenset[str]:
        return PHASE_FORMATS.get(self.kind, frozenset())

    @property
    def format_labels(self) -> list[str]:
        return [str(choice.label) for choice in ContributionFormat if choice.value in self.formats]

    def state_on(self, day: datetime.date) -> str:
        """past, current, upcoming, or undated (the sources give no date)."""
        if self.starts_on is None:
            return "undated"
        if day < self.starts_on:
            return "upcoming"
        if self.ends_on is not None and day > self.ends_on:
            return "past"
        return "current"


class IdeaStatus(models.TextChoices):
    RECEIVED = "received", _("received")
    UNDER_CONSIDERATION = "under_consideration", _("under consideration")
    TAKEN = "taken", _("taken into the strategy")
    NOT_TAKEN = "not_taken", _("not taken")


class Contribution(models.Model):
    """What every contribution has: process, author (gone after deletion), moderation and the example mark."""

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("author"),
    )
    is_hidden = models.BooleanField(_("hidden by the moderation"), default=False)
    hidden_reason = models.CharField(_("reason for hiding"), max_length=500, blank=True)
    hidden_at = models.DateTimeField(_("hidden at"), null=True, blank=True)
    is_example = models.BooleanField(
        _("example"), default=False, help_text=_("Demo data: shown as an example contribution.")
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)

    class Meta:
        abstract = True

    @property
    def author_name(self) -> str:
        if self.author is not None:
            return self.author.public_name
        return str(_("example") if self.is_example else _("deleted account"))


class Idea(Contribution):
    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="ideas", verbose_name=_("process"))
    title = models.CharField(_("title"), max_length=150)
    text = models.TextField(_("your idea"), max_length=5000)
    field_of_action = models.ForeignKey(
        "strategy.FieldOfAction",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="ideas",
        verbose_name=_("field of action"),
    )
    district = models.ForeignKey(
        "regions.District",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="ideas",
        verbose_name=_("district"),
    )
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    # Counters kept in step by the services (F() updates in the same transaction as the support or comment), so
    # the idea list sorts and shows them without counting per row.
    support_count = models.PositiveIntegerField(_("supports"), default=0)
    comment_count = models.PositiveIntegerField(_("comments"), default=0)
    status = models.CharField(_("status"), max_length=24, choices=IdeaStatus.choices, default=IdeaStatus.RECEIVED)
    answer = models.TextField(_("official answer"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answered by"),
    )
    measure = models.ForeignKey(
        "strategy.Measure",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="ideas",
        verbose_name=_("measure it shaped"),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("idea")
        verbose_name_plural = _("ideas")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["process", "is_hidden", "-created_at"], name="idea_newest_idx"),
            models.Index(fields=["process", "is_hidden", "-support_count"], name="idea_supported_idx"),
            models.Index(fields=["process", "is_hidden", "-comment_count"], name="idea_discussed_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                name="idea_place_complete",
                condition=(Q(latitude__isnull=True) & Q(longitude__isnull=True))
                | (Q(latitude__isnull=False) & Q(longitude__isnull=False)),
                violation_error_message=_("A place needs both latitude and longitude."),
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("participation:idea", kwargs={"slug": self.process.slug, "pk": self.pk})

    @property
    def is_answered(self) -> bool:
        return self.answered_at is not None


class Comment(Contribution):
    """A comment on an idea; a reply answers a top-level comment (one level of replies)."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="comments", verbose_name=_("idea"))
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="replies",
        verbose_name=_("reply to"),
    )
    text = models.TextField(_("comment"), max_length=2000)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.text[:60]

    @property
    def process(self) -> Process:
        return self.idea.process


class Support(models.Model):
    """One citizen supports one idea, at most once; a deleted account leaves its support anonymised."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="supports", verbose_name=_("idea"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="supports",
        verbose_name=_("citizen"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("support")
        verbose_name_plural = _("supports")
        constraints = [models.UniqueConstraint(fields=["user", "idea"], name="support_once_per_citizen")]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.idea_id}"


class Report(models.Model):
    """A citizen reports a contribution to the moderation; the moderation hides it or dismisses the report."""

    class Outcome(models.TextChoices):
        OPEN = "open", _("open")
        HIDDEN = "hidden", _("contribution hidden")
        DISMISSED = "dismissed", _("dismissed")

    idea = models.ForeignKey(
        Idea, on_delete=models.CASCADE, null=True, blank=True, related_name="reports", verbose_name=_("idea")
    )
    comment = models.ForeignKey(
        Comment, on_delete=models.CASCADE, null=True, blank=True, related_name="reports", verbose_name=_("comment")
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reported by"),
    )
    reason = models.CharField(_("what is wrong with it?"), max_length=500)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, default=Outcome.OPEN)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("resolved by"),
    )
    created_at = models.DateTimeField(_("reported at"), default=timezone.now)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                name="report_names_one_contribution",
                condition=(Q(idea__isnull=False) & Q(comment__isnull=True))
                | (Q(idea__isnull=True) & Q(comment__isnull=False)),
            )
        ]
        indexes = [models.Index(fields=["outcome", "created_at"], name="report_queue_idx")]

    def __str__(self) -> str:
        return self.reason[:60]

    @property
    def target(self) -> Any:
        return self.idea if self.idea_id is not None else self.comment


class AgeGroup(models.TextChoices):
    UNDER_18 = "under_18", _("under 18")
    FROM_18 = "18_29", _("18 to 29")
    FROM_30 = "30_44", _("30 to 44")
    FROM_45 = "45_64", _("45 to 64")
    FROM_65 = "65_plus", _("65 and older")


class ParticipantProfile(models.Model):
    """What participation adds to an account: confirmation, consent, voluntary statistics, notifications."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="participant_profile",
        verbose_name=_("user"),
    )
    email_confirmed_at = models.DateTimeField(_("e-mail confirmed at"), null=True, blank=True)
    consent_at = models.DateTimeField(_("consent given at"), null=True, blank=True)
    age_group = models.CharField(_("age group"), max_length=16, choices=AgeGroup.choices, blank=True)
    district = models.ForeignKey(
        "regions.District",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("district you live in"),
    )
    notify_on_answer = models.BooleanField(
        _("e-mail me when my contribution is answered"),
        default=True,
    )

    class Meta:
        verbose_name = _("participant profile")
        verbose_name_plural = _("participant profiles")

    def __str__(self) -> str:
        return str(self.user)
