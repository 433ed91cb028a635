"""Stocktaking pages: the invitees' pages without account, the team's pages with the permission matrix."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from smartstadt.core.history import history_for
from smartstadt.inventory.models import Entry, PublicationState
from smartstadt.inventory.tests.factories import EntryFactory
from smartstadt.regions.tests.factories import OrganisationFactory
from smartstadt.stocktaking import services
from smartstadt.stocktaking.models import Campaign, Invitation
from smartstadt.stocktaking.views import MISS_LIMIT

from .conftest import token_from


def main_of(response) -> str:
    content = response.content.decode()
    return content[content.index("<main") : content.index("</main>")]


NEW_ENTRY = {"title": "Ladesäulen am Betriebshof", "kind": "project", "status": "running"}


# --- Invitee pages ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_invitee_opens_the_link_without_account_and_sees_its_entries(invitation, token, personas):
    own = EntryFactory(municipality=personas.municipality_a, lead_organisation=personas.organisation_a)
    foreign = EntryFactory(municipality=personas.municipality_b, lead_organisation=personas.organisation_b)
    response = Client().get(f"/bestandsaufnahme/{token}/")
    assert response.status_code == 200
    content = response.content.decode()
    assert "Stadtwerke A" in content
    assert "Bitte tragen Sie Ihre Vorhaben ein." in content
    assert own.title in content
    assert foreign.title not in content
    assert f"/bestandsaufnahme/{token}/eintraege/{own.pk}/" in content
    assert response["X-Robots-Tag"].startswith("noindex")
    assert "no-store" in response["Cache-Control"]
    invitation.refresh_from_db()
    assert invitation.first_opened_at is not None
    assert invitation.answered_at is None


@pytest.mark.django_db
def test_invitee_adds_an_entry_by_form(invitation, token, personas):
    client = Client()
    assert client.get(f"/bestandsaufnahme/{token}/neu/").status_code == 200
    response = client.post(
        f"/bestandsaufnahme/{token}/neu/", {**NEW_ENTRY, "lead_organisation": personas.organisation_b.pk}
    )
    assert response.status_code == 302
    assert response["Location"] == f"/bestandsaufnahme/{token}/"
    entry = Entry.objects.get(title=NEW_ENTRY["title"])
    assert entry.publication_state == PublicationState.IN_REVIEW
    assert entry.lead_organisation == personas.organisation_a
    assert history_for(entry).first().actor_label == "Bestandsaufnahme: Stadtwerke A"
    # The team finds it in its review queue.
    assert entry.title in personas.client("team_a").get("/arbeitsbereich/bestand/").content.decode()
    invitation.refresh_from_db()
    assert invitation.answered_at is not None


@pytest.mark.django_db
def test_invalid_input_gets_a_message_and_saves_nothing(invitation, token):
    response = Client().post(f"/bestandsaufnahme/{token}/neu/", {**NEW_ENTRY, "title": "", "start_year": "1800"})
    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.content.decode()
    assert not Entry.objects.filter(lead_organisation=invitation.organisation).exists()
    invitation.refresh_from_db()
    assert invitation.answered_at is None


@pytest.mark.django_db
def test_invitee_updates_its_entry_and_sees_the_history(invitation, token, personas):
    entry = EntryFactory(municipality=personas.municipality_a, lead_organisation=personas.organisation_a)
    client = Client()
    page = client.get(f"/bestandsaufnahme/{token}/eintraege/{entry.pk}/")
    assert page.status_code == 200
    response = client.post(
        f"/bestandsaufnahme/{token}/eintraege/{entry.pk}/",
        {"title": entry.title, "kind": "project", "status": "completed", "summary": "Abgeschlossen 2025."},
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.status == "completed"
    assert entry.is_published
    page = client.get(f"/bestandsaufnahme/{token}/eintraege/{entry.pk}/")
    assert "Bestandsaufnahme: Stadtwerke A" in page.content.decode()


@pytest.mark.django_db
def test_tampered_entry_ids_find_nothing(invitation, token, personas):
    other_org = EntryFactory(
        municipality=personas.municipality_a,
        lead_organisation=OrganisationFactory(municipality=personas.municipality_a),
    )
    other_city = EntryFactory(municipality=personas.municipality_b, lead_organisation=personas.organisation_b)
    client = Client()
    for entry in (other_org, other_city):
        url = f"/bestandsaufnahme/{token}/eintraege/{entry.pk}/"
        assert client.get(url).status_code == 404
        assert client.post(url, {"title": "Übernommen", "kind": "project", "status": "running"}).status_code == 404
        entry.refresh_from_db()
        assert entry.title != "Übernommen"
    assert client.get(f"/bestandsaufnahme/{token}/eintraege/999999/").status_code == 404


@pytest.mark.django_db
def test_unknown_expired_revoked_and_closed_links_look_the_same(campaign, invitation, token, personas, send):
    client = Client()
    unknown = client.get("/bestandsaufnahme/" + "x" * 43 + "/")
    assert unknown.status_code == 404

    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    expired = client.get(f"/bestandsaufnahme/{token}/")
    assert expired.status_code == 404
    assert client.post(f"/bestandsaufnahme/{token}/neu/", NEW_ENTRY).status_code == 404

    invitation.refresh_from_db()
    services.invitation_extend(actor=personas.team_a, invitation=invitation)
    assert client.get(f"/bestandsaufnahme/{token}/").status_code == 200
    services.invitation_revoke(actor=personas.team_a, invitation=invitation)
    revoked = client.get(f"/bestandsaufnahme/{token}/")
    assert revoked.status_code == 404
    assert client.post(f"/bestandsaufnahme/{token}/bestaetigen/").status_code == 404

    [again] = services.invitation_create(
        actor=personas.team_a, campaign=campaign, invitees=[(personas.organisation_a, "neu@example.org")]
    )
    new_token = send(again)
    services.campaign_close(actor=personas.team_a, campaign=campaign)
    closed = client.get(f"/bestandsaufnahme/{new_token}/")
    assert closed.status_code == 404
    # The same page whatever the reason: nothing tells whether the token ever existed.
    pages = {main_of(response) for response in (unknown, expired, revoked, closed)}
    assert len(pages) == 1
    assert not Entry.objects.filter(title=NEW_ENTRY["title"]).exists()


@pytest.mark.django_db
def test_many_wrong_links_are_slowed_down_but_a_working_link_still_opens(token):
    client = Client()
    for number in range(MISS_LIMIT):
        assert client.get(f"/bestandsaufnahme/falsch{number:040d}/").status_code == 404
    assert client.get("/bestandsaufnahme/falsch-noch-einmal-0000000000000000000000000/").status_code == 429
    # A colleague behind the same address (one office, one NAT) is not locked out by someone else's misses.
    assert Client().get(f"/bestandsaufnahme/{token}/").status_code == 200


@pytest.mark.django_db
def test_behind_the_proxy_misses_count_per_forwarded_address(token, settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    scanner = Client(HTTP_X_FORWARDED_FOR="192.0.2.1")
    neighbour = Client(HTTP_X_FORWARDED_FOR="192.0.2.2")
    for number in range(MISS_LIMIT):
        assert scanner.get(f"/bestandsaufnahme/falsch{number:040d}/").status_code == 404
    assert scanner.get(f"/bestandsaufnahme/falsch{MISS_LIMIT:040d}/").status_code == 429
    # All requests come from the proxy's REMOTE_ADDR; the neighbour's own misses are not the scanner's.
    assert neighbour.get(f"/bestandsaufnahme/falsch{0:040d}/").status_code == 404
    assert neighbour.get(f"/bestandsaufnahme/{token}/").status_code == 200


@pytest.mark.django_db
def test_invitee_confirms_without_changes(invitation, token):
    response = Client().post(f"/bestandsaufnahme/{token}/bestaetigen/")
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.answered_at is not None
    assert Client().get(f"/bestandsaufnahme/{token}/bestaetigen/").status_code == 405


# --- Team pages -----------------------------------------------------------------------------------

ALLOWED = {"team_a": True, "platform_admin": True, "team_b": False, "editor_a": False, "citizen": False}


@pytest.mark.django_db
@pytest.mark.parametrize("persona", [*ALLOWED, "anonymous"])
def test_permission_matrix_of_the_team_pages(campaign, invitation, client_as, persona):
    client = client_as(persona)
    pages = [
        f"/arbeitsbereich/bestandsaufnahmen/{campaign.pk}/",
        f"/arbeitsbereich/bestandsaufnahmen/{campaign.pk}/bearbeiten/",
        f"/arbeitsbereich/bestandsaufnahmen/{campaign.pk}/einladen/",
        f"/arbeitsbereich/bestandsaufnahmen/{campaign.pk}/verlauf/",
        "/arbeitsbereich/bestandsaufnahmen/neu/stadt-a/",
    ]
    for url in pages:
        response = client.get(url)
        if persona == "anonymous":
            assert response.status_code == 302, url
            assert response["Location"].startswith("/anmelden/")
        else:
            assert response.status_code == (200 if ALLOWED[persona] else 403), (url, persona)
    action = client.post(f"/arbeitsbereich/bestandsaufnahmen/einladungen/{invitation.pk}/senden/")
    invitation.refresh_from_db()
    assert (invitation.sent_at is not None) == ALLOWED.get(persona, False)
    if persona != "anonymous" and not ALLOWED[persona]:
        assert action.status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize(("persona", "status"), [("team_a", 200), ("platform_admin", 200), ("editor_a", 403)])
def test_campaign_list(campaign, client_as, persona, status):
    response = client_as(persona).get("/arbeitsbereich/bestandsaufnahmen/")
    assert response.status_code == status
    if status == 200:
        assert campaign.title in response.content.decode()


@pytest.mark.django_db
def test_team_of_another_city_sees_none_of_the_campaigns(campaign, client_as):
    response = client_as("team_b").get("/arbeitsbereich/bestandsaufnahmen/")
    assert response.status_code == 200
    assert campaign.title not in response.content.decode()


@pytest.mark.django_db
def test_team_creates_a_campaign(personas, client_as):
    deadline = timezone.localdate() + datetime.timedelta(days=21)
    client = client_as("team_a")
    past = client.post(
        "/arbeitsbereich/bestandsaufnahmen/neu/stadt-a/",
        {"title": "Runde 1", "message": "Bitte.", "deadline": "2000-01-01"},
    )
    assert past.status_code == 200
    assert not Campaign.objects.filter(title="Runde 1").exists()
    response = client.post(
        "/arbeitsbereich/bestandsaufnahmen/neu/stadt-a/",
        {"title": "Runde 1", "message": "Bitte.", "deadline": deadline.isoformat()},
    )
    campaign = Campaign.objects.get(title="Runde 1")
    assert response["Location"] == f"/arbeitsbereich/bestandsaufnahmen/{campaign.pk}/einladen/"
    assert campaign.created_by == personas.team_a
    assert campaign.municipality == personas.municipality_a


@pytest.mark.django_db
def test_team_invites_and_sends_by_checkbox(campaign, personas, client_as, django_capture_on_commit_callbacks):
    client = client_as("team_a")
    url = f"/arbeitsbereich/bestandsaufnahmen/{campaign.pk}/einladen/"
    page = client.get(url)
    assert "Stadtwerke A" in page.content.decode()
    assert "<fieldset" in page.content.decode()
    organisation = personas.organisation_a
    missing = client.post(url, {f"invite_{organisation.pk}": "on", "send": "now"})
    assert missing.status_code == 200
    assert "Stadtwerke A" in missing.content.decode()
    assert not campaign.invitations.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            {f"invite_{organisation.pk}": "on", f"email_{organisation.pk}": "smartcity@a.example", "send": "now"},
        )
    assert response.status_code == 302
    [invitation] = campaign.invitations.all()
    assert invitation.sent_at is not None
    assert mail.outbox[0].to == ["smartcity@a.example"]
    assert token_from(mail.outbox[0])


@pytest.mark.django_db
def test_team_invites_a_partner_from_a_neighbour_city(campaign, personas, client_as):
    client = client_as("team_a")
    url = f"/arbeitsbereich/bestandsaufnahmen/{campaign.pk}/einladen/?kommune=stadt-b"
    assert "Stadtwerke B" in client.get(url).content.decode()
    partner = personas.organisation_b
    response = client.post(
        url,
        {"kommune": "stadt-b", f"invite_{partner.pk}": "on", f"email_{partner.pk}": "b@example.org", "send": "later"},
    )
    assert response.status_code == 302
    invitation = campaign.invitations.get()
    assert invitation.organisation == partner
    assert invitation.sent_at is None


@pytest.mark.django_db
def test_team_actions_remind_revoke_extend_close(campaign, invitation, token, client_as):
    client = client_as("team_a")
    base = f"/arbeitsbereich/bestandsaufnahmen/einladungen/{invitation.pk}"
    assert client.post(f"{base}/erinnern/").status_code == 302
    invitation.refresh_from_db()
    assert invitation.reminder_count == 1
    expiry = invitation.expires_at
    client.post(f"{base}/verlaengern/")
    invitation.refresh_from_db()
    assert invitation.expires_at > expiry
    client.post(f"{base}/widerrufen/")
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    client.post(f"/arbeitsbereich/bestandsaufnahmen/{campaign.pk}/abschliessen/")
    campaign.refresh_from_db()
    assert not campaign.is_open
    assert client.get(f"{base}/senden/").status_code == 405


@pytest.mark.django_db
def test_campaign_detail_shows_who_answered(campaign, invitation, token, client_as):
    services.answer_entry_create(invitation=invitation, data=NEW_ENTRY)
    response = client_as("team_a").get(f"/arbeitsbereich/bestandsaufnahmen/{campaign.pk}/")
    content = response.content.decode()
    assert 'data-organisation="Stadtwerke A" data-state="answered"' in content
    assert NEW_ENTRY["title"] in content


@pytest.mark.django_db
def test_campaign_detail_query_budget_does_not_grow_with_invitations(
    campaign, personas, client_as, django_assert_max_num_queries
):
    client = client_as("team_a")
    url = f"/arbeitsbereich/bestandsaufnahmen/{campaign.pk}/"
    organisations = [OrganisationFactory(municipality=personas.municipality_a) for _ in range(12)]
    services.invitation_create(
        actor=personas.team_a, campaign=campaign, invitees=[(o, f"{o.slug}@example.org") for o in organisations[:2]]
    )
    client.get(url)
    with django_assert_max_num_queries(14):
        small = client.get(url)
    services.invitation_create(
        actor=personas.team_a, campaign=campaign, invitees=[(o, f"{o.slug}@example.org") for o in organisations[2:]]
    )
    for invitation in campaign.invitations.select_related("campaign", "organisation")[:5]:
        services.invitation_send(actor=personas.team_a, invitation=invitation)
        services.answer_confirm(invitation=invitation)
    with django_assert_max_num_queries(14):
        large = client.get(url)
    assert small.status_code == large.status_code == 200
    assert large.content.decode().count("data-organisation=") == 12
