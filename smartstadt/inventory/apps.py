from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InventoryConfig(AppConfig):
    name = "smartstadt.inventory"
    label = "inventory"
    verbose_name = _("Inventory")

    def ready(self) -> None:
        from smartstadt.frameworks.selectors import register_tagged_source

        from . import permissions  # noqa: F401  (registers the named rules)
        from .models import Entry

        register_tagged_source("entries", _("Projects and solutions"), lambda: Entry.terms.through, "entry_id")
