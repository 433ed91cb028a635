"""DOCX of the documents with python-docx: real heading styles (Heading 1–3, so Word's navigation pane and its
table of contents work), tables for the measure sheets, "Seite X von Y" in the footer and the document
properties (title, author, language de-DE).

The charts of the Ist-Analyse are not drawn here: Word cannot show inline SVG, and the figures stand in the
tables that accompany every chart anyway.
"""

from __future__ import annotations

from docx.document import Document as DocxDocument
from docx.enum.section import WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from .content import MeasureSheet, StrategyDocument
from .kit import word as house
from .kit.progress import Progress, no_progress

# The label column of a measure sheet; import_sheet reads DOCX sheets back by these labels.
SHEET_LABELS = {
    "number_title": "Nr./Titel",
    "topics": "Bezug zu Themenfeldern",
    "priority": "Priorität",
    "horizon": "Umsetzbarkeit",
    "objective": "Ziel",
    "description": "Beschreibung",
    "stakeholders": "Stakeholder/Treiber",
}


# --- Measure sheet ------------------------------------------------------------------------------------------


def _sheet_rows(sheet: MeasureSheet) -> list[tuple[str, list[str]]]:
    topics_label = SHEET_LABELS["topics"] + (f" ({sheet.topic_framework})" if sheet.topic_framework else "")
    indicators = [
        f"{i.name}: {i.baseline} → {i.target}{' ' + i.unit if i.unit else ''} ({i.year})" for i in sheet.indicators
    ]
    milestones = [f"{s.when}: {s.title}{' (erreicht)' if s.done else ''}" for s in sheet.milestones]
    rows = [
        (SHEET_LABELS["number_title"], [sheet.heading]),
        (topics_label, [str(box) for box in sheet.topics] or ["keine Themenfelder festgelegt"]),
        (SHEET_LABELS["priority"], ["   ".join(str(box) for box in sheet.priority_boxes)]),
        (SHEET_LABELS["horizon"], ["   ".join(str(box) for box in sheet.horizon_boxes)]),
        (SHEET_LABELS["objective"], [sheet.objective or "keine Angabe"]),
        (SHEET_LABELS["description"], sheet.description_paragraphs or ["keine Angabe"]),
        (SHEET_LABELS["stakeholders"], [sheet.stakeholders or "keine Angabe"]),
        ("Herausforderungen", sheet.challenges or ["keine zugeordnet"]),
        ("Ziele", sheet.goals or ["keine zugeordnet"]),
    ]
    # Optional parts appear only when given (as on the PDF sheet); the seed's fields and the budget always do.
    optional = [
        ("Handlungsfelder", sheet.fields_of_action),
        ("Aufbauend auf", sheet.entries),
        ("Partnerkommunen", [", ".join(sheet.partner_municipalities)] if sheet.partner_municipalities else []),
        ("Stadtbezirke", [", ".join(sheet.districts)] if sheet.districts else []),
    ]
    rows += [(label, lines) for label, lines in optional if lines]
    rows += [
        ("Federführung", [sheet.lead_organisation or "keine Angabe"]),
        ("Zeitraum", [sheet.period or "keine Angabe"]),
        ("Budget", [sheet.budget_text]),
    ]
    optional = [
        ("Förderung", [sheet.funding] if sheet.funding else []),
        ("Kennzahlen", indicators),
        ("Meilensteine", milestones),
    ]
    rows += [(label, lines) for label, lines in optional if lines]
    return rows


def add_measure_sheet(document: DocxDocument, sheet: MeasureSheet, *, level: int) -> None:
    document.add_heading(f"Maßnahme {sheet.heading}", level=level)
    rows = _sheet_rows(sheet)
    table = document.add_table(rows=len(rows), cols=2)
    table.style = "Table Grid"
    for row, (label, lines) in zip(table.rows, rows, strict=True):
        label_cell, value_cell = row.cells
        house.write(label_cell, [label], bold=True)
        house.shade(label_cell, house.LABEL_FILL)
        house.write(value_cell, lines, bold=label == SHEET_LABELS["number_title"])
        label_cell.width, value_cell.width = Mm(50), Mm(118)


def measure_docx(doc: StrategyDocument, sheet: MeasureSheet) -> bytes:
    document = house.new_document(
        title=f"Maßnahmensteckbrief {sheet.heading}",
        author=doc.author,
        subject=f"{doc.title}, {doc.subtitle}",
    )
    letterhead = document.add_paragraph()
    run = letterhead.add_run(doc.author)
    run.bold = True
    run.font.color.rgb = house.BLUE
    note = document.add_paragraph()
    note.add_run(f"Maßnahmensteckbrief · {doc.title} · {doc.subtitle}").font.color.rgb = house.GREY
    add_measure_sheet(document, sheet, level=1)
    return house.to_bytes(document)


# --- Strategy document ----------------------------------------------------------------------------------------


def _title_page(document: DocxDocument, doc: StrategyDocument) -> None:
    letterhead = document.add_paragraph()
    run = letterhead.add_run(doc.author)
    run.bold = True
    run.font.size = Pt(13)
    run.font.color.rgb = house.BLUE
    for _ in range(6):
        document.add_paragraph()
    kind = document.add_paragraph()
    kind.add_run("SMART-CITY-STRATEGIE").font.color.rgb = house.GREY
    title = document.add_paragraph(style="Title")
    title.add_run(doc.title)
    if doc.motto:
        motto = document.add_paragraph()
        motto_run = motto.add_run(f"„{doc.motto}“")
        motto_run.italic = True
        motto_run.font.size = Pt(13)
    document.add_paragraph()
    facts = [("Fassung", doc.version_label), ("Stand", doc.stand)]
    if doc.region:
        facts.append(("Region", doc.region))
    facts.append(("Herausgegeben von", f"{doc.author}, Smart-City-Team"))
    for label, value in facts:
        paragraph = document.add_paragraph()
        paragraph.add_run(f"{label}: ").bold = True
        paragraph.add_run(value)
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def _contents(document: DocxDocument, chapters: list[str]) -> None:
    """A real TOC field (Word fills in the page numbers); until then it lists the chapters."""
    document.add_heading("Inhalt", level=1)
    first = document.add_paragraph()
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    first.add_run()._r.append(begin)
    instruction = OxmlElement("w:instrText")
    instruction.set(qn("xml:space"), "preserve")
    instruction.text = ' TOC \\o "1-2" \\h \\z \\u '
    first.add_run()._r.append(instruction)
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    first.add_run()._r.append(separate)
    first.add_run(chapters[0])
    last = first
    for chapter in chapters[1:]:
        last = document.add_paragraph(chapter)
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    last.add_run()._r.append(end)
    house.update_fields_on_open(document)


def _new_page_section(document: DocxDocument) -> None:
    document.add_section(WD_SECTION.NEW_PAGE)


def strategy_docx(doc: StrategyDocument, *, progress: Progress = no_progress) -> bytes:
    from .html import chapters as chapter_list

    document = house.new_document(
        title=f"{doc.title} – {doc.version_label}",
        author=doc.author,
        subject=f"Smart-City-Strategie von {doc.author}, {doc.subtitle}",
    )
    _title_page(document, doc)
    _contents(document, [title for _anchor, title in chapter_list(doc)])
    _new_page_section(document)

    document.add_heading("1 Zusammenfassung", level=1)
    house.paragraphs(document, doc.summary_paragraphs or ["Eine Zusammenfassung liegt noch nicht vor."])
    document.add_paragraph(
        f"Die Strategie umfasst {len(doc.goals)} Ziele, {len(doc.challenges)} Herausforderungen, "
        f"{len(doc.fields_of_action)} Handlungsfelder und {len(doc.measures)} Maßnahmen. Die Ist-Analyse stützt "
        f"sich auf {doc.inventory.total} veröffentlichte Einträge im Bestand der Stadt."
    )

    document.add_heading("2 Vision und Leitsätze", level=1)
    document.add_heading("Vision", level=2)
    house.paragraphs(document, doc.vision_paragraphs or ["Eine Vision ist noch nicht formuliert."])
    if doc.principles:
        document.add_heading("Leitsätze", level=2)
        for text in doc.principles:
            document.add_paragraph(text, style="List Number")

    document.add_heading("3 Ist-Analyse", level=1)
    document.add_paragraph(
        f"Transparenz ist der erste Schritt: Die Ist-Analyse zeigt, was an Projekten, Lösungen und Wissen in "
        f"{doc.municipality} bereits vorhanden ist. Grundlage sind die {doc.inventory.total} veröffentlichten "
        f"Einträge im Bestand der Plattform (Stand {doc.rendered_on}); sie sind im Anhang einzeln aufgeführt."
    )
    for number, table in enumerate(doc.inventory.tables, start=1):
        document.add_heading(table.title, level=2)
        caption = document.add_paragraph(style="Caption")
        caption.add_run(f"Tabelle {number}: {table.caption}")
        house.table(
            document,
            [table.column, "Einträge"],
            [(label, str(count)) for label, count in table.rows],
            widths=[120, 48],
        )
    progress(20, "Ziele, Herausforderungen und Handlungsfelder schreiben")

    document.add_heading("4 Ziele und Herausforderungen", level=1)
    document.add_heading("Ziele", level=2)
    for goal in doc.goals:
        paragraph = document.add_paragraph(style="List Number")
        paragraph.add_run(goal.title).bold = True
        if goal.text:
            paragraph.add_run(f" – {goal.text}")
    if not doc.goals:
        document.add_paragraph("Ziele sind noch nicht festgelegt.")
    document.add_heading("Herausforderungen", level=2)
    for challenge in doc.challenges:
        document.add_heading(challenge.title, level=3)
        if challenge.text:
            document.add_paragraph(challenge.text)
        house.bullets(document, challenge.items or ["Noch keinem Ziel und keiner Maßnahme zugeordnet."])

    document.add_heading("5 Handlungsfelder", level=1)
    for field in doc.fields_of_action:
        document.add_heading(field.title, level=2)
        if field.text:
            document.add_paragraph(field.text)
        house.bullets(document, field.items)

    document.add_heading("6 Maßnahmen", level=1)
    document.add_paragraph(
        "Jede Maßnahme ist auf einem Steckbrief beschrieben, der dem Projektblatt des Masterplans folgt: Bezug zu "
        "den Themenfeldern, Priorität, Umsetzbarkeit, Ziel, Beschreibung und Stakeholder, ergänzt um "
        "Herausforderungen, Partner, Budget, Förderung, Kennzahlen und Meilensteine."
    )
    house.table(
        document,
        ["Nr.", "Maßnahme", "Priorität", "Umsetzbarkeit", "Federführung"],
        [(m.number, m.title, m.priority_label, m.horizon_label, m.lead_organisation or "–") for m in doc.measures],
        widths=[12, 62, 24, 28, 42],
    )
    total = len(doc.measures) or 1
    for index, sheet in enumerate(doc.measures):
        document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        add_measure_sheet(document, sheet, level=2)
        if index % 10 == 0:
            progress(25 + int(60 * index / total), f"Steckbrief {index + 1} von {len(doc.measures)}")

    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    document.add_heading("7 Umsetzungsfahrplan", level=1)
    document.add_paragraph("Die Maßnahmen nach ihrem Umsetzungshorizont (Umsetzbarkeit laut Steckbrief).")
    for label, sheets in doc.roadmap:
        document.add_heading(label, level=2)
        house.table(
            document,
            ["Nr.", "Maßnahme", "Priorität", "Zeitraum", "Meilensteine"],
            [
                (
                    m.number,
                    m.title,
                    m.priority_label,
                    m.period or "–",
                    "; ".join(f"{s.when}: {s.title}" for s in m.milestones) or "–",
                )
                for m in sheets
            ],
            widths=[12, 60, 24, 30, 42],
        )

    if doc.participation is not None:
        document.add_heading("8 Beteiligung", level=1)
        document.add_paragraph(
            f"In {len(doc.participation.processes)} Beteiligungsverfahren gingen {doc.participation.contributions} "
            f"Beiträge ein; {doc.participation.taken} davon wurden in die Strategie übernommen."
        )
        for process in doc.participation.processes:
            document.add_heading(process.title, level=2)
            if process.text:
                document.add_paragraph(process.text)
            house.bullets(document, process.items)

    progress(88, "Anhang schreiben")
    document.add_heading("Anhang: Einträge im Bestand", level=1)
    document.add_paragraph(
        f"Die {doc.inventory.total} veröffentlichten Einträge der Stadt {doc.municipality} im Bestand der Plattform "
        f"(Stand {doc.rendered_on})."
    )
    house.table(
        document,
        ["Eintrag", "Art", "Status", "Federführung", "Jahre", "Dimensionen"],
        [(e.title, e.kind, e.status, e.lead, e.years, e.dimensions) for e in doc.inventory.entries],
        widths=[52, 18, 20, 34, 18, 26],
    )
    if doc.source_note:
        document.add_heading("Quellen", level=2)
        document.add_paragraph(doc.source_note)
    return house.to_bytes(document)


# --- Council paper ------------------------------------------------------------------------------------------


def council_docx(doc: StrategyDocument) -> bytes:
    finances = doc.finances
    document = house.new_document(
        title=f"Beschlussvorlage: {doc.title}",
        author=doc.author,
        subject=f"Beschlussvorlage zur Smart-City-Strategie von {doc.author}, {doc.subtitle}",
    )
    letterhead = document.add_paragraph()
    run = letterhead.add_run(doc.author)
    run.bold = True
    run.font.color.rgb = house.BLUE
    document.add_paragraph("Beschlussvorlage", style="Title")
    facts = document.add_table(rows=0, cols=2)
    facts.style = "Table Grid"
    for label, value in (
        ("Vorlage-Nr.", "wird von der Verwaltung vergeben"),
        ("Datum", doc.rendered_on),
        ("Federführung", "Smart-City-Team"),
        ("Beratungsfolge", f"Rat der Stadt {doc.municipality} – Entscheidung"),
        ("Öffentlichkeit", "öffentlich"),
    ):
        cells = facts.add_row().cells
        house.write(cells[0], [label], bold=True)
        house.shade(cells[0], house.LABEL_FILL)
        house.write(cells[1], [value])

    document.add_heading("Betreff", level=1)
    subject = document.add_paragraph()
    subject.add_run(doc.title).bold = True
    subject.add_run(f" – {doc.version_label}" + (f" vom {doc.stand}" if doc.version_number else ""))

    document.add_heading("Beschlussvorschlag", level=1)
    document.add_paragraph(
        f"Der Rat der Stadt {doc.municipality} beschließt die „{doc.title}“ in der Fassung „{doc.version_label}“ "
        f"(Stand {doc.stand}), die dieser Vorlage als Anlage 1 beigefügt ist."
    )
    document.add_paragraph(
        f"Die Verwaltung wird beauftragt, die in der Strategie beschriebenen {len(doc.measures)} Maßnahmen gemeinsam "
        "mit den städtischen Gesellschaften und den genannten Partnern nach Maßgabe der im Haushalt bereitgestellten "
        "Mittel und der eingeworbenen Fördermittel umzusetzen und dem Rat jährlich über den Stand der Umsetzung zu "
        "berichten."
    )

    document.add_heading("Sachverhalt und Begründung", level=1)
    house.paragraphs(document, doc.summary_paragraphs)
    goals = "eines gemeinsamen Ziels" if len(doc.goals) == 1 else f"von {len(doc.goals)} gemeinsamen Zielen"
    document.add_paragraph(
        f"Am Anfang stand die Ist-Analyse: Der Bestand der Plattform weist für {doc.municipality} "
        f"{doc.inventory.total} veröffentlichte Projekte, Lösungen und Wissensbausteine aus. Entlang {goals} benennt "
        f"die Strategie {len(doc.challenges)} Herausforderungen und {len(doc.fields_of_action)} Handlungsfelder und "
        f"adressiert sie mit {len(doc.measures)} Maßnahmen. „Smart“ ist dabei Mittel zum Zweck: Jede Maßnahme "
        "benennt die Herausforderung, auf die sie antwortet."
    )
    if doc.goals:
        document.add_paragraph("Die Ziele der Strategie:")
        for goal in doc.goals:
            document.add_paragraph(goal.title, style="List Number")
    if doc.participation is not None:
        document.add_paragraph(
            "An der Erarbeitung haben sich Bürgerinnen und Bürger sowie Netzwerke beteiligt: In "
            f"{len(doc.participation.processes)} Beteiligungsverfahren gingen {doc.participation.contributions} "
            f"Beiträge ein, {doc.participation.taken} davon wurden übernommen."
        )
    document.add_paragraph(
        "Eine städtische Smart-City-Strategie ist zunehmend Voraussetzung für Fördermittel im Bereich "
        "Digitalisierung. Mit dem Beschluss erhält die Umsetzung eine verbindliche Grundlage."
    )

    document.add_heading("Finanzielle Auswirkungen", level=1)
    text = (
        f"Die Maßnahmensteckbriefe nennen Budgets von zusammen {finances.total_text} ({finances.measures_with_budget} "
        f"von {len(doc.measures)} Maßnahmen). Davon entfallen {finances.with_funding_text} auf Maßnahmen mit "
        f"benannter Förderung und {finances.without_funding_text} auf Maßnahmen ohne benannte Förderung."
    )
    if finances.measures_without_budget:
        text += (
            f" Für {len(finances.measures_without_budget)} Maßnahmen ist noch kein Budget angegeben; ihre Kosten "
            "werden vor der Umsetzung gesondert ermittelt."
        )
    document.add_paragraph(text)
    table = house.table(document, ["Maßnahme", "Budget", "Förderung"], finances.rows, widths=[70, 30, 68])
    cells = table.add_row().cells
    house.write(cells[0], ["Summe"], bold=True)
    house.write(cells[1], [finances.total_text], bold=True)
    for row in table.rows:
        row.cells[1].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT

    document.add_heading("Anlagen", level=1)
    document.add_paragraph(
        f"Anlage 1: {doc.title}, {doc.version_label} (Stand {doc.stand}), Strategiedokument mit "
        f"{len(doc.measures)} Maßnahmensteckbriefen",
        style="List Number",
    )
    return house.to_bytes(document)
