"""Commenting the frozen draft paragraph by paragraph and measure by measure; moderation and answers of those
comments; the team's page per paragraph and measure; the measure sheet shows the contributions that shaped it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from smartstadt.participation import services
from smartstadt.participation.draft import paragraph_index
from smartstadt.participation.models import DraftComment, IdeaStatus, Phase, PhaseKind, Process, Report
from smartstadt.strategy.models import Measure

ClientAs = Callable[[str], Client]


def _keys(process: Process) -> dict[str, str]:
    """Paragraph keys by title."""
    assert process.draft_version is not None
    return {p.title: p.key for p in paragraph_index(process.draft_version.snapshot).values()}


def test_the_draft_is_split_into_paragraphs(draft_process: Process) -> None:
    keys = _keys(draft_process)
    measure = Measure.objects.get(strategy=draft_process.strategy)
    assert keys["Vision"] == "vision"
    assert keys["Teilhabe für alle"].startswith("goals-")
    assert keys[f"{measure.number} Digitale Sprechstunde"] == f"measures-{measure.pk}"
    assert {"Mobilität", "Energie", "Bildung"} <= set(keys)


def test_comments_attach_to_their_paragraph(personas: Any, draft_process: Process) -> None:
    keys = _keys(draft_process)
    measure = Measure.objects.get(strategy=draft_process.strategy)
    on_goal = services.draft_comment_create(
        actor=personas.citizen, process=draft_process, paragraph=keys["Teilhabe für alle"], text="Auch für Ältere."
    )
    on_measure = services.draft_comment_create(
        actor=personas.editor_a, process=draft_process, paragraph=f"measures-{measure.pk}", text="Samstags bitte."
    )
    assert on_goal.paragraph_title == "Teilhabe für alle"
    assert on_goal.version_id == draft_process.draft_version_id
    assert on_measure.paragraph_title.endswith("Digitale Sprechstunde")
    with pytest.raises(ValidationError) as error:
        services.draft_comment_create(actor=personas.citizen, process=draft_process, paragraph="goals-999999", text="X")
    assert "paragraph" in error.value.message_dict
    assert DraftComment.objects.filter(process=draft_process).count() == 2


def test_no_draft_comments_outside_the_phase(personas: Any, draft_process: Process) -> None:
    Phase.objects.filter(process=draft_process, kind=PhaseKind.DRAFT_COMMENTS).update(kind=PhaseKind.INFORMATION)
    process = Process.objects.get(pk=draft_process.pk)
    with pytest.raises(PermissionDenied):
        services.draft_comment_create(actor=personas.citizen, process=process, paragraph="vision", text="Zu spät.")


def test_draft_page_and_comment_form(client_as: ClientAs, personas: Any, draft_process: Process) -> None:
    url = reverse("participation:draft", args=[draft_process.slug])
    anonymous = client_as("anonymous").get(url)
    assert anonymous.status_code == 200
    page = anonymous.content.decode()
    assert 'id="paragraph-vision"' in page
    assert "Teilhabe für alle" in page
    assert 'name="paragraph"' not in page  # no comment form without an account
    post_url = reverse("participation:draft_comment", args=[draft_process.slug])
    assert client_as("anonymous").post(post_url, {"paragraph": "vision", "text": "X"}).status_code == 302
    assert not DraftComment.objects.filter(process=draft_process).exists()

    citizen = client_as("citizen")
    assert 'name="paragraph" value="vision"' in citizen.get(url).content.decode()
    response = citizen.post(post_url, {"paragraph": "vision", "text": "Klingt gut, aber wie genau?"})
    comment = DraftComment.objects.get(process=draft_process)
    assert response.status_code == 302
    assert response["Location"].endswith(f"#draft-comment-{comment.pk}")
    shown = client_as("team_b").get(url).content.decode()
    assert f'id="draft-comment-{comment.pk}"' in shown
    assert "Klingt gut, aber wie genau?" in shown

    empty = citizen.post(post_url, {"paragraph": "vision", "text": ""})
    assert empty.status_code == 400
    assert DraftComment.objects.filter(process=draft_process).count() == 1
    spam = citizen.post(post_url, {"paragraph": "vision", "text": "Kauf jetzt", "website": "http://spam.example"})
    assert spam.status_code == 400
    assert DraftComment.objects.filter(process=draft_process).count() == 1


def test_team_sees_comments_per_paragraph_and_measure(
    client_as: ClientAs, personas: Any, draft_process: Process
) -> None:
    measure = Measure.objects.get(strategy=draft_process.strategy)
    services.draft_comment_create(
        actor=personas.citizen, process=draft_process, paragraph=f"measures-{measure.pk}", text="Gute Maßnahme."
    )
    url = reverse("participation:draft_comments", args=[draft_process.slug])
    response = client_as("team_a").get(url)
    assert response.status_code == 200
    page = response.content.decode()
    row = page.split(f'id="team-paragraph-measures-{measure.pk}"')[1].split("</tr>")[0]
    assert "Gute Maßnahme." in row
    vision_row = page.split('id="team-paragraph-vision"')[1].split("</tr>")[0]
    assert "Gute Maßnahme." not in vision_row
    for who in ("citizen", "team_b", "editor_a"):
        assert client_as(who).get(url).status_code == 403
    assert client_as("anonymous").get(url).status_code == 302


def test_draft_comments_are_reported_hidden_and_answered(
    client_as: ClientAs, personas: Any, draft_process: Process
) -> None:
    measure = Measure.objects.get(strategy=draft_process.strategy)
    comment = services.draft_comment_create(
        actor=personas.citizen, process=draft_process, paragraph="vision", text="Bitte Sprechstunden im Quartier."
    )
    other = services.draft_comment_create(
        actor=personas.editor_a, process=draft_process, paragraph="vision", text="Werbung für meinen Laden."
    )
    # Report through the page; the report appears in the moderation queue of municipality A only.
    report_url = reverse("participation:report_draft_comment", args=[draft_process.slug, other.pk])
    assert client_as("citizen").post(report_url, {"reason": "Werbung"}).status_code == 302
    queue = client_as("moderator_a").get(reverse("participation:moderation")).content.decode()
    assert f'id="queue-entwurf-{other.pk}"' in queue
    assert (
        f"queue-entwurf-{other.pk}" not in client_as("team_b").get(reverse("participation:moderation")).content.decode()
    )
    hide_url = reverse("participation:hide", args=["entwurf", other.pk])
    assert client_as("team_b").post(hide_url, {"reason": "Werbung"}).status_code == 403
    assert client_as("moderator_a").post(hide_url, {"reason": "Werbung ist nicht erlaubt."}).status_code == 302
    other.refresh_from_db()
    assert other.is_hidden
    assert Report.objects.get(draft_comment=other).outcome == Report.Outcome.HIDDEN
    draft_url = reverse("participation:draft", args=[draft_process.slug])
    assert "Werbung für meinen Laden." not in client_as("citizen").get(draft_url).content.decode()
    assert "Werbung ist nicht erlaubt." in client_as("editor_a").get(draft_url).content.decode()

    # The team answers: taken into the measure; the measure sheet shows the comment.
    answer_url = reverse("participation:answer_draft_comment", args=[draft_process.slug, comment.pk])
    data = {"status": IdeaStatus.TAKEN, "answer": "Wird Teil der Maßnahme.", "measure": measure.pk}
    assert client_as("team_a").get(answer_url).status_code == 200
    assert client_as("citizen").get(report_url).status_code == 404  # hidden: only its author and moderators see it
    visible_report = reverse("participation:report_draft_comment", args=[draft_process.slug, comment.pk])
    assert client_as("editor_a").get(visible_report).status_code == 200
    assert client_as("moderator_a").get(hide_url).status_code == 200
    assert client_as("moderator_a").post(answer_url, data).status_code == 403
    assert client_as("team_a").post(answer_url, {**data, "measure": ""}).status_code == 400
    assert client_as("team_a").post(answer_url, data).status_code == 302
    comment.refresh_from_db()
    assert comment.status == IdeaStatus.TAKEN
    assert comment.measure == measure
    from .factories import IdeaFactory

    idea = IdeaFactory(process=draft_process, title="Sprechstunde am Samstag")
    services.idea_answer(actor=personas.team_a, idea=idea, status=IdeaStatus.TAKEN, answer="Ja.", measure=measure)
    sheet = client_as("anonymous").get(measure.get_absolute_url()).content.decode()
    assert f'id="shaped-draft-comment-{comment.pk}"' in sheet
    assert f'id="shaped-idea-{idea.pk}"' in sheet
    assert "Sprechstunde am Samstag" in sheet
    services.idea_answer(actor=personas.team_a, idea=idea, status=IdeaStatus.NOT_TAKEN, answer="Doch nicht.")
    assert f"shaped-idea-{idea.pk}" not in client_as("anonymous").get(measure.get_absolute_url()).content.decode()
    results = client_as("anonymous").get(reverse("participation:results", args=[draft_process.slug]))
    assert "Wird Teil der Maßnahme." in results.content.decode()


def test_my_data_lists_draft_comments_and_deletion_anonymises(personas: Any, draft_process: Process) -> None:
    from smartstadt.participation.selectors import my_data

    services.draft_comment_create(actor=personas.citizen, process=draft_process, paragraph="vision", text="Meins.")
    assert [item["text"] for item in my_data(user=personas.citizen)["draft_comments"]] == ["Meins."]
    services.account_delete(actor=personas.citizen)
    assert DraftComment.objects.get(process=draft_process).author is None


@pytest.mark.parametrize("rows", [2, 30])
def test_draft_pages_query_count_does_not_grow(
    client_as: ClientAs, personas: Any, draft_process: Process, rows: int, django_assert_max_num_queries: Any
) -> None:
    keys = list(_keys(draft_process).values())
    for number in range(rows):
        DraftComment.objects.create(
            process=draft_process,
            version=draft_process.draft_version,
            paragraph=keys[number % len(keys)],
            author=personas.citizen,
            text=f"Kommentar {number}",
        )
    client = client_as("citizen")
    with django_assert_max_num_queries(12):
        assert client.get(reverse("participation:draft", args=[draft_process.slug])).status_code == 200
    team = client_as("team_a")
    with django_assert_max_num_queries(12):
        assert team.get(reverse("participation:draft_comments", args=[draft_process.slug])).status_code == 200
