from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from smartstadt.core.admin import HistoryAdminMixin

from .models import District, Municipality, Organisation, Region
from .signals import places_written


class PlacesAdminMixin(HistoryAdminMixin):
    """Edits in the administration reach the search like edits through the services (``signals.py``): every save
    counts as a rename, since the admin form does not say which fields changed."""

    place_argument = ""

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        keys = [form.instance.pk]
        if self.place_argument == "organisations":
            places_written.send(sender=self.model, organisations=keys, renamed_organisations=keys)
        else:
            places_written.send(sender=self.model, **{self.place_argument: keys})


@admin.register(Region)
class RegionAdmin(HistoryAdminMixin):
    list_display = ["name", "slug", "municipality_count", "order"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request: HttpRequest) -> QuerySet[Region]:
        return super().get_queryset(request).annotate(n=Count("municipalities"))

    @admin.display(description=_("municipalities"), ordering="n")
    def municipality_count(self, obj: Region) -> int:
        return obj.n  # type: ignore[attr-defined]


class DistrictInline(admin.TabularInline):
    model = District
    extra = 0
    fields = ["name", "slug", "kind", "parent", "population", "area_km2"]
    show_change_link = True


@admin.register(Municipality)
class MunicipalityAdmin(PlacesAdminMixin):
    place_argument = "municipalities"
    list_display = ["name", "region", "kind", "state", "population", "mpsc_cohort", "organisation_count"]
    list_filter = ["region", "kind", "state", "mpsc_cohort"]
    search_fields = ["name", "slug", "official_key", "vision"]
    list_select_related = ["region"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [DistrictInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Municipality]:
        return super().get_queryset(request).annotate(n=Count("organisations"))

    @admin.display(description=_("organisations"), ordering="n")
    def organisation_count(self, obj: Municipality) -> int:
        return obj.n  # type: ignore[attr-defined]


@admin.register(District)
class DistrictAdmin(PlacesAdminMixin):
    place_argument = "districts"
    list_display = ["name", "municipality", "kind", "parent", "population", "area_km2", "has_geometry"]
    list_filter = ["kind", "municipality__region", "municipality"]
    search_fields = ["name", "slug", "municipality__name"]
    list_select_related = ["municipality", "parent"]
    autocomplete_fields = ["municipality", "parent"]

    @admin.display(boolean=True, description=_("outline"))
    def has_geometry(self, obj: District) -> bool:
        return obj.geometry is not None


@admin.register(Organisation)
class OrganisationAdmin(PlacesAdminMixin):
    place_argument = "organisations"
    list_display = ["name", "short_name", "kind", "municipality", "is_active", "contact_email"]
    list_filter = ["kind", "is_active", "municipality__region", "municipality"]
    search_fields = ["name", "short_name", "slug", "description", "municipality__name"]
    list_select_related = ["municipality"]
    autocomplete_fields = ["municipality", "parent", "competences"]
