"""HTML of the documents (a standalone page with its style sheet inside); the PDF is made from it by the kit."""

from __future__ import annotations

from django.template.loader import render_to_string

from .content import MeasureSheet, StrategyDocument
from .kit.pdf import html_to_pdf, stylesheet

__all__ = ["chapters", "council_html", "html_to_pdf", "measure_html", "strategy_html"]


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
