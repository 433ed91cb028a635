"""Survey answers as CSV and XLSX: one row per answer set, one column per question (per option for a ranking).

Cells are written with the inventory export's helpers, so a text that begins like a formula (``=``, ``+``, ``-``,
``@``) is neutralised and never evaluated by a spreadsheet program. No personal data: answer sets are numbered.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from smartstadt.inventory.spreadsheets import neutralise, workbook_bytes, xlsx_cells

from .models import Question, QuestionKind, Survey, SurveyAnswer, SurveyResponse


def _headers(questions: list[Question]) -> list[str]:
    headers = [_("Answer set"), _("Last changed")]
    for question in questions:
        if question.kind == QuestionKind.RANKING:
            headers += [
                _("%(question)s – rank of “%(option)s”") % {"question": question.text, "option": option.text}
                for option in question.options.all()
            ]
        else:
            headers.append(question.text)
    return headers


def survey_rows(survey: Survey, questions: list[Question]) -> Iterator[list[Any]]:
    """The header row, then one row per answer set (numbers stay numbers)."""
    yield _headers(questions)
    responses = (
        SurveyResponse.objects.filter(survey=survey)
        .order_by("created_at", "pk")
        .prefetch_related(
            Prefetch("answers", queryset=SurveyAnswer.objects.select_related("option").order_by("option__order", "pk"))
        )
    )
    for number, response in enumerate(responses, start=1):
        by_question: dict[int, list[SurveyAnswer]] = {}
        for answer in response.answers.all():
            by_question.setdefault(answer.question_id, []).append(answer)
        row: list[Any] = [number, timezone.localtime(response.updated_at).strftime("%Y-%m-%d %H:%M")]
        for question in questions:
            answers = by_question.get(question.pk, [])
            if question.kind == QuestionKind.RANKING:
                ranks = {answer.option_id: answer.rank for answer in answers}
                row += [ranks.get(option.pk, "") for option in question.options.all()]
            elif question.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
                row.append("; ".join(answer.option.text for answer in answers if answer.option is not None))
            elif question.kind == QuestionKind.RATING:
                row.append(answers[0].rating if answers else "")
            else:
                row.append(answers[0].text if answers else "")
        yield row


def _csv_cell(value: Any) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return neutralise(str(value or ""))


def survey_csv(survey: Survey, questions: list[Question]) -> bytes:
    """UTF-8 with byte order mark and ";" as German Excel opens it."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    for row in survey_rows(survey, questions):
        writer.writerow([_csv_cell(value) for value in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def survey_xlsx(survey: Survey, questions: list[Question]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Answers")[:31])
    for row in survey_rows(survey, questions):
        sheet.append(xlsx_cells(sheet, row))
    return workbook_bytes(workbook)
