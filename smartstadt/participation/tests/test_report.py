"""The participation report: its content, the three formats, the command and the team's download page."""

from __future__ import annotations

import datetime
import io
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from smartstadt.core.permissions import System
from smartstadt.core.tests.factories import UserFactory
from smartstadt.documents.models import RenderedDocument, RenderStatus
from smartstadt.documents.services import report_request
from smartstadt.participation.models import (
    AgeGroup,
    IdeaStatus,
    ParticipantProfile,
    Process,
    Support,
    Workshop,
)
from smartstadt.participation.report import (
    NO_AGE_STRUCTURE,
    build_report,
    participation_chapter,
    render_report,
    report_docx,
    report_html,
)
from smartstadt.regions.models import DistrictKind
from smartstadt.regions.tests.factories import DistrictFactory
from smartstadt.strategy.tests.factories import MeasureFactory, StrategyFactory

from .factories import CommentFactory, IdeaFactory


@pytest.fixture
def filled(process: Process, personas: Any) -> Process:
    """Two boroughs (one with a quarter), four citizens with statistics, ideas, comments, supports, an answer and a
    workshop."""
    strategy: Any = StrategyFactory(municipality=personas.municipality_a)
    process.strategy = strategy
    process.save()
    north: Any = DistrictFactory(
        municipality=personas.municipality_a, name="Nord", kind=DistrictKind.BOROUGH, population=30000
    )
    south = DistrictFactory(
        municipality=personas.municipality_a, name="Süd", kind=DistrictKind.BOROUGH, population=10000
    )
    quarter: Any = DistrictFactory(municipality=personas.municipality_a, name="Südhafen", parent=south)
    citizens: list[Any] = [UserFactory(username=f"bericht-{n}") for n in range(4)]
    for user, district, age in zip(
        citizens,
        [north, quarter, quarter, None],
        [AgeGroup.FROM_30, AgeGroup.FROM_30, AgeGroup.FROM_65, ""],
        strict=True,
    ):
        ParticipantProfile.objects.create(user=user, district=district, age_group=age)
    measure = MeasureFactory(strategy=strategy, number="4.2", title="Sensoren für Luftqualität")
    taken: Any = IdeaFactory(
        process=process,
        author=citizens[0],
        title="Luftmessung an Schulen",
        text="Sensoren für Luftqualität und Feinstaub an allen Schulen.",
        status=IdeaStatus.TAKEN,
        answer="Übernommen in Maßnahme 4.2.",
        answered_at=timezone.now(),
        measure=measure,
        support_count=2,
    )
    IdeaFactory(process=process, author=citizens[1], title="Busse im Takt", text="Echtzeitdaten für den Bus.")
    IdeaFactory(process=process, author=citizens[1], title="Verborgen", is_hidden=True, hidden_reason="Werbung")
    CommentFactory(idea=taken, author=citizens[2])
    Support.objects.create(idea=taken, user=citizens[2])
    Support.objects.create(idea=taken, user=citizens[3])
    Workshop.objects.create(
        process=process,
        kind=Workshop.Kind.CITIZENS_FORUM,
        title="Bürgerforum im Rathaus",
        held_on=datetime.date(2023, 1, 20),
        place="Rathaus",
        participant_count=40,
        participant_kinds="Bürgerinnen und Bürger, Verwaltung",
        results="Mehr Bänke.\n\nMehr Schatten.",
    )
    return process


def test_report_figures_representativeness_topics_workshops_answers(filled: Process) -> None:
    report = build_report(filled)
    totals = report.totals
    assert (totals.ideas, totals.comments, totals.supports) == (2, 1, 2)  # the hidden idea does not count
    assert totals.workshop_participants == 40
    assert totals.participants == 4 + 40  # four accounts (the hidden idea's author too) and the forum
    phase = report.phases[0]
    assert (phase.ideas, phase.comments, phase.supports) == (2, 1, 2)
    assert sum(row.ideas for row in report.months) == 2

    rep = report.representativeness
    assert (rep.participants, rep.with_district, rep.with_age) == (4, 3, 3)
    by_name = {share.label: share for share in rep.districts}
    assert set(by_name) == {"Nord", "Süd"}  # quarters count for their borough
    assert (by_name["Nord"].participants, by_name["Süd"].participants) == (1, 2)
    assert by_name["Süd"].participants_percent == pytest.approx(66.7)
    assert (by_name["Nord"].population_percent, by_name["Süd"].population_percent) == (75.0, 25.0)
    assert by_name["Süd"].difference == pytest.approx(41.7)
    ages = {share.label: share.participants for share in rep.ages}
    assert ages["30 bis 44"] == 2
    assert ages["65 und älter"] == 1
    assert rep.age_note == NO_AGE_STRUCTURE

    topics = report.topics
    assert sum(topic.count for topic in topics.dimensions) == 2  # every visible idea in exactly one dimension
    assert "Analyse-Engine" in topics.method
    assert [(topic.label, topic.count) for topic in topics.fields_of_action] == [("ohne Handlungsfeld", 2)]

    assert [workshop.title for workshop in report.workshops] == ["Bürgerforum im Rathaus"]
    assert report.workshops[0].results == ["Mehr Bänke.", "Mehr Schatten."]
    assert dict(report.status_counts)["in die Strategie übernommen"] == 1
    assert dict(report.status_counts)["eingegangen"] == 1
    (answer,) = report.answers
    assert (answer.title, answer.measure) == ("Luftmessung an Schulen", "4.2 Sensoren für Luftqualität")


def test_phase_without_end_counts_until_the_next_phase(filled: Process) -> None:
    from .factories import PhaseFactory

    first = filled.phases.get()
    first.ends_on = None
    first.starts_on = timezone.localdate() - datetime.timedelta(days=30)
    first.save()
    PhaseFactory(process=filled, title="Später", starts_on=timezone.localdate() - datetime.timedelta(days=5), order=1)
    filled.ideas.update(created_at=timezone.now() - datetime.timedelta(days=10))
    rows = {row.title: row for row in build_report(filled).phases}
    assert rows["Ideen sammeln"].ideas == 2
    assert rows["Später"].ideas == 0
    assert rows["Ideen sammeln"].dates.endswith(
        (timezone.localdate() - datetime.timedelta(days=6)).strftime("%d.%m.%Y")
    )


def test_html_pdf_and_docx_open_with_the_content(filled: Process) -> None:
    report = build_report(filled)
    html = report_html(report)
    assert html.startswith("<!DOCTYPE html>")
    assert 'lang="de"' in html
    for text in ("Beteiligungsbericht", "Luftmessung an Schulen", "Bürgerforum im Rathaus", "Nord", NO_AGE_STRUCTURE):
        assert text in html
    pdf = render_report(filled, format="pdf")
    assert pdf.content.startswith(b"%PDF-")
    assert pdf.content.rstrip().endswith(b"%%EOF")
    assert pdf.filename == "beteiligungsbericht-ideen-a.pdf"
    assert pdf.content_type == "application/pdf"
    import docx

    document = docx.Document(io.BytesIO(report_docx(report)))
    text = "\n".join(paragraph.text for paragraph in document.paragraphs)
    cells = "\n".join(cell.text for table in document.tables for row in table.rows for cell in row.cells)
    assert "Beteiligungsbericht: Ideen für Stadt A" in text
    assert "Bürgerforum im Rathaus" in text
    assert "Übernommen in Maßnahme 4.2." in text
    assert "Nord" in cells
    assert "75,0 %" in cells
    assert document.core_properties.title == "Beteiligungsbericht: Ideen für Stadt A"


def test_participation_chapter_gives_the_reports_of_the_strategy(filled: Process, personas: Any) -> None:
    chapter = participation_chapter(filled.strategy)
    assert chapter is not None
    assert [report.process_title for report in chapter.reports] == ["Ideen für Stadt A"]
    assert chapter.totals.ideas == 2
    assert chapter.taken == 1
    assert participation_chapter(StrategyFactory(municipality=personas.municipality_b)) is None


@pytest.mark.parametrize("fmt", ["html", "pdf", "docx"])
def test_command_writes_the_report(filled: Process, tmp_path: Path, fmt: str) -> None:
    output = tmp_path / f"bericht.{fmt}"
    call_command("render_participation_report", "--process", "ideen-a", "--format", fmt, "--output", str(output))
    content = output.read_bytes()
    if fmt == "html":
        assert "Luftmessung an Schulen" in content.decode()
    elif fmt == "pdf":
        assert content.startswith(b"%PDF-")
    else:
        assert "word/document.xml" in zipfile.ZipFile(io.BytesIO(content)).namelist()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--process", "gibt-es-nicht", "--format", "pdf"], "Es gibt kein Beteiligungsverfahren „gibt-es-nicht“"),
        (["--process", "ideen-a", "--format", "odt"], "Unbekanntes Format „odt“ (--format)"),
    ],
)
def test_command_refuses_bad_input_in_german(filled: Process, tmp_path: Path, args: list[str], message: str) -> None:
    output = tmp_path / "bericht.out"
    with pytest.raises(CommandError, match=re.escape(message)):
        call_command("render_participation_report", *args, "--output", str(output))
    assert not output.exists()


def test_command_refuses_a_missing_folder(filled: Process, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="existiert nicht"):
        call_command(
            "render_participation_report",
            "--process",
            "ideen-a",
            "--format",
            "html",
            "--output",
            str(tmp_path / "fehlt" / "b.html"),
        )


@pytest.mark.parametrize(
    ("who", "status"),
    [("team_a", 200), ("platform_admin", 200), ("team_b", 403), ("moderator_a", 403), ("citizen", 403)],
)
def test_report_page_for_the_team_only(filled: Process, client_as: Any, personas: Any, who: str, status: int) -> None:
    client = personas.client(who)
    response = client.get(f"/arbeitsbereich/beteiligung/{filled.slug}/bericht/")
    assert response.status_code == status
    if status == 200:
        assert b"beteiligungsbericht.pdf" in response.content
        assert b"beteiligungsbericht.docx" in response.content


def test_report_page_sends_anonymous_visitors_to_the_login(filled: Process, client_as: Any) -> None:
    response = client_as("anonymous").get(f"/arbeitsbereich/beteiligung/{filled.slug}/bericht/")
    assert response.status_code == 302
    assert "/anmelden/" in response["Location"]


@pytest.mark.parametrize(
    ("fmt", "content_type", "disposition"),
    [
        ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "attachment"),
        ("html", "text/html; charset=utf-8", "inline"),
        ("pdf", "application/pdf", "attachment"),
    ],
)
def test_download_in_each_format(
    filled: Process,
    client_as: Any,
    fmt: str,
    content_type: str,
    disposition: str,
    django_capture_on_commit_callbacks: Any,
) -> None:
    # The report's address starts a rendering in the documents' worker and shows its progress, then the file.
    client = client_as("team_a")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(f"/arbeitsbereich/beteiligung/{filled.slug}/bericht/beteiligungsbericht.{fmt}")
    document = RenderedDocument.objects.get(process=filled)
    assert response.status_code == 302
    assert response["Location"] == f"/arbeitsbereich/beteiligung/{filled.slug}/bericht/{document.pk}/"
    assert (document.kind, document.format, document.status) == ("participation", fmt, RenderStatus.DONE)
    assert document.strategy is None
    assert document.file.name.endswith(f"beteiligungsbericht-ideen-a.{fmt}")
    assert (document.page_count is not None) == (fmt == "pdf")
    page = client.get(response["Location"]).content.decode()
    assert document.get_download_url() in page
    assert (
        document.get_download_url()
        in client.get(f"/arbeitsbereich/beteiligung/{filled.slug}/bericht/").content.decode()
    )
    download = client.get(document.get_download_url())
    assert download.status_code == 200
    assert download["Content-Type"] == content_type
    assert download["Content-Disposition"].startswith(disposition)
    content = b"".join(download.streaming_content)
    if fmt == "html":
        assert "Luftmessung an Schulen" in content.decode()
        assert download["Content-Security-Policy"].startswith("default-src 'none'")


def test_progress_while_rendering_and_one_rendering_at_a_time(filled: Process, client_as: Any) -> None:
    # Without running the worker (no on-commit callbacks): the page polls the progress, a second request for
    # the same format gets the same rendering.
    client = client_as("team_a")
    path = f"/arbeitsbereich/beteiligung/{filled.slug}/bericht/beteiligungsbericht.pdf"
    first, second = client.get(path), client.get(path)
    document = RenderedDocument.objects.get(process=filled)
    assert first["Location"] == second["Location"] == document.get_absolute_url()
    page = client.get(document.get_absolute_url()).content.decode()
    assert "<progress" in page
    assert 'hx-trigger="every 1s"' in page
    fragment = client.get(f"{document.get_absolute_url()}?partial=progress", headers={"HX-Request": "true"})
    assert fragment.content.decode().lstrip().startswith('<div id="document-progress"')
    assert client.get(document.get_download_url()).status_code == 404  # not ready yet


def test_download_forbidden_for_another_team_and_unknown_format(
    filled: Process, client_as: Any, django_capture_on_commit_callbacks: Any
) -> None:
    path = f"/arbeitsbereich/beteiligung/{filled.slug}/bericht/beteiligungsbericht"
    assert client_as("team_b").get(f"{path}.pdf").status_code == 403
    assert client_as("team_a").get(f"{path}.odt").status_code == 404
    assert not RenderedDocument.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        document = report_request(actor=System("Test"), process=filled, format="html")
    for who in ("team_b", "moderator_a", "citizen"):
        assert client_as(who).get(document.get_absolute_url()).status_code == 403
        assert client_as(who).get(document.get_download_url()).status_code == 403
    assert client_as("anonymous").get(document.get_download_url()).status_code == 302  # to the login


def test_team_area_links_to_the_report(filled: Process, client_as: Any) -> None:
    page = client_as("team_a").get(f"/arbeitsbereich/beteiligung/{filled.slug}/").content.decode()
    assert f'href="/arbeitsbereich/beteiligung/{filled.slug}/bericht/"' in page
