"""Reading project sheets (Projektblätter, Steckbriefe) into measures.

Two formats: the text of a sheet in the seed's layout ("4) Oberhausen ist ... smart": title line, "Bezug zu
Themenfeld im Masterplan" with check boxes, Priorität, Umsetzbarkeit, "Ziel: …", the description, then
Stakeholder/Treiber), and the DOCX measure sheets this platform writes (a two-column table whose first cell is
"Nr./Titel"). A check box is ☒/☐, [x]/[ ] or an HTML ``<input type="checkbox">`` (checked or not).

Nothing is guessed: a choice without a ticked box (the seed's text lost the marks of Priorität and
Umsetzbarkeit), a topic field the municipality's framework does not know, or a missing section is reported in
``unread`` and left empty.
"""

from __future__ import annotations

import io
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .wording import CHECKED, HORIZONS, NOT_GIVEN, PRIORITIES, UNCHECKED

TEXT_SUFFIXES = {".txt", ".text", ".md"}
DOCX_SUFFIX = ".docx"

_INPUT = re.compile(r"<input\b([^>]*)>", re.IGNORECASE)
_BRACKETS = re.compile(r"\[([xX ])\]")
_BOX = re.compile(rf"([{CHECKED}{UNCHECKED}])\s*([^{CHECKED}{UNCHECKED}|\n]+)")
_TITLE = re.compile(r"^\s*(\d+[a-z]?)\s*[).:]\s*(.+?)\s*$")
_SPACE = re.compile(r"\s+")

TOPICS_HEADING = "bezug zu themenfeld"
LABELS = {  # field → German name in messages
    "title": "Titel",
    "topic_fields": "Bezug zu Themenfeldern",
    "priority": "Priorität",
    "horizon": "Umsetzbarkeit",
    "objective": "Ziel",
    "description": "Beschreibung",
    "stakeholders": "Stakeholder/Treiber",
}


class SheetError(Exception):
    """The file is no project sheet this importer can read (the message is German)."""


@dataclass
class Unread:
    field: str
    reason: str

    def as_dict(self) -> dict[str, str]:
        return {"field": self.field, "label": LABELS.get(self.field, self.field), "reason": self.reason}


@dataclass
class SheetReading:
    """What a sheet said; values it could not read stay empty and are listed in ``unread``."""

    source: str
    number: str = ""
    title: str = ""
    topic_fields: list[str] = field(default_factory=list)
    priority: str = ""
    horizon: str = ""
    objective: str = ""
    description: str = ""
    stakeholders: str = ""
    unread: list[Unread] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def miss(self, name: str, reason: str) -> None:
        self.unread.append(Unread(name, reason))

    def as_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "number": self.number,
            "title": self.title,
            "topic_fields": self.topic_fields,
            "priority": self.priority or None,
            "priority_label": dict(PRIORITIES).get(self.priority),
            "horizon": self.horizon or None,
            "horizon_label": dict(HORIZONS).get(self.horizon),
            "objective": self.objective,
            "description": self.description,
            "stakeholders": self.stakeholders,
            "unread": [item.as_dict() for item in self.unread],
            "notes": self.notes,
        }


def normalise(text: str) -> str:
    """For comparing labels: case, spaces, dashes and quotes do not matter."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = text.replace("\N{EN DASH}", "-").replace("\N{EM DASH}", "-").replace("\N{NO-BREAK SPACE}", " ")
    return _SPACE.sub(" ", text).strip(" .:")


def boxes(text: str) -> list[tuple[bool, str]]:
    """The check boxes of a text: (ticked, label), in order."""
    text = _INPUT.sub(lambda m: CHECKED if "checked" in m.group(1).lower() else UNCHECKED, text)
    text = _BRACKETS.sub(lambda m: CHECKED if m.group(1).strip() else UNCHECKED, text)
    return [(mark == CHECKED, _SPACE.sub(" ", label).strip(" -|")) for mark, label in _BOX.findall(text)]


def _choice(reading: SheetReading, name: str, text: str, options: tuple[tuple[str, str], ...]) -> None:
    """One of the options (Priorität, Umsetzbarkeit) by its ticked box; reported when no single one is ticked."""
    found = boxes(text)
    if not found:
        shown = _SPACE.sub(" ", text).strip(" -") or "nichts"
        reading.miss(name, f"keine Ankreuzfelder erkennbar (gelesen: „{shown}“); bitte von Hand setzen")
        return
    by_label = {normalise(label): value for value, label in options}
    ticked = [label for checked, label in found if checked]
    if len(ticked) != 1:
        reading.miss(name, "kein Feld angekreuzt" if not ticked else "mehrere Felder angekreuzt: " + ", ".join(ticked))
        return
    value = by_label.get(normalise(ticked[0]))
    if value is None:
        reading.miss(name, f"unbekannte Angabe „{ticked[0]}“ (möglich: {', '.join(label for _v, label in options)})")
        return
    setattr(reading, name, value)


def _title(reading: SheetReading, line: str) -> None:
    found = _TITLE.match(line)
    if found:
        reading.number, reading.title = found.group(1), found.group(2)
    else:
        reading.title = line.strip()
        reading.notes.append("Keine Nummer vor dem Titel gefunden; die Maßnahme erhält die nächste freie Nummer.")


# --- Text in the seed's layout -----------------------------------------------------------------------------


def _section_index(lines: list[str], *starts: str) -> int | None:
    for index, line in enumerate(lines):
        if any(normalise(line).startswith(start) for start in starts):
            return index
    return None


def read_text(text: str, *, source: str = "") -> SheetReading:
    reading = SheetReading(source=source)
    lines = [line.rstrip() for line in text.replace("\r", "").split("\n")]
    content = [line for line in lines if line.strip()]
    if not content:
        raise SheetError("Die Datei ist leer.")
    topics_at = _section_index(lines, TOPICS_HEADING)
    priority_at = _section_index(lines, "priorität")
    horizon_at = _section_index(lines, "umsetzbarkeit")
    stakeholders_at = _section_index(lines, "stakeholder")
    objective_at = _section_index(lines, "ziel:", "ziel ")
    described_at = _section_index(lines, "beschreibung")
    if topics_at is None and priority_at is None and stakeholders_at is None:
        raise SheetError(
            "Die Datei ist kein Projektblatt: Es fehlen die Abschnitte „Bezug zu Themenfeld“, „Priorität“ "
            "und „Stakeholder/Treiber“."
        )
    _title(reading, content[0])
    if not reading.title:
        reading.miss("title", "kein Titel in der ersten Zeile")

    starts = (topics_at, priority_at, horizon_at, described_at, objective_at, stakeholders_at)
    ends = sorted(i for i in starts if i is not None)

    def block(start: int | None) -> str:
        if start is None:
            return ""
        end = next((i for i in ends if i > start), len(lines))
        return "\n".join(lines[start + 1 : end])

    if topics_at is None:
        reading.miss("topic_fields", "Abschnitt „Bezug zu Themenfeld“ fehlt")
    else:
        reading.topic_fields = [label for checked, label in boxes(block(topics_at)) if checked]
        if not boxes(block(topics_at)):
            reading.miss("topic_fields", "keine Ankreuzfelder im Abschnitt „Bezug zu Themenfeld“")
    for name, at, options in (("priority", priority_at, PRIORITIES), ("horizon", horizon_at, HORIZONS)):
        if at is None:
            reading.miss(name, f"Abschnitt „{LABELS[name]}“ fehlt")
        else:
            _choice(reading, name, block(at), options)
    if objective_at is None:
        reading.miss("objective", "keine Zeile „Ziel: …“")
        description_start = described_at
    else:
        reading.objective = lines[objective_at].split(":", 1)[-1].strip() if ":" in lines[objective_at] else ""
        if not reading.objective:
            reading.miss("objective", "die Zeile „Ziel:“ ist leer")
        description_start = objective_at
    if description_start is None:
        reading.miss("description", "Abschnitt „Beschreibung“ fehlt")
    else:
        end = stakeholders_at if stakeholders_at is not None and stakeholders_at > description_start else len(lines)
        reading.description = _paragraph_text(lines[description_start + 1 : end])
        if not reading.description:
            reading.miss("description", "die Beschreibung ist leer")
    if stakeholders_at is None:
        reading.miss("stakeholders", "Abschnitt „Stakeholder/Treiber“ fehlt")
    else:
        reading.stakeholders = " ".join(line.strip() for line in lines[stakeholders_at + 1 :] if line.strip())
        if not reading.stakeholders:
            reading.miss("stakeholders", "der Abschnitt „Stakeholder/Treiber“ ist leer")
    return reading


def _paragraph_text(lines: list[str]) -> str:
    paragraphs: list[str] = []
    current: list[str] = []
    for line in lines:
        if line.strip():
            current.append(line.strip())
        elif current:
            paragraphs.append(" ".join(current))
            current = []
    if current:
        paragraphs.append(" ".join(current))
    return "\n\n".join(paragraphs)


# --- DOCX sheets written by the platform -------------------------------------------------------------------


def read_docx(data: bytes, *, source: str = "") -> SheetReading:
    from docx import Document

    try:
        document = Document(io.BytesIO(data))
    except Exception as error:
        raise SheetError("Die Datei ist kein lesbares DOCX-Dokument.") from error
    table = next(
        (t for t in document.tables if t.rows and t.rows[0].cells and t.rows[0].cells[0].text.strip() == "Nr./Titel"),
        None,
    )
    if table is None:
        raise SheetError("Das DOCX enthält keinen Maßnahmensteckbrief (keine Tabelle, die mit „Nr./Titel“ beginnt).")
    rows: dict[str, list[str]] = {}
    for row in table.rows:
        cells = row.cells
        if len(cells) < 2:
            continue
        label = normalise(cells[0].text)
        rows[label] = [p.text.strip() for p in cells[1].paragraphs if p.text.strip()]

    def value(start: str) -> list[str] | None:
        return next((lines for label, lines in rows.items() if label.startswith(start)), None)

    reading = SheetReading(source=source)
    title = value("nr./titel")
    if not title:
        raise SheetError("Im Steckbrief fehlt die Zeile „Nr./Titel“.")
    _title(reading, title[0])
    topics = value(TOPICS_HEADING)
    if topics is None:
        reading.miss("topic_fields", "Zeile „Bezug zu Themenfeldern“ fehlt")
    else:
        found = boxes("\n".join(topics))
        reading.topic_fields = [label for checked, label in found if checked]
        if not found:
            reading.miss("topic_fields", "keine Ankreuzfelder in der Zeile „Bezug zu Themenfeldern“")
    for name, start, options in (("priority", "priorität", PRIORITIES), ("horizon", "umsetzbarkeit", HORIZONS)):
        lines = value(start)
        if lines is None:
            reading.miss(name, f"Zeile „{LABELS[name]}“ fehlt")
        else:
            _choice(reading, name, "\n".join(lines), options)
    for name, start in (("objective", "ziel"), ("description", "beschreibung"), ("stakeholders", "stakeholder")):
        lines = value(start)
        text = "\n\n".join(lines or [])
        if lines is None:
            reading.miss(name, f"Zeile „{LABELS[name]}“ fehlt")
        elif text == NOT_GIVEN or not text:
            reading.miss(name, "im Steckbrief leer („keine Angabe“)")
        else:
            setattr(reading, name, text)
    return reading


def read_sheet(path: Path) -> SheetReading:
    """A sheet from a file: text in the seed's layout or a DOCX measure sheet of the platform."""
    if not path.exists() or not path.is_file():
        raise SheetError(f"Die Datei „{path}“ gibt es nicht.")
    suffix = path.suffix.lower()
    if suffix == DOCX_SUFFIX:
        return read_docx(path.read_bytes(), source=path.name)
    if suffix in TEXT_SUFFIXES:
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as error:
            raise SheetError(f"Die Datei „{path.name}“ ist kein UTF-8-Text.") from error
        return read_text(text, source=path.name)
    raise SheetError(f"Die Datei „{path.name}“ hat ein unbekanntes Format: möglich sind .txt und .docx.")
