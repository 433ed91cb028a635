"""``import_entries``: read, check and, without any error, write a spreadsheet; warnings for the preview."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from django.db import DatabaseError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from smartstadt.core.history import Note
from smartstadt.core.permissions import Actor
from smartstadt.regions.models import Municipality

from .columns import Progress
from .reading import read_table
from .results import ImportResult, RowError, RowResult, SpreadsheetError
from .validation import _Importer, _Plan
from .writing import write

logger = logging.getLogger(__name__)


def import_entries(
    *,
    actor: Actor,
    municipality: Municipality,
    data: bytes,
    filename: str,
    dry_run: bool = False,
    progress: Progress | None = None,
    note: str = "",
) -> ImportResult:
    """Check a spreadsheet and, unless it is a dry run or has any error, write it in one transaction.

    The caller checks the permission (``services.entries_import``).
    """
    result = ImportResult(dry_run=dry_run)
    try:
        table = read_table(data, filename)
    except SpreadsheetError as error:
        result.errors = error.errors
        return result
    written_note = note or Note(gettext_noop("Spreadsheet import from %(file)s"), {"file": filename})
    importer = _Importer(municipality=municipality, table=table, progress=progress)
    if dry_run:
        importer.run()
    else:
        try:
            with transaction.atomic():
                importer.run()
                if not importer.errors:
                    write(importer, actor=actor, note=written_note)
        except DatabaseError as error:
            importer.errors.append(
                RowError(None, "", _("The import failed and nothing was saved: %(error)s") % {"error": error})
            )
        result.saved = not importer.errors
    result.errors = importer.errors
    result.rows = importer.results() if not importer.errors else []
    _flag_duplicates(municipality, importer.plans, result.rows)
    if dry_run and result.rows:
        _suggest_tags(importer.plans, result.rows)
    return result


def _flag_duplicates(municipality: Municipality, plans: Sequence[_Plan], rows: Sequence[RowResult]) -> None:
    """Mark new and changed rows that look like an existing entry of the municipality (other than the one they
    update) or like an earlier row: warnings for the preview, the import works all the same."""
    from smartstadt.analysis.duplicates import RowText, duplicates_in_rows

    if not rows:
        return  # a file with errors shows its errors only
    checked = [plan for plan, row in zip(plans, rows, strict=True) if row.action != "unchanged"]
    if not checked:
        return
    try:
        flags = duplicates_in_rows(
            municipality=municipality,
            rows=[
                RowText(
                    row=plan.row,
                    title=plan.entry.title,
                    summary=plan.entry.summary,
                    description=plan.entry.description,
                    entry_id=None if plan.is_new else plan.entry.pk,
                )
                for plan in checked
            ],
        )
    except Exception:  # a warning must never make an import fail
        logger.exception("Could not check the spreadsheet rows for duplicates")
        return
    for row in rows:
        row.duplicates = flags.get(row.row, [])


def _suggest_tags(plans: Sequence[_Plan], rows: Sequence[RowResult]) -> None:
    """Suggest the Giffinger dimensions of new and changed rows that have none, for the preview."""
    from smartstadt.analysis.tagging import RowText, suggest_for_rows

    checked = [plan for plan, row in zip(plans, rows, strict=True) if row.action != "unchanged"]
    try:
        suggested = suggest_for_rows(
            [
                RowText(
                    row=plan.row,
                    title=plan.entry.title,
                    summary=plan.entry.summary,
                    description=plan.entry.description,
                    term_ids=tuple(plan.relations.get("terms", ())),
                )
                for plan in checked
            ]
        )
    except Exception:  # a suggestion must never make an import fail
        logger.exception("Could not suggest tags for the spreadsheet rows")
        return
    for row in rows:
        row.suggested = suggested.get(row.row, [])
