from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StocktakingConfig(AppConfig):
    name = "smartstadt.stocktaking"
    label = "stocktaking"
    verbose_name = _("Stocktaking")

    def ready(self) -> None:
        from . import permissions  # noqa: F401  (registers the named rules)
