"""Duplicates within a municipality: near-copies are flagged, related projects are not; on the entry form, in the
spreadsheet import (dry run, page and command) and for stocktaking answers."""

from __future__ import annotations

import io

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client

from smartstadt.analysis import duplicates
from smartstadt.analysis.engine import get_engine
from smartstadt.core.permissions import System
from smartstadt.inventory import spreadsheets
from smartstadt.inventory.models import Entry, PublicationState
from smartstadt.inventory.tests.factories import EntryFactory
from smartstadt.inventory.tests.spreadsheet_helpers import csv_bytes, xlsx
from smartstadt.regions.models import Municipality

LANTERNS = {
    "title": "Smarte Straßenlaternen in der Innenstadt",
    "summary": "Laternen mit Sensoren messen Verkehr, Lärm und Luftqualität und dimmen das Licht nach Bedarf; "
    "die Daten gehen an die offene Datenplattform der Stadt.",
}
SCHOOLS = {
    "title": "Digitale Klassenzimmer für Grundschulen",
    "summary": "Alle Grundschulen erhalten WLAN, Tablets und Fortbildungen für Lehrkräfte, damit der Unterricht "
    "digitale Medien selbstverständlich nutzt.",
}
# Same topic as LANTERNS (street lights), another project: related, not a copy.
RELATED_LIGHTS = {
    "title": "Umrüstung der Straßenbeleuchtung auf LED in Sterkrade",
    "summary": "Die Stadtwerke tauschen alte Leuchten gegen sparsame LED-Leuchten und senken so Stromverbrauch und "
    "Kosten im Stadtteil.",
}


def index(*entries: Entry) -> None:
    get_engine().index_entries([entry.pk for entry in entries], embed=False)


@pytest.fixture
def city(personas):
    """Two indexed entries of municipality A: a draft and a published one; one of B with the same text."""
    lanterns = EntryFactory(municipality=personas.municipality_a, slug="laternen", **LANTERNS)
    schools = EntryFactory(
        municipality=personas.municipality_a,
        slug="schulen",
        publication_state=PublicationState.DRAFT,
        lead_organisation=personas.organisation_a,
        **SCHOOLS,
    )
    elsewhere = EntryFactory(municipality=personas.municipality_b, slug="laternen", **LANTERNS)
    index(lanterns, schools, elsewhere)
    personas.lanterns, personas.schools, personas.elsewhere = lanterns, schools, elsewhere
    return personas


def titles(found: list[duplicates.Duplicate]) -> list[str]:
    return [duplicate.entry.title for duplicate in found]


# --- The decision ----------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_near_copy_of_title_or_summary_is_flagged_in_the_same_municipality_only(city):
    a = city.municipality_a
    slightly_other_title = duplicates.duplicates_of_text(
        municipality=a, title="Smarte Strassenlaternen Innenstadt", summary=LANTERNS["summary"]
    )
    assert [d.entry for d in slightly_other_title] == [city.lanterns]
    assert slightly_other_title[0].score >= duplicates.THRESHOLD
    reworded = duplicates.duplicates_of_text(
        municipality=a,
        title=LANTERNS["title"],
        summary="Die Laternen messen mit Sensoren Lärm, Verkehr und die Luftqualität und dimmen ihr Licht nach "
        "Bedarf; ihre Daten gehen an die offene Datenplattform.",
    )
    assert [d.entry for d in reworded] == [city.lanterns]
    assert reworded[0].reasons  # the shared words a person reads
    # the same text in municipality B is no duplicate of A's draft
    assert city.elsewhere not in [d.entry for d in slightly_other_title]


@pytest.mark.django_db
def test_related_and_unrelated_projects_are_not_flagged(city):
    a = city.municipality_a
    assert duplicates.duplicates_of_text(municipality=a, **RELATED_LIGHTS) == []
    assert duplicates.duplicates_of_text(municipality=a, title="Radwegenetz", summary="Neue Radwege.") == []
    assert duplicates.duplicates_of_text(municipality=a, title="", summary="") == []


@pytest.mark.django_db
def test_a_draft_with_title_and_summary_finds_an_entry_with_a_long_description(city):
    city.lanterns.description = "Ausführliche Beschreibung. " + " ".join(
        f"Abschnitt {n} über Ausschreibung, Montage, Wartung, Betriebskosten und Auswertung." for n in range(40)
    )
    city.lanterns.save()
    index(city.lanterns)
    found = duplicates.duplicates_of_text(
        municipality=city.municipality_a, title="Smarte Straßenlaternen Innenstadt", summary=LANTERNS["summary"]
    )
    assert [d.entry for d in found] == [city.lanterns]


@pytest.mark.django_db
def test_visible_narrows_what_is_shown(city):
    draft_copy = {"title": SCHOOLS["title"] + " (neu)", "summary": SCHOOLS["summary"]}
    everything = duplicates.duplicates_of_text(municipality=city.municipality_a, **draft_copy)
    assert titles(everything) == [SCHOOLS["title"]]
    public = duplicates.duplicates_of_text(
        municipality=city.municipality_a, visible=Entry.objects.published(), **draft_copy
    )
    assert public == []


@pytest.mark.django_db
def test_demo_region_flags_only_its_real_near_copies(demo_region):
    """Calibration check on the real demo entries: the two pairs of Mülheim that are copies of each other are
    flagged; none of the related projects anywhere in the region is."""
    flagged = set()
    for municipality in Municipality.objects.filter(entries__isnull=False).distinct():
        for pair in duplicates.duplicate_pairs(municipality=municipality):
            assert pair.left.municipality_id == pair.right.municipality_id == municipality.pk
            assert pair.score >= duplicates.THRESHOLD
            flagged.add(tuple(sorted([pair.left.title, pair.right.title])))
    assert flagged == {
        ("Breitband-Kataster", "Breitband-Kataster für das Stadtgebiet"),
        (
            "KomMonitor – kommunales Monitoring (Teilprojekt Mülheim)",
            "KomMonitor – kommunales Monitoring auf Basis der Geodateninfrastruktur",
        ),
    }
    kataster = Entry.objects.get(title="Breitband-Kataster")
    assert titles(duplicates.duplicates_of_entry(kataster)) == ["Breitband-Kataster für das Stadtgebiet"]


@pytest.mark.django_db
def test_demo_entries_copied_with_small_changes_are_found(demo_region):
    oberhausen = Municipality.objects.get(slug="oberhausen")
    entries = list(Entry.objects.filter(municipality=oberhausen).order_by("pk")[:15])
    for entry in entries:
        words = entry.title.split()
        title = " ".join([*words[:-1], words[-1] + "e"]) if len(words) > 1 else entry.title + " (Pilot)"
        found = duplicates.duplicates_of_text(municipality=oberhausen, title=title, summary=entry.summary)
        assert entry in [d.entry for d in found], entry.title
        # and with a different summary and title, the entry itself is no duplicate of its neighbours
        assert all(d.entry.pk == entry.pk for d in duplicates.duplicates_of_entry(entry))


# --- Spreadsheet rows --------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_rows_are_flagged_against_entries_and_earlier_rows(city):
    rows = [
        duplicates.RowText(row=2, title="Smarte Straßenlaterne Innenstadt", summary=LANTERNS["summary"]),
        # updates the lanterns by external id: not a duplicate of itself
        duplicates.RowText(row=3, entry_id=city.lanterns.pk, **LANTERNS),
        duplicates.RowText(row=4, **RELATED_LIGHTS),
        duplicates.RowText(row=5, title=RELATED_LIGHTS["title"] + " (2)", summary=RELATED_LIGHTS["summary"]),
    ]
    flags = duplicates.duplicates_in_rows(municipality=city.municipality_a, rows=rows)
    assert [flag["entry"] for flag in flags[2] if "entry" in flag] == [city.lanterns.pk]
    assert flags[2][0]["url"] == city.lanterns.get_absolute_url()
    assert all(flag.get("entry") != city.lanterns.pk for flag in flags.get(3, []))
    assert [flag.get("row") for flag in flags[3]] == [2]  # row 3 repeats row 2's text
    assert 4 not in flags
    assert flags[5] == [{"row": 4, "title": RELATED_LIGHTS["title"], "score": flags[5][0]["score"]}]


@pytest.mark.django_db
def test_import_dry_run_of_a_file_with_a_near_copy_flags_it_and_still_works(city):
    """The issue's acceptance: importing a file with a near-copy of an existing entry flags it."""
    rows = [
        {"Externe ID": "N-1", "Titel": "Smarte Strassenlaternen Innenstadt", "Kurzbeschreibung": LANTERNS["summary"]},
        {"Externe ID": "N-2", "Titel": "Radwegenetz", "Kurzbeschreibung": "Neue Radwege im Norden."},
    ]
    result = spreadsheets.import_entries(
        actor=System("Test"), municipality=city.municipality_a, data=xlsx(rows), filename="neu.xlsx", dry_run=True
    )
    assert result.errors == []
    assert result.created == 2
    assert result.duplicates == 1
    near_copy, other = result.rows
    assert [flag["entry"] for flag in near_copy.duplicates] == [city.lanterns.pk]
    assert other.duplicates == []
    assert result.as_dict()["rows"][0]["duplicates"][0]["title"] == LANTERNS["title"]
    assert not Entry.objects.filter(external_id="N-1").exists()
    # a warning, not an error: the real import saves both rows
    saved = spreadsheets.import_entries(
        actor=System("Test"), municipality=city.municipality_a, data=xlsx(rows), filename="neu.xlsx"
    )
    assert saved.saved
    assert saved.duplicates == 1
    assert Entry.objects.filter(municipality=city.municipality_a, external_id__in=["N-1", "N-2"]).count() == 2


@pytest.mark.django_db
def test_import_preview_page_shows_the_flag_with_a_link(city, client_as):
    client = client_as("team_a")
    data = csv_bytes([{"Titel": "Smarte Straßenlaterne Innenstadt", "Kurzbeschreibung": LANTERNS["summary"]}])
    response = client.post(
        "/arbeitsbereich/bestand/stadt-a/import/", {"file": SimpleUploadedFile("neu.csv", data)}, follow=True
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert "kern-alert--warning" in content
    assert f'href="{city.lanterns.get_absolute_url()}"' in content
    assert "/bestaetigen/" in content  # the import can still be confirmed


@pytest.mark.django_db
def test_import_command_dry_run_names_the_near_copy(demo_region, tmp_path):
    entry = Entry.objects.filter(municipality__slug="oberhausen", title="Verfügungsfonds Osterfeld").get()
    path = tmp_path / "neu.csv"
    path.write_bytes(csv_bytes([{"Titel": "Verfügungsfonds Osterfeld (2024)", "Kurzbeschreibung": entry.summary}]))
    out = io.StringIO()
    call_command("import_inventory", str(path), "--municipality", "oberhausen", "--dry-run", stdout=out)
    text = out.getvalue()
    assert f"mögliche Dublette von „Verfügungsfonds Osterfeld“ (#{entry.pk})" in text
    assert "Mögliche Dubletten: 1 Zeilen" in text
    assert "Probelauf: nichts gespeichert." in text


# --- The entry form -------------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["team_a", "editor_a"])
def test_entry_form_check_shows_possible_duplicates_and_saves_nothing(city, client_as, persona):
    client = client_as(persona)
    before = Entry.objects.count()
    data = {"title": "Smarte Straßenlaterne Innenstadt", "summary": LANTERNS["summary"], "check_duplicates": "1"}
    response = client.post("/kommunen/stadt-a/bestand/neu/", data)
    content = response.content.decode()
    assert response.status_code == 200
    assert f'href="{city.lanterns.get_absolute_url()}"' in content
    assert 'value="Smarte Straßenlaterne Innenstadt"' in content  # the form as typed …
    assert "aria-invalid" not in content  # … without error messages
    assert Entry.objects.count() == before
    fragment = client.post("/kommunen/stadt-a/bestand/neu/", data, headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    assert "<html" not in fragment.content.decode()
    assert LANTERNS["title"] in fragment.content.decode()
    nothing = client.post(
        "/kommunen/stadt-a/bestand/neu/", {**RELATED_LIGHTS, "check_duplicates": "1"}, headers={"HX-Request": "true"}
    )
    assert LANTERNS["title"] not in nothing.content.decode()


@pytest.mark.django_db
def test_entry_form_check_shows_only_entries_the_person_may_see(city, client_as):
    city.schools.lead_organisation = None
    city.schools.save()
    data = {"title": SCHOOLS["title"], "summary": SCHOOLS["summary"], "check_duplicates": "1"}
    as_team = client_as("team_a").post("/kommunen/stadt-a/bestand/neu/", data, headers={"HX-Request": "true"})
    assert SCHOOLS["title"] in as_team.content.decode()
    as_editor = client_as("editor_a").post("/kommunen/stadt-a/bestand/neu/", data, headers={"HX-Request": "true"})
    assert SCHOOLS["title"] not in as_editor.content.decode()  # a draft of the team, not of the editor


@pytest.mark.django_db
def test_entry_edit_check_does_not_list_the_entry_itself(city, client_as):
    url = f"/kommunen/stadt-a/bestand/{city.lanterns.slug}/bearbeiten/"
    data = {**LANTERNS, "check_duplicates": "1"}
    response = client_as("team_a").post(url, data, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert city.lanterns.get_absolute_url() not in response.content.decode()
    assert client_as("team_b").post(url, data).status_code in (403, 404)


@pytest.mark.django_db
@pytest.mark.parametrize(("persona", "status"), [("editor_b", 403), ("anonymous", 302)])
def test_entry_form_check_is_forbidden_for_others(city, client_as, persona, status):
    data = {**LANTERNS, "check_duplicates": "1"}
    assert client_as(persona).post("/kommunen/stadt-a/bestand/neu/", data).status_code == status


# --- Stocktaking answers ---------------------------------------------------------------------------------------


@pytest.fixture
def invitation_token(city, django_capture_on_commit_callbacks):
    import datetime

    from django.utils import timezone

    from smartstadt.stocktaking import services
    from smartstadt.stocktaking.tests.conftest import token_from

    campaign = services.campaign_create(
        actor=city.team_a,
        municipality=city.municipality_a,
        data={
            "title": "Runde",
            "message": "Bitte eintragen.",
            "deadline": timezone.localdate() + datetime.timedelta(7),
        },
    )
    [invitation] = services.invitation_create(
        actor=city.team_a, campaign=campaign, invitees=[(city.organisation_a, "team@stadtwerke-a.example")]
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.invitation_send(actor=city.team_a, invitation=invitation)
    return invitation, token_from(mail.outbox[-1])


@pytest.mark.django_db
def test_invitee_check_shows_published_look_alikes_only(city, invitation_token):
    _invitation, token = invitation_token
    city.schools.lead_organisation = None
    city.schools.save()
    client = Client()
    near_lanterns = {"title": "Smarte Straßenlaterne Innenstadt", "summary": LANTERNS["summary"]}
    response = client.post(f"/bestandsaufnahme/{token}/neu/", {**near_lanterns, "check_duplicates": "1"})
    assert response.status_code == 200
    assert f'href="{city.lanterns.get_absolute_url()}"' in response.content.decode()
    hidden = client.post(
        f"/bestandsaufnahme/{token}/neu/",
        {"title": SCHOOLS["title"], "summary": SCHOOLS["summary"], "check_duplicates": "1"},
        headers={"HX-Request": "true"},
    )
    assert SCHOOLS["title"] not in hidden.content.decode()  # the team's draft is none of the invitee's business
    assert not Entry.objects.filter(title=near_lanterns["title"]).exists()


@pytest.mark.django_db
def test_campaign_page_shows_an_answer_that_looks_like_an_existing_entry(city, invitation_token, client_as):
    from smartstadt.stocktaking import services

    invitation, _token = invitation_token
    answer = services.answer_entry_create(
        invitation=invitation, data={"title": "Smarte Straßenlaterne Innenstadt", "summary": LANTERNS["summary"]}
    )
    index(answer)
    url = f"/arbeitsbereich/bestandsaufnahmen/{invitation.campaign_id}/"
    content = client_as("team_a").get(url).content.decode()
    assert f'href="{city.lanterns.get_absolute_url()}"' in content
    assert f"/zusammenfuehren/{city.lanterns.pk}/{answer.pk}/" in content
    assert client_as("team_b").get(url).status_code in (403, 404)
