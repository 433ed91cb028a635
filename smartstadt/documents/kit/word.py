"""DOCX in the house style of Smartstadt's documents, with python-docx.

:func:`new_document` gives an A4 document with the styles (headings "Heading 1–3" so Word's navigation pane and
its table of contents work, German as the language, the document properties, "Seite X von Y" in the footer);
:func:`table`, :func:`paragraphs` and :func:`bullets` add to it; :func:`to_bytes` gives the file. Headings and
single paragraphs are python-docx's own ``document.add_heading(text, level)`` and ``add_paragraph(text)``.
"""

from __future__ import annotations

import io
from collections.abc import Iterable

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

__all__ = [
    "BLUE",
    "GREY",
    "HEAD_FILL",
    "LABEL_FILL",
    "DocxDocument",
    "bullets",
    "field",
    "new_document",
    "paragraphs",
    "shade",
    "table",
    "to_bytes",
    "update_fields_on_open",
    "write",
]

BLUE = RGBColor(0x0B, 0x3A, 0x6E)
GREY = RGBColor(0x55, 0x55, 0x55)
LABEL_FILL = "F1F4F8"
HEAD_FILL = "E6EDF5"
LANGUAGE = "de-DE"
FONT = "Arial"


def new_document(*, title: str, author: str, subject: str, keywords: str = "Smart City; Strategie") -> DocxDocument:
    """An empty A4 document in the house style: Arial 10 pt, blue headings "Heading 1–3" (Word's navigation pane
    and table of contents work), German as the language of every text, the document properties filled in and
    "<author> · Seite X von Y" in the footer. Add to it with python-docx (``add_heading``, ``add_paragraph``) and
    this module's helpers; :func:`to_bytes` gives the file."""
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(24), Mm(22)
    section.left_margin, section.right_margin = Mm(24), Mm(18)
    properties = document.core_properties
    properties.title = title
    properties.author = author
    properties.subject = subject
    properties.language = LANGUAGE
    properties.keywords = keywords
    properties.comments = "Erzeugt mit Smartstadt aus den Daten der Plattform."
    _set_language(document)
    styles = document.styles
    normal = styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(10)
    normal.paragraph_format.space_after = Pt(4)
    normal.paragraph_format.line_spacing = 1.15
    for level, size in ((1, 16), (2, 13), (3, 11)):
        style = styles[f"Heading {level}"]
        style.font.name = FONT
        style.font.size = Pt(size)
        style.font.bold = True
        style.font.color.rgb = BLUE
        style.paragraph_format.space_before = Pt(14 if level == 1 else 10)
        style.paragraph_format.space_after = Pt(4)
        style.paragraph_format.keep_with_next = True
    _footer(document, author)
    return document


def _set_language(document: DocxDocument) -> None:
    """German as the language of every text (spell checking, hyphenation, screen readers)."""
    defaults = document.styles.element.find(qn("w:docDefaults"))
    if defaults is None:
        return
    run_defaults = defaults.find(qn("w:rPrDefault"))
    if run_defaults is None:
        run_defaults = OxmlElement("w:rPrDefault")
        defaults.append(run_defaults)
    properties = run_defaults.find(qn("w:rPr"))
    if properties is None:
        properties = OxmlElement("w:rPr")
        run_defaults.append(properties)
    lang = properties.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        properties.append(lang)
    for attribute in ("w:val", "w:eastAsia", "w:bidi"):
        lang.set(qn(attribute), LANGUAGE)


def field(paragraph: Paragraph, instruction: str, placeholder: str = "1") -> None:
    """A Word field (PAGE, NUMPAGES …) with a cached value that Word and LibreOffice replace."""
    for kind, text in (("begin", None), ("instr", instruction), ("separate", None), ("text", placeholder)):
        run = paragraph.add_run()
        if kind == "instr":
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = f" {text} "
            run._r.append(element)
        elif kind == "text":
            run.text = str(text)
        else:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    paragraph.add_run()._r.append(end)


def _footer(document: DocxDocument, author: str) -> None:
    paragraph = document.sections[0].footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    for run_text in (f"{author} · Seite ",):
        run = paragraph.add_run(run_text)
        run.font.size = Pt(8)
    field(paragraph, "PAGE")
    paragraph.add_run(" von ").font.size = Pt(8)
    field(paragraph, "NUMPAGES")


def shade(cell: _Cell, fill: str) -> None:
    """A cell's background, e.g. :data:`LABEL_FILL` for the label column of a sheet."""
    properties = cell._tc.get_or_add_tcPr()
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    properties.append(shading)


def _repeat_header(table: Table) -> None:
    properties = table.rows[0]._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


def write(cell: _Cell, lines: Iterable[str], *, bold: bool = False) -> None:
    """Lines into a cell, one paragraph each (the cell's first, empty paragraph is used for the first)."""
    first = True
    for line in lines:
        paragraph = cell.paragraphs[0] if first else cell.add_paragraph()
        paragraph.paragraph_format.space_after = Pt(1)
        run = paragraph.add_run(line)
        run.bold = bold
        first = False


def table(document: DocxDocument, header: list[str], rows: Iterable[Iterable[str]], *, widths: list[int]) -> Table:
    """A table with grey lines: a shaded header row (repeated on every page) and one row per item; ``widths`` are
    the columns' widths in millimetres (A4 leaves 168 mm)."""
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        write(cell, [text], bold=True)
        shade(cell, HEAD_FILL)
    _repeat_header(table)
    for values in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, values, strict=True):
            write(cell, [text])
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = Mm(width)
    return table


def paragraphs(document: DocxDocument, texts: Iterable[str]) -> None:
    """One paragraph per text."""
    for text in texts:
        document.add_paragraph(text)


def bullets(document: DocxDocument, items: Iterable[str]) -> None:
    """A bulleted list (Word's style "List Bullet")."""
    for item in items:
        document.add_paragraph(item, style="List Bullet")


def to_bytes(document: DocxDocument) -> bytes:
    """The DOCX file of the document."""
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def update_fields_on_open(document: DocxDocument) -> None:
    """Word fills in the table of contents and the page numbers when it opens the file."""
    settings = document.settings.element
    update = OxmlElement("w:updateFields")
    update.set(qn("w:val"), "true")
    settings.append(update)
