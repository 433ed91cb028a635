"""Rendering a document to bytes: used alike by the background task and by ``manage.py render_strategy``."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.utils.text import slugify

from smartstadt.strategy.models import Strategy, StrategyVersion

from . import html, word
from .content import Progress, StrategyDocument, _no_progress, build_strategy_document
from .models import DocumentFormat, DocumentKind

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


_PAGE = re.compile(r"Creating layout - Page (\d+)")


class _LayoutProgress(logging.Handler):
    """WeasyPrint logs every page it lays out; that is the progress of the longest step."""

    def __init__(self, progress: Progress, expected_pages: int, start: int, end: int) -> None:
        super().__init__(level=logging.INFO)
        self.progress, self.expected, self.start, self.end = progress, max(expected_pages, 1), start, end

    def emit(self, record: logging.LogRecord) -> None:
        found = _PAGE.search(record.getMessage())
        if found:
            page = int(found.group(1))
            share = min(page / self.expected, 1.0)
            self.progress(self.start + int((self.end - self.start) * share), f"Seite {page} setzen")


@contextmanager
def _weasyprint_progress(progress: Progress, expected_pages: int, start: int, end: int) -> Iterator[None]:
    logger = logging.getLogger("weasyprint.progress")
    handler = _LayoutProgress(progress, expected_pages, start, end)
    previous, propagate = logger.level, logger.propagate
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False  # the pages are progress, not log lines
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(previous)
        logger.propagate = propagate


def filename(doc: StrategyDocument, kind: str, extension: str, measure: str = "") -> str:
    base = {"strategy": doc.title, "council": f"Beschlussvorlage {doc.title}", "measure": f"Massnahme {measure}"}[kind]
    version = f"fassung-{doc.version_number}" if doc.version_number else "arbeitsstand"
    return f"{slugify(base)}-{version}.{extension}"


def _pdf(source_html: str, progress: Progress, expected_pages: int) -> tuple[bytes, int]:
    progress(30, "PDF setzen")
    with _weasyprint_progress(progress, expected_pages, 30, 95):
        pdf = html.html_to_pdf(source_html)
    return pdf.content, pdf.pages


def render(
    *,
    strategy: Strategy,
    kind: str,
    format: str,
    version: StrategyVersion | None = None,
    measure_number: str = "",
    progress: Progress = _no_progress,
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
