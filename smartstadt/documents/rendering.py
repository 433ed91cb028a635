"""Rendering a document to bytes: used alike by the background task and by ``manage.py render_strategy``.

:func:`render_rendered` renders what a ``RenderedDocument`` asks for, whatever its kind: the strategy's documents
here (:func:`render`), the participation report by the participation app (``participation.report``), which lays
it out with the same kit.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.text import slugify

from smartstadt.strategy.models import Strategy, StrategyVersion

from . import html, word
from .content import StrategyDocument, build_strategy_document
from .kit.pdf import html_to_pdf
from .kit.progress import Progress, no_progress
from .models import DocumentFormat, DocumentKind, RenderedDocument

CONTENT_TYPES = {
    DocumentFormat.PDF: "application/pdf",
    DocumentFormat.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    DocumentFormat.HTML: "text/html; charset=utf-8",
}


class RenderError(Exception):
    """A document that cannot be rendered from this source (the message is German, for the user)."""


@dataclass(frozen=True)
class Output:
    content: bytes
    pages: int | None
    filename: str
    content_type: str


def filename(doc: StrategyDocument, kind: str, extension: str, measure: str = "") -> str:
    base = {"strategy": doc.title, "council": f"Beschlussvorlage {doc.title}", "measure": f"Massnahme {measure}"}[kind]
    version = f"fassung-{doc.version_number}" if doc.version_number else "arbeitsstand"
    return f"{slugify(base)}-{version}.{extension}"


def _pdf(source_html: str, progress: Progress, expected_pages: int) -> tuple[bytes, int]:
    progress(30, "PDF setzen")
    pdf = html_to_pdf(source_html, progress=progress, expected_pages=expected_pages, start=30, end=95)
    return pdf.content, pdf.pages


def render(
    *,
    strategy: Strategy,
    kind: str,
    format: str,
    version: StrategyVersion | None = None,
    measure_number: str = "",
    progress: Progress = no_progress,
) -> Output:
    """The file of one document; ``progress(percent, step)`` is told how far it got."""
    if format not in {f.value for f in DocumentFormat}:
        raise RenderError(f"Unbekanntes Format „{format}“: möglich sind pdf, docx und html.")
    if kind not in {k.value for k in DocumentKind}:
        raise RenderError(f"Unbekanntes Dokument „{kind}“: möglich sind strategy, council und measure.")
    if kind != DocumentKind.STRATEGY and format == DocumentFormat.HTML:
        raise RenderError("Beschlussvorlage und Steckbrief gibt es als PDF und DOCX, nicht als HTML.")
    doc = build_strategy_document(strategy, version=version, progress=progress)
    progress(20, "Dokument aufbauen")
    content_type = CONTENT_TYPES[DocumentFormat(format)]
    pages: int | None = None
    if kind == DocumentKind.MEASURE:
        sheet = doc.measure(measure_number)
        if sheet is None:
            raise RenderError(f"Die Fassung enthält keine Maßnahme mit der Nummer „{measure_number}“.")
        if format == DocumentFormat.PDF:
            content, pages = _pdf(html.measure_html(doc, sheet), progress, 2)
        else:
            content = word.measure_docx(doc, sheet)
    elif kind == DocumentKind.COUNCIL:
        if format == DocumentFormat.PDF:
            content, pages = _pdf(html.council_html(doc), progress, 3 + len(doc.measures) // 25)
        else:
            content = word.council_docx(doc)
    elif format == DocumentFormat.HTML:
        content = html.strategy_html(doc).encode("utf-8")
    elif format == DocumentFormat.PDF:
        expected = 12 + len(doc.measures) * 1.1 + len(doc.inventory.entries) / 30
        content, pages = _pdf(html.strategy_html(doc), progress, int(expected))
    else:
        content = word.strategy_docx(doc, progress=progress)
    progress(98, "Datei speichern")
    return Output(
        content=content,
        pages=pages,
        filename=filename(doc, kind, format, measure_number),
        content_type=content_type,
    )


def render_rendered(document: RenderedDocument, *, progress: Progress = no_progress) -> Output:
    """The file a requested rendering asks for (the background task's one entry point)."""
    if document.kind == DocumentKind.PARTICIPATION:
        return _participation_report(document, progress)
    if document.strategy is None:
        raise RenderError("Das Dokument nennt keine Strategie.")
    return render(
        strategy=document.strategy,
        kind=document.kind,
        format=document.format,
        version=document.version,
        measure_number=document.measure_number,
        progress=progress,
    )


def _participation_report(document: RenderedDocument, progress: Progress) -> Output:
    # The report's content and layout belong to the participation app; this app only runs and stores it.
    from smartstadt.participation.report import ReportError, render_report

    if document.process is None:
        raise RenderError("Der Bericht nennt kein Beteiligungsverfahren.")
    try:
        report = render_report(document.process, format=document.format, progress=progress)
    except ReportError as error:
        raise RenderError(str(error)) from error
    return Output(
        content=report.content, pages=report.pages, filename=report.filename, content_type=report.content_type
    )
