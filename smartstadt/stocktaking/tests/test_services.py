"""Stocktaking services: tokens, e-mails, reminders, scope of the invitee and the change history."""

from __future__ import annotations

import datetime
import json

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from smartstadt.core.history import history_for
from smartstadt.core.models import ChangeRecord
from smartstadt.inventory.models import Entry, PublicationState
from smartstadt.inventory.tests.factories import EntryFactory
from smartstadt.regions.tests.factories import OrganisationFactory
from smartstadt.stocktaking import services
from smartstadt.stocktaking.models import CampaignState, Invitation, InvitationState
from smartstadt.stocktaking.selectors import (
    InvitationUnavailableError,
    get_invitation_by_token,
    invitations_due_for_reminder,
    invitee_entries,
)
from smartstadt.stocktaking.tokens import hash_token

from .conftest import token_from


@pytest.mark.django_db
def test_the_raw_token_is_never_stored(invitation, token):
    assert len(token) >= 43  # 32 random bytes, URL-safe
    invitation.refresh_from_db()
    assert invitation.token_hash == hash_token(token)
    stored = json.dumps(list(Invitation.objects.values()), default=str)
    history = json.dumps(list(ChangeRecord.objects.values("changes", "note", "object_repr")), default=str)
    assert token not in stored
    assert token not in history
    # Not even the hash lands in the change history.
    assert invitation.token_hash not in history


@pytest.mark.django_db
def test_the_invitation_mail_carries_the_personal_link_and_goes_out_after_commit(
    invitation, personas, django_capture_on_commit_callbacks, settings
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.invitation_send(actor=personas.team_a, invitation=invitation)
    assert mail.outbox == []  # nothing before the commit
    assert len(callbacks) == 1
    callbacks[0]()
    [message] = mail.outbox
    assert message.to == ["smartcity@stadtwerke-a.example"]
    assert "Bestandsaufnahme 2026" in message.subject
    token = token_from(message)
    assert f"{settings.SITE_URL}/bestandsaufnahme/{token}/" in message.body
    assert "Stadtwerke A" in message.body
    invitation.refresh_from_db()
    assert invitation.sent_at is not None
    assert invitation.state == InvitationState.SENT
    assert get_invitation_by_token(token) == invitation


@pytest.mark.django_db
def test_invitations_are_created_in_bulk_and_once_per_organisation(campaign, personas):
    partner = personas.organisation_b  # a neighbour city of the same region
    invitations = services.invitation_create(
        actor=personas.team_a,
        campaign=campaign,
        invitees=[(personas.organisation_a, "a@example.org"), (partner, "b@example.org")],
    )
    assert [i.is_partner for i in invitations] == [False, True]
    assert all(i.expires_at == campaign.default_expiry for i in invitations)
    with pytest.raises(ValidationError):
        services.invitation_create(
            actor=personas.team_a, campaign=campaign, invitees=[(personas.organisation_a, "c@example.org")]
        )
    outside = OrganisationFactory()  # another region
    with pytest.raises(ValidationError):
        services.invitation_create(actor=personas.team_a, campaign=campaign, invitees=[(outside, "d@example.org")])
    assert campaign.invitations.count() == 2
    assert history_for(invitations[0]).get().actor == personas.team_a


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["team_b", "editor_a", "moderator_a", "expert_a", "citizen"])
def test_only_the_team_of_the_municipality_runs_campaigns(campaign, invitation, personas, persona):
    user = getattr(personas, persona)
    with pytest.raises(PermissionDenied):
        services.campaign_create(actor=user, municipality=personas.municipality_a, data={"title": "x", "message": "y"})
    with pytest.raises(PermissionDenied):
        services.invitation_create(actor=user, campaign=campaign, invitees=[])
    for service in (services.invitation_send, services.invitation_revoke, services.invitation_extend):
        with pytest.raises(PermissionDenied):
            service(actor=user, invitation=invitation)
    with pytest.raises(PermissionDenied):
        services.campaign_close(actor=user, campaign=campaign)


@pytest.mark.django_db
def test_invitee_adds_an_entry_that_waits_for_review_with_history_naming_the_invitation(invitation, token):
    entry = services.answer_entry_create(
        invitation=invitation, data={"title": "Ladesäulen am Betriebshof", "kind": "project", "status": "running"}
    )
    assert entry.publication_state == PublicationState.IN_REVIEW
    assert entry.municipality == invitation.campaign.municipality
    assert entry.lead_organisation == invitation.organisation
    records = list(history_for(entry))
    assert {r.action for r in records} == {"created", "changed"}
    assert {r.actor_label for r in records} == {"Bestandsaufnahme: Stadtwerke A"}
    assert all(r.actor is None for r in records)
    invitation.refresh_from_db()
    assert invitation.answered_at is not None
    assert list(invitation.entries.all()) == [entry]
    assert invitation.state == InvitationState.ANSWERED


@pytest.mark.django_db
def test_invitee_cannot_set_lead_state_or_municipality(invitation, token, personas):
    entry = services.answer_entry_create(
        invitation=invitation,
        data={
            "title": "Versuch",
            "kind": "project",
            "status": "running",
            "lead_organisation": personas.organisation_b,
            "publication_state": "published",
            "external_id": "fremd-1",
        },
    )
    assert entry.lead_organisation == personas.organisation_a
    assert entry.publication_state == PublicationState.IN_REVIEW
    assert entry.external_id == ""


@pytest.mark.django_db
def test_invitee_scope_is_its_own_entries_of_the_campaigns_municipality(invitation, token, personas):
    own = EntryFactory(municipality=personas.municipality_a, lead_organisation=personas.organisation_a)
    other_org = EntryFactory(
        municipality=personas.municipality_a,
        lead_organisation=OrganisationFactory(municipality=personas.municipality_a),
    )
    other_city = EntryFactory(municipality=personas.municipality_b, lead_organisation=personas.organisation_b)
    assert list(invitee_entries(invitation)) == [own]
    for entry in (other_org, other_city):
        with pytest.raises(PermissionDenied):
            services.answer_entry_update(invitation=invitation, entry=entry, data={"summary": "übernommen"})
        entry.refresh_from_db()
        assert entry.summary != "übernommen"


@pytest.mark.django_db
def test_a_published_entry_stays_published_and_the_change_is_recorded(invitation, token, personas):
    entry = EntryFactory(municipality=personas.municipality_a, lead_organisation=personas.organisation_a)
    services.answer_entry_update(invitation=invitation, entry=entry, data={"summary": "Jetzt mit 40 Bussen."})
    entry.refresh_from_db()
    assert entry.is_published
    assert entry.summary == "Jetzt mit 40 Bussen."
    record = history_for(entry).first()
    assert record.actor_label == "Bestandsaufnahme: Stadtwerke A"
    assert record.changes["summary"]["new"] == "Jetzt mit 40 Bussen."


@pytest.mark.django_db
def test_a_partner_from_a_neighbour_city_answers_into_the_campaigns_municipality(campaign, personas, send):
    [invitation] = services.invitation_create(
        actor=personas.team_a, campaign=campaign, invitees=[(personas.organisation_b, "b@example.org")]
    )
    send(invitation)
    entry = services.answer_entry_create(
        invitation=invitation, data={"title": "Gemeinsame Datenplattform", "kind": "solution", "status": "planned"}
    )
    assert entry.municipality == personas.municipality_a
    assert entry.lead_organisation is None
    assert list(entry.partners.all()) == [personas.organisation_b]
    # Its own city's entries are another municipality's: out of scope.
    theirs = EntryFactory(municipality=personas.municipality_b, lead_organisation=personas.organisation_b)
    assert list(invitee_entries(invitation)) == [entry]
    with pytest.raises(PermissionDenied):
        services.answer_entry_update(invitation=invitation, entry=theirs, data={"summary": "x"})
    # Removing itself as partner is not possible.
    services.answer_entry_update(invitation=invitation, entry=entry, data={"partners": []})
    assert list(entry.partners.all()) == [personas.organisation_b]


@pytest.mark.django_db
def test_expired_revoked_and_closed_links_are_refused(campaign, invitation, token, personas):
    assert get_invitation_by_token(token) == invitation
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    with pytest.raises(InvitationUnavailableError):
        get_invitation_by_token(token)
    invitation.refresh_from_db()
    services.invitation_extend(actor=personas.team_a, invitation=invitation)
    invitation.refresh_from_db()
    assert invitation.expires_at > timezone.now() + datetime.timedelta(days=13)
    assert get_invitation_by_token(token) == invitation
    services.invitation_revoke(actor=personas.team_a, invitation=invitation)
    with pytest.raises(InvitationUnavailableError):
        get_invitation_by_token(token)
    with pytest.raises(PermissionDenied):
        services.answer_confirm(invitation=invitation)
    with pytest.raises(ValidationError):
        services.invitation_extend(actor=personas.team_a, invitation=invitation)
    # A revoked organisation can be invited again, with a new link.
    [again] = services.invitation_create(
        actor=personas.team_a, campaign=campaign, invitees=[(personas.organisation_a, "neu@example.org")]
    )
    assert again.pk != invitation.pk


@pytest.mark.django_db
def test_closing_the_campaign_ends_all_links(campaign, invitation, token, personas):
    services.campaign_close(actor=personas.team_a, campaign=campaign)
    assert campaign.state == CampaignState.CLOSED
    with pytest.raises(InvitationUnavailableError):
        get_invitation_by_token(token)
    with pytest.raises(ValidationError):
        services.invitation_create(
            actor=personas.team_a, campaign=campaign, invitees=[(personas.organisation_b, "b@example.org")]
        )


@pytest.mark.django_db
def test_reminders_go_only_to_the_unanswered_and_replace_the_link(
    campaign, personas, send, django_capture_on_commit_callbacks
):
    silent, answering = services.invitation_create(
        actor=personas.team_a,
        campaign=campaign,
        invitees=[(personas.organisation_a, "a@example.org"), (personas.organisation_b, "b@example.org")],
    )
    old_token = send(silent)
    send(answering)
    services.answer_confirm(invitation=Invitation.objects.get(pk=answering.pk))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.campaign_remind_unanswered(actor=personas.team_a, campaign=campaign) == 1
    [reminder] = mail.outbox
    assert reminder.to == ["a@example.org"]
    new_token = token_from(reminder)
    assert new_token != old_token
    with pytest.raises(InvitationUnavailableError):
        get_invitation_by_token(old_token)
    assert get_invitation_by_token(new_token).pk == silent.pk
    silent.refresh_from_db()
    assert silent.reminder_count == 1
    assert silent.last_reminded_at is not None
    with pytest.raises(ValidationError):
        services.invitation_remind(actor=personas.team_a, invitation=Invitation.objects.get(pk=answering.pk))


@pytest.mark.django_db
def test_opening_is_noted_once(invitation, token):
    services.invitation_mark_opened(invitation=invitation)
    first = invitation.first_opened_at
    assert first is not None
    services.invitation_mark_opened(invitation=invitation)
    assert invitation.first_opened_at == first
    notes = [r.note_text for r in history_for(invitation)]
    assert len([n for n in notes if n]) == 2  # sent, opened – not twice opened


@pytest.mark.django_db
def test_a_later_deadline_lengthens_the_links(campaign, invitation, personas):
    before = invitation.expires_at
    services.campaign_update(
        actor=personas.team_a, campaign=campaign, data={"deadline": campaign.deadline + datetime.timedelta(days=10)}
    )
    invitation.refresh_from_db()
    assert invitation.expires_at == before + datetime.timedelta(days=10)


@pytest.mark.django_db
def test_due_for_reminder_means_near_deadline_unanswered_and_quiet_for_a_while(campaign, personas, send):
    near, answered, fresh = services.invitation_create(
        actor=personas.team_a,
        campaign=campaign,
        invitees=[
            (personas.organisation_a, "a@example.org"),
            (personas.organisation_b, "b@example.org"),
            (OrganisationFactory(municipality=personas.municipality_a), "c@example.org"),
        ],
    )
    for invitation in (near, answered, fresh):
        send(invitation)
    week_ago = timezone.now() - datetime.timedelta(days=7)
    Invitation.objects.filter(pk__in=[near.pk, answered.pk]).update(sent_at=week_ago)
    services.answer_confirm(invitation=Invitation.objects.get(pk=answered.pk))
    campaign.deadline = timezone.localdate() + datetime.timedelta(days=3)
    campaign.save()
    assert list(invitations_due_for_reminder()) == [Invitation.objects.get(pk=near.pk)]
    assert list(invitations_due_for_reminder(days_before_deadline=1)) == []


@pytest.mark.django_db
def test_entries_created_by_invitees_count_as_answers_only_for_their_invitation(invitation, token):
    services.answer_confirm(invitation=invitation)
    invitation.refresh_from_db()
    assert invitation.answered_at is not None
    assert not Entry.objects.filter(stocktaking_invitations=invitation).exists()
