from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from smartstadt.core.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from smartstadt.core.models import User


class Command(BaseCommand):
    help = "Zeigt, wie man sich mit den Demo-Konten anmeldet (nur wenn DEMO_USERS eingeschaltet ist)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--url", default=settings.SITE_URL, help="Adresse der laufenden Plattform")

    def handle(self, *args: Any, **options: Any) -> None:
        url = options["url"].rstrip("/")
        if not settings.DEMO_USERS:
            self.stdout.write("Demo-Konten sind ausgeschaltet (DEMO_USERS=0).")
            return
        present = set(User.objects.filter(is_demo=True).values_list("username", flat=True))
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Smartstadt läuft auf {url}/"))
        self.stdout.write(f"Anmelden unter {url}/anmelden/ – Passwort für alle Demo-Konten: {DEMO_PASSWORD}")
        for account in DEMO_ACCOUNTS:
            if account.username in present:
                self.stdout.write(f"  {account.username:<24} {account.description}")
        self.stdout.write(f"Plattform-Administration: {url}/admin/ (Konto admin)")
        self.stdout.write("")
