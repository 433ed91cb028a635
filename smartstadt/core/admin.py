from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from .history import delete_tracked, history_for, record_change, snapshot
from .models import ChangeRecord, Membership, SiteProfile, User

admin.site.site_header = _("Smartstadt platform administration")
admin.site.site_title = _("Smartstadt administration")
admin.site.index_title = _("Municipalities, regions, users and frameworks")


def admin_actor(request: HttpRequest) -> User:
    """The person working in the administration (the admin site lets only signed-in staff in)."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    return user


class HistoryAdminMixin(admin.ModelAdmin):
    """Admin edits land in the same change history as edits through the platform's services."""

    def save_model(self, request: HttpRequest, obj: Model, form: Any, change: bool) -> None:
        stored = type(obj)._default_manager.filter(pk=obj.pk).first() if change else None
        request._history_before = snapshot(stored) if stored is not None else {}  # type: ignore[attr-defined]
        super().save_model(request, obj, form, change)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        record_change(
            actor=admin_actor(request),
            instance=form.instance,
            action=ChangeRecord.Action.CHANGED if change else ChangeRecord.Action.CREATED,
            before=getattr(request, "_history_before", {}),
            note=gettext_noop("edited in the administration"),
        )

    def delete_model(self, request: HttpRequest, obj: Model) -> None:
        delete_tracked(obj, actor=admin_actor(request), note=gettext_noop("edited in the administration"))

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for obj in queryset:
            delete_tracked(obj, actor=admin_actor(request), note=gettext_noop("edited in the administration"))

    def history_view(self, request: HttpRequest, object_id: str, extra_context: Any = None) -> HttpResponse:
        obj = self.get_object(request, object_id)
        if obj is None or not self.has_view_or_change_permission(request, obj):
            return super().history_view(request, object_id, extra_context)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Change history: %(name)s") % {"name": obj},
            "object": obj,
            "opts": self.opts,
            "records": history_for(obj)[:500],
        }
        return TemplateResponse(request, "admin/change_record_history.html", context)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["municipality", "organisation"]
    fk_name = "user"


@admin.register(User)
class SmartstadtUserAdmin(UserAdmin):
    list_display = ["username", "display_name", "email", "is_active", "is_superuser", "is_demo", "last_login"]
    list_filter = ["is_active", "is_superuser", "is_demo", "memberships__role"]
    search_fields = ["username", "display_name", "email", "first_name", "last_name"]
    fieldsets = (*(UserAdmin.fieldsets or ()), (_("Smartstadt"), {"fields": ("display_name", "is_demo")}))
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(HistoryAdminMixin):
    list_display = ["user", "role", "municipality", "organisation", "created_at"]
    list_filter = ["role", "municipality__region", "municipality"]
    search_fields = ["user__username", "user__display_name", "municipality__name", "organisation__name"]
    autocomplete_fields = ["user", "municipality", "organisation"]
    list_select_related = ["user", "municipality", "organisation"]


@admin.register(ChangeRecord)
class ChangeRecordAdmin(admin.ModelAdmin):
    list_display = ["created_at", "object_repr", "content_type", "action", "actor_label", "note"]
    list_filter = ["action", "content_type", "created_at"]
    search_fields = ["object_repr", "actor_label", "note", "object_id"]
    date_hierarchy = "created_at"
    list_select_related = ["content_type"]
    readonly_fields = [f.name for f in ChangeRecord._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(SiteProfile)
class SiteProfileAdmin(HistoryAdminMixin):
    list_display = ["operator_name", "email", "accessibility_status", "updated_at"]
    fieldsets = (
        (
            _("Imprint"),
            {
                "fields": (
                    "operator_name",
                    "address",
                    "represented_by",
                    "email",
                    "phone",
                    "vat_id",
                    "supervisory_authority",
                    "content_responsible",
                )
            },
        ),
        (
            _("Privacy notice"),
            {"fields": ("data_protection_officer", "data_protection_authority", "hosting")},
        ),
        (
            _("Accessibility statement"),
            {
                "fields": (
                    "accessibility_status",
                    "accessibility_known_issues",
                    "accessibility_contact",
                    "enforcement_body",
                    "statement_date",
                )
            },
        ),
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return not SiteProfile.objects.exists()
