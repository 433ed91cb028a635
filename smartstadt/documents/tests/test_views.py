"""Document pages: who may render and download, the task's progress and file, htmx polling."""

from __future__ import annotations

import pytest
from django.urls import reverse

from smartstadt.core.permissions import System
from smartstadt.documents import tasks, word
from smartstadt.documents.models import RenderedDocument, RenderStatus
from smartstadt.documents.services import document_request
from smartstadt.participation.tests.factories import ProcessFactory
from smartstadt.strategy.services import strategy_set_published, version_freeze


def _post(client, strategy, **data):
    payload = {"kind": "strategy", "format": "docx", "source": "arbeitsstand", "measure": ""} | data
    return client.post(reverse("documents:list", args=[strategy.pk]), payload)


def test_team_renders_the_working_state_and_downloads_it(strategy_a, client_as, django_capture_on_commit_callbacks):
    client = client_as("team_a")
    assert client.get(reverse("documents:list", args=[strategy_a.pk])).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(client, strategy_a)
    document = RenderedDocument.objects.get()
    assert response.status_code == 302
    assert response["Location"] == document.get_absolute_url()
    assert (document.status, document.progress) == (RenderStatus.DONE, 100)
    assert document.file.name.endswith("smart-city-strategie-a-arbeitsstand.docx")
    page = client.get(document.get_absolute_url())
    assert document.get_download_url() in page.content.decode()
    download = client.get(document.get_download_url())
    assert download.status_code == 200
    assert download["Content-Type"].startswith("application/vnd.openxmlformats")
    assert b"".join(download.streaming_content).startswith(b"PK")


@pytest.mark.parametrize(("who", "status"), [("anonymous", 404), ("editor_b", 403), ("team_b", 403), ("citizen", 403)])
def test_others_may_not_render_or_download_a_draft(strategy_a, client_as, who, status):
    document = document_request(actor=System("Test"), strategy=strategy_a, kind="strategy", format="html")
    client = client_as(who)
    assert _post(client, strategy_a).status_code == status
    assert client.get(document.get_absolute_url()).status_code == status
    assert client.get(document.get_download_url()).status_code == status
    assert RenderedDocument.objects.count() == 1


def test_member_sees_the_page_but_may_not_render_the_working_state(strategy_a, client_as):
    client = client_as("editor_a")  # reads the working state, does not publish documents of it
    page = client.get(reverse("documents:list", args=[strategy_a.pk]))
    assert page.status_code == 200
    assert 'name="source"' not in page.content.decode()
    assert _post(client, strategy_a).status_code == 403


def test_anybody_gets_a_frozen_version_of_a_published_strategy(
    strategy_a, client_as, personas, django_capture_on_commit_callbacks
):
    strategy_set_published(actor=System("Test"), strategy=strategy_a, published=True)
    version = version_freeze(actor=System("Test"), strategy=strategy_a, label="beschlossene Fassung", kind="adopted")
    client = client_as("anonymous")
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(client, strategy_a, source=str(version.number), kind="council")
    document = RenderedDocument.objects.get()
    assert response.status_code == 302
    assert document.version == version
    assert document.created_by is None
    assert client.get(document.get_download_url()).status_code == 200
    # asking again hands out the same rendering instead of keeping the worker busy
    _post(client, strategy_a, source=str(version.number), kind="council")
    assert RenderedDocument.objects.count() == 1
    # the working state of a published strategy stays the team's
    assert _post(client, strategy_a).status_code == 400
    assert RenderedDocument.objects.count() == 1


def test_an_internal_frozen_version_of_a_published_strategy_stays_the_teams(strategy_a, client_as, personas):
    strategy_set_published(actor=System("Test"), strategy=strategy_a, published=True)
    internal = version_freeze(actor=System("Test"), strategy=strategy_a, label="Entwurf 1")
    document = document_request(
        actor=personas.team_a, strategy=strategy_a, kind="strategy", format="html", version=internal
    )
    client = client_as("anonymous")
    page = client.get(reverse("documents:list", args=[strategy_a.pk])).content.decode()
    assert "Entwurf 1" not in page
    assert _post(client, strategy_a, source=str(internal.number)).status_code == 403
    assert client.get(document.get_absolute_url()).status_code == 404
    assert client.get(document.get_download_url()).status_code == 404
    assert RenderedDocument.objects.count() == 1
    # Once a published participation process puts it up for comment, the team has made it public.
    ProcessFactory(municipality=personas.municipality_a, strategy=strategy_a, draft_version=internal)
    assert client.get(document.get_absolute_url()).status_code == 200


def test_bad_choice_names_the_field(strategy_a, client_as):
    response = _post(client_as("team_a"), strategy_a, kind="measure", measure="")
    assert response.status_code == 400
    assert 'aria-invalid="true"' in response.content.decode() or "measure" in response.content.decode()
    response = _post(client_as("team_a"), strategy_a, kind="council", format="html")
    assert response.status_code == 400
    assert RenderedDocument.objects.count() == 0


def test_progress_page_polls_with_htmx_and_has_a_link_without_javascript(strategy_a, client_as):
    document = document_request(actor=System("Test"), strategy=strategy_a, kind="strategy", format="pdf")
    client = client_as("team_a")
    page = client.get(document.get_absolute_url()).content.decode()
    assert '<progress id="document-progress-bar" max="100" value="0">' in page
    assert 'hx-trigger="every 1s"' in page
    assert f'href="{document.get_absolute_url()}"' in page  # update the status without JavaScript
    fragment = client.get(document.get_absolute_url() + "?partial=progress", headers={"HX-Request": "true"})
    assert fragment.content.decode().lstrip().startswith('<div id="document-progress"')


def test_task_reports_progress_while_rendering_and_stores_the_file(strategy_a, monkeypatch):
    document = RenderedDocument.objects.create(strategy=strategy_a, kind="strategy", format="docx")
    seen = []
    original = word.strategy_docx

    def spy(doc, *, progress):
        progress(50, "Halbzeit")
        row = RenderedDocument.objects.get(pk=document.pk)
        seen.append((row.status, row.progress, row.step))
        return original(doc, progress=progress)

    monkeypatch.setattr(word, "strategy_docx", spy)
    result = tasks.render_document.call(document_id=document.pk)
    document.refresh_from_db()
    assert seen == [(RenderStatus.RUNNING, 50, "Halbzeit")]
    assert result["status"] == "done"
    assert (document.status, document.progress, document.error) == (RenderStatus.DONE, 100, "")
    assert document.file.read().startswith(b"PK")
    assert document.finished_at is not None


def test_task_stores_a_german_error_when_the_measure_is_gone(strategy_a):
    document = RenderedDocument.objects.create(strategy=strategy_a, kind="measure", format="pdf", measure_number="1")
    strategy_a.measures.filter(number="1").delete()
    tasks.render_document.call(document_id=document.pk)
    document.refresh_from_db()
    assert document.status == RenderStatus.FAILED
    assert "keine Maßnahme mit der Nummer „1“" in document.error
    assert not document.file


def test_documents_page_query_count_does_not_grow(strategy_a, client_as, django_assert_max_num_queries):
    for _ in range(15):
        document_request(actor=System("Test"), strategy=strategy_a, kind="strategy", format="html")
    client = client_as("team_a")
    with django_assert_max_num_queries(25):
        assert client.get(reverse("documents:list", args=[strategy_a.pk])).status_code == 200
