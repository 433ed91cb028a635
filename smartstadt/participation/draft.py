"""The paragraphs of a frozen strategy version that citizens comment one by one.

A paragraph's key is ``<section>-<id>`` (the snapshot keeps the ids of its parts) or ``vision``/``summary`` for
the strategy's own texts. The snapshot never changes after freezing, so a key always finds the commented text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _

SECTIONS: tuple[tuple[str, Any], ...] = (
    ("guiding_principles", _("Guiding principles")),
    ("goals", _("Goals")),
    ("challenges", _("Challenges")),
    ("fields_of_action", _("Fields of action")),
    ("measures", _("Measures")),
)


@dataclass
class Paragraph:
    key: str
    section: str
    title: str
    text: str
    details: list[tuple[str, str]] = field(default_factory=list)
    measure_id: int | None = None
    comments: list[Any] = field(default_factory=list)


@dataclass
class DraftSection:
    key: str
    label: str
    paragraphs: list[Paragraph]


def _measure_details(item: dict[str, Any]) -> list[tuple[str, str]]:
    details = []
    for name, label in (
        ("objective", _("Objective")),
        ("stakeholders", _("Stakeholders/drivers")),
        ("period", _("Period")),
        ("funding", _("Funding")),
    ):
        if item.get(name):
            details.append((str(label), str(item[name])))
    if item.get("fields_of_action"):
        details.append((str(_("Fields of action")), ", ".join(item["fields_of_action"])))
    return details


def draft_sections(snapshot: dict[str, Any]) -> list[DraftSection]:
    """The snapshot as sections of commentable paragraphs, in the order of the strategy document."""
    strategy = snapshot.get("strategy", {})
    sections: list[DraftSection] = []
    opening = [
        Paragraph(key=name, section="vision", title=str(label), text=str(strategy.get(name) or ""))
        for name, label in (("vision", _("Vision")), ("summary", _("Summary")))
        if strategy.get(name)
    ]
    if opening:
        sections.append(DraftSection(key="vision", label=str(_("Vision")), paragraphs=opening))
    for key, label in SECTIONS:
        paragraphs = []
        for number, item in enumerate(snapshot.get(key, []), start=1):
            if key == "guiding_principles":
                title = str(_("Guiding principle %(number)s") % {"number": number})
                text = str(item.get("text", ""))
            elif key == "measures":
                title = f"{item.get('number', '')} {item.get('title', '')}".strip()
                text = str(item.get("description", ""))
            else:
                title = str(item.get("title", ""))
                text = str(item.get("description", ""))
            paragraphs.append(
                Paragraph(
                    key=f"{key}-{item['id']}",
                    section=key,
                    title=title,
                    text=text,
                    details=_measure_details(item) if key == "measures" else [],
                    measure_id=int(item["id"]) if key == "measures" else None,
                )
            )
        if paragraphs:
            sections.append(DraftSection(key=key, label=str(label), paragraphs=paragraphs))
    return sections


def paragraph_index(snapshot: dict[str, Any]) -> dict[str, Paragraph]:
    return {paragraph.key: paragraph for section in draft_sections(snapshot) for paragraph in section.paragraphs}
