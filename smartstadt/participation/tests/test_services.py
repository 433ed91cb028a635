"""Services of participation: supports and their counter, comments, moderation, answers and their mail."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from smartstadt.core.models import ChangeRecord
from smartstadt.participation import services
from smartstadt.participation.models import (
    Comment,
    Idea,
    IdeaStatus,
    ParticipantProfile,
    Phase,
    PhaseKind,
    Process,
    Report,
    Support,
)
from smartstadt.regions.tests.factories import DistrictFactory
from smartstadt.strategy.tests.factories import MeasureFactory, StrategyFactory

from .factories import IdeaFactory


def _idea(process: Process, **values: Any) -> Idea:
    return IdeaFactory(process=process, **values)


def test_idea_create_keeps_history_and_checks_the_district(personas: Any, process: Process) -> None:
    idea = services.idea_create(
        actor=personas.citizen, process=process, data={"title": "Bänke", "text": "Mehr Bänke am Markt."}
    )
    assert idea.author == personas.citizen
    assert ChangeRecord.objects.for_object(idea).get().actor == personas.citizen
    elsewhere = DistrictFactory(municipality=personas.municipality_b)
    with pytest.raises(ValidationError) as error:
        services.idea_create(
            actor=personas.citizen, process=process, data={"title": "X", "text": "Y", "district": elsewhere}
        )
    assert "district" in error.value.message_dict
    assert Idea.objects.filter(process=process).count() == 1


def test_no_ideas_outside_an_ideas_phase(personas: Any, process: Process) -> None:
    Phase.objects.filter(process=process).update(kind=PhaseKind.INFORMATION)
    with pytest.raises(PermissionDenied):
        services.idea_create(actor=personas.citizen, process=process, data={"title": "X", "text": "Y"})
    Phase.objects.filter(process=process).update(
        kind=PhaseKind.IDEAS, ends_on=datetime.date.today() - datetime.timedelta(days=1)
    )
    with pytest.raises(PermissionDenied):
        services.idea_create(actor=personas.citizen, process=process, data={"title": "X", "text": "Y"})


def test_support_once_and_withdraw(personas: Any, process: Process) -> None:
    idea = _idea(process)
    assert services.idea_support(actor=personas.citizen, idea=idea) is True
    assert services.idea_support(actor=personas.citizen, idea=idea) is False
    assert services.idea_support(actor=personas.team_b, idea=idea) is True
    idea.refresh_from_db()
    assert idea.support_count == 2
    assert Support.objects.filter(idea=idea).count() == 2
    assert services.idea_withdraw_support(actor=personas.citizen, idea=idea) is True
    assert services.idea_withdraw_support(actor=personas.citizen, idea=idea) is False
    idea.refresh_from_db()
    assert idea.support_count == 1
    assert list(Support.objects.filter(idea=idea).values_list("user", flat=True)) == [personas.team_b.pk]


def test_anonymous_cannot_support(personas: Any, process: Process) -> None:
    from django.contrib.auth.models import AnonymousUser

    idea = _idea(process)
    with pytest.raises(PermissionDenied):
        services.idea_support(actor=AnonymousUser(), idea=idea)
    with pytest.raises(PermissionDenied):
        services.idea_withdraw_support(actor=AnonymousUser(), idea=idea)


def test_comments_have_one_level_of_replies(personas: Any, process: Process) -> None:
    idea = _idea(process)
    top = services.comment_create(actor=personas.citizen, idea=idea, text="Gut.")
    reply = services.comment_create(actor=personas.team_a, idea=idea, text="Danke.", parent=top)
    reply_to_reply = services.comment_create(actor=personas.citizen, idea=idea, text="Gern.", parent=reply)
    assert reply.parent == top
    assert reply_to_reply.parent == top
    other = _idea(process)
    with pytest.raises(ValidationError):
        services.comment_create(actor=personas.citizen, idea=other, text="Falsch.", parent=top)
    idea.refresh_from_db()
    assert idea.comment_count == 3


def test_hide_with_reason_and_show_again(personas: Any, process: Process) -> None:
    idea = _idea(process)
    comment = services.comment_create(actor=personas.citizen, idea=idea, text="Werbung!")
    services.contribution_report(actor=personas.team_b, target=comment, reason="Werbung")
    with pytest.raises(PermissionDenied):
        services.contribution_hide(actor=personas.citizen, target=comment, reason="Werbung")
    with pytest.raises(ValidationError):
        services.contribution_hide(actor=personas.moderator_a, target=comment, reason=" ")
    services.contribution_hide(actor=personas.moderator_a, target=comment, reason="Werbung ist nicht erlaubt.")
    comment.refresh_from_db()
    idea.refresh_from_db()
    assert comment.is_hidden
    assert comment.hidden_reason == "Werbung ist nicht erlaubt."
    assert idea.comment_count == 0
    assert Report.objects.get().outcome == Report.Outcome.HIDDEN
    services.contribution_unhide(actor=personas.moderator_a, target=comment)
    idea.refresh_from_db()
    assert idea.comment_count == 1
    assert not Comment.objects.get(pk=comment.pk).is_hidden


def test_report_needs_a_reason_and_dismiss_closes_it(personas: Any, process: Process) -> None:
    idea = _idea(process)
    with pytest.raises(ValidationError):
        services.contribution_report(actor=personas.citizen, target=idea, reason="  ")
    services.contribution_report(actor=personas.citizen, target=idea, reason="Beleidigend")
    assert services.reports_dismiss(actor=personas.team_a, target=idea) == 1
    assert Report.objects.get().outcome == Report.Outcome.DISMISSED


@pytest.mark.parametrize("notify", [True, False])
def test_answer_mails_the_author_unless_turned_off(
    personas: Any, process: Process, notify: bool, django_capture_on_commit_callbacks: Any
) -> None:
    idea = _idea(process, author=personas.citizen)
    ParticipantProfile.objects.create(user=personas.citizen, notify_on_answer=notify)
    with django_capture_on_commit_callbacks(execute=True):
        services.idea_answer(
            actor=personas.team_a, idea=idea, status=IdeaStatus.UNDER_CONSIDERATION, answer="Wir prüfen das."
        )
    idea.refresh_from_db()
    assert idea.status == IdeaStatus.UNDER_CONSIDERATION
    assert idea.answered_by == personas.team_a
    if notify:
        [message] = mail.outbox
        assert message.to == [personas.citizen.email]
        assert "Wir prüfen das." in message.body
        assert idea.get_absolute_url() in message.body
    else:
        assert mail.outbox == []


def test_answer_rules(personas: Any, process: Process) -> None:
    idea = _idea(process)
    with pytest.raises(PermissionDenied):
        services.idea_answer(actor=personas.moderator_a, idea=idea, status=IdeaStatus.TAKEN, answer="Ja")
    with pytest.raises(ValidationError) as error:
        services.idea_answer(actor=personas.team_a, idea=idea, status=IdeaStatus.NOT_TAKEN, answer="")
    assert "answer" in error.value.message_dict
    strategy = StrategyFactory(municipality=personas.municipality_a)
    Process.objects.filter(pk=process.pk).update(strategy=strategy)
    idea = Idea.objects.select_related("process").get(pk=idea.pk)
    with pytest.raises(ValidationError) as error:
        services.idea_answer(actor=personas.team_a, idea=idea, status=IdeaStatus.TAKEN, answer="Übernommen.")
    assert "measure" in error.value.message_dict
    foreign = MeasureFactory(strategy=StrategyFactory(municipality=personas.municipality_b))
    with pytest.raises(ValidationError):
        services.idea_answer(
            actor=personas.team_a, idea=idea, status=IdeaStatus.TAKEN, answer="Übernommen.", measure=foreign
        )
    measure = MeasureFactory(strategy=strategy)
    services.idea_answer(
        actor=personas.team_a, idea=idea, status=IdeaStatus.TAKEN, answer="Übernommen.", measure=measure
    )
    assert Idea.objects.get(pk=idea.pk).measure == measure


def test_rate_limit_refuses_a_flood_without_saving(personas: Any, process: Process, settings: Any) -> None:
    settings.PARTICIPATION_RATE_LIMITS = {"idea": services.RateLimit(2, 3600)}
    for number in range(2):
        services.idea_create(actor=personas.citizen, process=process, data={"title": f"T{number}", "text": "x"})
    with pytest.raises(ValidationError) as error:
        services.idea_create(actor=personas.citizen, process=process, data={"title": "T3", "text": "x"})
    assert error.value.code == "rate_limited"
    assert "Minuten" in str(error.value.messages[0]) or "minutes" in str(error.value.messages[0])
    assert Idea.objects.filter(process=process).count() == 2
    # Another citizen is not affected.
    services.idea_create(actor=personas.team_b, process=process, data={"title": "T4", "text": "x"})


def test_answering_and_hiding_keep_the_counters(personas: Any, process: Process) -> None:
    idea = _idea(process)
    stale = Idea.objects.select_related("process").get(pk=idea.pk)  # loaded before the supports came in
    services.idea_support(actor=personas.citizen, idea=idea)
    services.comment_create(actor=personas.team_b, idea=idea, text="Ja!")
    services.idea_answer(actor=personas.team_a, idea=stale, status=IdeaStatus.RECEIVED, answer="Danke.")
    services.contribution_hide(actor=personas.moderator_a, target=stale, reason="Test")
    services.contribution_unhide(actor=personas.moderator_a, target=stale)
    idea.refresh_from_db()
    assert idea.support_count == 1
    assert idea.comment_count == 1
    assert idea.answer == "Danke."
