from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParticipationConfig(AppConfig):
    name = "smartstadt.participation"
    label = "participation"
    verbose_name = _("Participation")

    def ready(self) -> None:
        from . import permissions  # noqa: F401  (registers the named rules)
