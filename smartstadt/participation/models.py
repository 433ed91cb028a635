"""Participation: processes with phases, ideas with comments and supports, reports, answers, participant profiles.

Every public kind of contribution (ideas, comments, comments on the draft strategy) shares the fields of
``Contribution``: the process it belongs to, an author who may be gone (deleted accounts leave their
contributions anonymised), moderation (hidden with a reason the author sees) and the example mark of demo data;
ideas and comments on the draft also carry an official answer and status, so reports and answers work the same
way for both. Survey answer sets are personal, not public, and stay outside moderation; workshops are entered
by the team and may bring ideas collected on site.
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
    draft_version = models.ForeignKey(
        "strategy.StrategyVersion",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="processes",
        verbose_name=_("frozen draft version to comment"),
        help_text=_("Citizens comment this version paragraph by paragraph while a commenting phase runs."),
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


class IdeaQuerySet(models.QuerySet["Idea"]):
    def current(self) -> IdeaQuerySet:
        """Ideas that were not merged into another one (merged ideas only redirect to their survivor)."""
        return self.filter(merged_into__isnull=True)


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
    workshop = models.ForeignKey(
        "Workshop",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="ideas",
        verbose_name=_("collected at the workshop"),
    )
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="merged_ideas",
        verbose_name=_("merged into"),
    )
    merged_at = models.DateTimeField(_("merged at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = IdeaQuerySet.as_manager()

    class Meta:
        verbose_name = _("idea")
        verbose_name_plural = _("ideas")
        ordering = ["-created_at", "-pk"]
        # One index per order of the idea list, covering its filter (process, hidden; only ideas not merged) and
        # its whole order: a page's ids are read from the index alone, however deep the page (selectors.idea_page).
        indexes = [
            models.Index(
                fields=["process", "is_hidden", "-created_at", "-id"],
                condition=Q(merged_into__isnull=True),
                name="idea_newest_idx",
            ),
            models.Index(
                fields=["process", "is_hidden", "-support_count", "-created_at", "-id"],
                condition=Q(merged_into__isnull=True),
                name="idea_supported_idx",
            ),
            models.Index(
                fields=["process", "is_hidden", "-comment_count", "-created_at", "-id"],
                condition=Q(merged_into__isnull=True),
                name="idea_discussed_idx",
            ),
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

    @property
    def author_name(self) -> str:
        if self.author_id is None and self.workshop_id is not None and self.workshop is not None:
            return str(_("Workshop: %(title)s") % {"title": self.workshop.title})
        return super().author_name


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


class DraftComment(Contribution):
    """A comment on one paragraph (vision, Leitsatz, goal, challenge, field of action, measure) of a frozen
    strategy version. The paragraph key names the snapshot's section and item id (``measures-12``); the frozen
    snapshot never changes, so the key always finds the text that was commented."""

    process = models.ForeignKey(
        Process, on_delete=models.CASCADE, related_name="draft_comments", verbose_name=_("process")
    )
    version = models.ForeignKey(
        "strategy.StrategyVersion",
        on_delete=models.CASCADE,
        related_name="draft_comments",
        verbose_name=_("strategy version"),
    )
    paragraph = models.CharField(_("paragraph"), max_length=60)
    paragraph_title = models.CharField(_("paragraph title"), max_length=300, blank=True)
    text = models.TextField(_("your comment"), max_length=2000)
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
        related_name="draft_comments",
        verbose_name=_("measure it shaped"),
    )

    class Meta:
        verbose_name = _("comment on the draft")
        verbose_name_plural = _("comments on the draft")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["version", "paragraph", "created_at"], name="draftcomment_paragraph_idx")]

    def __str__(self) -> str:
        return self.text[:60]

    def get_absolute_url(self) -> str:
        return reverse("participation:draft", kwargs={"slug": self.process.slug}) + f"#draft-comment-{self.pk}"

    @property
    def is_answered(self) -> bool:
        return self.answered_at is not None

    @property
    def title(self) -> str:
        return self.paragraph_title


class Workshop(models.Model):
    """The results of an on-site format (Bürgerforum, Bürgerrat, expert workshop), entered by the team, so that
    offline voices count in the same data as the online contributions."""

    class Kind(models.TextChoices):
        CITIZENS_FORUM = "citizens_forum", _("citizens' forum (Bürgerforum)")
        CITIZENS_ASSEMBLY = "citizens_assembly", _("citizens' assembly (Bürgerrat)")
        EXPERT_WORKSHOP = "expert_workshop", _("expert workshop")
        OTHER = "other", _("other on-site format")

    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="workshops", verbose_name=_("process"))
    kind = models.CharField(_("format"), max_length=24, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    held_on = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    participant_count = models.PositiveIntegerField(_("number of participants"))
    participant_kinds = models.CharField(
        _("who took part"),
        max_length=300,
        blank=True,
        help_text=_("E.g. citizens drawn by lot, young people, administration, businesses."),
    )
    results = models.TextField(_("results"), max_length=20000)
    is_example = models.BooleanField(_("example"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("entered by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("workshop")
        verbose_name_plural = _("workshops")
        ordering = ["-held_on", "pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("participation:workshop", kwargs={"slug": self.process.slug, "pk": self.pk})


class Survey(models.Model):
    """A survey of a process; citizens answer it while a survey phase runs, one answer set per account."""

    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="surveys", verbose_name=_("process"))
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("introduction"), blank=True)
    is_published = models.BooleanField(_("published"), default=False)
    results_public = models.BooleanField(_("results public"), default=False)
    is_example = models.BooleanField(_("example"), default=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("participation:survey", kwargs={"slug": self.process.slug, "pk": self.pk})


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("single choice")
    MULTIPLE = "multiple", _("multiple choice")
    RANKING = "ranking", _("ranking")
    RATING = "rating", _("rating scale")
    TEXT = "text", _("free text")


CHOICE_KINDS = frozenset({QuestionKind.SINGLE, QuestionKind.MULTIPLE, QuestionKind.RANKING})


class Question(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions", verbose_name=_("survey"))
    kind = models.CharField(_("kind"), max_length=16, choices=QuestionKind.choices)
    text = models.CharField(_("question"), max_length=300)
    help_text = models.CharField(_("explanation"), max_length=500, blank=True)
    required = models.BooleanField(_("answer required"), default=False)
    scale_max = models.PositiveSmallIntegerField(
        _("highest value of the scale"),
        default=5,
        validators=[MinValueValidator(2), MaxValueValidator(10)],
        help_text=_("Only for rating scales: from 1 to this value."),
    )
    scale_low_label = models.CharField(_("label of the lowest value"), max_length=60, blank=True)
    scale_high_label = models.CharField(_("label of the highest value"), max_length=60, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["survey", "order", "pk"]

    def __str__(self) -> str:
        return self.text

    @property
    def has_options(self) -> bool:
        return self.kind in CHOICE_KINDS


class Option(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="options", verbose_name=_("question"))
    text = models.CharField(_("option"), max_length=200)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("option")
        verbose_name_plural = _("options")
        ordering = ["question", "order", "pk"]

    def __str__(self) -> str:
        return self.text


class SurveyResponse(models.Model):
    """One participant's answer set to one survey; changing it replaces the answers, it never adds a second set."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses", verbose_name=_("survey"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="survey_responses",
        verbose_name=_("participant"),
    )
    is_example = models.BooleanField(_("example"), default=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        verbose_name = _("survey answer set")
        verbose_name_plural = _("survey answer sets")
        ordering = ["created_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["survey", "user"], name="survey_response_once_per_citizen")]

    def __str__(self) -> str:
        return f"{self.survey_id}/{self.user_id}"


class SurveyAnswer(models.Model):
    """One answer: the chosen option (several rows for multiple choice), an option's rank, a rating or a text."""

    response = models.ForeignKey(
        SurveyResponse, on_delete=models.CASCADE, related_name="answers", verbose_name=_("answer set")
    )
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers", verbose_name=_("question"))
    option = models.ForeignKey(
        Option, on_delete=models.CASCADE, null=True, blank=True, related_name="answers", verbose_name=_("option")
    )
    rank = models.PositiveSmallIntegerField(_("rank"), null=True, blank=True)
    rating = models.PositiveSmallIntegerField(_("rating"), null=True, blank=True)
    text = models.TextField(_("text"), max_length=3000, blank=True)

    class Meta:
        verbose_name = _("survey answer")
        verbose_name_plural = _("survey answers")
        indexes = [models.Index(fields=["question", "option"], name="surveyanswer_question_idx")]

    def __str__(self) -> str:
        return f"{self.question_id}: {self.option_id or self.rating or self.text[:30]}"


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
    draft_comment = models.ForeignKey(
        DraftComment,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name=_("comment on the draft"),
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
                condition=(Q(idea__isnull=False) & Q(comment__isnull=True) & Q(draft_comment__isnull=True))
                | (Q(idea__isnull=True) & Q(comment__isnull=False) & Q(draft_comment__isnull=True))
                | (Q(idea__isnull=True) & Q(comment__isnull=True) & Q(draft_comment__isnull=False)),
            )
        ]
        indexes = [models.Index(fields=["outcome", "created_at"], name="report_queue_idx")]

    def __str__(self) -> str:
        return self.reason[:60]

    @property
    def target(self) -> Any:
        if self.idea_id is not None:
            return self.idea
        return self.comment if self.comment_id is not None else self.draft_comment


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
