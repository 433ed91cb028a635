"""What a check or an import reports: row errors, one result per row, the whole result."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _


@dataclass(frozen=True)
class RowError:
    """One problem: the row as the spreadsheet shows it (None: the whole file), the column header, the reason."""

    row: int | None
    column: str
    message: str

    def __str__(self) -> str:
        if self.row is None:
            return f"{self.column}: {self.message}" if self.column else self.message
        if not self.column:
            return _("Row %(row)s: %(message)s") % {"row": self.row, "message": self.message}
        return _("Row %(row)s, column “%(column)s”: %(message)s") % {
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message, "text": str(self)}


@dataclass
class RowResult:
    row: int
    action: str  # created, updated, unchanged
    key: str
    title: str
    changed: list[str] = field(default_factory=list)  # headers of the changed columns
    # warnings, not errors: an existing entry or an earlier row this row looks like (analysis/duplicates.py)
    duplicates: list[dict[str, Any]] = field(default_factory=list)
    # suggested Giffinger dimensions of a row without any (dry runs only; analysis/tagging.py)
    suggested: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "action": self.action,
            "key": self.key,
            "title": self.title,
            "changed": self.changed,
            "duplicates": self.duplicates,
            "suggested": self.suggested,
        }


@dataclass
class ImportResult:
    rows: list[RowResult] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    dry_run: bool = True
    saved: bool = False

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)

    @property
    def created(self) -> int:
        return self.count("created")

    @property
    def updated(self) -> int:
        return self.count("updated")

    @property
    def unchanged(self) -> int:
        return self.count("unchanged")

    @property
    def duplicates(self) -> int:
        """Rows that look like an existing entry or another row of the file."""
        return sum(1 for row in self.rows if row.duplicates)

    def as_dict(self) -> dict[str, Any]:
        return {
            "rows": [row.as_dict() for row in self.rows],
            "errors": [error.as_dict() for error in self.errors],
            "dry_run": self.dry_run,
            "saved": self.saved,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "duplicates": self.duplicates,
        }


class SpreadsheetError(Exception):
    """The file cannot be read at all."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__("; ".join(str(error) for error in errors))
        self.errors = errors
