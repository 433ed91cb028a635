"""Every writer of inventory entries goes through ``inventory.effects``: history, search, analysis, kept pages.

Two halves: each writer is run and what must follow a write is checked (the history row, the search document, the
analysis engine told, the "search" generation that keys the kept pages moved on); and the source is read for
modules that write entries, each of which must be a known writer that calls the effects function (or one of the
bulk loaders that rebuild everything derived in their own last step).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.utils import timezone

from smartstadt import search
from smartstadt.core.models import ChangeRecord
from smartstadt.core.permissions import System
from smartstadt.inventory import effects, merging, services, spreadsheets
from smartstadt.inventory.models import Entry, PublicationState
from smartstadt.inventory.tests.spreadsheet_helpers import xlsx
from smartstadt.regions.models import District
from smartstadt.regions.services import district_update, organisation_update
from smartstadt.stocktaking import services as stocktaking


@dataclass
class Written:
    """What a writer did: the entry (gone when ``removed``), a word its search document must now hold, and how
    the history names the writer."""

    entry_id: int
    word: str
    label: str
    removed: bool = False
    history: bool = True


def _entry(personas: Any, title: str = "Sensoren am Rathaus", **data: Any) -> Entry:
    return services.entry_create(
        actor=personas.team_a,
        municipality=personas.municipality_a,
        data={"title": title, "kind": "project", "lead_organisation": personas.organisation_a, **data},
    )


def create(personas: Any, **_: Any) -> Written:
    entry = _entry(personas, "Quellwasserzähler im Hafen")
    return Written(entry.pk, "Quellwasserzähler", "team_a")


def update(personas: Any, **_: Any) -> Written:
    entry = _entry(personas)
    services.entry_update(actor=personas.team_a, entry=entry, data={"title": "Wetterstation am Rathaus"})
    return Written(entry.pk, "Wetterstation", "team_a")


def submit(personas: Any, **_: Any) -> Written:
    entry = _entry(personas, "Lärmampel an der Schule")
    services.entry_submit(actor=personas.editor_a, entry=entry)
    return Written(entry.pk, "Lärmampel", "editor_a")


def publish(personas: Any, **_: Any) -> Written:
    entry = _entry(personas, "Parkraumsensoren")
    services.entry_publish(actor=personas.team_a, entry=entry)
    return Written(entry.pk, "Parkraumsensoren", "team_a")


def return_to_draft(personas: Any, **_: Any) -> Written:
    entry = _entry(personas, "Bürgerkarte digital")
    services.entry_publish(actor=personas.team_a, entry=entry)
    services.entry_return_to_draft(actor=personas.team_a, entry=entry, reason="noch nicht fertig")
    return Written(entry.pk, "Bürgerkarte", "team_a")


def delete(personas: Any, **_: Any) -> Written:
    entry = _entry(personas, "Pegelmesser am Kanal")
    pk = entry.pk
    services.entry_delete(actor=personas.team_a, entry=entry)
    return Written(pk, "Pegelmesser", "team_a", removed=True)


def spreadsheet_import(personas: Any, **_: Any) -> Written:
    rows = [{"Externe ID": "FX-1", "Titel": "Hitzekarte der Innenstadt", "Art": "Projekt"}]
    result = spreadsheets.import_entries(
        actor=System("Import"), municipality=personas.municipality_a, data=xlsx(rows), filename="neu.xlsx"
    )
    assert result.saved, result.errors
    entry = Entry.objects.get(municipality=personas.municipality_a, external_id="FX-1")
    return Written(entry.pk, "Hitzekarte", "Import")


def merge(personas: Any, **_: Any) -> Written:
    keep = _entry(personas, "Glasfaser für Schulen")
    remove = _entry(personas, "Glasfaserausbau Schulen", summary="Breitband für alle Grundschulen.")
    merging.entry_merge(actor=personas.team_a, keep=keep, remove=remove, choices={"summary": merging.REMOVE})
    return Written(keep.pk, "Grundschulen", "team_a")


def _admin_request(personas: Any) -> Any:
    request = RequestFactory().post("/admin/")
    request.user = personas.platform_admin
    return request


def admin_save(personas: Any, **_: Any) -> Written:
    entry = _entry(personas)
    model_admin = admin.site._registry[Entry]
    request = _admin_request(personas)
    entry.title = "Regenwasserzisterne am Rathaus"
    form = SimpleNamespace(instance=entry, save_m2m=lambda: None)
    model_admin.save_model(request, entry, form, True)
    model_admin.save_related(request, form, [], True)
    return Written(entry.pk, "Regenwasserzisterne", "platform_admin")


def admin_delete(personas: Any, **_: Any) -> Written:
    entry = _entry(personas, "Schallpegel am Bahnhof")
    pk = entry.pk
    admin.site._registry[Entry].delete_model(_admin_request(personas), entry)
    return Written(pk, "Schallpegel", "platform_admin", removed=True)


def _in_a_month() -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=30)


def stocktaking_answer(personas: Any, **_: Any) -> Written:
    campaign = stocktaking.campaign_create(
        actor=personas.team_a,
        municipality=personas.municipality_a,
        data={"title": "Bestandsaufnahme", "message": "Bitte eintragen.", "deadline": _in_a_month()},
    )
    [invitation] = stocktaking.invitation_create(
        actor=personas.team_a, campaign=campaign, invitees=[(personas.organisation_a, "a@example.org")]
    )
    stocktaking.invitation_send(actor=personas.team_a, invitation=invitation)
    entry = stocktaking.answer_entry_create(
        invitation=invitation, data={"title": "Ladesäulen am Betriebshof", "kind": "project", "status": "running"}
    )
    return Written(entry.pk, "Ladesäulen", "Bestandsaufnahme: Stadtwerke A")


def organisation_rename(personas: Any, **_: Any) -> Written:
    entry = _entry(personas)
    organisation_update(actor=personas.team_a, organisation=personas.organisation_a, data={"name": "Zebrawerke Nord"})
    return Written(entry.pk, "Zebrawerke", "team_a", history=False)


def district_rename(personas: Any, **_: Any) -> Written:
    district = District.objects.filter(municipality=personas.municipality_a).first()
    assert district is not None
    entry = _entry(personas, districts=[district])
    district_update(actor=personas.team_a, district=district, data={"name": "Kranichviertel"})
    return Written(entry.pk, "Kranichviertel", "team_a", history=False)


WRITERS: dict[str, Callable[..., Written]] = {
    "create": create,
    "update": update,
    "submit": submit,
    "publish": publish,
    "return_to_draft": return_to_draft,
    "delete": delete,
    "spreadsheet_import": spreadsheet_import,
    "merge": merge,
    "admin_save": admin_save,
    "admin_delete": admin_delete,
    "stocktaking_answer": stocktaking_answer,
    "organisation_rename": organisation_rename,
    "district_rename": district_rename,
}


@pytest.fixture
def told(monkeypatch: Any) -> list[int]:
    """The entry keys the analysis engine was told about."""
    calls: list[int] = []
    monkeypatch.setattr(effects.analysis, "entries_changed", lambda ids: calls.extend(ids))
    return calls


def _found(word: str) -> list[int]:
    return list(search.search_entries(word, Entry.objects.all()).values_list("pk", flat=True))


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(WRITERS))
def test_every_writer_keeps_history_search_analysis_and_pages_in_step(name, personas, told):
    if District.objects.filter(municipality=personas.municipality_a).first() is None:
        District.objects.create(municipality=personas.municipality_a, name="Altstadt", slug="altstadt")
    records_before = ChangeRecord.objects.count()
    told.clear()
    generation = search.generation()

    written = WRITERS[name](personas)

    label = getattr(personas, written.label).username if hasattr(personas, written.label) else written.label
    if written.history:
        newest = ChangeRecord.objects.filter(object_id=str(written.entry_id)).order_by("-pk").first()
        assert ChangeRecord.objects.count() > records_before
        assert newest is not None
        assert newest.actor_label == label
    assert written.entry_id in told, f"{name}: the analysis engine was not told"
    assert search.generation() != generation, f"{name}: the kept pages and search counts were not invalidated"
    if written.removed:
        assert not Entry.objects.filter(pk=written.entry_id).exists()
        assert written.entry_id not in _found(written.word)
    else:
        assert written.entry_id in _found(written.word), f"{name}: the search document is stale"


@pytest.mark.django_db
def test_a_published_entry_leaves_the_public_search_when_returned_to_draft(personas, told):
    entry = _entry(personas, "Bürgerkarte digital")
    services.entry_publish(actor=personas.team_a, entry=entry)
    services.entry_return_to_draft(actor=personas.team_a, entry=entry)
    entry.refresh_from_db()
    assert entry.publication_state == PublicationState.DRAFT
    assert told.count(entry.pk) >= 2


# --- The source: which modules write entries ---------------------------------------------------------------------

SOURCE = Path(__file__).resolve().parents[2]
WRITES_ENTRIES = re.compile(
    r"Entry\.objects\.(create|bulk_create|bulk_update|update_or_create|get_or_create)\("
    r"|Entry\.objects\.filter\([^)]*\)\.(update|delete)\("
    r"|insert_rows\(Entry\b"
    r"|(save|delete)_tracked\((entry|keep|remove)\b"
    r"|\b(entry|keep)\.save\("
)
# Modules that write entries and call entries_written (or are the services every other writer goes through).
WRITERS_CALLING_EFFECTS = {
    "inventory/services.py",
    "inventory/merging.py",
    "inventory/admin.py",
    "inventory/spreadsheets",
}
# Bulk loaders that rebuild everything derived (search index, analysis) in their own last step.
REBUILDERS = {"demo/loader.py", "inventory/demo.py", "inventory/synthetic.py", "analysis/synthetic.py"}


def _writing_modules() -> set[str]:
    found = set()
    for path in SOURCE.rglob("*.py"):
        relative = path.relative_to(SOURCE).as_posix()
        if "/tests/" in relative or "/migrations/" in relative or relative.startswith("bench"):
            continue
        if WRITES_ENTRIES.search(path.read_text(encoding="utf-8")):
            found.add(relative)
    return found


def test_every_module_that_writes_entries_goes_through_the_effects_function():
    unknown = {
        module
        for module in _writing_modules()
        if module not in REBUILDERS and not any(module.startswith(writer) for writer in WRITERS_CALLING_EFFECTS)
    }
    assert not unknown, f"these modules write entries without inventory.effects.entries_written: {sorted(unknown)}"
    for module in _writing_modules() - REBUILDERS:
        text = (SOURCE / module).read_text(encoding="utf-8")
        assert "entries_written" in text, f"{module} writes entries but does not call entries_written"


def test_the_scan_finds_the_known_writers():
    """The test above would pass on an empty list: the scan must see the writers we know of."""
    modules = _writing_modules()
    assert {"inventory/services.py", "inventory/merging.py", "inventory/spreadsheets/writing.py"} <= modules
