from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from smartstadt.core.models import User


class Command(BaseCommand):
    help = "Löscht alle Demo-Konten (deren Passwörter veröffentlicht sind), z. B. vor dem Produktivbetrieb."

    def handle(self, *args: Any, **options: Any) -> None:
        deleted, _details = User.objects.filter(is_demo=True).delete()
        self.stdout.write(self.style.SUCCESS(f"{deleted} Datensätze von Demo-Konten gelöscht."))
