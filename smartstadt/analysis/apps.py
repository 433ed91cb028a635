from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalysisConfig(AppConfig):
    name = "smartstadt.analysis"
    label = "analysis"
    verbose_name = _("Text analysis")

    def ready(self) -> None:
        from . import permissions  # noqa: F401  (registers the named rules)
