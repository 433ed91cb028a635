from __future__ import annotations

import datetime
import re

import pytest
from django.core import mail
from django.utils import timezone

from smartstadt.stocktaking import services

LINK = re.compile(r"/bestandsaufnahme/([A-Za-z0-9_-]+)/")


def token_from(message: mail.EmailMessage) -> str:
    match = LINK.search(message.body)
    assert match, message.body
    return match.group(1)


@pytest.fixture
def campaign(personas):
    return services.campaign_create(
        actor=personas.team_a,
        municipality=personas.municipality_a,
        data={
            "title": "Bestandsaufnahme 2026",
            "message": "Bitte tragen Sie Ihre Vorhaben ein.",
            "deadline": timezone.localdate() + datetime.timedelta(days=30),
        },
    )


@pytest.fixture
def invitation(campaign, personas):
    [invitation] = services.invitation_create(
        actor=personas.team_a,
        campaign=campaign,
        invitees=[(personas.organisation_a, "smartcity@stadtwerke-a.example")],
    )
    return invitation


@pytest.fixture
def send(personas, django_capture_on_commit_callbacks):
    """Send an invitation as team A and return the token from the e-mail."""

    def do(invitation) -> str:
        with django_capture_on_commit_callbacks(execute=True):
            services.invitation_send(actor=personas.team_a, invitation=invitation)
        return token_from(mail.outbox[-1])

    return do


@pytest.fixture
def token(invitation, send) -> str:
    return send(invitation)
