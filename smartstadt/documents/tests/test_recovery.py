"""A rendering that cannot be downloaded is never a dead end: a missing file offers "Dokument neu erzeugen"
(never a 500), a rendering whose worker died is shown as failed with "Neu starten"."""

from __future__ import annotations

from django.tasks import TaskResultStatus
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from smartstadt.core import jobs
from smartstadt.documents.models import RenderedDocument, RenderStatus
from smartstadt.participation.tests.factories import ProcessFactory


def _render(client, strategy, capture, **data):
    payload = {"kind": "strategy", "format": "html", "source": "arbeitsstand", "measure": ""} | data
    with capture(execute=True):
        client.post(reverse("documents:list", args=[strategy.pk]), payload)
    return RenderedDocument.objects.latest("pk")


def test_a_document_whose_file_is_missing_offers_to_render_it_again(
    strategy_a, client_as, django_capture_on_commit_callbacks
):
    client = client_as("team_a")
    document = _render(client, strategy_a, django_capture_on_commit_callbacks)
    assert document.status == RenderStatus.DONE
    document.file.storage.delete(document.file.name)  # as after restoring the database without its media
    download = client.get(document.get_download_url())
    assert download.status_code == 302
    assert download["Location"] == document.get_absolute_url()
    page = client.get(document.get_absolute_url()).content.decode()
    assert "Dokument neu erzeugen" in page
    assert document.get_restart_url() in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(document.get_restart_url())
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.status == RenderStatus.DONE
    assert document.file.storage.exists(document.file.name)
    assert client.get(document.get_download_url()).status_code == 200


def test_a_report_whose_file_is_missing_offers_to_render_it_again(personas, client_as):
    process = ProcessFactory(municipality=personas.municipality_a)
    document = RenderedDocument.objects.create(
        process=process, kind="participation", format="html", status=RenderStatus.DONE, file="gone/bericht.html"
    )
    client = client_as("team_a")
    assert client.get(document.get_download_url()).status_code == 302
    page = client.get(document.get_absolute_url()).content.decode()
    assert "Dokument neu erzeugen" in page
    assert client_as("team_b").post(document.get_restart_url()).status_code in (403, 404)


def test_a_rendering_whose_worker_died_too_often_fails_and_can_be_started_again(
    strategy_a, client_as, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    settings.TASK_MAX_ATTEMPTS = 2
    client = client_as("team_a")
    document = _render(client, strategy_a, django_capture_on_commit_callbacks)
    task = DBTaskResult.objects.get(task_path="smartstadt.documents.tasks.render_document")
    # What two killed workers leave behind: the task claimed twice, the document at its last percentage.
    DBTaskResult.objects.filter(pk=task.pk).update(status=TaskResultStatus.RUNNING, worker_ids=["w1", "w2"])
    RenderedDocument.objects.filter(pk=document.pk).update(status=RenderStatus.RUNNING, progress=30)
    jobs.recover_lost_tasks(dead={"w2"})
    document.refresh_from_db()
    assert document.status == RenderStatus.FAILED
    assert "ausgefallen" in document.error
    page = client.get(document.get_absolute_url()).content.decode()
    assert "Neu starten" in page
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        client.post(document.get_restart_url())
    document.refresh_from_db()
    assert (document.status, document.progress) == (RenderStatus.DONE, 100)


def test_a_finished_document_is_not_rendered_again(strategy_a, client_as, django_capture_on_commit_callbacks):
    client = client_as("team_a")
    document = _render(client, strategy_a, django_capture_on_commit_callbacks)
    name = document.file.name
    client.post(document.get_restart_url())
    document.refresh_from_db()
    assert document.file.name == name


def test_a_public_rendering_stuck_for_long_does_not_block_the_public_download(
    strategy_a, client_as, django_capture_on_commit_callbacks
):
    import datetime

    from django.utils import timezone

    from smartstadt.core.permissions import System
    from smartstadt.strategy.services import strategy_set_published, version_freeze

    strategy_set_published(actor=System("Test"), strategy=strategy_a, published=True)
    version = version_freeze(actor=System("Test"), strategy=strategy_a, label="beschlossen", kind="adopted")
    stuck = RenderedDocument.objects.create(
        strategy=strategy_a,
        version=version,
        kind="council",
        format="pdf",
        status=RenderStatus.RUNNING,
        progress=30,
        created_at=timezone.now() - datetime.timedelta(hours=1),
    )
    payload = {"kind": "council", "format": "pdf", "source": str(version.number), "measure": ""}
    with django_capture_on_commit_callbacks(execute=True):
        response = client_as("anonymous").post(reverse("documents:list", args=[strategy_a.pk]), payload)
    fresh = RenderedDocument.objects.exclude(pk=stuck.pk).get()
    assert response["Location"] == fresh.get_absolute_url()
    assert fresh.status == RenderStatus.DONE
