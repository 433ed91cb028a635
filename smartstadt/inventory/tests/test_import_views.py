"""The import pages (upload → checked preview → confirm), the template download and the exports."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from smartstadt.core.models import ChangeRecord
from smartstadt.inventory import imports, spreadsheets
from smartstadt.inventory.models import Entry, ImportRun
from smartstadt.inventory.tests.factories import EntryFactory
from smartstadt.inventory.tests.spreadsheet_helpers import good_rows, xlsx
from smartstadt.regions.models import District

IMPORT_URL = "/arbeitsbereich/bestand/stadt-a/import/"
ALLOWED = {"team_a", "platform_admin"}
DENIED = {"citizen", "editor_a", "editor_b", "team_b"}


@pytest.fixture
def city(personas):
    District.objects.create(municipality=personas.municipality_a, name="Altstadt", slug="altstadt")
    return personas


def upload(client, data, name="bestand.xlsx"):
    return client.post(IMPORT_URL, {"file": SimpleUploadedFile(name, data)})


def stored_files(settings):
    """The uploads whose file is still kept (in the database, not on a disk)."""
    return sorted(ImportRun.objects.exclude(data=b"").values_list("filename", flat=True))


@pytest.mark.django_db
@pytest.mark.parametrize("persona", sorted(ALLOWED | DENIED))
def test_import_page_and_template_only_for_the_team_of_the_municipality(client_as, persona):
    client = client_as(persona)
    expected = 200 if persona in ALLOWED else 403
    assert client.get(IMPORT_URL).status_code == expected
    response = client.get("/arbeitsbereich/bestand/stadt-a/importvorlage.xlsx")
    assert response.status_code == expected
    if expected == 200:
        assert response["Content-Disposition"].startswith("attachment;")
        headers = [c.value for c in load_workbook(io.BytesIO(response.content))["Bestand"][1]]
        assert headers == spreadsheets.HEADERS
        assert client.get("/arbeitsbereich/bestand/stadt-a/importvorlage.csv").content.startswith(b"\xef\xbb\xbf")
        assert client.get("/arbeitsbereich/bestand/stadt-a/importvorlage.json").status_code == 404


@pytest.mark.django_db
def test_anonymous_is_sent_to_login(client_as):
    client = client_as("anonymous")
    for path in [IMPORT_URL, "/arbeitsbereich/bestand/stadt-a/export.csv", "/arbeitsbereich/bestand/stadt-a/import/x/"]:
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/anmelden/?next=")


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["team_b", "editor_a", "editor_b", "citizen"])
def test_others_cannot_upload(city, client_as, persona):
    response = upload(client_as(persona), xlsx(good_rows()))
    assert response.status_code == 403
    assert not Entry.objects.filter(municipality=city.municipality_a).exists()


@pytest.mark.django_db
def test_bad_row_is_shown_with_row_and_column_and_nothing_is_saved(city, client_as, settings):
    client = client_as("team_a")
    rows = good_rows()
    rows[1]["Ende"] = 1999
    rows[1]["Beginn"] = 2024
    rows[2]["Status"] = "fertig"
    before = (Entry.objects.count(), ChangeRecord.objects.count())
    response = upload(client, xlsx(rows))
    assert response.status_code == 302
    detail = response["Location"]
    page = client.get(detail)
    text = page.content.decode()
    assert page.context["errors"]
    assert not page.context["can_confirm"]
    assert {(e["row"], e["column"]) for e in page.context["errors"]} == {(3, "Ende"), (4, "Status")}
    assert 'href="#row-3"' in text
    assert 'id="row-3"' in text
    assert 'id="row-4"' in text
    assert "fertig" in text
    # the file cannot be confirmed: nothing is saved
    token = detail.rstrip("/").rsplit("/", 1)[-1]
    client.post(f"{IMPORT_URL}{token}/bestaetigen/")
    assert (Entry.objects.count(), ChangeRecord.objects.count()) == before


@pytest.mark.django_db
@pytest.mark.parametrize("background", [False, True])
def test_good_file_is_previewed_then_imported_from_the_kept_file(city, client_as, settings, monkeypatch, background):
    if background:
        monkeypatch.setattr(imports, "INLINE_BYTES", 0)  # through the task queue (immediate backend in tests)
    client = client_as("team_a")
    response = upload(client, xlsx(good_rows()))
    detail = response["Location"]
    token = detail.rstrip("/").rsplit("/", 1)[-1]
    page = client.get(detail)
    assert page.context["can_confirm"]
    assert [row["action"] for row in page.context["rows"]] == ["created"] * 3
    assert "Smarte Laternen" in page.content.decode()
    assert not Entry.objects.filter(municipality=city.municipality_a).exists()
    assert len(stored_files(settings)) == 1

    # another person of the same team cannot see or confirm this upload
    assert client_as("platform_admin").get(detail).status_code == 404
    assert client_as("platform_admin").post(f"{detail}bestaetigen/").status_code == 404

    response = client.post(f"{detail}bestaetigen/")
    assert response.status_code == 302
    assert Entry.objects.filter(municipality=city.municipality_a).count() == 3
    assert ChangeRecord.objects.filter(actor=city.team_a, action="created").count() == 3
    assert stored_files(settings) == []  # the file is gone after the import
    page = client.get(detail)
    assert page.context["state"].status == "done"
    assert page.context["result"]["created"] == 3
    # confirming twice changes nothing
    client.post(f"{detail}bestaetigen/")
    assert Entry.objects.filter(municipality=city.municipality_a).count() == 3
    assert imports.load(token).status == "done"


@pytest.mark.django_db
def test_discard_removes_the_upload(city, client_as, settings):
    client = client_as("team_a")
    detail = upload(client, xlsx(good_rows()))["Location"]
    assert client.post(f"{detail}verwerfen/").status_code == 302
    assert stored_files(settings) == []
    assert client.get(detail).status_code == 404


@pytest.mark.django_db
def test_wrong_file_type_is_refused_by_the_form(city, client_as):
    response = upload(client_as("team_a"), b"a;b", name="bestand.ods")
    assert response.status_code == 200
    assert response.context["form"].errors["file"]


@pytest.mark.django_db
def test_progress_is_polled_with_htmx_and_reloads_when_finished(city, client_as):
    client = client_as("team_a")
    detail = upload(client, xlsx(good_rows()))["Location"]
    token = detail.rstrip("/").rsplit("/", 1)[-1]
    imports.update(token, status="importing", phase="write", done=50, total=200)
    page = client.get(detail)
    text = page.content.decode()
    assert 'hx-trigger="every 2s"' in text
    assert 'value="25"' in text
    assert f'href="{detail}"' in text  # without JavaScript: reload by hand
    partial = client.get(f"{detail}?partial=progress", headers={"HX-Request": "true"})
    assert partial.status_code == 200
    assert "<html" not in partial.content.decode()
    imports.update(token, status="checked")
    finished = client.get(f"{detail}?partial=progress", headers={"HX-Request": "true"})
    assert finished["HX-Refresh"] == "true"


@pytest.mark.django_db
def test_stale_uploads_are_cleaned_up(city, client_as, settings):
    upload(client_as("team_a"), xlsx(good_rows()))
    assert len(stored_files(settings)) == 1
    imports.cleanup_stale(max_age=-1)
    assert stored_files(settings) == []


@pytest.mark.django_db
def test_the_upload_is_kept_in_the_database_not_on_a_disk(city, client_as, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    data = xlsx(good_rows())
    upload(client_as("team_a"), data)
    assert not (tmp_path / "imports").exists()
    assert not [path for path in tmp_path.rglob("*") if path.suffix in (".xlsx", ".csv", ".json")]
    kept = ImportRun.objects.get()
    assert (kept.created_by, kept.municipality, kept.format) == (city.team_a, city.municipality_a, "xlsx")
    assert bytes(kept.data) == data
    assert kept.status == "checked"
    assert kept.result["created"] == 3
    assert kept.finished_at is not None


@pytest.mark.django_db
def test_an_upload_of_someone_no_longer_active_fails_with_a_message(city, client_as):
    detail = upload(client_as("team_a"), xlsx(good_rows()))["Location"]
    token = detail.rstrip("/").rsplit("/", 1)[-1]
    city.team_a.is_active = False
    city.team_a.save()
    imports.dispatch(token, confirm=True)
    kept = imports.load(token)
    assert kept.status == "failed"
    assert "nicht mehr verfügbar" in kept.message
    assert not Entry.objects.filter(municipality=city.municipality_a).exists()


@pytest.mark.django_db(transaction=True)
def test_progress_is_visible_while_the_import_transaction_is_open(personas):
    from django.db import connection, connections, transaction

    kept = imports.create(
        data=b"x",
        filename="a.csv",
        fmt="csv",
        municipality_id=personas.municipality_a.pk,
        user_id=personas.team_a.pk,
        language="de",
    )
    progress, close = imports._progress_writer(kept.token)
    progress("check", 5, 10)  # outside a transaction: at once
    assert imports.load(kept.token).done == 5
    if connection.vendor != "postgresql":
        return  # SQLite has one writer: inside the import's transaction the progress waits for its end
    with transaction.atomic():
        progress("write", 10, 10)
        other = connections.create_connection("default")
        try:
            with other.cursor() as cursor:
                cursor.execute("SELECT phase, done FROM inventory_importrun WHERE token = %s", [kept.token])
                assert cursor.fetchone() == ("write", 10)
        finally:
            other.close()
    close()


# --- Exports ------------------------------------------------------------------------------------------------------


@pytest.fixture
def entries(personas):
    EntryFactory(municipality=personas.municipality_a, title="Veröffentlicht A", lead_organisation=None)
    EntryFactory(municipality=personas.municipality_a, title="Entwurf A", publication_state="draft")
    EntryFactory(municipality=personas.municipality_b, title="Veröffentlicht B")


def csv_titles(response):
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return {row[1] for row in list(csv.reader(io.StringIO(text), delimiter=";"))[1:]}


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["anonymous", "citizen", "team_a", "editor_a"])
def test_public_export_contains_published_entries_only_for_everybody(client_as, entries, persona):
    client = client_as(persona)
    response = client.get("/bestand/export.csv?region=testregion")  # the demo region is there, too
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert csv_titles(response) == {"Veröffentlicht A", "Veröffentlicht B"}
    data = json.loads(client.get("/bestand/export.json?municipality=stadt-a").content)
    assert [e["title"] for e in data["entries"]] == ["Veröffentlicht A"]
    sheet = load_workbook(io.BytesIO(client.get("/bestand/export.xlsx?status=running").content))["Bestand"]
    assert [c.value for c in sheet[1]] == spreadsheets.HEADERS
    assert client.get("/bestand/export.pdf").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "status"), [("team_a", 200), ("platform_admin", 200), ("team_b", 403), ("editor_a", 403)]
)
def test_workspace_export_has_every_state_for_the_team_only(client_as, entries, persona, status):
    response = client_as(persona).get("/arbeitsbereich/bestand/stadt-a/export.csv")
    assert response.status_code == status
    if status == 200:
        assert csv_titles(response) == {"Veröffentlicht A", "Entwurf A"}


@pytest.mark.django_db
def test_export_queries_do_not_grow_with_the_entries(client_as, personas, django_assert_max_num_queries):
    for number in range(30):
        EntryFactory(municipality=personas.municipality_a, title=f"Eintrag {number}")
    client = client_as("team_a")
    for path in ["/bestand/export.json", "/bestand/export.xlsx", "/arbeitsbereich/bestand/stadt-a/export.xlsx"]:
        with django_assert_max_num_queries(14):
            assert client.get(path).status_code == 200


@pytest.mark.django_db
def test_workspace_links_to_import_and_export_for_the_team(client_as):
    page = client_as("team_a").get("/arbeitsbereich/bestand/").content.decode()
    assert IMPORT_URL in page
    assert "/arbeitsbereich/bestand/stadt-a/export.xlsx" in page
    assert IMPORT_URL not in client_as("editor_a").get("/arbeitsbereich/bestand/").content.decode()


@pytest.mark.django_db
def test_a_running_import_cannot_be_discarded_but_a_stalled_one_can(city, client_as):
    """A worker killed mid-check leaves the run "checking" for ever: after its lease it counts as stalled, the page
    says so and the file can be discarded."""
    import datetime

    from django.utils import timezone

    from smartstadt.inventory.models import stall_seconds

    client = client_as("team_a")
    detail = upload(client, xlsx(good_rows()))["Location"]
    token = detail.rstrip("/").rsplit("/", 1)[-1]
    imports.update(token, status="checking", phase="check", done=13, total=100)
    client.post(f"{detail}verwerfen/")
    assert ImportRun.objects.filter(token=token).exists()  # still running: not discarded
    assert "import-stalled" not in client.get(detail).content.decode()

    quiet_since = timezone.now() - datetime.timedelta(seconds=stall_seconds() + 1)
    ImportRun.objects.filter(token=token).update(updated_at=quiet_since)
    page = client.get(detail).content.decode()
    assert 'id="import-stalled"' in page
    assert "Es wurde nichts gespeichert" in page
    assert client.post(f"{detail}verwerfen/").status_code == 302
    assert not ImportRun.objects.filter(token=token).exists()
