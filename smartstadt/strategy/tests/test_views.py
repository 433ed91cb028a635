"""Pages of the strategy: who may see and change what; editing, ordering and linking through the browser."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from smartstadt.inventory.tests.factories import EntryFactory
from smartstadt.strategy.models import (
    Challenge,
    Goal,
    GuidingPrinciple,
    Horizon,
    Indicator,
    Measure,
    Priority,
    Strategy,
)

from .factories import ChallengeFactory, GoalFactory, GuidingPrincipleFactory, MeasureFactory, StrategyFactory

ClientAs = Callable[[str], Client]


@pytest.fixture
def strategy(personas: Any) -> Strategy:
    strategy = StrategyFactory(municipality=personas.municipality_a, title="Strategie A", is_published=False)
    goal = GoalFactory(strategy=strategy, title="Die Chancenstadt")
    challenge = ChallengeFactory(strategy=strategy, title="Digitale Spaltung")
    challenge.goals.set([goal])
    measure = MeasureFactory(strategy=strategy, title="Quartiersbüros", objective="Teilhabe stärken")
    measure.challenges.set([challenge])
    return strategy


def _ws(name: str, strategy: Strategy, *args: Any) -> str:
    return reverse(f"strategy:{name}", args=[strategy.pk, *args])


WORKSPACE_PAGES = [
    ("overview", ()),
    ("edit", ()),
    ("gaps", ()),
    ("versions", ()),
    ("compare", ()),
    ("history", ()),
    ("element_create", ("massnahmen",)),
]


@pytest.mark.parametrize(("name", "args"), WORKSPACE_PAGES)
def test_workspace_pages_for_the_team_only(
    client_as: ClientAs, strategy: Strategy, name: str, args: tuple[str, ...]
) -> None:
    url = _ws(name, strategy, *args)
    assert client_as("team_a").get(url).status_code == 200
    assert client_as("platform_admin").get(url).status_code == 200
    for who in ("team_b", "editor_a", "editor_b", "citizen"):
        assert client_as(who).get(url).status_code == 403, who
    assert client_as("anonymous").get(url).status_code == 302  # to the sign-in


def test_unpublished_strategy_is_read_by_members_only(client_as: ClientAs, strategy: Strategy) -> None:
    url = reverse("strategy:public", args=[strategy.pk])
    measure_url = Measure.objects.get(strategy=strategy).get_absolute_url()
    for who in ("team_a", "editor_a", "expert_a"):
        assert client_as(who).get(url).status_code == 200, who
    assert client_as("anonymous").get(url).status_code == 404
    assert client_as("anonymous").get(measure_url).status_code == 404
    assert client_as("team_b").get(url).status_code == 403
    assert client_as("editor_b").get(measure_url).status_code == 403


def test_published_strategy_is_public_and_read_only(client_as: ClientAs, strategy: Strategy) -> None:
    Strategy.objects.filter(pk=strategy.pk).update(is_published=True)
    response = client_as("anonymous").get(reverse("strategy:public", args=[strategy.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Quartiersbüros" in html
    assert "Die Chancenstadt" in html
    assert _ws("overview", strategy) not in html  # no workspace links for the public
    listing = client_as("anonymous").get(reverse("strategy:list")).content.decode()
    assert "Strategie A" in listing
    assert client_as("team_b").post(_ws("publish", strategy), {"published": "0"}).status_code == 403


def test_measure_sheet_in_the_seeds_layout(client_as: ClientAs, strategy: Strategy) -> None:
    from smartstadt.frameworks.models import Framework, Term

    framework = Framework.objects.create(slug="masterplan-a", name="Masterplan A", municipality=strategy.municipality)
    ticked = Term.objects.create(framework=framework, code="smart", label="Smart City A")
    Term.objects.create(framework=framework, code="arbeit", label="Arbeit und Bildung")
    Strategy.objects.filter(pk=strategy.pk).update(topic_framework=framework, is_published=True)
    measure = Measure.objects.get(strategy=strategy)
    measure.topic_terms.set([ticked])
    Measure.objects.filter(pk=measure.pk).update(priority="very_high", horizon="medium", stakeholders="Stadtverwaltung")
    html = client_as("anonymous").get(measure.get_absolute_url()).content.decode()
    sheet = html[html.index('class="measure-sheet"') :]
    # the sheet's order: topic fields, priority, feasibility, description with the objective, stakeholders
    very_high, medium = (
        str(label)[:1].upper() + str(label)[1:] for label in (Priority.VERY_HIGH.label, Horizon.MEDIUM.label)
    )
    positions = [sheet.index(text) for text in ("Smart City A", very_high, medium, "Teilhabe stärken")]
    assert f"☒</span> {very_high}" in sheet
    assert f"☒</span> {medium}" in sheet
    assert positions == sorted(positions)
    assert "Stadtverwaltung" in sheet
    assert "☒</span> Smart City A" in sheet
    assert "☐</span> Arbeit und Bildung" in sheet


def test_team_edits_the_vision(client_as: ClientAs, strategy: Strategy) -> None:
    response = client_as("team_a").post(
        _ws("edit", strategy), {"title": "Strategie A", "vision": "Neue Vision", "motto": ""}
    )
    assert response.status_code == 302
    strategy.refresh_from_db()
    assert strategy.vision == "Neue Vision"
    bad = client_as("team_a").post(_ws("edit", strategy), {"title": "", "vision": "X"})
    assert bad.status_code == 200
    assert "Titel" in bad.content.decode()  # the error names the field
    strategy.refresh_from_db()
    assert strategy.vision == "Neue Vision"


def test_create_edit_and_delete_with_confirmation(client_as: ClientAs, strategy: Strategy) -> None:
    team = client_as("team_a")
    goal = Goal.objects.get(strategy=strategy)
    create = _ws("element_create", strategy, "herausforderungen")
    form = team.get(f"{create}?goal={goal.pk}").content.decode()
    assert form.count(" checked") == 1
    assert f'value="{goal.pk}"' in form
    response = team.post(create, {"title": "Mobilität", "goals": [goal.pk]})
    assert response.status_code == 302
    challenge = Challenge.objects.get(strategy=strategy, title="Mobilität")
    assert list(challenge.goals.all()) == [goal]
    team.post(_ws("element_edit", strategy, "herausforderungen", challenge.pk), {"title": "Mobilität für alle"})
    challenge.refresh_from_db()
    assert challenge.title == "Mobilität für alle"
    delete_url = _ws("element_delete", strategy, "herausforderungen", challenge.pk)
    confirm = team.get(delete_url)
    assert confirm.status_code == 200
    assert Challenge.objects.filter(pk=challenge.pk).exists()
    assert client_as("team_b").post(delete_url).status_code == 403
    assert team.post(delete_url).status_code == 302
    assert not Challenge.objects.filter(pk=challenge.pk).exists()


def test_elements_of_another_strategy_are_not_found(client_as: ClientAs, strategy: Strategy, personas: Any) -> None:
    other = GoalFactory(strategy=StrategyFactory(municipality=personas.municipality_b))
    assert client_as("team_a").get(_ws("element_edit", strategy, "ziele", other.pk)).status_code == 404
    assert client_as("team_a").get(_ws("element_create", strategy, "unbekannt")).status_code == 404


def test_keyboard_reordering_by_post_without_javascript(client_as: ClientAs, strategy: Strategy) -> None:
    principles = [GuidingPrincipleFactory(strategy=strategy, text=t, order=i) for i, t in enumerate("ABC")]
    url = _ws("element_move", strategy, "leitsaetze", principles[2].pk)
    response = client_as("team_a").post(url, {"direction": "up", "next": _ws("overview", strategy) + "#leitsaetze"})
    assert response.status_code == 302
    assert response["Location"].endswith("#leitsaetze")
    assert list(GuidingPrinciple.objects.filter(strategy=strategy).values_list("text", flat=True)) == ["A", "C", "B"]
    goals = [Goal.objects.get(strategy=strategy), GoalFactory(strategy=strategy, title="Die attraktive Stadt")]
    client_as("team_a").post(_ws("element_move", strategy, "ziele", goals[1].pk), {"direction": "up"})
    overview = client_as("team_a").get(_ws("overview", strategy))
    assert [goal.title for goal in overview.context["overview"].goals] == ["Die attraktive Stadt", "Die Chancenstadt"]
    assert client_as("team_b").post(url, {"direction": "up"}).status_code == 403
    assert client_as("team_a").post(url, {"direction": "sideways"}).status_code == 404
    # a foreign "next" is not followed
    away = client_as("team_a").post(url, {"direction": "down", "next": "https://example.org/"})
    assert away["Location"].startswith("/")


def test_drag_reordering_saves_the_whole_list(client_as: ClientAs, strategy: Strategy) -> None:
    goals = [Goal.objects.get(strategy=strategy), GoalFactory(strategy=strategy, title="Die attraktive Stadt")]
    url = _ws("reorder", strategy, "ziele")
    order = ",".join(str(g.pk) for g in reversed(goals))
    response = client_as("team_a").post(url, {"order": order}, headers={"X-Requested-With": "fetch"})
    assert response.status_code == 204
    assert list(Goal.objects.filter(strategy=strategy)) == list(reversed(goals))
    assert client_as("team_a").post(url, {"order": "1,x"}).status_code == 400
    assert client_as("team_a").post(url, {"order": str(goals[0].pk)}).status_code == 400
    assert client_as("team_b").post(url, {"order": order}).status_code == 403


def test_indicators_are_added_on_the_measure_sheet(client_as: ClientAs, strategy: Strategy) -> None:
    measure = Measure.objects.get(strategy=strategy)
    url = _ws("child_create", strategy, measure.pk, "kennzahlen")
    response = client_as("team_a").post(
        url, {"name": "Erreichte Menschen", "unit": "Personen", "baseline": "0", "target": "500", "year": "2026"}
    )
    assert response.status_code == 302
    assert response["Location"].endswith("#kennzahlen")
    indicator = Indicator.objects.get(measure=measure)
    assert (indicator.target, indicator.year) == (500, 2026)
    bad = client_as("team_a").post(url, {"name": "", "year": "3000"})
    assert bad.status_code == 200
    assert Indicator.objects.filter(measure=measure).count() == 1
    assert client_as("editor_a").post(url, {"name": "X"}).status_code == 403


def test_suggestions_link_with_one_click(client_as: ClientAs, strategy: Strategy, personas: Any) -> None:
    challenge = Challenge.objects.get(strategy=strategy)
    Challenge.objects.filter(pk=challenge.pk).update(
        description="Ältere Menschen ohne Zugang zu digitalen Angeboten in den Quartieren"
    )
    entry = EntryFactory(
        municipality=personas.municipality_b,
        title="Digitale Quartiersbüros für ältere Menschen",
        summary="Ältere Menschen lernen digitale Angebote in den Quartieren kennen.",
    )
    EntryFactory(municipality=personas.municipality_b, title="Radwege", summary="Neue Radwege")
    page = client_as("team_a").get(_ws("solutions", strategy, "herausforderungen", challenge.pk))
    assert page.status_code == 200
    suggestions = [s.entry for s in page.context["suggestions"]]
    assert suggestions[0] == entry
    link = _ws("solution_link", strategy, "herausforderungen", challenge.pk)
    assert client_as("team_b").post(link, {"entry": entry.pk}).status_code == 403
    assert client_as("team_a").post(link, {"entry": entry.pk, "action": "link"}).status_code == 302
    assert list(challenge.entries.all()) == [entry]
    again = client_as("team_a").get(_ws("solutions", strategy, "herausforderungen", challenge.pk))
    assert entry not in [s.entry for s in again.context["suggestions"]]  # linked ones are no suggestion
    client_as("team_a").post(link, {"entry": entry.pk, "action": "unlink"})
    assert not challenge.entries.exists()


def test_freeze_and_compare_through_the_pages(client_as: ClientAs, strategy: Strategy) -> None:
    team = client_as("team_a")
    assert team.post(_ws("versions", strategy), {"label": "Entwurf 1", "kind": "draft"}).status_code == 302
    measure = Measure.objects.get(strategy=strategy)
    team.post(
        _ws("element_edit", strategy, "massnahmen", measure.pk),
        {"title": "Quartiersbüros", "objective": "Teilhabe aller Generationen stärken", "number": "1"},
    )
    MeasureFactory(strategy=strategy, title="Datenplattform")
    html = team.get(_ws("compare", strategy) + "?alt=1&neu=aktuell").content.decode()
    assert "Datenplattform" in html
    assert re.search(r'<ins class="diff-ins">(?:(?!</ins>).)*aller Generationen (?:(?!</ins>).)*</ins>', html, re.S)
    assert "<del" not in html[html.index("Teilhabe") - 200 : html.index("Teilhabe")]
    assert client_as("team_b").post(_ws("versions", strategy), {"label": "X", "kind": "draft"}).status_code == 403
    assert team.get(_ws("compare", strategy) + "?alt=99").status_code == 404


def test_gap_page_links_each_gap_to_its_fix(client_as: ClientAs, strategy: Strategy) -> None:
    lonely = GoalFactory(strategy=strategy, title="Die attraktive Stadt")
    html = client_as("team_a").get(_ws("gaps", strategy)).content.decode()
    assert "Die attraktive Stadt" in html
    assert f"{_ws('element_create', strategy, 'herausforderungen')}?goal={lonely.pk}" in html


def test_overview_query_count_does_not_grow(
    client_as: ClientAs, strategy: Strategy, django_assert_max_num_queries: Any
) -> None:
    team = client_as("team_a")
    team.get(_ws("overview", strategy))  # sessions, roles and caches warm
    for number in range(30):
        measure = MeasureFactory(strategy=strategy, title=f"Maßnahme {number}")
        measure.challenges.set(Challenge.objects.filter(strategy=strategy))
        ChallengeFactory(strategy=strategy)
        GoalFactory(strategy=strategy)
    with django_assert_max_num_queries(25):
        assert team.get(_ws("overview", strategy)).status_code == 200
    Strategy.objects.filter(pk=strategy.pk).update(is_published=True)
    with django_assert_max_num_queries(20):
        assert client_as("anonymous").get(reverse("strategy:public", args=[strategy.pk])).status_code == 200


def test_workspace_entry_page(client_as: ClientAs, personas: Any) -> None:
    team = client_as("team_a")
    page = team.get(reverse("strategy:workspace"))
    assert page.status_code == 200
    create = reverse("strategy:create", args=[personas.municipality_a.slug])
    assert create in page.content.decode()
    assert client_as("team_b").post(create, {"title": "Fremd"}).status_code == 403
    response = team.post(create, {"title": "Smart-City-Strategie A"})
    assert response.status_code == 302
    assert Strategy.objects.get(municipality=personas.municipality_a).title == "Smart-City-Strategie A"
    assert client_as("citizen").get(reverse("strategy:workspace")).status_code == 403


def test_suggestions_from_the_analysis_engine(client_as: ClientAs, strategy: Strategy, personas: Any) -> None:
    from smartstadt.analysis import indexing

    measure = Measure.objects.get(strategy=strategy)
    Measure.objects.filter(pk=measure.pk).update(
        description="Sensoren messen die Luftqualität an Schulen und melden Feinstaub."
    )
    fitting = EntryFactory(
        municipality=personas.municipality_a,
        title="Luftqualität an Schulen messen",
        summary="Sensoren an Schulen messen Feinstaub und Luftqualität.",
    )
    elsewhere = EntryFactory(title="Luftqualität an Schulen", summary="Sensoren messen Feinstaub an Schulen.")
    indexing.update([fitting.pk, elsewhere.pk], embed=False)
    page = client_as("team_a").get(_ws("solutions", strategy, "massnahmen", measure.pk))
    suggestions = page.context["suggestions"]
    assert suggestions[0].entry == fitting
    assert suggestions[0].score is not None
    assert suggestions[0].reasons
    assert elsewhere not in [s.entry for s in suggestions]  # another region
    assert client_as("team_b").get(_ws("solutions", strategy, "massnahmen", measure.pk)).status_code == 403


def test_change_history_of_a_part(client_as: ClientAs, strategy: Strategy) -> None:
    measure = Measure.objects.get(strategy=strategy)
    client_as("team_a").post(
        _ws("element_edit", strategy, "massnahmen", measure.pk), {"title": "Quartiersbüros plus", "number": "1"}
    )
    url = _ws("element_history", strategy, "massnahmen", measure.pk)
    page = client_as("team_a").get(url)
    assert page.status_code == 200
    assert "Quartiersbüros plus" in page.content.decode()
    assert client_as("team_b").get(url).status_code == 403
