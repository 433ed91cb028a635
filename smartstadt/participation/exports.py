"""Survey answers as CSV and XLSX: one row per answer set, one column per question (per option for a ranking).

Files are written by ``smartstadt.core.tabular``, as every list export, so a text that begins like a formula
(``=``, ``+``, ``-``, ``@``) is neutralised and never evaluated by a spreadsheet program.
No personal data: answer sets are numbered.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from smartstadt.core import tabular

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


def survey_table(survey: Survey, questions: list[Question]) -> tuple[list[str], Iterator[list[Any]]]:
    """The columns and the rows of the answers, for ``core.tabular``."""
    rows = survey_rows(survey, questions)
    return next(rows), rows


def survey_csv(survey: Survey, questions: list[Question]) -> bytes:
    """UTF-8 with byte order mark and ";" as German Excel opens it."""
    return tabular.csv_bytes(*survey_table(survey, questions))


def survey_xlsx(survey: Survey, questions: list[Question]) -> bytes:
    return tabular.xlsx_bytes(*survey_table(survey, questions), sheet=_("Answers"))
