from __future__ import annotations

from django.contrib import admin

from smartstadt.core.admin import HistoryAdminMixin

from .models import Framework, Term


class TermInline(admin.TabularInline):
    model = Term
    extra = 0
    fields = ["code", "label", "label_en", "parent", "order", "verification"]
    show_change_link = True


@admin.register(Framework)
class FrameworkAdmin(HistoryAdminMixin):
    list_display = ["name", "slug", "municipality", "year", "verification", "order"]
    list_filter = ["verification", "municipality"]
    search_fields = ["name", "short_name", "slug", "description"]
    list_select_related = ["municipality"]
    autocomplete_fields = ["municipality"]
    inlines = [TermInline]


@admin.register(Term)
class TermAdmin(HistoryAdminMixin):
    list_display = ["label", "code", "framework", "parent", "order", "verification"]
    list_filter = ["framework", "verification"]
    search_fields = ["label", "label_en", "code", "description"]
    list_select_related = ["framework", "parent"]
    autocomplete_fields = ["framework", "parent"]
