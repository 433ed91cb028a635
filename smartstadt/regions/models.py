from __future__ import annotations

from typing import Any

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .geojson import validate_geojson_area


class Region(models.Model):
    """Municipalities that work together on one platform, e.g. the Ruhr neighbours."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(_("URL name"), max_length=80, unique=True)
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class MunicipalityKind(models.TextChoices):
    CITY = "city", _("city")
    TOWN = "town", _("town or municipality")
    DISTRICT = "district", _("rural district (Landkreis)")
    ASSOCIATION = "association", _("association of municipalities")


class MunicipalityQuerySet(models.QuerySet["Municipality"]):
    def in_region(self, region: Region | int) -> MunicipalityQuerySet:
        return self.filter(region=region)


class Municipality(models.Model):
    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="municipalities",
        verbose_name=_("region"),
    )
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("URL name"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=MunicipalityKind.choices, default=MunicipalityKind.CITY)
    state = models.CharField(_("federal state"), max_length=80, blank=True)
    official_key = models.CharField(
        _("official municipality key (AGS)"),
        max_length=8,
        blank=True,
        validators=[RegexValidator(r"^\d{8}$", _("The AGS has exactly eight digits."))],
    )
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    population_source = models.URLField(_("source of the population figure"), max_length=500, blank=True)
    area_km2 = models.DecimalField(
        _("area in km²"),
        max_digits=9,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    latitude = models.DecimalField(
        _("latitude of the centre"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
        help_text=_("Approximate centre in WGS 84; entries without their own location are shown here on the map."),
    )
    longitude = models.DecimalField(
        _("longitude of the centre"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    mpsc_cohort = models.CharField(_("Smart Cities model project cohort"), max_length=200, blank=True)
    phase = models.CharField(_("phase"), max_length=200, blank=True)
    motto = models.CharField(_("motto"), max_length=200, blank=True)
    vision = models.TextField(_("vision"), blank=True)
    guiding_principles = models.JSONField(_("guiding principles (Leitsätze)"), default=list, blank=True)
    development_goals = models.JSONField(_("development goals"), default=list, blank=True)
    fields_of_action = models.JSONField(_("fields of action named by the source"), default=list, blank=True)
    website = models.URLField(_("website"), max_length=500, blank=True)
    contact_email = models.EmailField(_("contact (role mailbox)"), blank=True)
    smart_city_unit = models.CharField(_("Smart City unit"), max_length=300, blank=True)
    source_url = models.URLField(_("source"), max_length=500, blank=True)
    source_note = models.TextField(_("note on the sources"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = MunicipalityQuerySet.as_manager()

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        ordering = ["name"]
        indexes = [models.Index(fields=["region", "name"], name="municipality_region_name_idx")]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(latitude__isnull=True) & models.Q(longitude__isnull=True))
                | (models.Q(latitude__isnull=False) & models.Q(longitude__isnull=False)),
                name="municipality_centre_complete",
                violation_error_message=_("A centre needs both latitude and longitude."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("portal:municipality", kwargs={"slug": self.slug})

    @property
    def has_centre(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if (self.latitude is None) != (self.longitude is None):
            raise ValidationError(
                {
                    "longitude" if self.longitude is None else "latitude": _(
                        "A centre needs both latitude and longitude."
                    )
                }
            )


class DistrictKind(models.TextChoices):
    BOROUGH = "borough", _("borough (Stadtbezirk)")
    QUARTER = "quarter", _("quarter (Stadtteil)")


class District(models.Model):
    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="districts", verbose_name=_("municipality")
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("part of"),
    )
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("URL name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=16, choices=DistrictKind.choices, default=DistrictKind.QUARTER)
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    population_as_of = models.DateField(_("population as of"), null=True, blank=True)
    area_km2 = models.DecimalField(
        _("area in km²"),
        max_digits=9,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    geometry = models.JSONField(
        _("outline (GeoJSON)"),
        null=True,
        blank=True,
        validators=[validate_geojson_area],
        help_text=_("A GeoJSON Polygon or MultiPolygon in WGS 84 (longitude, latitude)."),
    )
    source_url = models.URLField(_("source"), max_length=500, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("district")
        verbose_name_plural = _("districts")
        ordering = ["municipality", "kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "slug"], name="district_unique_slug_per_municipality")
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.parent_id is not None and self.parent is not None:
            if self.parent.municipality_id != self.municipality_id:
                raise ValidationError({"parent": _("The parent district must belong to the same municipality.")})
            if self.parent_id == self.pk:
                raise ValidationError({"parent": _("A district cannot contain itself.")})


class OrganisationKind(models.TextChoices):
    ADMINISTRATION = "administration", _("administration")
    MUNICIPAL_COMPANY = "municipal_company", _("municipal company")
    BUSINESS = "business", _("business")
    RESEARCH = "research", _("research")
    NETWORK = "network", _("network")
    CIVIL_SOCIETY = "civil_society", _("civil society")
    OTHER = "other", _("other")


class OrganisationQuerySet(models.QuerySet["Organisation"]):
    def for_municipality(self, municipality: Municipality | int) -> OrganisationQuerySet:
        return self.filter(municipality=municipality)

    def active(self) -> OrganisationQuerySet:
        return self.filter(is_active=True)


class Organisation(models.Model):
    """An actor: a department, a municipal company, a business, a research institute, a network."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="organisations", verbose_name=_("municipality")
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="units",
        verbose_name=_("part of"),
    )
    name = models.CharField(_("name"), max_length=300)
    short_name = models.CharField(_("short name"), max_length=60, blank=True)
    slug = models.SlugField(_("URL name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=32, choices=OrganisationKind.choices)
    description = models.TextField(_("what the organisation does"), blank=True)
    competences = models.ManyToManyField(
        "frameworks.Term", blank=True, related_name="organisations", verbose_name=_("competences")
    )
    website = models.URLField(_("website"), max_length=500, blank=True)
    contact_email = models.EmailField(
        _("contact (role mailbox)"), blank=True, help_text=_("A team mailbox, not a personal address.")
    )
    is_active = models.BooleanField(_("active"), default=True, help_text=_("Historic organisations stay listed."))
    source_url = models.URLField(_("source"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["municipality", "name"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "slug"], name="organisation_unique_slug_per_municipality")
        ]
        indexes = [models.Index(fields=["municipality", "kind"], name="organisation_muni_kind_idx")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("portal:organisation", kwargs={"municipality": self.municipality.slug, "slug": self.slug})

    @property
    def label(self) -> Any:
        return self.short_name or self.name
