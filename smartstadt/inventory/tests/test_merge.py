"""Merging two entries: values, history, the old address, moved links, permissions, atomicity; the pages."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext

from smartstadt import search
from smartstadt.analysis.engine import get_engine
from smartstadt.core.models import ChangeRecord
from smartstadt.core.tests.factories import UserFactory
from smartstadt.frameworks.models import Term
from smartstadt.inventory import merging
from smartstadt.inventory.models import Entry, EntryRedirect, PublicationState
from smartstadt.inventory.services import entry_create
from smartstadt.inventory.tests.factories import EntryFactory
from smartstadt.regions.models import District
from smartstadt.regions.tests.factories import OrganisationFactory
from smartstadt.stocktaking import services as stocktaking


@pytest.fixture
def pair(personas):
    """Two entries of municipality A describing the same lanterns, made through the service (with history)."""
    a = personas.municipality_a
    north = District.objects.create(municipality=a, name="Nord", slug="nord")
    south = District.objects.create(municipality=a, name="Süd", slug="sued")
    other = OrganisationFactory(municipality=a, name="Verkehrsbetriebe A", slug="verkehrsbetriebe-a")
    terms = list(Term.objects.filter(framework__slug="giffinger", parent__isnull=True).order_by("code")[:2])
    keep = entry_create(
        actor=personas.team_a,
        municipality=a,
        data={
            "title": "Smarte Laternen",
            "summary": "",
            "lead_organisation": personas.organisation_a,
            "partners": [personas.organisation_b],
            "districts": [north],
            "terms": terms[:1],
            "links": [{"label": "", "url": "https://example.org/a"}],
            "funding_sources": ["Land NRW"],
        },
    )
    remove = entry_create(
        actor=personas.team_a,
        municipality=a,
        data={
            "title": "Smarte Straßenlaternen",
            "summary": "Laternen messen Verkehr und Luft.",
            "start_year": 2023,
            "partners": [other],
            "districts": [north, south],
            "terms": terms,
            "links": [
                {"label": "", "url": "https://example.org/a"},
                {"label": "Presse", "url": "https://example.org/b"},
            ],
            "funding_sources": ["Bund"],
        },
    )
    remove.publication_state = PublicationState.PUBLISHED
    remove.save()
    get_engine().index_entries([keep.pk, remove.pk], embed=False)
    personas.keep, personas.remove, personas.other, personas.north, personas.south, personas.terms = (
        keep,
        remove,
        other,
        north,
        south,
        terms,
    )
    return personas


def state(entry: Entry) -> tuple:
    entry.refresh_from_db()
    return (
        entry.title,
        entry.summary,
        entry.start_year,
        entry.publication_state,
        sorted(entry.partners.values_list("pk", flat=True)),
        sorted(entry.districts.values_list("pk", flat=True)),
        sorted(entry.terms.values_list("pk", flat=True)),
        entry.links,
        entry.funding_sources,
    )


# --- The service --------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_merge_defaults_keep_the_survivor_fill_its_gaps_and_join_the_lists(pair):
    keep, remove = pair.keep, pair.remove
    merged = merging.entry_merge(actor=pair.team_a, keep=keep, remove=remove)
    assert merged.pk == keep.pk
    assert not Entry.objects.filter(pk=remove.pk).exists()
    assert merged.title == "Smarte Laternen"  # the survivor's value
    assert merged.summary == "Laternen messen Verkehr und Luft."  # the survivor had none
    assert merged.start_year == 2023
    assert merged.lead_organisation == pair.organisation_a
    assert merged.publication_state == PublicationState.PUBLISHED  # the more public one
    assert set(merged.partners.all()) == {pair.organisation_b, pair.other}
    assert set(merged.districts.all()) == {pair.north, pair.south}
    assert set(merged.terms.all()) == set(pair.terms)
    assert [link["url"] for link in merged.links] == ["https://example.org/a", "https://example.org/b"]
    assert merged.funding_sources == ["Land NRW", "Bund"]


@pytest.mark.django_db
def test_merge_takes_the_chosen_values(pair):
    merged = merging.entry_merge(
        actor=pair.team_a,
        keep=pair.keep,
        remove=pair.remove,
        choices={"title": "remove", "summary": "keep", "partners": "keep", "districts": "remove", "links": "keep"},
    )
    assert merged.title == "Smarte Straßenlaternen"
    assert merged.summary == ""
    assert list(merged.partners.all()) == [pair.organisation_b]
    assert set(merged.districts.all()) == {pair.north, pair.south}
    assert [link["url"] for link in merged.links] == ["https://example.org/a"]


@pytest.mark.django_db
def test_merge_keeps_history_and_links_it_to_the_survivor(pair, client_as):
    keep, remove = pair.keep, pair.remove
    removed_pk = remove.pk
    merging.entry_merge(actor=pair.team_a, keep=keep, remove=remove)
    deleted = ChangeRecord.objects.get(object_id=str(removed_pk), action=ChangeRecord.Action.DELETED)
    assert deleted.changes["title"]["old"] == "Smarte Straßenlaternen"  # the old values stay readable
    assert f"#{keep.pk}" in deleted.note_text
    merged_record = ChangeRecord.objects.filter(object_id=str(keep.pk)).order_by("-pk").first()
    assert merged_record is not None
    expected = gettext("merged from “%(title)s” (#%(id)s)") % {"title": "Smarte Straßenlaternen", "id": removed_pk}
    assert merged_record.note_text == expected
    assert merged_record.actor == pair.team_a
    assert merged_record.changes["summary"] == {"old": "", "new": "Laternen messen Verkehr und Luft."}
    # the survivor's history page shows the removed entry's own history too
    records = merging.entry_history_records(viewer=pair.team_a, entry=keep)
    assert {r.object_id for r in records} == {str(keep.pk), str(removed_pk)}
    assert records.filter(object_id=str(removed_pk), action=ChangeRecord.Action.CREATED).exists()
    page = client_as("team_a").get(f"/kommunen/stadt-a/bestand/{keep.slug}/verlauf/").content.decode()
    assert "Smarte Straßenlaternen" in page


@pytest.mark.django_db
def test_the_old_address_redirects_permanently_to_the_survivor(pair, client_as):
    old_url = pair.remove.get_absolute_url()
    merging.entry_merge(actor=pair.team_a, keep=pair.keep, remove=pair.remove)
    response = client_as("anonymous").get(old_url)
    assert response.status_code == 301
    assert response["Location"] == pair.keep.get_absolute_url()
    assert client_as("anonymous").get("/kommunen/stadt-a/bestand/gibt-es-nicht/").status_code == 404
    # merged again: the first address follows to the last survivor
    third = EntryFactory(municipality=pair.municipality_a, title="Laternen", slug="laternen")
    merging.entry_merge(actor=pair.team_a, keep=third, remove=pair.keep)
    assert client_as("anonymous").get(old_url)["Location"] == third.get_absolute_url()
    assert EntryRedirect.objects.filter(entry=third).count() == 2


@pytest.mark.django_db
def test_links_from_other_records_move_to_the_survivor(pair):
    campaign = stocktaking.campaign_create(
        actor=pair.team_a,
        municipality=pair.municipality_a,
        data={"title": "Runde", "message": "Bitte.", "deadline": timezone.localdate() + datetime.timedelta(days=9)},
    )
    first, second = stocktaking.invitation_create(
        actor=pair.team_a,
        campaign=campaign,
        invitees=[(pair.organisation_a, "a@example.org"), (pair.other, "b@example.org")],
    )
    first.entries.add(pair.remove, pair.keep)  # already linked to both: one link stays
    second.entries.add(pair.remove)
    merging.entry_merge(actor=pair.team_a, keep=pair.keep, remove=pair.remove)
    assert list(first.entries.all()) == [pair.keep]
    assert list(second.entries.all()) == [pair.keep]


@pytest.mark.django_db
def test_merge_follows_in_search_and_analysis_index(pair, django_capture_on_commit_callbacks):
    removed_pk = pair.remove.pk
    with django_capture_on_commit_callbacks(execute=True):
        merging.entry_merge(actor=pair.team_a, keep=pair.keep, remove=pair.remove)
    engine = get_engine()
    assert not engine.contains(removed_pk)
    assert engine.contains(pair.keep.pk)
    # the survivor is found by the words it took over from the removed entry
    assert list(search.search_entries("Luft", Entry.objects.filter(municipality=pair.municipality_a))) == [pair.keep]


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["editor_a", "team_b", "editor_b", "citizen"])
def test_merge_is_forbidden_for_others(pair, persona):
    before = (state(pair.keep), state(pair.remove))
    with pytest.raises(PermissionDenied):
        merging.entry_merge(actor=getattr(pair, persona), keep=pair.keep, remove=pair.remove)
    assert (state(pair.keep), state(pair.remove)) == before


@pytest.mark.django_db
def test_merge_needs_two_entries_of_one_municipality(pair):
    foreign = EntryFactory(municipality=pair.municipality_b)
    with pytest.raises(ValidationError):
        merging.entry_merge(actor=pair.platform_admin, keep=pair.keep, remove=foreign)
    with pytest.raises(ValidationError):
        merging.entry_merge(actor=pair.team_a, keep=pair.keep, remove=pair.keep)
    with pytest.raises(ValidationError):
        merging.entry_merge(actor=pair.team_a, keep=pair.keep, remove=pair.remove, choices={"title": "both"})
    assert Entry.objects.filter(pk=pair.remove.pk).exists()


@pytest.mark.django_db
def test_a_failing_merge_changes_nothing(pair, monkeypatch):
    before = (state(pair.keep), state(pair.remove))
    invitation_campaign = stocktaking.campaign_create(
        actor=pair.team_a,
        municipality=pair.municipality_a,
        data={"title": "Runde", "message": "Bitte.", "deadline": timezone.localdate() + datetime.timedelta(days=9)},
    )
    [invitation] = stocktaking.invitation_create(
        actor=pair.team_a, campaign=invitation_campaign, invitees=[(pair.organisation_a, "a@example.org")]
    )
    invitation.entries.add(pair.remove)
    records = ChangeRecord.objects.count()

    def broken(entries: object) -> None:
        raise RuntimeError("search index unavailable")

    monkeypatch.setattr(search, "index_entries", broken)  # fails after everything else was written
    with pytest.raises(RuntimeError):
        merging.entry_merge(actor=pair.team_a, keep=pair.keep, remove=pair.remove)
    assert (state(pair.keep), state(pair.remove)) == before
    assert list(invitation.entries.all()) == [pair.remove]
    assert not EntryRedirect.objects.exists()
    assert ChangeRecord.objects.count() == records


@pytest.mark.django_db
def test_an_invalid_combination_is_refused_without_changes(pair):
    pair.remove.start_year, pair.remove.end_year = 2030, 2031
    pair.remove.save()
    pair.keep.start_year, pair.keep.end_year = 2020, 2021
    pair.keep.save()
    # the period is chosen as a whole, so no start can come after an end; the model's checks still run, e.g. on
    # an address that came in before they existed
    Entry.objects.filter(pk=pair.remove.pk).update(contact_email="keine-adresse")
    before = (state(pair.keep), state(pair.remove))
    with pytest.raises(ValidationError):
        merging.entry_merge(actor=pair.team_a, keep=pair.keep, remove=pair.remove, choices={"contact_email": "remove"})
    assert (state(pair.keep), state(pair.remove)) == before


# --- The pages ------------------------------------------------------------------------------------------------


def merge_url(pair) -> str:
    return f"/arbeitsbereich/bestand/stadt-a/zusammenfuehren/{pair.keep.pk}/{pair.remove.pk}/"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "status"),
    [("team_a", 200), ("platform_admin", 200), ("editor_a", 403), ("team_b", 403), ("citizen", 403)],
)
def test_merge_page_for_the_team_only(pair, client_as, persona, status):
    response = client_as(persona).get(merge_url(pair))
    assert response.status_code == status
    if status == 200:
        content = response.content.decode()
        assert "Smarte Laternen" in content
        assert "Smarte Straßenlaternen" in content
        assert f"/zusammenfuehren/{pair.remove.pk}/{pair.keep.pk}/" in content  # keep the other instead
        assert 'type="radio"' in content


@pytest.mark.django_db
def test_merge_page_anonymous_is_sent_to_login_and_posts_change_nothing(pair, client_as):
    response = client_as("anonymous").post(merge_url(pair), {})
    assert response.status_code == 302
    assert response["Location"].startswith("/anmelden/")
    assert client_as("team_b").post(merge_url(pair), {}).status_code == 403
    assert Entry.objects.filter(pk=pair.remove.pk).exists()


@pytest.mark.django_db
def test_merge_page_merges_with_the_choices(pair, client_as):
    response = client_as("team_a").post(merge_url(pair), {"title": "remove", "summary": "remove", "partners": "both"})
    assert response.status_code == 302
    assert response["Location"] == pair.keep.get_absolute_url()
    pair.keep.refresh_from_db()
    assert pair.keep.title == "Smarte Straßenlaternen"
    assert not Entry.objects.filter(pk=pair.remove.pk).exists()


@pytest.mark.django_db
def test_merge_page_of_entries_of_another_municipality_is_not_found(pair, client_as):
    foreign = EntryFactory(municipality=pair.municipality_b)
    url = f"/arbeitsbereich/bestand/stadt-a/zusammenfuehren/{pair.keep.pk}/{foreign.pk}/"
    assert client_as("team_a").get(url).status_code == 404
    assert (
        client_as("team_a")
        .get(f"/arbeitsbereich/bestand/stadt-a/zusammenfuehren/{pair.keep.pk}/{pair.keep.pk}/")
        .status_code
        == 404
    )


@pytest.mark.django_db
@pytest.mark.parametrize(("persona", "status"), [("team_a", 200), ("editor_a", 403), ("team_b", 403)])
def test_duplicates_page_lists_the_pair_with_a_merge_button(pair, client_as, persona, status):
    response = client_as(persona).get("/arbeitsbereich/bestand/stadt-a/dubletten/")
    assert response.status_code == status
    if status == 200:
        content = response.content.decode()
        assert "/zusammenfuehren/" in content
        assert "Smarte Laternen" in content
        one = client_as(persona).get(f"/arbeitsbereich/bestand/stadt-a/dubletten/?eintrag={pair.keep.pk}")
        assert f"/zusammenfuehren/{pair.keep.pk}/{pair.remove.pk}/" in one.content.decode()


@pytest.mark.django_db
def test_duplicates_page_query_budget_does_not_grow_with_pairs(pair, client_as, django_assert_max_num_queries):
    client = client_as("team_a")
    url = "/arbeitsbereich/bestand/stadt-a/dubletten/"
    client.get(url)
    with django_assert_max_num_queries(12):
        small = client.get(url)
    more = [
        EntryFactory(municipality=pair.municipality_a, title=f"Digitale Bürgerdienste {n}", summary="Ämter online.")
        for n in range(6)
    ]
    get_engine().index_entries([entry.pk for entry in more], embed=False)
    client.get(url)
    with django_assert_max_num_queries(12):
        large = client.get(url)
    assert large.content.decode().count("/zusammenfuehren/") > small.content.decode().count("/zusammenfuehren/")


@pytest.mark.django_db
def test_entry_page_links_the_team_to_duplicates(pair, client_as):
    url = pair.keep.get_absolute_url()
    assert "/dubletten/?eintrag=" in client_as("team_a").get(url).content.decode()
    pair.keep.publication_state = PublicationState.PUBLISHED
    pair.keep.save()
    assert "/dubletten/" not in client_as("editor_a").get(url).content.decode()


@pytest.mark.django_db
def test_platform_admin_without_roles_can_merge_but_a_plain_user_cannot(pair):
    nobody = UserFactory(username="nobody")
    with pytest.raises(PermissionDenied):
        merging.entry_merge(actor=nobody, keep=pair.keep, remove=pair.remove)
    merging.entry_merge(actor=pair.platform_admin, keep=pair.keep, remove=pair.remove)
    assert not Entry.objects.filter(pk=pair.remove.pk).exists()
