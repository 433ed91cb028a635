"""Demo stocktaking: an example campaign of Oberhausen's Smart City team, inviting four municipal companies.

Clearly marked as an example; the addresses are fake (``.invalid`` never delivers). The invitations are not
sent: a team member tries that out in the demo and finds the e-mail under var/mail.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from smartstadt.demo.loader import DEMO, LoadReport, demo_step
from smartstadt.regions.models import Municipality, Organisation

from . import services
from .models import Campaign

TITLE = "Bestandsaufnahme Smart City 2026"
MESSAGE = (
    "Beispiel (Demo-Daten): Für die Fortschreibung der Smart-City-Strategie erfasst das Smart-City-Team der Stadt "
    "Oberhausen, welche digitalen Projekte, Lösungen und welches Wissen es in der Stadt schon gibt. Bitte tragen "
    "Sie die Vorhaben Ihres Unternehmens ein oder bringen Sie vorhandene Einträge auf den neuesten Stand – auch "
    "kleine Pilotprojekte und Studien zählen. Das Smart-City-Team prüft neue Einträge, bevor sie erscheinen."
)
INVITED = ["stoag", "evo", "wbo", "ogm"]


def demo_address(organisation: Organisation) -> str:
    return organisation.contact_email or f"smartcity@{organisation.slug}.beispiel.invalid"


@demo_step("Bestandsaufnahme: Beispielkampagne Oberhausen", order=60)
def load_example_campaign(report: LoadReport) -> None:
    oberhausen = Municipality.objects.filter(slug="oberhausen").first()
    if oberhausen is None:
        return
    campaign = Campaign.objects.filter(municipality=oberhausen, title=TITLE).first()
    if campaign is None:
        campaign = services.campaign_create(
            actor=DEMO,
            municipality=oberhausen,
            data={
                "title": TITLE,
                "message": MESSAGE,
                "deadline": timezone.localdate() + datetime.timedelta(days=42),
            },
            is_example=True,
        )
        report.note(Campaign, "neu")
    else:
        report.note(Campaign, "unverändert")
    invited = set(campaign.invitations.values_list("organisation__slug", flat=True))
    organisations = Organisation.objects.filter(municipality=oberhausen, slug__in=INVITED).order_by("name")
    missing = [
        (organisation, demo_address(organisation)) for organisation in organisations if organisation.slug not in invited
    ]
    if missing and campaign.is_open:
        for invitation in services.invitation_create(actor=DEMO, campaign=campaign, invitees=missing):
            report.note(type(invitation), "neu")
