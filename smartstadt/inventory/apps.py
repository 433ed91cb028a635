from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InventoryConfig(AppConfig):
    name = "smartstadt.inventory"
    label = "inventory"
    verbose_name = _("Inventory")

    def ready(self) -> None:
        from smartstadt.frameworks.selectors import register_tagged_source
        from smartstadt.regions.signals import places_written

        from . import permissions  # noqa: F401  (registers the named rules)
        from .effects import places_changed
        from .models import Entry

        places_written.connect(places_changed, dispatch_uid="inventory.places_changed")

        register_tagged_source("entries", _("Projects and solutions"), lambda: Entry.terms.through, "entry_id")
