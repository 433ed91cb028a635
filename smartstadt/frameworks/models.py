from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class Verification(models.TextChoices):
    """How far a framework's labels were checked against their source (see data/frameworks.yaml)."""

    VERIFIED = "verified", _("verified against the source")
    PARTIAL = "partial", _("partly verified")
    RECOLLECTION = "recollection", _("not verified – editable suggestion")
    OWN = "own", _("defined by the municipality")


class FrameworkQuerySet(models.QuerySet["Framework"]):
    def reference(self) -> FrameworkQuerySet:
        return self.filter(municipality__isnull=True)

    def visible_for_municipality(self, municipality_id: int) -> FrameworkQuerySet:
        return self.filter(Q(municipality__isnull=True) | Q(municipality_id=municipality_id))


class Framework(models.Model):
    """A tag set (Ordnungsrahmen): Giffinger's dimensions, a city's topic fields, a source's labels."""

    GIFFINGER = "giffinger"

    slug = models.SlugField(_("URL name"), max_length=100, unique=True)
    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=60, blank=True)
    description = models.TextField(_("description"), blank=True)
    municipality = models.ForeignKey(
        "regions.Municipality",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="frameworks",
        verbose_name=_("municipality"),
        help_text=_("Empty for reference frameworks that every municipality uses."),
    )
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    verification = models.CharField(
        _("verification"), max_length=16, choices=Verification.choices, default=Verification.OWN
    )
    source_url = models.URLField(_("source"), max_length=500, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=100)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = FrameworkQuerySet.as_manager()

    class Meta:
        verbose_name = _("framework")
        verbose_name_plural = _("frameworks")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("portal:framework", kwargs={"slug": self.slug})


class Term(models.Model):
    """One tag of a framework; terms nest (Giffinger dimension → factor)."""

    framework = models.ForeignKey(
        Framework, on_delete=models.CASCADE, related_name="terms", verbose_name=_("framework")
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("broader term"),
    )
    code = models.SlugField(_("code"), max_length=60, help_text=_("Stable key used by imports and exports."))
    label = models.CharField(_("label"), max_length=200)
    label_en = models.CharField(_("English label"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    verification = models.CharField(_("verification"), max_length=16, choices=Verification.choices, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("term")
        verbose_name_plural = _("terms")
        ordering = ["framework", "order", "label"]
        constraints = [models.UniqueConstraint(fields=["framework", "code"], name="term_unique_code_per_framework")]

    def __str__(self) -> str:
        return self.label

    def clean(self) -> None:
        if self.parent is None:
            return
        if self.parent.framework_id != self.framework_id:
            raise ValidationError({"parent": _("The broader term must belong to the same framework.")})
        ancestor: Term | None = self.parent
        while ancestor is not None:
            if ancestor.pk is not None and ancestor.pk == self.pk:
                raise ValidationError({"parent": _("A term cannot be its own broader term.")})
            ancestor = ancestor.parent
