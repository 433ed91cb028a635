"""Documents rendered in the background and their files: from a strategy (strategy document, council paper,
measure sheet) or from a participation process (its participation report)."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _


class DocumentKind(models.TextChoices):
    STRATEGY = "strategy", _("strategy document")
    COUNCIL = "council", _("council paper")
    MEASURE = "measure", _("measure sheet")
    PARTICIPATION = "participation", _("participation report")


class DocumentFormat(models.TextChoices):
    PDF = "pdf", "PDF"
    DOCX = "docx", _("DOCX (Word, LibreOffice)")
    HTML = "html", "HTML"


# Which formats each kind is offered in (the council paper and a sheet are edited, not read on screen).
FORMATS = {
    DocumentKind.STRATEGY: (DocumentFormat.PDF, DocumentFormat.DOCX, DocumentFormat.HTML),
    DocumentKind.COUNCIL: (DocumentFormat.PDF, DocumentFormat.DOCX),
    DocumentKind.MEASURE: (DocumentFormat.PDF, DocumentFormat.DOCX),
    DocumentKind.PARTICIPATION: (DocumentFormat.PDF, DocumentFormat.DOCX, DocumentFormat.HTML),
}


_STRATEGY_KINDS = [DocumentKind.STRATEGY, DocumentKind.COUNCIL, DocumentKind.MEASURE]


class RenderStatus(models.TextChoices):
    QUEUED = "queued", _("waiting")
    RUNNING = "running", _("being rendered")
    DONE = "done", _("ready")
    FAILED = "failed", _("failed")


def _upload_to(instance: RenderedDocument, filename: str) -> str:
    if instance.process_id is not None:
        return f"documents/beteiligung/{instance.process_id}/{filename}"
    return f"documents/{instance.strategy_id}/{filename}"


class RenderedDocument(models.Model):
    """One rendering of a document: from a strategy's working state (``version`` empty) or a frozen version, or
    (kind "participation") from a participation process as it is now. Exactly one of strategy and process is set.
    """

    strategy = models.ForeignKey(
        "strategy.Strategy",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="documents",
        verbose_name=_("strategy"),
    )
    process = models.ForeignKey(
        "participation.Process",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="rendered_documents",
        verbose_name=_("participation process"),
    )
    version = models.ForeignKey(
        "strategy.StrategyVersion",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="documents",
        verbose_name=_("version"),
        help_text=_("Empty: the current working state."),
    )
    kind = models.CharField(_("document"), max_length=16, choices=DocumentKind.choices)
    format = models.CharField(_("format"), max_length=8, choices=DocumentFormat.choices)
    measure_number = models.CharField(
        _("measure number"), max_length=20, blank=True, help_text=_("Only for a single measure sheet.")
    )
    status = models.CharField(_("status"), max_length=16, choices=RenderStatus.choices, default=RenderStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(
        _("progress in percent"), default=0, validators=[MaxValueValidator(100)]
    )
    step = models.CharField(_("current step"), max_length=200, blank=True)
    file = models.FileField(_("file"), upload_to=_upload_to, blank=True)
    page_count = models.PositiveIntegerField(_("pages"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    created_at = models.DateTimeField(_("requested at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("rendered document")
        verbose_name_plural = _("rendered documents")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["strategy", "kind", "format", "status"], name="document_lookup_idx"),
            models.Index(fields=["process", "format", "status"], name="document_process_lookup_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(progress__lte=100), name="document_progress_percent"),
            models.CheckConstraint(
                condition=(
                    models.Q(strategy__isnull=False, process__isnull=True, kind__in=_STRATEGY_KINDS)
                    | models.Q(strategy__isnull=True, process__isnull=False, kind=DocumentKind.PARTICIPATION)
                ),
                name="document_one_source",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_format_display()})"

    def get_absolute_url(self) -> str:
        if self.process is not None:
            return reverse("participation:report_document", kwargs={"slug": self.process.slug, "document": self.pk})
        return reverse("documents:detail", kwargs={"pk": self.strategy_id, "document": self.pk})

    def get_download_url(self) -> str:
        if self.process is not None:
            return reverse("participation:report_file", kwargs={"slug": self.process.slug, "document": self.pk})
        return reverse("documents:download", kwargs={"pk": self.strategy_id, "document": self.pk})

    @property
    def municipality_id(self) -> int:
        source = self.process if self.process_id is not None else self.strategy
        assert source is not None
        return int(source.municipality_id)

    def get_restart_url(self) -> str:
        if self.process is not None:
            return reverse("participation:report_restart", kwargs={"slug": self.process.slug, "document": self.pk})
        return reverse("documents:restart", kwargs={"pk": self.strategy_id, "document": self.pk})

    @property
    def is_finished(self) -> bool:
        return self.status in (RenderStatus.DONE, RenderStatus.FAILED)

    @cached_property
    def file_missing(self) -> bool:
        """Rendered, but its file is gone (a database restored without its media folder, a deleted file)."""
        if self.status != RenderStatus.DONE:
            return False
        return not self.file.name or not self.file.storage.exists(self.file.name)

    @property
    def can_restart(self) -> bool:
        return self.status == RenderStatus.FAILED or self.file_missing
