"""The inventory (Ist-Analyse): projects, solutions and knowledge of a municipality and its actors."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .validators import validate_links, validate_text_list

if TYPE_CHECKING:
    from smartstadt.core.permissions import Viewer

YEAR_VALIDATORS = [MinValueValidator(1950), MaxValueValidator(2100)]


def choice_label(choices: type[models.TextChoices], value: str) -> str:
    """The translated label of a value, or the value itself when it is no choice (as get_FOO_display())."""
    try:
        return str(choices(value).label)
    except ValueError:
        return value


class EntryKind(models.TextChoices):
    PROJECT = "project", _("project")
    SOLUTION = "solution", _("solution")
    KNOWLEDGE = "knowledge", _("knowledge")


class KnowledgeType(models.TextChoices):
    STUDY = "study", _("study")
    CONCEPT = "concept", _("concept")
    DATASET = "dataset", _("data set")
    EXPERTISE = "expertise", _("expertise")


class EntryStatus(models.TextChoices):
    IDEA = "idea", _("idea")
    PLANNED = "planned", _("planned")
    RUNNING = "running", _("running")
    COMPLETED = "completed", _("completed")
    STOPPED = "stopped", _("stopped")
    UNKNOWN = "unknown", _("not known")


class Maturity(models.TextChoices):
    CONCEPT = "concept", _("concept")
    PILOT = "pilot", _("pilot")
    OPERATION = "operation", _("in regular operation")
    SCALED = "scaled", _("rolled out widely")


class Transferability(models.TextChoices):
    NOT_ASSESSED = "not_assessed", _("not assessed")
    NONE = "none", _("not transferable")
    ADAPTATION = "adaptation", _("transferable with adaptation")
    READY = "ready", _("ready for reuse")


class PublicationState(models.TextChoices):
    DRAFT = "draft", _("draft")
    IN_REVIEW = "in_review", _("in review")
    PUBLISHED = "published", _("published")


class EntryQuerySet(models.QuerySet["Entry"]):
    def published(self) -> EntryQuerySet:
        return self.filter(publication_state=PublicationState.PUBLISHED)

    def for_municipality(self, municipality: Any) -> EntryQuerySet:
        return self.filter(municipality=municipality)

    def visible_to(self, user: Viewer) -> EntryQuerySet:
        """Published entries for everybody; unpublished ones for the team and editors responsible for them."""
        from smartstadt.core.permissions import roles_of

        if user is not None and getattr(user, "is_superuser", False) and user.is_active:
            return self
        roles = roles_of(user)
        condition = Q(publication_state=PublicationState.PUBLISHED)
        if roles.team_municipalities:
            condition |= Q(municipality_id__in=roles.team_municipalities)
        if roles.editor_organisations:
            condition |= Q(lead_organisation_id__in=roles.editor_organisations)
        return self.filter(condition)


class Entry(models.Model):
    """A project, a solution or a piece of knowledge (study, concept, data set, expertise)."""

    municipality = models.ForeignKey(
        "regions.Municipality", on_delete=models.PROTECT, related_name="entries", verbose_name=_("municipality")
    )
    external_id = models.CharField(
        _("external id"),
        max_length=120,
        blank=True,
        help_text=_("Key from the source or spreadsheet; a re-import updates the entry with this key."),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=EntryKind.choices, default=EntryKind.PROJECT)
    knowledge_type = models.CharField(_("type of knowledge"), max_length=16, choices=KnowledgeType.choices, blank=True)
    title = models.CharField(_("title"), max_length=300)
    slug = models.SlugField(_("URL name"), max_length=120)
    summary = models.TextField(_("summary"), max_length=1000, blank=True)
    description = models.TextField(_("description"), blank=True, help_text=_("Markdown is allowed."))
    status = models.CharField(_("status"), max_length=16, choices=EntryStatus.choices, default=EntryStatus.RUNNING)
    lead_organisation = models.ForeignKey(
        "regions.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="led_entries",
        verbose_name=_("lead organisation"),
    )
    partners = models.ManyToManyField(
        "regions.Organisation", blank=True, related_name="partner_entries", verbose_name=_("partner organisations")
    )
    districts = models.ManyToManyField(
        "regions.District", blank=True, related_name="entries", verbose_name=_("districts")
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
    terms = models.ManyToManyField("frameworks.Term", blank=True, related_name="entries", verbose_name=_("tags"))
    start_year = models.PositiveSmallIntegerField(_("start year"), null=True, blank=True, validators=YEAR_VALIDATORS)
    end_year = models.PositiveSmallIntegerField(_("end year"), null=True, blank=True, validators=YEAR_VALIDATORS)
    budget_eur = models.DecimalField(
        _("budget in euros"), max_digits=14, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    funding_sources = models.JSONField(_("funding sources"), default=list, blank=True, validators=[validate_text_list])
    links = models.JSONField(_("links"), default=list, blank=True, validators=[validate_links])
    contact_email = models.EmailField(
        _("contact (role mailbox)"), blank=True, help_text=_("A team mailbox, not a personal address.")
    )
    maturity = models.CharField(_("maturity"), max_length=16, choices=Maturity.choices, blank=True)
    transferability = models.CharField(
        _("transferability"), max_length=16, choices=Transferability.choices, default=Transferability.NOT_ASSESSED
    )
    licence = models.CharField(_("licence for reuse"), max_length=100, blank=True)
    source_url = models.URLField(_("source"), max_length=500, blank=True)
    source_note = models.TextField(_("note on the source"), blank=True)
    publication_state = models.CharField(
        _("publication state"), max_length=16, choices=PublicationState.choices, default=PublicationState.DRAFT
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = EntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("inventory entry")
        verbose_name_plural = _("inventory entries")
        ordering = ["municipality", "title"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "slug"], name="entry_unique_slug_per_municipality"),
            models.UniqueConstraint(
                fields=["municipality", "external_id"],
                condition=~Q(external_id=""),
                name="entry_unique_external_id_per_municipality",
            ),
            models.CheckConstraint(
                condition=Q(start_year__isnull=True)
                | Q(end_year__isnull=True)
                | Q(start_year__lte=models.F("end_year")),
                name="entry_start_before_end",
                violation_error_message=_("The start year must not be after the end year."),
            ),
            models.CheckConstraint(
                condition=(Q(latitude__isnull=True) & Q(longitude__isnull=True))
                | (Q(latitude__isnull=False) & Q(longitude__isnull=False)),
                name="entry_location_complete",
                violation_error_message=_("A location needs both latitude and longitude."),
            ),
        ]
        indexes = [
            models.Index(fields=["publication_state", "municipality", "title"], name="entry_pub_muni_title_idx"),
            # the portal's list by title: a page is read from the index instead of sorting every entry (the key
            # settles equal titles: SQLite has it in every index anyway, PostgreSQL would otherwise sort all rows)
            models.Index(fields=["publication_state", "title", "id"], name="entry_pub_title_id_idx"),
            models.Index(fields=["publication_state", "status"], name="entry_pub_status_idx"),
            models.Index(fields=["publication_state", "kind"], name="entry_pub_kind_idx"),
            models.Index(fields=["lead_organisation", "publication_state"], name="entry_lead_pub_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("inventory:entry", kwargs={"municipality": self.municipality.slug, "slug": self.slug})

    # The labels of the choices, as Django's get_FOO_display() gives them, without its generic lookup: that builds
    # and hashes a dict of every choice's translated label on each call (20 µs, 50 times on a page of results).
    def get_kind_display(self) -> str:  # type: ignore[no-redef]  # (the stubs declare it)
        return choice_label(EntryKind, self.kind)

    def get_knowledge_type_display(self) -> str:  # type: ignore[no-redef]  # (the stubs declare it)
        return choice_label(KnowledgeType, self.knowledge_type)

    def get_status_display(self) -> str:  # type: ignore[no-redef]  # (the stubs declare it)
        return choice_label(EntryStatus, self.status)

    def get_maturity_display(self) -> str:  # type: ignore[no-redef]  # (the stubs declare it)
        return choice_label(Maturity, self.maturity)

    def get_transferability_display(self) -> str:  # type: ignore[no-redef]  # (the stubs declare it)
        return choice_label(Transferability, self.transferability)

    def get_publication_state_display(self) -> str:  # type: ignore[no-redef]  # (the stubs declare it)
        return choice_label(PublicationState, self.publication_state)

    @property
    def is_published(self) -> bool:
        return self.publication_state == PublicationState.PUBLISHED

    @property
    def has_location(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    @property
    def years(self) -> str:
        if self.start_year and self.end_year and self.start_year != self.end_year:
            return f"{self.start_year}–{self.end_year}"
        return str(self.start_year or self.end_year or "")

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if self.kind != EntryKind.KNOWLEDGE and self.knowledge_type:
            errors["knowledge_type"] = _("Only knowledge has a type of knowledge.")
        if self.start_year and self.end_year and self.start_year > self.end_year:
            errors["end_year"] = _("The end year must not be before the start year.")
        if (self.latitude is None) != (self.longitude is None):
            errors["longitude" if self.longitude is None else "latitude"] = _(
                "A location needs both latitude and longitude."
            )
        if (
            self.lead_organisation_id is not None
            and self.lead_organisation is not None
            and self.lead_organisation.municipality_id != self.municipality_id
        ):
            errors["lead_organisation"] = _("The lead organisation must belong to the entry's municipality.")
        if errors:
            raise ValidationError(errors)


class EntryRedirect(models.Model):
    """The address of an entry that was merged into another (see ``merging.py``): its old URL answers with a
    permanent redirect to the entry that stayed, and its old key finds the change history it had before."""

    municipality = models.ForeignKey(
        "regions.Municipality", on_delete=models.CASCADE, related_name="+", verbose_name=_("municipality")
    )
    slug = models.SlugField(_("old URL name"), max_length=120)
    old_entry_id = models.PositiveBigIntegerField(_("key of the merged entry"), db_index=True)
    old_title = models.CharField(_("title of the merged entry"), max_length=300)
    old_external_id = models.CharField(_("external id of the merged entry"), max_length=120, blank=True)
    entry = models.ForeignKey(
        Entry, on_delete=models.CASCADE, related_name="redirects", verbose_name=_("entry that stayed")
    )
    created_at = models.DateTimeField(_("merged at"), default=timezone.now)

    class Meta:
        verbose_name = _("address of a merged entry")
        verbose_name_plural = _("addresses of merged entries")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "slug"], name="entry_redirect_unique_slug"),
        ]

    def __str__(self) -> str:
        return f"{self.slug} → {self.entry_id}"


class EntrySearchDocument(models.Model):
    """An entry's text as search tokens (see ``search.py``), written by the indexer only.

    The database's own index is built from these rows: on SQLite an FTS5 table kept up to date by triggers,
    on PostgreSQL a generated tsvector column with a GIN index (both made by ``search.install_index_structures``,
    which a migration runs). A migration that rebuilds this table on SQLite drops the triggers: run
    ``install_index_structures`` again in it.
    """

    entry = models.OneToOneField(
        Entry, on_delete=models.CASCADE, primary_key=True, related_name="search_document", verbose_name=_("entry")
    )
    title = models.TextField(_("title tokens"), blank=True)
    body = models.TextField(_("text tokens"), blank=True)

    class Meta:
        verbose_name = _("search document of an entry")
        verbose_name_plural = _("search documents of entries")

    def __str__(self) -> str:
        return str(self.pk)


class OrganisationSearchDocument(models.Model):
    """An organisation's name and description as search tokens; like :class:`EntrySearchDocument`."""

    organisation = models.OneToOneField(
        "regions.Organisation",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="search_document",
        verbose_name=_("organisation"),
    )
    title = models.TextField(_("title tokens"), blank=True)
    body = models.TextField(_("text tokens"), blank=True)

    class Meta:
        verbose_name = _("search document of an organisation")
        verbose_name_plural = _("search documents of organisations")

    def __str__(self) -> str:
        return str(self.pk)


class ImportStatus(models.TextChoices):
    CHECKING = "checking", _("being checked")
    CHECKED = "checked", _("checked")
    IMPORTING = "importing", _("being imported")
    DONE = "done", _("imported")
    FAILED = "failed", _("failed")


def stall_seconds() -> int:
    """After how long without progress a running import counts as stalled (see ``docs/operations.md``)."""
    lease = int(getattr(settings, "TASK_LEASE_SECONDS", 60))
    attempts = int(getattr(settings, "TASK_MAX_ATTEMPTS", 2))
    return max(300, 2 * lease * attempts)


class ImportRun(models.Model):
    """One uploaded spreadsheet between its check and the confirmed import, with the progress and the result.

    The file is kept in the database, not on a disk, so that the web process and the task worker need nothing
    but the database to share it; it is emptied after a successful import. See ``inventory/imports.py``.
    """

    token = models.CharField(_("key"), max_length=64, unique=True, editable=False)
    municipality = models.ForeignKey(
        "regions.Municipality", on_delete=models.CASCADE, related_name="+", verbose_name=_("municipality")
    )
    filename = models.CharField(_("file name"), max_length=200)
    format = models.CharField(_("format"), max_length=8, choices=[("xlsx", "XLSX"), ("csv", "CSV")])
    data = models.BinaryField(_("file content"), blank=True)
    language = models.CharField(_("language"), max_length=16, default="de")
    status = models.CharField(_("status"), max_length=16, choices=ImportStatus.choices, default=ImportStatus.CHECKING)
    phase = models.CharField(_("current step"), max_length=16, blank=True, default="check")
    done = models.PositiveIntegerField(_("rows done"), default=0)
    total = models.PositiveIntegerField(_("rows in all"), default=0)
    result = models.JSONField(_("result"), null=True, blank=True)
    message = models.TextField(_("message"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    created_at = models.DateTimeField(_("uploaded at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("spreadsheet import")
        verbose_name_plural = _("spreadsheet imports")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["updated_at"], name="import_run_updated_idx")]

    def __str__(self) -> str:
        return f"{self.filename} ({self.get_status_display()})"

    @property
    def is_running(self) -> bool:
        return self.status in (ImportStatus.CHECKING, ImportStatus.IMPORTING)

    @property
    def is_stalled(self) -> bool:
        """Running, but without a sign of life for longer than a worker's lease and its retries: the worker that
        had it died, and the file may be discarded (an import writes in one transaction, so nothing was saved)."""
        if not self.is_running:
            return False
        quiet = timezone.now() - self.updated_at
        return quiet.total_seconds() > stall_seconds()

    @property
    def percent(self) -> int:
        return int(100 * self.done / self.total) if self.total else 0
