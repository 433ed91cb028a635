from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest

from smartstadt.core.admin import HistoryAdminMixin, admin_actor

from .effects import entries_written
from .models import Entry, EntryRedirect


@admin.register(Entry)
class EntryAdmin(HistoryAdminMixin):
    list_display = ["title", "municipality", "kind", "status", "publication_state", "lead_organisation", "updated_at"]
    list_filter = ["publication_state", "kind", "status", "transferability", "municipality__region", "municipality"]
    search_fields = ["title", "summary", "external_id", "municipality__name", "lead_organisation__name"]
    list_select_related = ["municipality", "lead_organisation"]
    autocomplete_fields = ["municipality", "lead_organisation", "partners", "districts", "terms"]
    date_hierarchy = "updated_at"

    def save_related(self, request: Any, form: Any, formsets: Any, change: bool) -> None:
        """After the entry and its relations are saved: everything derived from it (search, analysis, kept
        pages), as after every write of entries (``effects.py``). The history is the mixin's."""
        super().save_related(request, form, formsets, change)
        entries_written([form.instance.pk], actor=admin_actor(request))

    def delete_model(self, request: Any, obj: Model) -> None:
        pk = obj.pk
        super().delete_model(request, obj)
        entries_written(actor=admin_actor(request), removed=[pk])

    def delete_queryset(self, request: Any, queryset: Any) -> None:
        pks = list(queryset.values_list("pk", flat=True))
        super().delete_queryset(request, queryset)
        entries_written(actor=admin_actor(request), removed=pks)


@admin.register(EntryRedirect)
class EntryRedirectAdmin(admin.ModelAdmin[EntryRedirect]):
    """Addresses of merged entries: read-only, they are written by the merge (inventory/merging.py)."""

    list_display = ["old_title", "municipality", "slug", "entry", "created_at"]
    list_filter = ["municipality"]
    search_fields = ["old_title", "slug", "old_external_id", "entry__title"]
    list_select_related = ["municipality", "entry"]
    readonly_fields = ["municipality", "slug", "old_entry_id", "old_title", "old_external_id", "entry", "created_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
