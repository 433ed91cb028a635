"""Participation pages with allowed and forbidden personas; spam protection; query budgets."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from smartstadt.core.models import Role
from smartstadt.core.permissions import System
from smartstadt.core.services import membership_grant
from smartstadt.core.tests.factories import UserFactory
from smartstadt.participation import services
from smartstadt.participation.models import Comment, Idea, Process, Report, Support

from .factories import CommentFactory, IdeaFactory

ClientAs = Callable[[str], Client]


def _url(name: str, process: Process, *args: Any) -> str:
    return reverse(f"participation:{name}", args=[process.slug, *args])


def test_public_pages_for_everybody(client_as: ClientAs, personas: Any, process: Process) -> None:
    idea = IdeaFactory(process=process, title="Sitzbänke am Markt")
    services.idea_answer(actor=personas.team_a, idea=idea, status="under_consideration", answer="Wir prüfen.")
    for who in ("anonymous", "citizen", "team_b"):
        client = client_as(who)
        assert client.get(reverse("participation:processes")).status_code == 200
        assert client.get(_url("process", process)).status_code == 200
        response = client.get(_url("ideas", process))
        assert response.status_code == 200
        assert "Sitzbänke am Markt" in response.content.decode()
        assert client.get(_url("idea", process, idea.pk)).status_code == 200
        results = client.get(_url("results", process))
        assert results.status_code == 200
        assert "Wir prüfen." in results.content.decode()


def test_unpublished_process_is_hidden_from_the_public(client_as: ClientAs, process: Process) -> None:
    Process.objects.filter(pk=process.pk).update(is_published=False)
    for who in ("anonymous", "citizen", "team_b"):
        assert client_as(who).get(_url("process", process)).status_code == 404, who
        assert client_as(who).get(_url("ideas", process)).status_code == 404, who
    assert client_as("team_a").get(_url("process", process)).status_code == 200
    assert process.title not in client_as("anonymous").get(reverse("participation:processes")).content.decode()


def test_citizen_submits_an_idea_anonymous_is_sent_to_sign_in(client_as: ClientAs, process: Process) -> None:
    url = _url("idea_create", process)
    assert client_as("anonymous").get(url).status_code == 302
    client = client_as("citizen")
    assert client.get(url).status_code == 200
    response = client.post(url, {"title": "Trinkbrunnen", "text": "Mehr Trinkbrunnen im Sommer."})
    idea = Idea.objects.get(title="Trinkbrunnen")
    assert response.status_code == 302
    assert response["Location"] == idea.get_absolute_url()


def test_bad_input_names_the_field_and_saves_nothing(client_as: ClientAs, process: Process) -> None:
    response = client_as("citizen").post(_url("idea_create", process), {"title": "", "text": "x", "latitude": "51.5"})
    assert response.status_code == 400
    body = response.content.decode()
    assert 'href="#id_title"' in body
    assert 'href="#id_longitude"' in body
    assert not Idea.objects.filter(process=process).exists()


def test_honeypot_refuses_the_submission(client_as: ClientAs, process: Process) -> None:
    response = client_as("citizen").post(
        _url("idea_create", process), {"title": "Billig", "text": "Kaufen!", "website": "http://spam.example"}
    )
    assert response.status_code == 400
    assert not Idea.objects.filter(process=process).exists()
    idea = IdeaFactory(process=process)
    client_as("citizen").post(_url("comment", process, idea.pk), {"text": "Kaufen!", "website": "x"})
    assert not Comment.objects.filter(idea=idea).exists()
    # The field is in the page, but hidden from people.
    page = client_as("citizen").get(_url("idea_create", process)).content.decode()
    assert '<div hidden><div class="kern-form-input">' in page.replace("\n", "")


def test_rate_limit_answers_429(client_as: ClientAs, process: Process, settings: Any) -> None:
    settings.PARTICIPATION_RATE_LIMITS = {"idea": services.RateLimit(1, 3600)}
    client = client_as("citizen")
    assert client.post(_url("idea_create", process), {"title": "Eins", "text": "x"}).status_code == 302
    assert client.post(_url("idea_create", process), {"title": "Zwei", "text": "x"}).status_code == 429
    assert list(Idea.objects.filter(process=process).values_list("title", flat=True)) == ["Eins"]


def test_support_and_withdraw_without_javascript(client_as: ClientAs, personas: Any, process: Process) -> None:
    idea = IdeaFactory(process=process)
    url = _url("support", process, idea.pk)
    assert client_as("anonymous").post(url).status_code == 302
    assert not Support.objects.filter(idea=idea).exists()
    client = client_as("citizen")
    assert client.get(url).status_code == 405
    response = client.post(url, {"action": "support"})
    assert response.status_code == 302
    assert Idea.objects.get(pk=idea.pk).support_count == 1
    page = client.get(_url("idea", process, idea.pk)).content.decode()
    assert 'name="action" value="withdraw"' in page
    client.post(url, {"action": "withdraw"})
    assert Idea.objects.get(pk=idea.pk).support_count == 0


def test_support_with_htmx_returns_the_support_box(client_as: ClientAs, process: Process) -> None:
    idea = IdeaFactory(process=process)
    response = client_as("citizen").post(
        _url("support", process, idea.pk), {"action": "support"}, HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<section id="support"')
    assert "<html" not in body
    assert 'value="withdraw"' in body


def test_comment_and_reply(client_as: ClientAs, personas: Any, process: Process) -> None:
    idea = IdeaFactory(process=process)
    url = _url("comment", process, idea.pk)
    assert client_as("anonymous").post(url, {"text": "Hallo"}).status_code == 302
    client = client_as("citizen")
    response = client.post(url, {"text": "Gute Idee!"})
    top = Comment.objects.get(idea=idea)
    assert response.status_code == 302
    assert response["Location"].endswith(f"#comment-{top.pk}")
    client_as("team_b").post(url, {"text": "Finde ich auch.", "parent": top.pk})
    reply = Comment.objects.filter(idea=idea).exclude(pk=top.pk).get()
    assert reply.parent == top
    assert client.post(url, {"text": ""}).status_code == 400
    page = client.get(_url("idea", process, idea.pk)).content.decode()
    assert "Gute Idee!" in page
    assert "Finde ich auch." in page


def test_report_page(client_as: ClientAs, process: Process) -> None:
    idea = IdeaFactory(process=process)
    comment = CommentFactory(idea=idea)
    for url in (_url("report_idea", process, idea.pk), _url("report_comment", process, idea.pk, comment.pk)):
        assert client_as("anonymous").get(url).status_code == 302
        assert client_as("citizen").get(url).status_code == 200
        assert client_as("citizen").post(url, {"reason": "Beleidigend"}).status_code == 302
    assert Report.objects.filter(idea=idea).count() + Report.objects.filter(comment=comment).count() == 2


def test_answer_form_for_the_team_only(client_as: ClientAs, personas: Any, process: Process) -> None:
    idea = IdeaFactory(process=process, author=personas.citizen)
    url = _url("answer", process, idea.pk)
    for who in ("citizen", "moderator_a", "team_b", "editor_a"):
        assert client_as(who).get(url).status_code == 403, who
    assert client_as("anonymous").get(url).status_code == 302
    client = client_as("team_a")
    assert client.get(url).status_code == 200
    assert client.post(url, {"status": "not_taken", "answer": ""}).status_code == 400
    response = client.post(url, {"status": "not_taken", "answer": "Dafür ist das Land zuständig."})
    assert response.status_code == 302
    idea.refresh_from_db()
    assert idea.status == "not_taken"
    assert idea.answered_by == personas.team_a


def test_moderation_queue_and_hiding(client_as: ClientAs, personas: Any, process: Process) -> None:
    idea = IdeaFactory(process=process, author=personas.citizen, title="Kauft bei uns")
    services.contribution_report(actor=personas.team_b, target=idea, reason="Werbung")
    url = reverse("participation:moderation")
    assert client_as("anonymous").get(url).status_code == 302
    for who in ("citizen", "editor_a"):
        assert client_as(who).get(url).status_code == 403, who
    assert "Kauft bei uns" not in client_as("team_b").get(url).content.decode()
    moderator_b = UserFactory(username="moderator-b")
    membership_grant(actor=System("Test"), user=moderator_b, role=Role.MODERATOR, municipality=personas.municipality_b)
    other = Client()
    other.force_login(moderator_b)
    assert "Kauft bei uns" not in other.get(url).content.decode()
    hide = reverse("participation:hide", args=["idee", idea.pk])
    assert other.post(hide, {"reason": "Werbung"}).status_code == 403
    moderator = client_as("moderator_a")
    assert "Kauft bei uns" in moderator.get(url).content.decode()
    assert moderator.post(hide, {"reason": ""}).status_code == 400
    assert moderator.post(hide, {"reason": "Werbung ist nicht erlaubt."}).status_code == 302
    assert client_as("anonymous").get(idea.get_absolute_url()).status_code == 404
    assert "Kauft bei uns" not in client_as("anonymous").get(_url("ideas", process)).content.decode()
    own = client_as("citizen").get(idea.get_absolute_url())
    assert own.status_code == 200
    assert "Werbung ist nicht erlaubt." in own.content.decode()
    unhide = reverse("participation:unhide", args=["idee", idea.pk])
    assert client_as("citizen").post(unhide).status_code == 403
    assert moderator.post(unhide).status_code == 302
    assert client_as("anonymous").get(idea.get_absolute_url()).status_code == 200


def test_idea_list_sorts_and_filters(client_as: ClientAs, process: Process) -> None:
    IdeaFactory(process=process, title="Alt und beliebt", support_count=9)
    IdeaFactory(process=process, title="Viel diskutiert", comment_count=7)
    IdeaFactory(process=process, title="Neueste Idee")
    client = client_as("anonymous")

    def titles(**params: str) -> list[str]:
        response = client.get(_url("ideas", process), params)
        return [idea.title for idea in response.context["page"]]

    assert titles(sort="neueste")[0] == "Neueste Idee"
    assert titles(sort="unterstuetzt")[0] == "Alt und beliebt"
    assert titles(sort="diskutiert")[0] == "Viel diskutiert"
    assert titles(status="taken") == []
    fragment = client.get(_url("ideas", process), {"sort": "unterstuetzt"}, HTTP_HX_REQUEST="true")
    assert fragment.content.decode().lstrip().startswith('<div id="results"')


@pytest.mark.parametrize("rows", [3, 40])
def test_idea_list_query_count_does_not_grow(
    client_as: ClientAs, personas: Any, process: Process, rows: int, django_assert_max_num_queries: Any
) -> None:
    for number in range(rows):
        idea = IdeaFactory(process=process, author=personas.citizen if number % 2 else None)
        Support.objects.create(idea=idea, user=personas.citizen)
    client = client_as("citizen")
    with django_assert_max_num_queries(12):
        response = client.get(_url("ideas", process), {"sort": "unterstuetzt"})
    assert response.status_code == 200
    # The process page adds its figures (ideas, comments on the draft, survey answers, on-site events), surveys
    # and events: a fixed number of queries more, still independent of the rows.
    with django_assert_max_num_queries(20):
        assert client.get(_url("process", process)).status_code == 200
    Idea.objects.filter(process=process).update(answered_at=timezone.now(), answer="Danke.", status="received")
    with django_assert_max_num_queries(12):
        assert client.get(_url("results", process)).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(f"/api/processes/{process.slug}/ideas", {"limit": 100}).status_code == 200


def test_support_flood_is_refused_in_the_support_box(client_as: ClientAs, process: Process, settings: Any) -> None:
    settings.PARTICIPATION_RATE_LIMITS = {"support": services.RateLimit(1, 60)}
    idea = IdeaFactory(process=process)
    client = client_as("citizen")
    url = _url("support", process, idea.pk)
    client.post(url, {"action": "support"}, HTTP_HX_REQUEST="true")
    response = client.post(url, {"action": "withdraw"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 429
    body = response.content.decode()
    assert 'role="status"' in body
    assert "Bitte warten Sie 1 Minute und" in body  # singular, not "1 Minuten"
    assert 'value="withdraw"' in body  # still supported: the withdrawal was refused
    assert Idea.objects.get(pk=idea.pk).support_count == 1


def test_support_flood_without_javascript_answers_429(client_as: ClientAs, process: Process, settings: Any) -> None:
    settings.PARTICIPATION_RATE_LIMITS = {"support": services.RateLimit(1, 120)}
    idea = IdeaFactory(process=process)
    client = client_as("citizen")
    url = _url("support", process, idea.pk)
    assert client.post(url, {"action": "support"}).status_code == 302
    response = client.post(url, {"action": "withdraw"})
    assert response.status_code == 429
    assert "Bitte warten Sie 2 Minuten und" in response.content.decode()
    assert Idea.objects.get(pk=idea.pk).support_count == 1


def test_support_of_an_idea_hidden_later_can_be_withdrawn(client_as: ClientAs, personas: Any, process: Process) -> None:
    idea = IdeaFactory(process=process)
    services.idea_support(actor=personas.citizen, idea=idea)
    services.contribution_hide(actor=personas.team_a, target=idea, reason="Beleidigend")
    client = client_as("citizen")
    assert client.get(idea.get_absolute_url()).status_code == 404
    url = _url("support", process, idea.pk)
    # Supporting it again is not possible, and nobody else can reach it.
    assert client.post(url, {"action": "support"}).status_code == 404
    assert client_as("team_b").post(url, {"action": "withdraw"}).status_code == 404
    response = client.post(url, {"action": "withdraw"})
    assert response.status_code == 302
    assert not Support.objects.filter(idea=idea, user=personas.citizen).exists()
    assert Idea.objects.get(pk=idea.pk).support_count == 0
