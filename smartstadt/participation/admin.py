"""Participation in the platform administration.

Processes, phases, workshops and surveys may be edited here (into the change history, like every admin edit).
Contributions, supports, answer sets and reports are shown read-only: their counters, moderation, merging and
answers keep rules that only the services enforce (services.py), so the team uses the platform's own pages for
them. Every edit here invalidates the cached counts and public pages of participation (caching.py).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Model, QuerySet
from django.http import HttpRequest

from smartstadt.core.admin import HistoryAdminMixin

from .caching import changed
from .models import (
    Comment,
    DraftComment,
    Idea,
    Option,
    ParticipantProfile,
    Phase,
    Process,
    Question,
    Report,
    Support,
    Survey,
    SurveyAnswer,
    SurveyResponse,
    Workshop,
)


class ParticipationAdmin(HistoryAdminMixin):
    """Editable participation records: each change invalidates the cached counts and pages."""

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        changed()

    def delete_model(self, request: HttpRequest, obj: Model) -> None:
        super().delete_model(request, obj)
        changed()

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        super().delete_queryset(request, queryset)
        changed()


class ReadOnlyAdmin(HistoryAdminMixin):
    """Shown, searched and filtered, never written: the services keep the rules of these records."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class PhaseInline(admin.TabularInline):
    model = Phase
    extra = 0


@admin.register(Process)
class ProcessAdmin(ParticipationAdmin):
    list_display = ["title", "municipality", "is_published", "created_at"]
    list_filter = ["is_published", "municipality__region", "municipality"]
    search_fields = ["title", "slug", "municipality__name"]
    list_select_related = ["municipality"]
    prepopulated_fields = {"slug": ["title"]}
    raw_id_fields = ["strategy", "draft_version"]
    inlines = [PhaseInline]


@admin.register(Idea)
class IdeaAdmin(ReadOnlyAdmin):
    list_display = [
        "title",
        "process",
        "author",
        "status",
        "support_count",
        "comment_count",
        "is_hidden",
        "merged_into",
        "created_at",
    ]
    list_filter = ["status", "is_hidden", "is_example", "process"]
    search_fields = ["title", "text", "author__username", "author__display_name", "process__title"]
    list_select_related = ["process", "author", "merged_into"]
    date_hierarchy = "created_at"
    show_full_result_count = False


@admin.register(Comment)
class CommentAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "idea", "author", "parent", "is_hidden", "created_at"]
    list_filter = ["is_hidden", "is_example", "idea__process"]
    search_fields = ["text", "author__username", "author__display_name", "idea__title"]
    list_select_related = ["idea", "author", "parent"]
    show_full_result_count = False


@admin.register(Support)
class SupportAdmin(ReadOnlyAdmin):
    list_display = ["idea", "user", "created_at"]
    list_filter = ["idea__process"]
    search_fields = ["idea__title", "user__username"]
    list_select_related = ["idea", "user"]
    show_full_result_count = False


@admin.register(DraftComment)
class DraftCommentAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "process", "paragraph_title", "author", "status", "is_hidden", "created_at"]
    list_filter = ["status", "is_hidden", "is_example", "process"]
    search_fields = ["text", "paragraph_title", "author__username", "author__display_name", "process__title"]
    list_select_related = ["process", "author"]


@admin.register(Workshop)
class WorkshopAdmin(ParticipationAdmin):
    list_display = ["title", "process", "kind", "held_on", "participant_count", "is_example"]
    list_filter = ["kind", "is_example", "process"]
    search_fields = ["title", "place", "results", "process__title"]
    list_select_related = ["process"]
    raw_id_fields = ["created_by"]
    date_hierarchy = "held_on"


class OptionInline(admin.TabularInline):
    model = Option
    extra = 0


class QuestionInline(admin.TabularInline):
    model = Question
    extra = 0
    fields = ["order", "kind", "text", "required"]
    show_change_link = True


@admin.register(Survey)
class SurveyAdmin(ParticipationAdmin):
    list_display = ["title", "process", "is_published", "results_public", "is_example", "created_at"]
    list_filter = ["is_published", "results_public", "is_example", "process"]
    search_fields = ["title", "description", "process__title"]
    list_select_related = ["process"]
    inlines = [QuestionInline]


@admin.register(Question)
class QuestionAdmin(ParticipationAdmin):
    list_display = ["text", "survey", "kind", "required", "order"]
    list_filter = ["kind", "survey__process"]
    search_fields = ["text", "survey__title"]
    list_select_related = ["survey"]
    inlines = [OptionInline]


class SurveyAnswerInline(admin.TabularInline):
    model = SurveyAnswer
    extra = 0
    fields = ["question", "option", "rank", "rating", "text"]
    readonly_fields = ["question", "option", "rank", "rating", "text"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(SurveyResponse)
class SurveyResponseAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "survey", "user", "is_example", "updated_at"]
    list_filter = ["is_example", "survey"]
    search_fields = ["survey__title", "user__username"]
    list_select_related = ["survey", "user"]
    inlines = [SurveyAnswerInline]


@admin.register(Report)
class ReportAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "outcome", "idea", "comment", "draft_comment", "reporter", "created_at"]
    list_filter = ["outcome"]
    search_fields = ["reason", "reporter__username", "idea__title", "comment__text", "draft_comment__text"]
    list_select_related = ["idea", "comment", "draft_comment", "reporter"]


@admin.register(ParticipantProfile)
class ParticipantProfileAdmin(ReadOnlyAdmin):
    list_display = ["user", "email_confirmed_at", "consent_at", "age_group", "district", "notify_on_answer"]
    list_filter = ["age_group", "notify_on_answer"]
    search_fields = ["user__username", "user__display_name", "user__email"]
    list_select_related = ["user", "district"]
