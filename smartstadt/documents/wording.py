"""The fixed German wording of the documents and German number and date formats.

The strategy document, the council paper and the measure sheets are official documents of a German
municipality: they are written in German whatever language the reader chose for the platform's pages (a
council decides on a German text). Their wording therefore lives here, not in the gettext catalogue that
translates the user interface; labels the documents share with the pages (an entry's status) are the model's
choices in German (``kit.language``), so that they read the same everywhere.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

PRIORITIES = (("very_high", "Sehr hoch"), ("high", "Hoch"), ("medium", "Mittel"))
HORIZONS = (("short", "Kurzfristig"), ("medium", "Mittelfristig"), ("long", "Langfristig"))
HORIZON_SPANS = {
    "short": "kurzfristig (bis etwa zwei Jahre)",
    "medium": "mittelfristig (etwa zwei bis fünf Jahre)",
    "long": "langfristig (mehr als fünf Jahre)",
}
ENTRY_KINDS = {"project": "Projekt", "solution": "Lösung", "knowledge": "Wissen"}
ENTRY_KINDS_PLURAL = {"project": "Projekte", "solution": "Lösungen", "knowledge": "Wissen"}
CHECKED = "\N{BALLOT BOX WITH X}"  # ☒
UNCHECKED = "\N{BALLOT BOX}"  # ☐
NOT_GIVEN = "keine Angabe"

KIND_TITLES = {"strategy": "Strategiedokument", "council": "Beschlussvorlage", "measure": "Maßnahmensteckbrief"}


def label_of(choices: tuple[tuple[str, str], ...], value: str) -> str:
    return dict(choices).get(value, "")


def number(value: Decimal | int | float, places: int = 0) -> str:
    """A number as German texts write it: 1.234.567,89."""
    text = f"{value:,.{places}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def euro(value: Decimal | None) -> str:
    """An amount in euros, without cents when there are none: 550.000 €, 1.234,50 €."""
    if value is None:
        return NOT_GIVEN
    places = 0 if value == value.to_integral_value() else 2
    return f"{number(value, places)}\N{NO-BREAK SPACE}€"


def plain_decimal(value: str) -> str:
    """A decimal from the snapshot ("12.500") in German without trailing zeros ("12,5")."""
    if not value:
        return "–"
    amount = Decimal(value).normalize()
    places = max(0, -int(amount.as_tuple().exponent))
    return number(amount, places)


def date(value: datetime.date | datetime.datetime | None) -> str:
    if value is None:
        return ""
    return value.strftime("%d.%m.%Y")


def iso_date(value: str) -> str:
    """A date of the snapshot ("2022-10-31") as 31.10.2022."""
    try:
        return date(datetime.date.fromisoformat(value))
    except ValueError:
        return value


def entry_status(value: str) -> str:
    """An inventory entry's status in German, as the pages and the spreadsheets write it ("läuft", "gestoppt"):
    the label of ``EntryStatus``, the one table of status labels."""
    from smartstadt.inventory.models import EntryStatus

    from .kit.language import choice_label

    return choice_label(EntryStatus, value)
