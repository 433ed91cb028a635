from django.contrib import admin

from smartstadt.core.admin import HistoryAdminMixin

from .models import Phase, Process


class PhaseInline(admin.TabularInline):
    model = Phase
    extra = 0


@admin.register(Process)
class ProcessAdmin(HistoryAdminMixin):
    list_display = ["title", "municipality", "is_published"]
    list_filter = ["is_published", "municipality"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [PhaseInline]
