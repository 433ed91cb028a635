"""The renderers: HTML, PDF (tagged, A4, with metadata) and DOCX (heading styles, tables, properties)."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zlib

import pytest
from docx import Document

from smartstadt.documents import html, word
from smartstadt.documents.content import build_strategy_document


def _pdf_text(content: bytes) -> bytes:
    """The PDF with its compressed streams inflated (object streams hide the catalogue and the info)."""
    parts = [content]
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", content, flags=re.S):
        try:
            parts.append(zlib.decompress(stream))
        except zlib.error:
            continue
    return b"\n".join(parts)


def test_strategy_html_is_a_standalone_german_page(strategy_a):
    page = html.strategy_html(build_strategy_document(strategy_a))
    assert page.startswith("<!DOCTYPE html>")
    assert '<html lang="de">' in page
    assert "<title>Smart-City-Strategie A – Arbeitsstand</title>" in page
    assert "@page" in page  # the print style sheet travels inside the page
    assert "<script" not in page
    assert 'id="massnahme-1"' in page
    assert "1) Quartiersbüros" in page
    assert "☒ Zukunftsfähige Standortfaktoren" in page
    assert "☐ Bildung und Qualifizierung" in page
    assert '<th scope="row">Stakeholder/Treiber</th>' in page
    assert "Kurzfristig (bis etwa zwei Jahre)" in page  # the roadmap by horizon


def test_pdf_is_tagged_a4_with_title_and_language(strategy_a):
    doc = build_strategy_document(strategy_a)
    pdf = html.html_to_pdf(html.council_html(doc))
    assert pdf.content.startswith(b"%PDF-")
    assert pdf.pages >= 1
    text = _pdf_text(pdf.content)
    assert b"/StructTreeRoot" in text
    assert b"/MarkInfo" in text
    assert b"/Lang (de)" in text
    assert b"Beschlussvorlage: Smart-City-Strategie A" in text or "Beschlussvorlage".encode("utf-16-be") in text
    assert b"/MediaBox [0 0 595.276 841.89" in text or b"/MediaBox [0 0 595" in text


def test_strategy_docx_has_heading_styles_tables_and_properties(strategy_a):
    content = word.strategy_docx(build_strategy_document(strategy_a))
    document = Document(io.BytesIO(content))
    properties = document.core_properties
    assert properties.title == "Smart-City-Strategie A – Arbeitsstand"
    assert properties.language == "de-DE"
    assert properties.author.endswith("Stadt A")
    headings = [(p.style.name, p.text) for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert ("Heading 1", "6 Maßnahmen") in headings
    assert ("Heading 2", "Maßnahme 1) Quartiersbüros") in headings
    assert any(style == "Heading 3" for style, _text in headings)
    sheets = [t for t in document.tables if t.rows[0].cells[0].text == "Nr./Titel"]
    assert len(sheets) == 3
    rows = {row.cells[0].text: row.cells[1].text for row in sheets[0].rows}
    assert rows["Priorität"] == "☒ Sehr hoch   ☐ Hoch   ☐ Mittel"
    assert "☒ Smart City A" in rows["Bezug zu Themenfeldern (Themenfelder A)"]
    footer = document.sections[0].footer.paragraphs[0]._p.xml
    assert "NUMPAGES" in footer
    assert "PAGE" in footer


def test_council_docx_has_the_sections_and_the_sum(strategy_a):
    document = Document(io.BytesIO(word.council_docx(build_strategy_document(strategy_a))))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings == [
        "Betreff",
        "Beschlussvorschlag",
        "Sachverhalt und Begründung",
        "Finanzielle Auswirkungen",
        "Anlagen",
    ]
    money = document.tables[-1]
    assert [cell.text for cell in money.rows[-1].cells][:2] == ["Summe", "3.500,50\N{NO-BREAK SPACE}€"]


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice ist nicht installiert")
def test_libreoffice_converts_the_docx(strategy_a, tmp_path):
    source = tmp_path / "strategie.docx"
    source.write_bytes(word.strategy_docx(build_strategy_document(strategy_a)))
    result = subprocess.run(  # noqa: S603
        ["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],  # noqa: S607
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
        env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "strategie.pdf").read_bytes().startswith(b"%PDF")
