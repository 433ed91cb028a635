"""Demo accounts, one per role, for trying the platform locally. Never created where DEMO_USERS is off."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from smartstadt.demo.loader import DEMO, LoadReport, demo_step

from .models import Role, User
from .services import membership_grant

DEMO_PASSWORD = "smartstadt-demo"  # noqa: S105  (published on purpose; refused in production by a system check)


@dataclass(frozen=True)
class DemoAccount:
    username: str
    display_name: str
    description: str
    role: Role | None = None
    municipality: str | None = None
    organisation: str | None = None
    superuser: bool = False


DEMO_ACCOUNTS = [
    DemoAccount(
        "team-oberhausen",
        "Smart-City-Team Oberhausen",
        "Smart-City-Team der Stadt Oberhausen",
        Role.SMART_CITY_TEAM,
        municipality="oberhausen",
    ),
    DemoAccount(
        "redaktion-stoag",
        "Redaktion STOAG",
        "Redaktion der STOAG Stadtwerke Oberhausen AG",
        Role.EDITOR,
        organisation="oberhausen/stoag",
    ),
    DemoAccount(
        "moderation-oberhausen",
        "Moderation Oberhausen",
        "Moderation der Beteiligung in Oberhausen",
        Role.MODERATOR,
        municipality="oberhausen",
    ),
    DemoAccount(
        "expertin-oberhausen",
        "Expertin Smart City",
        "Externe Expertin für Oberhausen",
        Role.EXPERT,
        municipality="oberhausen",
    ),
    DemoAccount(
        "team-muelheim",
        "Smart-City-Team Mülheim",
        "Smart-City-Team der Stadt Mülheim an der Ruhr",
        Role.SMART_CITY_TEAM,
        municipality="muelheim-an-der-ruhr",
    ),
    DemoAccount("buergerin", "Bürgerin aus Sterkrade", "Bürgerin (registriert, mit Anzeigenamen)"),
    DemoAccount("admin", "Plattform-Administration", "Plattform-Administration (Django-Admin)", superuser=True),
]


def load_demo_users(report: LoadReport) -> None:
    from smartstadt.regions.models import Municipality, Organisation

    if not settings.DEMO_USERS:
        report.messages.append("Demo-Konten übersprungen (DEMO_USERS ist aus).")
        return
    for account in DEMO_ACCOUNTS:
        user, created = User.objects.get_or_create(
            username=account.username,
            defaults={
                "display_name": account.display_name,
                "email": f"{account.username}@demo.smartstadt.invalid",
            },
        )
        user.display_name = account.display_name
        user.is_demo = True
        user.is_active = True
        user.is_staff = account.superuser
        user.is_superuser = account.superuser
        # Hashing is slow on purpose; a re-run leaves an existing demo password alone.
        if created or not user.has_usable_password():
            user.set_password(DEMO_PASSWORD)
        user.save()
        report.counts[f"Demo-Konten: {'neu' if created else 'unverändert'}"] += 1
        if account.role is None:
            continue
        municipality = organisation = None
        if account.organisation:
            municipality_slug, organisation_slug = account.organisation.split("/")
            organisation = Organisation.objects.get(municipality__slug=municipality_slug, slug=organisation_slug)
        else:
            municipality = Municipality.objects.get(slug=account.municipality)
        membership_grant(actor=DEMO, user=user, role=account.role, municipality=municipality, organisation=organisation)


@demo_step("Demo-Konten", order=90)
def demo_users_step(report: LoadReport) -> None:
    load_demo_users(report)
