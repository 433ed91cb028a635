"""A citizen on a phone (375 px) comments a paragraph of the draft strategy and answers the example survey of the
demo data; every page visited is checked with axe-core."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from smartstadt.core.demo import DEMO_PASSWORD
from smartstadt.core.models import User
from smartstadt.core.tests.browser import BrowserPage, login
from smartstadt.participation.demo import PROCESS_SLUG, SURVEY_TITLE
from smartstadt.participation.models import DraftComment, QuestionKind, Survey, SurveyAnswer, SurveyResponse

pytestmark = [pytest.mark.e2e]

PROCESS = f"/beteiligung/{PROCESS_SLUG}/"


@pytest.fixture
def phone(chromium: Any, live_demo: Any) -> Iterator[BrowserPage]:
    context = chromium.new_context(
        locale="de-DE", viewport={"width": 375, "height": 812}, is_mobile=True, has_touch=True
    )
    page = BrowserPage(context.new_page(), live_demo.url)
    yield page
    try:
        page.assert_all_pages_checked()
    finally:
        context.close()


def test_citizen_comments_the_draft_and_answers_the_survey_on_a_phone(phone: BrowserPage) -> None:
    page = phone
    citizen = User.objects.get(username="buergerin")
    login(page, "buergerin", DEMO_PASSWORD)

    # From the process page to the draft; comment on the first measure.
    page.open(PROCESS)
    page.click_to(page.locator("#to-draft"))
    measure = page.locator("article[id^='paragraph-measures-']").first
    key = (measure.get_attribute("id") or "").removeprefix("paragraph-")
    measure.locator("summary").click()
    page.locator(f"[id='draft-text-{key}']").fill("Bitte auch samstags, dann können Berufstätige kommen.")
    page.click_to(page.locator(f"[id='draft-button-{key}']"))
    comment = DraftComment.objects.get(author=citizen, paragraph=key)
    assert page.locator(f"#draft-comment-{comment.pk}").inner_text().count("samstags") == 1

    # The example survey: rank the fields of action, choose, rate, write.
    survey = Survey.objects.get(title=SURVEY_TITLE)
    page.open(PROCESS)
    page.click_to(page.locator(f"main a[href='{survey.get_absolute_url()}']").first)
    questions = {question.kind: question for question in survey.questions.prefetch_related("options")}
    ranking = list(questions[QuestionKind.RANKING].options.order_by("order"))
    # First a ranking with a rank used twice: a message naming the question, nothing saved.
    for option in ranking:
        page.locator(f"#id_question_{questions[QuestionKind.RANKING].pk}_{option.pk}").select_option("1")
    page.click_to(page.locator("#survey-submit"))
    assert questions[QuestionKind.RANKING].text in page.locator("[role=alert]").inner_text()
    assert not SurveyResponse.objects.filter(survey=survey, user=citizen).exists()
    for rank, option in enumerate(reversed(ranking), start=1):
        page.locator(f"#id_question_{questions[QuestionKind.RANKING].pk}_{option.pk}").select_option(str(rank))
    first_choice = questions[QuestionKind.SINGLE].options.order_by("order").first()
    assert first_choice is not None
    page.locator(f"label:has-text('{first_choice.text}')").click()
    page.locator(f"#id_question_{questions[QuestionKind.RATING].pk}_3").check()
    page.click_to(page.locator("#survey-submit"))
    response = SurveyResponse.objects.get(survey=survey, user=citizen)
    top = SurveyAnswer.objects.get(response=response, question=questions[QuestionKind.RANKING], rank=1)
    assert top.option == ranking[-1]
    assert page.locator("#answered-note").is_visible()

    # The results page shows charts with their tables.
    page.click_to(page.locator(f"main a[href='/beteiligung/{PROCESS_SLUG}/umfragen/{survey.pk}/ergebnisse/']"))
    assert page.locator("svg.chart").count() >= 3
