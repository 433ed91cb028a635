"""Cached counts and pages of participation (caching.py, core.pagecache), the idea list's pages read through the
covering indexes, and the idea page's comments in pages: correct at once after every change, and a fixed number
of queries whatever the amount of data."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from smartstadt.participation import selectors, services
from smartstadt.participation.models import Comment, Idea, Process
from smartstadt.participation.selectors import COMMENTS_PER_PAGE, SORTS

from .factories import IdeaFactory

ClientAs = Callable[[str], Client]

pytestmark = pytest.mark.django_db


def _url(name: str, process: Process, *args: Any) -> str:
    return reverse(f"participation:{name}", args=[process.slug, *args])


def _idea_total(html: str) -> int:
    found = re.search(r"(\d+) (?:Ideen?|ideas?)</p>", html)
    assert found is not None, html
    return int(found.group(1))


def test_the_kept_pages_change_at_once_with_a_new_or_hidden_idea(
    client_as: ClientAs, personas: Any, process: Process, django_assert_num_queries: Any
) -> None:
    IdeaFactory(process=process, title="Erste Idee")
    anonymous = client_as("anonymous")
    assert _idea_total(anonymous.get(_url("ideas", process), {"sort": "neueste"}).content.decode()) == 1
    anonymous.get(_url("process", process))
    with django_assert_num_queries(0):  # kept for the next anonymous visitor
        page = anonymous.get(_url("ideas", process), {"sort": "neueste"}).content.decode()
    with django_assert_num_queries(0):
        anonymous.get(_url("process", process))
    assert _idea_total(page) == 1
    idea = services.idea_create(actor=personas.citizen, process=process, data={"title": "Zweite Idee", "text": "Ja."})
    page = anonymous.get(_url("ideas", process), {"sort": "neueste"}).content.decode()
    assert _idea_total(page) == 2
    assert "Zweite Idee" in page
    assert "Zweite Idee" in anonymous.get(_url("process", process)).content.decode()
    services.contribution_hide(actor=personas.team_a, target=idea, reason="Doppelt.")
    page = anonymous.get(_url("ideas", process), {"sort": "neueste"}).content.decode()
    assert _idea_total(page) == 1
    assert "Zweite Idee" not in page
    # the author still sees the hidden idea and counts it; the team sees it too
    for persona in ("citizen", "team_a"):
        page = client_as(persona).get(_url("ideas", process), {"sort": "neueste"}).content.decode()
        assert _idea_total(page) == 2
        assert "Zweite Idee" in page
    assert _idea_total(client_as("team_b").get(_url("ideas", process)).content.decode()) == 1


def test_the_process_figures_follow_answers_and_merges(personas: Any, process: Process) -> None:
    first, second = IdeaFactory(process=process), IdeaFactory(process=process)
    assert selectors.process_figures(process=process)["ideas"] == 2
    assert selectors.answered_count(process=process) == 0
    services.idea_answer(actor=personas.team_a, idea=first, status="under_consideration", answer="Wir prüfen.")
    assert selectors.answered_count(process=process) == 1
    assert selectors.status_counts(process=process)["under_consideration"] == 1
    services.idea_merge(actor=personas.team_a, idea=second, into=first)
    assert selectors.process_figures(process=process)["ideas"] == 1


def test_signed_in_citizens_see_support_counts_at_once(client_as: ClientAs, process: Process) -> None:
    idea = IdeaFactory(process=process, title="Bänke")
    citizen = client_as("citizen")
    citizen.get(_url("ideas", process))
    citizen.post(_url("support", process, idea.pk), {"action": "support"})
    page = citizen.get(_url("ideas", process)).content.decode()
    assert "1 Unterstützung" in page or "1 support" in page


@pytest.mark.parametrize("sort", list(SORTS))
def test_every_page_of_the_idea_list_in_every_order(client_as: ClientAs, process: Process, sort: str) -> None:
    start = timezone.now() - datetime.timedelta(days=100)
    for number in range(47):
        IdeaFactory(
            process=process,
            support_count=number % 5,
            comment_count=number % 3,
            created_at=start + datetime.timedelta(hours=number // 2),  # pairs share a time: the id decides
        )
    merged = IdeaFactory(process=process, title="Zusammengeführt")
    Idea.objects.filter(pk=merged.pk).update(merged_into=Idea.objects.order_by("pk").first())
    IdeaFactory(process=process, title="Ausgeblendet", is_hidden=True)
    expected = list(
        Idea.objects.filter(process=process, is_hidden=False, merged_into__isnull=True)
        .order_by(*SORTS[sort])
        .values_list("pk", flat=True)
    )
    client = client_as("anonymous")
    seen: list[int] = []
    for number in (1, 2, 3):
        response = client.get(_url("ideas", process), {"sort": sort, "page": number})
        page = response.context["page"]
        assert page.paginator.count == 47
        assert page.paginator.num_pages == 3
        seen.extend(idea.pk for idea in page)
    assert seen == expected
    beyond = client.get(_url("ideas", process), {"sort": sort, "page": 99}).context["page"]
    assert beyond.number == 3
    assert [idea.pk for idea in beyond] == expected[40:]


def _comments(idea: Idea, count: int, author: Any) -> list[Comment]:
    start = timezone.now() - datetime.timedelta(days=1)
    return Comment.objects.bulk_create(
        Comment(idea=idea, author=author, text=f"Kommentar {n}", created_at=start + datetime.timedelta(seconds=n))
        for n in range(count)
    )


def test_the_comments_of_an_idea_come_in_pages(client_as: ClientAs, personas: Any, process: Process) -> None:
    idea = IdeaFactory(process=process)
    comments = _comments(idea, COMMENTS_PER_PAGE * 2 + 7, personas.team_b)
    Comment.objects.create(idea=idea, parent=comments[0], author=personas.team_b, text="Antwort auf den ersten")
    client = client_as("anonymous")
    first = client.get(_url("idea", process, idea.pk))
    html = first.content.decode()
    assert ">Kommentar 0<" in html
    assert "Antwort auf den ersten" in html
    assert f">Kommentar {COMMENTS_PER_PAGE - 1}<" in html
    assert f">Kommentar {COMMENTS_PER_PAGE}<" not in html
    assert 'rel="next"' in html
    last = client.get(_url("idea", process, idea.pk), {"page": 3}).content.decode()
    assert f">Kommentar {COMMENTS_PER_PAGE * 2 + 6}<" in last
    assert f">Kommentar {COMMENTS_PER_PAGE * 2 - 1}<" not in last
    assert "Antwort auf den ersten" not in last
    assert 'rel="prev"' in last
    assert 'rel="next"' not in last


def test_after_commenting_the_citizen_lands_on_the_page_of_the_comment(
    client_as: ClientAs, personas: Any, process: Process
) -> None:
    idea = IdeaFactory(process=process)
    comments = _comments(idea, COMMENTS_PER_PAGE + 3, personas.team_b)
    client = client_as("citizen")
    response = client.post(_url("comment", process, idea.pk), {"text": "Ganz neu"})
    new = Comment.objects.get(text="Ganz neu")
    assert response["Location"].endswith(f"?page=2#comment-{new.pk}")
    assert "Ganz neu" in client.get(response["Location"]).content.decode()
    response = client.post(_url("comment", process, idea.pk), {"text": "Antwort", "parent": comments[1].pk})
    reply = Comment.objects.get(text="Antwort")
    assert response["Location"].endswith(f"/#comment-{reply.pk}")


def test_hidden_comments_only_for_their_author_and_the_moderation(
    client_as: ClientAs, personas: Any, process: Process
) -> None:
    idea = IdeaFactory(process=process)
    mine = services.comment_create(actor=personas.citizen, idea=idea, text="Mein Kommentar")
    services.contribution_hide(actor=personas.team_a, target=mine, reason="Beleidigend.")
    assert "Mein Kommentar" in client_as("citizen").get(_url("idea", process, idea.pk)).content.decode()
    assert "Mein Kommentar" in client_as("team_a").get(_url("idea", process, idea.pk)).content.decode()
    assert "Mein Kommentar" not in client_as("anonymous").get(_url("idea", process, idea.pk)).content.decode()


@pytest.mark.parametrize("comments", [3, 130])
def test_idea_page_query_count_does_not_grow(
    client_as: ClientAs, personas: Any, process: Process, comments: int, django_assert_max_num_queries: Any
) -> None:
    idea = IdeaFactory(process=process)
    made = _comments(idea, comments, personas.team_b)
    Comment.objects.bulk_create(
        Comment(idea=idea, parent=comment, author=personas.citizen, text="Antwort") for comment in made
    )
    for persona in ("anonymous", "citizen"):
        client = client_as(persona)
        with django_assert_max_num_queries(14):
            assert client.get(_url("idea", process, idea.pk), {"page": 2}).status_code == 200
