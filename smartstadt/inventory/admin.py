from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from smartstadt.core.admin import HistoryAdminMixin

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
        """After the entry and its relations are saved: keep the full-text search in step."""
        super().save_related(request, form, formsets, change)
        from smartstadt.search import index_entries

        index_entries([form.instance])


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
