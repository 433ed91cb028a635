from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "smartstadt.documents"
    label = "documents"
    verbose_name = _("Documents")

    def ready(self) -> None:
        from django.tasks.signals import task_finished

        from . import permissions  # noqa: F401  (registers the named rules)
        from .tasks import mark_lost_rendering

        task_finished.connect(mark_lost_rendering, dispatch_uid="documents.mark_lost_rendering")
