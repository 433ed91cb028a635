"""HTML of the documents (a standalone page with its style sheet inside) and PDF from it with WeasyPrint."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

from .content import MeasureSheet, StrategyDocument

STYLESHEET = "documents/document.css"
# PDF/UA-1: tagged PDF with the document's language and title (WeasyPrint takes both from the HTML).
PDF_VARIANT = "pdf/ua-1"


@cache
def stylesheet() -> str:
    path = finders.find(STYLESHEET)
    if not path:
        path = str(Path(settings.BASE_DIR) / "static" / STYLESHEET)
    return Path(str(path)).read_text(encoding="utf-8")


def chapters(doc: StrategyDocument) -> list[tuple[str, str]]:
    chapters = [
        ("zusammenfassung", "1 Zusammenfassung"),
        ("vision", "2 Vision und Leitsätze"),
        ("ist-analyse", "3 Ist-Analyse"),
        ("ziele", "4 Ziele und Herausforderungen"),
        ("handlungsfelder", "5 Handlungsfelder"),
        ("massnahmen", "6 Maßnahmen"),
        ("fahrplan", "7 Umsetzungsfahrplan"),
    ]
    if doc.participation is not None:
        chapters.append(("beteiligung", "8 Beteiligung"))
    chapters.append(("anhang", "Anhang: Einträge im Bestand"))
    return chapters


def strategy_html(doc: StrategyDocument) -> str:
    return render_to_string(
        "documents/strategy_document.html",
        {
            "doc": doc,
            "chapters": chapters(doc),
            "title": f"{doc.title} – {doc.version_label}",
            "author": doc.author,
            "description": f"Smart-City-Strategie von {doc.author}, {doc.subtitle}",
            "css": stylesheet(),
        },
    )


def council_html(doc: StrategyDocument) -> str:
    return render_to_string(
        "documents/council_paper.html",
        {
            "doc": doc,
            "finances": doc.finances,
            "title": f"Beschlussvorlage: {doc.title}",
            "author": doc.author,
            "description": f"Beschlussvorlage zur Smart-City-Strategie von {doc.author}, {doc.subtitle}",
            "css": stylesheet(),
        },
    )


def measure_html(doc: StrategyDocument, sheet: MeasureSheet) -> str:
    return render_to_string(
        "documents/measure_document.html",
        {
            "doc": doc,
            "sheet": sheet,
            "title": f"Maßnahmensteckbrief {sheet.heading}",
            "author": doc.author,
            "description": f"Steckbrief der Maßnahme {sheet.heading} der {doc.title}, {doc.subtitle}",
            "css": stylesheet(),
        },
    )


@dataclass(frozen=True)
class Pdf:
    content: bytes
    pages: int


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


def html_to_pdf(html: str) -> Pdf:
    """A tagged A4 PDF (PDF/UA-1) with bookmarks from the headings and page numbers in the footer."""
    from weasyprint import HTML

    _patch_pydyf()
    document = HTML(string=html, base_url=str(settings.BASE_DIR)).render(pdf_variant=PDF_VARIANT)
    content = document.write_pdf(pdf_variant=PDF_VARIANT)
    return Pdf(content=bytes(content or b""), pages=len(document.pages))
