from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StrategyConfig(AppConfig):
    name = "smartstadt.strategy"
    label = "strategy"
    verbose_name = _("Strategy")

    def ready(self) -> None:
        from . import permissions  # noqa: F401  (registers the named rules)
