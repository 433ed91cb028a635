"""Surveys: the team builds them in the browser, citizens answer once (and may change), results as charts with
tables, CSV/XLSX export safe against formula injection."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation

from smartstadt.participation import services
from smartstadt.participation.models import (
    Phase,
    PhaseKind,
    Process,
    Question,
    QuestionKind,
    Survey,
    SurveyAnswer,
    SurveyResponse,
)

ClientAs = Callable[[str], Client]


@pytest.fixture
def survey(personas: Any, draft_process: Process) -> Survey:
    survey = services.survey_save(
        actor=personas.team_a,
        process=draft_process,
        data={"title": "Was ist wichtig?", "is_published": True, "results_public": True},
    )
    for kind, text, options in (
        (QuestionKind.RANKING, "Handlungsfelder ordnen", "Mobilität\nEnergie\nBildung"),
        (QuestionKind.SINGLE, "Wie erfahren?", "Zeitung\nInternet"),
        (QuestionKind.MULTIPLE, "Was nutzen Sie?", "Termine\nAnträge\nDaten"),
        (QuestionKind.RATING, "Wie informiert?", ""),
        (QuestionKind.TEXT, "Sonst noch etwas?", ""),
    ):
        services.question_save(
            actor=personas.team_a, survey=survey, data={"kind": kind, "text": text, "options": options, "scale_max": 5}
        )
    return survey


def _questions(survey: Survey) -> dict[str, Question]:
    return {question.kind: question for question in survey.questions.prefetch_related("options")}


def _raw(survey: Survey, *, ranks: tuple[int, ...] = (1, 2, 3), text: str = "Danke") -> dict[str, Any]:
    q = _questions(survey)
    ranking = list(q["ranking"].options.order_by("order"))
    return {
        f"question_{q['ranking'].pk}": {option.pk: rank for option, rank in zip(ranking, ranks, strict=True)},
        f"question_{q['single'].pk}": q["single"].options.order_by("order")[1].pk,
        f"question_{q['multiple'].pk}": [option.pk for option in q["multiple"].options.all()[:2]],
        f"question_{q['rating'].pk}": 4,
        f"question_{q['text'].pk}": text,
    }


def test_one_answer_set_per_citizen_changeable(personas: Any, survey: Survey) -> None:
    first = services.survey_answer(actor=personas.citizen, survey=survey, raw=_raw(survey))
    second = services.survey_answer(actor=personas.citizen, survey=survey, raw=_raw(survey, ranks=(3, 1, 2)))
    assert first.pk == second.pk
    assert SurveyResponse.objects.filter(survey=survey).count() == 1
    ranking = _questions(survey)["ranking"]
    ranks = dict(SurveyAnswer.objects.filter(question=ranking).values_list("option__text", "rank"))
    assert ranks == {"Mobilität": 3, "Energie": 1, "Bildung": 2}
    services.survey_answer(actor=personas.editor_a, survey=survey, raw=_raw(survey))
    assert SurveyResponse.objects.filter(survey=survey).count() == 2


def test_answers_only_while_the_survey_phase_runs(personas: Any, survey: Survey) -> None:
    Phase.objects.filter(process=survey.process, kind=PhaseKind.SURVEY).delete()
    survey = Survey.objects.get(pk=survey.pk)
    with pytest.raises(PermissionDenied):
        services.survey_answer(actor=personas.citizen, survey=survey, raw=_raw(survey))


@pytest.mark.parametrize(
    ("ranks", "expected"),
    [((1, 1, 2), "different rank"), ((1, 2), "every option a rank")],
)
def test_ranking_errors_name_the_question(personas: Any, survey: Survey, ranks: Any, expected: str) -> None:
    raw = _raw(survey)
    ranking = _questions(survey)["ranking"]
    options = list(ranking.options.order_by("order"))
    raw[f"question_{ranking.pk}"] = {option.pk: rank for option, rank in zip(options, ranks, strict=False)}
    with translation.override("de"), pytest.raises(ValidationError) as error:
        services.survey_answer(actor=personas.citizen, survey=survey, raw=raw)
    [message] = error.value.message_dict[f"question_{ranking.pk}"]
    assert "„Handlungsfelder ordnen“" in message or "“Handlungsfelder ordnen”" in message
    assert expected in message or "Rang" in message
    assert not SurveyResponse.objects.filter(survey=survey).exists()  # nothing half-saved


def test_a_foreign_option_and_an_out_of_scale_rating_are_refused(personas: Any, survey: Survey) -> None:
    q = _questions(survey)
    raw = _raw(survey)
    raw[f"question_{q['single'].pk}"] = q["multiple"].options.first().pk  # type: ignore[union-attr]
    raw[f"question_{q['rating'].pk}"] = 9
    with pytest.raises(ValidationError) as error:
        services.survey_answer(actor=personas.citizen, survey=survey, raw=raw)
    assert set(error.value.message_dict) == {f"question_{q['single'].pk}", f"question_{q['rating'].pk}"}


def test_answer_page_allowed_and_forbidden(client_as: ClientAs, personas: Any, survey: Survey) -> None:
    url = survey.get_absolute_url()
    q = _questions(survey)
    ranking = list(q["ranking"].options.order_by("order"))
    form = {f"question_{q['ranking'].pk}_{option.pk}": str(rank) for rank, option in enumerate(ranking, start=1)}
    form[f"question_{q['single'].pk}"] = str(q["single"].options.first().pk)  # type: ignore[union-attr]
    form[f"question_{q['rating'].pk}"] = "5"
    assert client_as("anonymous").get(url).status_code == 200
    assert client_as("anonymous").post(url, form).status_code == 403
    assert not SurveyResponse.objects.filter(survey=survey).exists()
    citizen = client_as("citizen")
    assert citizen.post(url, form).status_code == 302
    wrong = {**form, f"question_{q['ranking'].pk}_{ranking[0].pk}": "2"}
    response = citizen.post(url, wrong)
    assert response.status_code == 400
    assert "Handlungsfelder ordnen" in response.content.decode()
    page = citizen.get(url).content.decode()
    assert 'id="answered-note"' in page
    assert SurveyResponse.objects.filter(survey=survey).count() == 1
    # An unpublished survey is not there for citizens, but for the team.
    Survey.objects.filter(pk=survey.pk).update(is_published=False)
    assert client_as("citizen").get(url).status_code == 404
    assert client_as("team_a").get(url).status_code == 200


def test_results_as_charts_with_tables(client_as: ClientAs, personas: Any, survey: Survey) -> None:
    services.survey_answer(actor=personas.citizen, survey=survey, raw=_raw(survey, ranks=(2, 1, 3)))
    services.survey_answer(actor=personas.editor_a, survey=survey, raw=_raw(survey, ranks=(3, 1, 2)))
    from smartstadt.participation.selectors import survey_results

    total, results = survey_results(survey=survey)
    assert total == 2
    ranking = next(result for result in results if result.question.kind == QuestionKind.RANKING)
    # Borda points: Energie ranked first twice = 3 + 3; Mobilität 2 + 1; Bildung 1 + 2.
    assert [(row.label, row.value) for row in ranking.rows] == [("Energie", 6), ("Mobilität", 3), ("Bildung", 3)]
    rating = next(result for result in results if result.question.kind == QuestionKind.RATING)
    assert rating.average == 4
    url = reverse("participation:survey_results", args=[survey.process.slug, survey.pk])
    page = client_as("anonymous").get(url).content.decode()
    assert page.count('<svg class="chart"') == 4
    assert page.count("<table") == 4
    assert "Danke" not in page  # free texts only for the team
    assert "Danke" in client_as("team_a").get(url).content.decode()
    Survey.objects.filter(pk=survey.pk).update(results_public=False)
    assert client_as("citizen").get(url).status_code == 403
    assert client_as("team_a").get(url).status_code == 200


def test_export_is_safe_against_formulas(client_as: ClientAs, personas: Any, survey: Survey) -> None:
    services.survey_answer(
        actor=personas.citizen, survey=survey, raw=_raw(survey, text='=HYPERLINK("http://evil.example","klick")')
    )
    url = reverse("participation:survey_export", args=[survey.process.slug, survey.pk, "csv"])
    assert client_as("team_b").get(url).status_code == 403
    assert client_as("citizen").get(url).status_code == 403
    response = client_as("team_a").get(url)
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    header, row = rows
    assert header[2] == "Handlungsfelder ordnen – rank of “Mobilität”" or header[2].startswith("Handlungsfelder")
    assert row[2:5] == ["1", "2", "3"]
    assert row[-1].startswith("'=HYPERLINK")
    from openpyxl import load_workbook

    xlsx = client_as("team_a").get(url.replace("export.csv", "export.xlsx"))
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None
    values = [cell.value for cell in next(sheet.iter_rows(min_row=2, max_row=2))]
    assert values[-1].startswith("'=HYPERLINK")
    assert values[2] == 1  # numbers stay numbers
    assert all(cell.data_type != "f" for cell in next(sheet.iter_rows(min_row=2, max_row=2)))


def test_team_builds_the_survey_in_the_browser(client_as: ClientAs, personas: Any, draft_process: Process) -> None:
    create = reverse("participation:survey_create", args=[draft_process.slug])
    assert client_as("team_b").post(create, {"title": "Fremd"}).status_code == 403
    assert client_as("citizen").get(create).status_code == 403
    team = client_as("team_a")
    response = team.post(create, {"title": "Neue Umfrage", "is_published": "on"})
    survey = Survey.objects.get(title="Neue Umfrage")
    assert response.status_code == 302
    add = reverse("participation:question_create", args=[draft_process.slug, survey.pk])
    too_few = team.post(add, {"kind": "single", "text": "Ja oder nein?", "options": "Ja", "scale_max": 5})
    assert too_few.status_code == 400
    assert not survey.questions.exists()
    for text in ("Erste", "Zweite", "Dritte"):
        team.post(add, {"kind": "single", "text": text, "options": "A\nB", "scale_max": 5})
    third = survey.questions.get(text="Dritte")
    move = reverse("participation:question_move", args=[draft_process.slug, survey.pk, third.pk])
    assert team.post(move, {"direction": "up"}).status_code == 302
    assert list(survey.questions.order_by("order").values_list("text", flat=True)) == ["Erste", "Dritte", "Zweite"]
    first = survey.questions.get(text="Erste")
    team.post(
        reverse("participation:question_move", args=[draft_process.slug, survey.pk, first.pk]), {"direction": "up"}
    )
    assert list(survey.questions.order_by("order").values_list("text", flat=True)) == ["Erste", "Dritte", "Zweite"]
    assert client_as("team_b").post(move, {"direction": "down"}).status_code == 403
    edit = reverse("participation:question_edit", args=[draft_process.slug, survey.pk, third.pk])
    assert (
        team.post(edit, {"kind": "single", "text": "Dritte", "options": "A\nB\nC", "scale_max": 5}).status_code == 302
    )
    assert list(third.options.values_list("text", flat=True)) == ["A", "B", "C"]
    delete = reverse("participation:question_delete", args=[draft_process.slug, survey.pk, third.pk])
    assert team.post(delete).status_code == 302
    assert survey.questions.count() == 2
    assert team.get(reverse("participation:survey_edit", args=[draft_process.slug, survey.pk])).status_code == 200


def test_the_kind_of_an_answered_question_stays(client_as: ClientAs, personas: Any, survey: Survey) -> None:
    services.survey_answer(actor=personas.citizen, survey=survey, raw=_raw(survey))
    single = _questions(survey)["single"]
    url = reverse("participation:question_edit", args=[survey.process.slug, survey.pk, single.pk])
    data = {"kind": "multiple", "text": single.text, "options": "Zeitung\nInternet", "scale_max": 5}
    assert client_as("team_a").post(url, data).status_code == 400
    assert Question.objects.get(pk=single.pk).kind == QuestionKind.SINGLE
    assert client_as("team_a").post(url, {**data, "kind": "single", "text": "Woher?"}).status_code == 302
    assert Question.objects.get(pk=single.pk).text == "Woher?"
    # The options kept their text, so the answers stay.
    assert SurveyAnswer.objects.filter(question=single).count() == 1


@pytest.mark.parametrize("people", [1, 12])
def test_results_and_export_query_count_does_not_grow(
    client_as: ClientAs, survey: Survey, people: int, django_assert_max_num_queries: Any
) -> None:
    from smartstadt.core.tests.factories import UserFactory

    for _number in range(people):
        services.survey_answer(actor=UserFactory(), survey=survey, raw=_raw(survey))
    team = client_as("team_a")
    with django_assert_max_num_queries(16):
        assert (
            team.get(reverse("participation:survey_results", args=[survey.process.slug, survey.pk])).status_code == 200
        )
    with django_assert_max_num_queries(12):
        export = team.get(reverse("participation:survey_export", args=[survey.process.slug, survey.pk, "csv"]))
    assert export.content.decode("utf-8-sig").count("\r\n") == people + 1
