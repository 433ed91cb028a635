"""The participation report for every shape of process a team can create, in every format, rendered as the
documents' worker renders it (a ``RenderedDocument`` through its task), and its page."""

from __future__ import annotations

import datetime
import io
import zipfile
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from smartstadt.core.permissions import System
from smartstadt.core.tests.factories import UserFactory
from smartstadt.documents.models import RenderedDocument, RenderStatus
from smartstadt.documents.services import report_request
from smartstadt.participation.models import Process, Support, Workshop
from smartstadt.participation.report import FORMATS, build_report

from .factories import CommentFactory, IdeaFactory, PhaseFactory, ProcessFactory


def _no_phases(process: Process) -> None:
    IdeaFactory(process=process, title="Idee ohne Phase")


def _undated_phases(process: Process) -> None:
    PhaseFactory(process=process, title="Ideen sammeln", starts_on=None, ends_on=None)
    PhaseFactory(process=process, title="Auswerten", starts_on=None, ends_on=timezone.localdate(), order=1)
    IdeaFactory(process=process, title="Idee in undatierter Phase")


def _no_contributions(process: Process) -> None:
    PhaseFactory(process=process)


def _only_workshops(process: Process) -> None:
    Workshop.objects.create(
        process=process,
        kind=Workshop.Kind.EXPERT_WORKSHOP,
        title="Werkstatt im Rathaus",
        held_on=datetime.date(2024, 3, 1),
        participant_count=12,
        results="Mehr Bänke.",
    )


def _hidden_only(process: Process) -> None:
    PhaseFactory(process=process)
    idea = IdeaFactory(process=process, title="Verborgene Idee", is_hidden=True, hidden_reason="Werbung")
    CommentFactory(idea=idea, is_hidden=True)
    Support.objects.create(idea=idea, user=UserFactory())


SHAPES: dict[str, Callable[[Process], None]] = {
    "no phases": _no_phases,
    "undated phases": _undated_phases,
    "no contributions": _no_contributions,
    "only workshops": _only_workshops,
    "hidden contributions only": _hidden_only,
}


@pytest.fixture(params=list(SHAPES))
def shaped(request: pytest.FixtureRequest, personas: Any) -> Process:
    process = ProcessFactory(municipality=personas.municipality_a, slug="form-a", title="Verfahren in Form")
    SHAPES[request.param](process)
    return process


def test_report_content_of_each_shape(shaped: Process) -> None:
    report = build_report(shaped)
    assert report.totals.ideas == (1 if shaped.ideas.filter(is_hidden=False).exists() else 0)
    assert len(report.phases) == shaped.phases.count()
    assert all(row.dates for row in report.phases)


@pytest.mark.parametrize("fmt", FORMATS)
def test_worker_renders_each_shape_in_each_format(
    shaped: Process, fmt: str, client_as: Any, django_capture_on_commit_callbacks: Any
) -> None:
    # As the team asks for it: the report's address starts the documents' task, the file is then downloaded.
    client = client_as("team_a")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(f"/arbeitsbereich/beteiligung/{shaped.slug}/bericht/beteiligungsbericht.{fmt}")
    assert response.status_code == 302
    document = RenderedDocument.objects.get(process=shaped, format=fmt)
    assert (document.status, document.error) == (RenderStatus.DONE, "")
    assert client.get(response["Location"]).status_code == 200
    download = client.get(document.get_download_url())
    assert download.status_code == 200
    content = b"".join(download.streaming_content)
    if fmt == "html":
        assert "Verfahren in Form" in content.decode()
    elif fmt == "pdf":
        assert content.startswith(b"%PDF-")
        assert document.page_count
    else:
        assert "word/document.xml" in zipfile.ZipFile(io.BytesIO(content)).namelist()


def test_worker_task_renders_a_shape_asked_for_by_the_system(
    django_capture_on_commit_callbacks: Any, personas: Any
) -> None:
    # The same task, started by a service call (as the command and the strategy document do), for the shape
    # that crashed: phases without dates.
    process = ProcessFactory(municipality=personas.municipality_a, slug="ohne-daten")
    _undated_phases(process)
    with django_capture_on_commit_callbacks(execute=True):
        document = report_request(actor=System("Test"), process=process, format="html")
    document.refresh_from_db()
    assert document.status == RenderStatus.DONE
    assert "ohne Datum" in document.file.read().decode()


def test_report_page_of_each_shape(shaped: Process, client_as: Any) -> None:
    response = client_as("team_a").get(f"/arbeitsbereich/beteiligung/{shaped.slug}/bericht/")
    assert response.status_code == 200
    assert b"beteiligungsbericht.pdf" in response.content
