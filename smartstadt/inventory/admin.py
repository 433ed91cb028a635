from __future__ import annotations

from typing import Any

from django.contrib import admin

from smartstadt.core.admin import HistoryAdminMixin

from .models import Entry


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
        from .search import index_entries

        index_entries([form.instance])
