from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from smartstadt.core.admin import HistoryAdminMixin

from .models import Campaign, Invitation


class InvitationInline(admin.TabularInline):
    """Read-only overview; changes go through the invitation's own page, which records the history."""

    model = Invitation
    extra = 0
    fields = ["organisation", "email", "expires_at", "sent_at", "first_opened_at", "answered_at", "revoked_at"]
    readonly_fields = ["organisation", "email", "expires_at", "sent_at", "first_opened_at", "answered_at", "revoked_at"]
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Campaign)
class CampaignAdmin(HistoryAdminMixin):
    list_display = ["title", "municipality", "deadline", "state", "is_example", "created_at"]
    list_filter = ["state", "is_example", "municipality"]
    search_fields = ["title", "municipality__name"]
    list_select_related = ["municipality"]
    autocomplete_fields = ["municipality"]
    readonly_fields = ["created_by", "closed_at"]
    inlines = [InvitationInline]


@admin.register(Invitation)
class InvitationAdmin(HistoryAdminMixin):
    list_display = ["organisation", "campaign", "email", "sent_at", "answered_at", "expires_at", "revoked_at"]
    list_filter = ["campaign__state", "campaign__municipality"]
    search_fields = ["organisation__name", "email", "campaign__title"]
    list_select_related = ["organisation", "campaign"]
    autocomplete_fields = ["organisation", "entries"]
    readonly_fields = [
        "sent_at",
        "reminder_count",
        "last_reminded_at",
        "first_opened_at",
        "answered_at",
        "last_answer_at",
    ]
