from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegionsConfig(AppConfig):
    name = "smartstadt.regions"
    label = "regions"
    verbose_name = _("Regions and municipalities")

    def ready(self) -> None:
        from smartstadt.frameworks.selectors import register_tagged_source

        from . import permissions  # noqa: F401  (registers the named rules)
        from .models import Organisation

        register_tagged_source(
            "organisations", _("Organisations"), lambda: Organisation.competences.through, "organisation_id"
        )
