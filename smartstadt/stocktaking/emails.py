"""The invitation and reminder e-mails. They carry the personal link – the only place the token ever appears."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

if TYPE_CHECKING:
    from .models import Invitation


def invitation_link(token: str) -> str:
    return settings.SITE_URL + reverse("stocktaking:invitee", kwargs={"token": token})


def render_invitation_mail(invitation: Invitation, token: str, *, reminder: bool) -> tuple[str, str]:
    """Subject and plain-text body, in the platform's language (the invitees are German organisations)."""
    campaign = invitation.campaign
    context = {
        "invitation": invitation,
        "campaign": campaign,
        "municipality": campaign.municipality,
        "organisation": invitation.organisation,
        "link": invitation_link(token),
        "reminder": reminder,
        "platform_name": "Smartstadt",
    }
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string("stocktaking/email/invitation_subject.txt", context)
        body = render_to_string("stocktaking/email/invitation.txt", context)
    return " ".join(subject.split()), body
