"""Tag suggestions: the classifier on the demo entries, the command, the entry forms, the import preview and
the retraining after confirmed tags changed (docs/analysis.md, "Schlagwort-Vorschläge")."""

from __future__ import annotations

import datetime
import json
import os
import subprocess
import sys
from io import StringIO

import numpy as np
import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from smartstadt.analysis import evaluation, indexing, tagging
from smartstadt.analysis.models import TagModel
from smartstadt.core.permissions import System
from smartstadt.frameworks.models import Framework, Term
from smartstadt.inventory.models import Entry

SIX = ["governance", "people", "mobility", "environment", "economy", "living"]
FEINSTAUB = "Sensoren messen Feinstaub an Schulen"


@pytest.fixture(scope="module")
def classifier(django_db_blocker):
    """Trained once per module on the demo entries' confirmed Giffinger tags (read only)."""
    with django_db_blocker.unblock():
        framework = Framework.objects.get(slug="giffinger")
        labels, examples = tagging.training_examples(framework)
        return tagging.TagClassifier.train(examples, labels, stop=indexing.stop_keys(), use_semantic=False)


def test_the_labels_are_the_six_dimensions_learnt_from_the_demo_entries(classifier, demo_region):
    framework = Framework.objects.get(slug="giffinger")
    labels, examples = tagging.training_examples(framework)
    assert labels == SIX
    assert classifier.labels == SIX
    assert len(examples) >= 300
    counts = tagging.label_counts(examples, labels)
    assert min(counts.values()) >= 40  # every dimension has examples of its own


def test_feinstaub_at_schools_suggests_environment_first(classifier, demo_region):
    [prediction] = classifier.predict([FEINSTAUB])
    assert prediction.labels[0] == "environment"
    assert prediction.scores["environment"] == max(prediction.scores.values())


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Carsharing und Ladesäulen für Elektroautos im Quartier", "mobility"),
        ("Online-Beteiligung der Bürgerinnen und Bürger am Haushalt der Verwaltung", "governance"),
        ("Gründerzentrum und Förderung von Start-ups für die lokale Wirtschaft", "economy"),
    ],
)
def test_clear_texts_get_their_dimension(classifier, value, expected, demo_region):
    [prediction] = classifier.predict([value])
    assert expected in prediction.labels


def test_every_text_gets_at_least_one_label_and_all_six_probabilities(classifier, demo_region):
    predictions = classifier.predict([FEINSTAUB, "Xylophon", "", "Stadt"])
    for prediction in predictions:
        assert len(prediction.labels) >= 1
        assert sorted(prediction.scores) == sorted(SIX)
        assert all(0.0 <= value <= 1.0 for value in prediction.scores.values())
        assert prediction.labels[0] == max(prediction.scores, key=prediction.scores.__getitem__)
        chosen = {label for label, value in prediction.scores.items() if value >= tagging.THRESHOLD}
        assert chosen <= set(prediction.labels)


def test_the_stored_model_predicts_the_same(classifier, demo_region):
    again = tagging.TagClassifier.from_bytes(classifier.to_bytes())
    texts = [FEINSTAUB, "Digitale Bildung für Senioren im Quartiersbüro"]
    assert np.allclose(again.probabilities(texts), classifier.probabilities(texts), atol=1e-6)
    assert again.labels == classifier.labels


def test_semantic_part_is_averaged_in_when_embeddings_are_given():
    rng = np.random.default_rng(3)
    texts = ["Radweg und Bus", "Bäume und Klima"] * 15
    examples = [
        tagging.Example(value, ("mobility",) if "Rad" in value else ("environment",), rng.normal(size=384))
        for value in texts
    ]
    trained = tagging.TagClassifier.train(
        examples, ["mobility", "environment"], use_semantic=True, semantic_model="test"
    )
    assert trained.has_semantic
    embeddings = rng.normal(size=(1, 384)).astype(np.float32)
    lexical = trained.probabilities(["Radweg"])
    both = trained.probabilities(["Radweg"], embeddings)
    assert lexical.shape == both.shape == (1, 2)
    assert not np.allclose(lexical, both)


def test_cross_validation_learns_on_training_folds_and_reports_both_models():
    topics = {
        "mobility": "Radweg Busspur Ladesäule Carsharing Verkehr Parkplatz Bahnhof Fahrrad",
        "environment": "Baum Klima Feinstaub Luftqualität Grünfläche Regenwasser Hitze Umwelt",
        "economy": "Gründung Unternehmen Wirtschaft Handel Innenstadt Startup Gewerbe Arbeit",
    }
    texts, labels = [], []
    rng = np.random.default_rng(7)
    for label, words in topics.items():
        vocabulary = words.split()
        for _ in range(20):
            texts.append(" ".join(rng.choice(vocabulary, size=5)))
            labels.append((label,))
    result = evaluation.tag_cross_validation(texts, labels, list(topics), folds=4, seed=1)
    assert result.items == 60
    assert result.folds == 4
    assert not result.semantic
    assert result.engine.macro_f1 >= 0.9
    assert set(result.engine.per_label) == set(topics)
    assert 0.0 <= result.baseline.macro_f1 <= 1.0


def test_folds_are_stratified_by_the_rarest_label():
    label_sets = [("a",)] * 40 + [("a", "b")] * 10
    folds = evaluation.tag_folds(label_sets, ["a", "b"], folds=5, seed=0)
    assert len(folds) == 5
    for _train, test in folds:
        assert sum("b" in label_sets[row] for row in test) == 2
    assert sorted(np.concatenate([test for _train, test in folds]).tolist()) == list(range(50))


# --- The command ------------------------------------------------------------------------------------------------


def write_lines(path, lines):
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def test_suggest_tags_writes_labels_and_six_scores_per_item(demo_region, tmp_path):
    items = [
        {"id": "a", "title": FEINSTAUB, "summary": "Die Werte erscheinen im Klassenraum."},
        {"id": 7, "title": "Mobilstation am Bahnhof", "summary": "Leihräder, Carsharing und Bus an einem Ort."},
        {"id": "c", "title": "Ratsinformationssystem"},
    ]
    source = write_lines(tmp_path / "items.jsonl", [json.dumps(item, ensure_ascii=False) for item in items])
    target = tmp_path / "out.jsonl"
    out = StringIO()
    call_command(
        "suggest_tags", "--framework", "giffinger", "--input", str(source), "--output", str(target), stdout=out
    )
    lines = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
    assert [line["id"] for line in lines] == ["a", 7, "c"]
    for line in lines:
        assert set(line) == {"id", "labels", "scores"}
        assert line["labels"]
        assert sorted(line["scores"]) == sorted(SIX)
        assert all(0 <= value <= 1 for value in line["scores"].values())
    assert lines[0]["labels"][0] == "environment"
    assert "mobility" in lines[1]["labels"]
    assert "3 Einträge verschlagwortet" in out.getvalue()


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        (['{"id": 1, "title": "Gut"}', "kein json"], "Zeile 2: kein gültiges JSON"),
        (['{"id": 1, "summary": "ohne Titel"}'], "Zeile 1: „title“ fehlt"),
        (['{"id": 1, "title": "A"}', '{"id": 1, "title": "B"}'], "Zeile 2: die id 1 steht schon in Zeile 1"),
        (['["eine", "Liste"]'], "Zeile 1: erwartet wird ein JSON-Objekt"),
        (['{"title": "ohne id", "summary": 3}'], "Zeile 1: „id“ fehlt (Text oder Zahl); „summary“ muss ein Text sein"),
    ],
)
def test_suggest_tags_names_the_faulty_line_in_german_and_writes_nothing(demo_region, tmp_path, lines, message):
    source = write_lines(tmp_path / "items.jsonl", lines)
    target = tmp_path / "out.jsonl"
    with pytest.raises(CommandError) as raised:
        call_command("suggest_tags", "--input", str(source), "--output", str(target), "--quiet")
    assert message in str(raised.value)
    assert "nichts wurde geschrieben" in str(raised.value)
    assert not target.exists()


def test_suggest_tags_refuses_an_unknown_framework_and_a_missing_file(demo_region, tmp_path):
    source = write_lines(tmp_path / "items.jsonl", ['{"id": 1, "title": "Gut"}'])
    with pytest.raises(CommandError, match="Einen Ordnungsrahmen „gibtsnicht“ gibt es nicht"):
        call_command("suggest_tags", "--framework", "gibtsnicht", "--input", str(source), "--output", "y")
    with pytest.raises(CommandError, match="gibt es nicht"):
        call_command("suggest_tags", "--input", str(tmp_path / "fehlt.jsonl"), "--output", str(tmp_path / "o"))


def test_suggest_tags_exits_non_zero_on_bad_input(tmp_path):
    """As a person runs it: exit code 1 and the German message on stderr (the input is read before the database)."""
    source = write_lines(tmp_path / "items.jsonl", ['{"id": 1, "title": "Gut"}', "{kaputt"])
    finished = subprocess.run(  # noqa: S603 (a fixed command line)
        [sys.executable, "manage.py", "suggest_tags", "--skip-checks", "--input", str(source), "--output", "o.jsonl"],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        env={**os.environ, "DEBUG": "1"},
        check=False,
    )
    assert finished.returncode != 0
    assert "Zeile 2: kein gültiges JSON" in finished.stderr
    assert not (tmp_path / "o.jsonl").exists()


# --- Training, storage and retraining --------------------------------------------------------------------------------


def test_a_stored_model_serves_without_training_again(demo_region, monkeypatch):
    framework = Framework.objects.get(slug="giffinger")
    row = tagging.train(framework)
    assert TagModel.objects.filter(framework=framework).count() == 1
    assert row.fingerprint == tagging.fingerprint(framework)
    tagging._cache.clear()  # as after a restart

    def no_training(*args, **kwargs):
        raise AssertionError("trained again")

    monkeypatch.setattr(tagging, "train", no_training)
    found = tagging.classifier_for(framework)
    assert found.labels == SIX
    assert tagging.retrain_stale() == {}  # nothing changed


def test_confirmed_tags_feed_the_next_training(demo_region, django_capture_on_commit_callbacks):
    from smartstadt.inventory.services import entry_update

    framework = Framework.objects.get(slug="giffinger")
    before = tagging.train(framework)
    economy = Term.objects.get(framework=framework, code="economy")
    entry = Entry.objects.filter(terms__framework=framework).exclude(terms=economy).order_by("pk").first()
    with django_capture_on_commit_callbacks(execute=True):
        entry_update(actor=System("Test"), entry=entry, data={"terms": [*entry.terms.all(), economy]})
    after = TagModel.objects.get(framework=framework)  # the task trained anew and removed the old model
    assert after.pk != before.pk
    assert after.fingerprint != before.fingerprint
    assert after.fingerprint == tagging.fingerprint(framework)
    assert "economy" in tagging.confirmed_labels(framework)[1][entry.pk]


def test_without_a_stored_model_the_pages_leave_the_training_to_the_task(demo_region):
    TagModel.objects.all().delete()
    tagging._cache.clear()
    # the immediate task backend of the tests trains at once; a real worker would answer a moment later
    suggestions = tagging.suggest_terms(title=FEINSTAUB)
    assert suggestions is not None
    assert suggestions.first.term.code == "environment"
    assert TagModel.objects.filter(framework__slug="giffinger").count() == 1


def test_train_tag_models_command(demo_region):
    out = StringIO()
    call_command("train_tag_models", "--framework", "giffinger", "--force", stdout=out)
    assert "giffinger: neu trainiert mit" in out.getvalue()
    out = StringIO()
    call_command("train_tag_models", stdout=out)
    assert "nichts neu trainiert" in out.getvalue()
    with pytest.raises(CommandError, match="gibt es nicht"):
        call_command("train_tag_models", "--framework", "gibtsnicht")


def test_a_framework_with_too_few_tagged_entries_suggests_nothing(personas):
    framework = Framework.objects.create(slug="wenig", name="Wenig")
    Term.objects.create(framework=framework, code="eins", label="Eins")
    with pytest.raises(tagging.TaggingUnavailableError):
        tagging.classifier_for(framework)
    assert tagging.suggest_terms(title=FEINSTAUB, framework_slug="wenig") is None


# --- The entry forms ---------------------------------------------------------------------------------------------


def create_url(personas):
    return reverse("inventory:entry_create", kwargs={"municipality": personas.municipality_a.slug})


def form_data(personas, **extra):
    return {
        "title": FEINSTAUB,
        "kind": "project",
        "summary": "Messwerte der Luftqualität für den Unterricht.",
        "status": "running",
        "transferability": "not_assessed",
        **extra,
    }


def test_the_new_entry_form_shows_the_suggestion_box(client_as, personas):
    response = client_as("team_a").get(create_url(personas))
    assert response.status_code == 200
    assert 'id="tag-suggestions"' in response.content.decode()
    assert response.context["form"]._tag_suggestions is None  # no title yet


def test_updating_suggestions_without_javascript_shows_environment_first_and_saves_nothing(client_as, personas):
    count = Entry.objects.count()
    data = form_data(personas, suggest_tags="1", title=FEINSTAUB, lead_organisation="")
    data.pop("status")  # an incomplete draft: no error messages for an update of the suggestions
    response = client_as("team_a").post(create_url(personas), data)
    assert response.status_code == 200
    assert Entry.objects.count() == count
    page = response.content.decode()
    assert 'class="kern-alert kern-alert--danger"' not in page
    suggestions = response.context["form"]._tag_suggestions
    assert suggestions.first.term.code == "environment"
    assert f"<strong>{suggestions.first.term.label}</strong>" in page
    assert page.index("tag-suggestions") < page.index('name="terms"')  # beside the tag checkboxes


def test_updating_suggestions_with_htmx_returns_the_list_only(client_as, personas):
    environment = Term.objects.get(framework__slug="giffinger", code="environment")
    data = form_data(personas, suggest_tags="1", terms=[environment.pk])
    response = client_as("editor_a").post(create_url(personas), data, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    page = response.content.decode()
    assert "<html" not in page
    assert 'id="tag-suggestion-items"' in page
    assert f"<strong>{environment.label}</strong>" in page
    assert f"({gettext('ticked')})" in page  # the person ticked it already


@pytest.mark.parametrize(("who", "status"), [("anonymous", 302), ("citizen", 403), ("editor_b", 403)])
def test_suggestions_are_not_for_personas_who_may_not_create_entries(client_as, personas, who, status):
    response = client_as(who).post(create_url(personas), form_data(personas, suggest_tags="1"))
    assert response.status_code == status


def test_the_edit_form_suggests_from_the_saved_text(client_as, personas):
    from smartstadt.inventory.services import entry_create

    entry = entry_create(
        actor=personas.team_a,
        municipality=personas.municipality_a,
        data={"title": "Ladesäulen und Carsharing am Bahnhof", "summary": "Elektromobilität für Pendler."},
    )
    url = reverse("inventory:entry_edit", kwargs={"municipality": personas.municipality_a.slug, "slug": entry.slug})
    response = client_as("team_a").get(url)
    assert response.status_code == 200
    assert "mobility" in [item.term.code for item in response.context["form"]._tag_suggestions.terms]
    assert client_as("team_b").get(url).status_code in (403, 404)


def test_the_invitee_form_suggests_tags(personas, client, django_capture_on_commit_callbacks):
    from smartstadt.stocktaking import services
    from smartstadt.stocktaking.tests.conftest import token_from

    campaign = services.campaign_create(
        actor=personas.team_a,
        municipality=personas.municipality_a,
        data={"title": "Umfrage", "message": "Bitte", "deadline": timezone.localdate() + datetime.timedelta(days=9)},
    )
    [invitation] = services.invitation_create(
        actor=personas.team_a, campaign=campaign, invitees=[(personas.organisation_a, "a@stadtwerke-a.example")]
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.invitation_send(actor=personas.team_a, invitation=invitation)
    token = token_from(mail.outbox[-1])
    url = reverse("stocktaking:invitee_entry_create", kwargs={"token": token})
    count = Entry.objects.count()
    response = client.post(url, form_data(personas, suggest_tags="1"))
    assert response.status_code == 200
    assert Entry.objects.count() == count
    assert response.context["form"]._tag_suggestions.first.term.code == "environment"
    assert client.post(reverse("stocktaking:invitee_entry_create", kwargs={"token": "x" * 43})).status_code == 404


# --- The import preview ------------------------------------------------------------------------------------------


def test_the_import_preview_suggests_a_dimension_for_rows_without_one(personas):
    from smartstadt.inventory.spreadsheets import import_entries
    from smartstadt.inventory.tests.spreadsheet_helpers import xlsx

    rows = [
        {"Externe ID": "T-1", "Titel": FEINSTAUB, "Kurzbeschreibung": "Messwerte für den Unterricht."},
        {"Externe ID": "T-2", "Titel": "Radwege", "Schlagworte": "giffinger:mobility"},
    ]
    result = import_entries(
        actor=System("Test"), municipality=personas.municipality_a, data=xlsx(rows), filename="neu.xlsx", dry_run=True
    )
    assert not result.errors
    by_key = {row.key: row for row in result.rows}
    assert by_key["T-1"].suggested[0]["code"] == "environment"
    assert 0 < by_key["T-1"].suggested[0]["score"] <= 1
    assert by_key["T-2"].suggested == []  # tagged already
    assert by_key["T-1"].as_dict()["suggested"] == by_key["T-1"].suggested
