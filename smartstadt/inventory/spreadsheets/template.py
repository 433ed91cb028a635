"""The import template: the data sheet with its headers and the "Hinweise" sheet that explains every column."""

from __future__ import annotations

import csv
import io

from django.utils import translation
from django.utils.translation import gettext as _

from smartstadt.core.tabular import neutralise, workbook_bytes
from smartstadt.frameworks.models import Framework, Term
from smartstadt.regions.models import District, Municipality, Organisation

from .columns import COLUMNS, DATA_SHEET, HEADERS, NOTES_SHEET, Column
from .exports import column_widths
from .lookups import TermScope, term_scope_for


def allowed_values(column: Column) -> str:
    if column.choices:
        return ", ".join(column.choices.values())
    return {
        "decimal": _("number"),
        "year": _("year"),
        "links": _("web addresses"),
        "list": _("texts separated by “;”"),
    }.get(column.kind, "")


def _notes(municipality: Municipality | None) -> list[list[str]]:
    """The rows of the "Hinweise" sheet: how to fill the template, every column, the allowed values."""
    rows: list[list[str]] = [
        [_("How to fill in the inventory template")],
        [
            _("Fill one entry per row of the sheet “%(sheet)s”; keep the first row with the column headers.")
            % {"sheet": DATA_SHEET}
        ],
        [_("Lists (partners, districts, tags, funding sources, links) are separated by a semicolon “;”.")],
        [_("Choices accept the German values listed below; the codes in brackets are accepted, too.")],
        [_("Columns you delete are left unchanged when entries are updated; an empty cell empties the field.")],
        [
            _(
                "Organisations, districts and tags must exist on the platform already; an unknown name is reported "
                "as an error, nothing is created."
            )
        ],
        [
            _(
                "The import checks every row first. If any row has an error, nothing is saved and every error is "
                "listed with its row and column."
            )
        ],
        [
            _(
                "Texts that start with =, +, - or @ are written with a leading apostrophe so that no spreadsheet "
                "program runs them as a formula; the import removes the apostrophe."
            )
        ],
        [],
        [_("Column"), _("Allowed values"), _("Explanation"), _("Example")],
    ]
    for column in COLUMNS:
        values = allowed_values(column)
        if column.choices:
            values = ", ".join(f"{german} ({code})" for code, german in column.choices.items())
        rows.append([column.header, values, str(column.hint), column.example])
    if municipality is not None:
        scope = term_scope_for(municipality)
        rows += [[], [_("Tags for %(municipality)s") % {"municipality": municipality.name}]]
        rows += [[scope.format(term), term.framework.name] for term in _with_frameworks(scope)]
        rows += [[], [_("Organisations of %(municipality)s") % {"municipality": municipality.name}]]
        rows += [
            [name]
            for name in Organisation.objects.filter(municipality=municipality)
            .order_by("name")
            .values_list("name", flat=True)
        ]
        rows += [[], [_("Districts of %(municipality)s") % {"municipality": municipality.name}]]
        rows += [
            [name]
            for name in District.objects.filter(municipality=municipality)
            .order_by("name")
            .values_list("name", flat=True)
        ]
    else:
        scope = TermScope(
            list(Framework.objects.reference().order_by("order", "name")),
            Term.objects.filter(framework__municipality__isnull=True),
        )
        rows += [[], [_("Tags of the reference frameworks (each municipality may have its own, too)")]]
        rows += [[scope.format(term), ""] for term in _with_frameworks(scope)]
    return rows


def _with_frameworks(scope: TermScope) -> list[Term]:
    frameworks = {f.pk: f for f in scope.frameworks}
    for term in scope.terms:
        term.framework = frameworks[term.framework_id]
    return scope.terms


def template_xlsx(municipality: Municipality | None = None) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = DATA_SHEET
    sheet.append(HEADERS)
    sheet.freeze_panes = "A2"
    for position, (column, width) in enumerate(zip(COLUMNS, column_widths(), strict=True), start=1):
        letter = get_column_letter(position)
        sheet[f"{letter}1"].font = Font(bold=True)
        sheet.column_dimensions[letter].width = width
        if column.choices:
            values = ",".join(column.choices.values())
            validation = DataValidation(type="list", formula1=f'"{values}"', allow_blank=True, showErrorMessage=False)
            validation.add(f"{letter}2:{letter}5000")
            sheet.add_data_validation(validation)
    notes = workbook.create_sheet(NOTES_SHEET)
    for row in _notes(municipality):
        notes.append([neutralise(value) for value in row])
    notes["A1"].font = Font(bold=True, size=14)
    for letter, width in zip("ABCD", (34, 50, 70, 30), strict=True):
        notes.column_dimensions[letter].width = width
    for cells in notes.iter_rows(min_row=2):
        for cell in cells:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    return workbook_bytes(workbook)


def template_csv() -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";", lineterminator="\r\n").writerow(HEADERS)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def template(fmt: str, municipality: Municipality | None = None) -> bytes:
    with translation.override("de"):
        return template_xlsx(municipality) if fmt == "xlsx" else template_csv()
