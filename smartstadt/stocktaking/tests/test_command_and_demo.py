from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from smartstadt.core.models import ChangeRecord
from smartstadt.demo.loader import LoadReport
from smartstadt.stocktaking import services
from smartstadt.stocktaking.demo import TITLE, load_example_campaign
from smartstadt.stocktaking.models import Campaign, Invitation

from .conftest import token_from


@pytest.mark.django_db
def test_send_campaign_reminders_reminds_the_due_and_summarises(
    campaign, personas, send, django_capture_on_commit_callbacks
):
    due, answered = services.invitation_create(
        actor=personas.team_a,
        campaign=campaign,
        invitees=[(personas.organisation_a, "a@example.org"), (personas.organisation_b, "b@example.org")],
    )
    send(due)
    send(answered)
    services.answer_confirm(invitation=Invitation.objects.get(pk=answered.pk))
    Invitation.objects.update(sent_at=timezone.now() - datetime.timedelta(days=5))
    Campaign.objects.filter(pk=campaign.pk).update(deadline=timezone.localdate() + datetime.timedelta(days=2))
    mail.outbox.clear()

    dry = StringIO()
    call_command("send_campaign_reminders", "--dry-run", stdout=dry)
    assert "1 von 1" in dry.getvalue()
    assert mail.outbox == []

    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_campaign_reminders", stdout=out)
    assert "Stadtwerke A" in out.getvalue()
    assert "1 von 1" in out.getvalue()
    [reminder] = mail.outbox
    assert reminder.to == ["a@example.org"]
    assert token_from(reminder)
    due.refresh_from_db()
    assert due.reminder_count == 1
    record = ChangeRecord.objects.get(actor_label=services.REMINDER_LABEL)
    assert record.object_id == str(due.pk)

    # Right after a reminder nobody is due again.
    again = StringIO()
    call_command("send_campaign_reminders", "--quiet", stdout=again)
    assert "0 von 0" in again.getvalue()


@pytest.mark.django_db
def test_demo_campaign_is_an_example_with_four_municipal_companies_and_idempotent(demo_region):
    campaign = Campaign.objects.get(title=TITLE, municipality__slug="oberhausen")
    assert campaign.is_example
    assert campaign.message.startswith("Beispiel")
    invitations = list(campaign.invitations.select_related("organisation"))
    assert sorted(i.organisation.slug for i in invitations) == ["evo", "ogm", "stoag", "wbo"]
    assert all(i.email.endswith(".invalid") or i.email == i.organisation.contact_email for i in invitations)
    assert all(i.sent_at is None and i.token_hash == "" for i in invitations)
    records = ChangeRecord.objects.count()
    load_example_campaign(LoadReport())
    assert ChangeRecord.objects.count() == records
    assert Campaign.objects.filter(title=TITLE).count() == 1
