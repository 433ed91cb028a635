"""PDF from HTML with WeasyPrint, in the house style of Smartstadt's documents.

:func:`stylesheet` is the one print style sheet (``static/documents/document.css``: A4, DejaVu Sans, the blue of
the headings, tables with grey lines, running header and footer with "Seite X von Y"); templates put it inside
the HTML, so that the HTML file reads on its own. :func:`html_to_pdf` makes a tagged PDF (PDF/UA-1, with title,
language and bookmarks from the headings); with a ``progress`` callback it reports the pages WeasyPrint lays out
(the longest step of a large document).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.staticfiles import finders

from .progress import Progress

STYLESHEET = "documents/document.css"
# PDF/UA-1: tagged PDF with the document's language and title (WeasyPrint takes both from the HTML).
PDF_VARIANT = "pdf/ua-1"


@cache
def stylesheet() -> str:
    """The documents' style sheet as text, to put into a ``<style>`` element of the document's HTML."""
    path = finders.find(STYLESHEET)
    if not path:
        path = str(Path(settings.BASE_DIR) / "static" / STYLESHEET)
    return Path(str(path)).read_text(encoding="utf-8")


@dataclass(frozen=True)
class Pdf:
    content: bytes
    pages: int


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
def layout_progress(progress: Progress, *, expected_pages: int, start: int, end: int) -> Iterator[None]:
    """While inside, every page WeasyPrint lays out moves ``progress`` from ``start`` towards ``end`` percent
    (``expected_pages`` is a guess; the bar stops at ``end`` if there are more)."""
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


def _page_references(pdf: Any) -> tuple[bytes, ...]:
    """pydyf's ``PDF.page_references``, computed once per number of pages instead of on every access."""
    kids = pdf.pages["Kids"]
    cached = pdf.__dict__.get("_page_references")
    if cached is None or cached[0] != len(kids):
        cached = (len(kids), tuple(f"{number} 0 R".encode("ascii") for number in kids[::3]))
        pdf.__dict__["_page_references"] = cached
    return cached[1]


@cache
def _patch_pydyf() -> None:
    """WeasyPrint's tagging (PDF/UA) asks pydyf for the page references once per tagged box, and pydyf builds
    the tuple of all pages each time: quadratic in the pages (half the time of a 190-page strategy). The cached
    property returns the same tuple as long as no page is added."""
    import pydyf

    pydyf.PDF.page_references = property(_page_references)


def html_to_pdf(
    html: str, *, progress: Progress | None = None, expected_pages: int = 1, start: int = 0, end: int = 100
) -> Pdf:
    """A tagged A4 PDF (PDF/UA-1) of a standalone HTML document, with bookmarks from its headings.

    With ``progress``, the pages being laid out move it from ``start`` to ``end`` percent (see
    :func:`layout_progress`).
    """
    from weasyprint import HTML

    _patch_pydyf()
    if progress is None:
        return _render(HTML, html)
    with layout_progress(progress, expected_pages=expected_pages, start=start, end=end):
        return _render(HTML, html)


def _render(html_class: Any, html: str) -> Pdf:
    document = html_class(string=html, base_url=str(settings.BASE_DIR)).render(pdf_variant=PDF_VARIANT)
    content = document.write_pdf(pdf_variant=PDF_VARIANT)
    return Pdf(content=bytes(content or b""), pages=len(document.pages))
