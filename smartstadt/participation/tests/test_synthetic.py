"""The synthetic participation of the load test (generate_participation) and the generate_region step."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, Q

from smartstadt.core.models import User
from smartstadt.participation.models import Comment, Idea, ParticipantProfile, Process, Support
from smartstadt.participation.synthetic import LOAD_PROCESS_SLUG, SYNTHETIC_USER_PREFIX, load_counts


def test_generate_creates_the_counts_with_exact_counters(demo_region: Any) -> None:
    users_before = User.objects.exclude(username__startswith=SYNTHETIC_USER_PREFIX).count()
    call_command("generate_participation", "--contributions", "500", "--supports", "3000", "--quiet")
    process = Process.objects.get(slug=LOAD_PROCESS_SLUG)
    ideas = Idea.objects.filter(process=process)
    comments = Comment.objects.filter(idea__process=process)
    assert ideas.count() + comments.count() == 500
    assert ideas.count() == 200
    assert comments.filter(parent__isnull=False).exists()
    assert not comments.filter(parent__isnull=False).exclude(parent__idea_id=models_f("idea_id")).exists()
    assert Support.objects.filter(idea__process=process).count() == 3000
    # The counters as the services would have kept them.
    mismatched = ideas.annotate(
        supports_now=Count("supports", distinct=True), comments_now=Count("comments", distinct=True)
    ).exclude(Q(support_count=models_f("supports_now")) & Q(comment_count=models_f("comments_now")))
    assert not mismatched.exists()
    synthetic = User.objects.filter(username__startswith=SYNTHETIC_USER_PREFIX)
    assert synthetic.count() >= 50
    assert not any(user.has_usable_password() for user in synthetic[:5])
    assert all(user.email.endswith(".invalid") for user in synthetic[:5])
    assert ParticipantProfile.objects.filter(user__in=synthetic).exclude(age_group="").exists()
    assert process.phases.filter(kind="ideas", ends_on__isnull=True).exists()

    # Again: replaced, not doubled.
    call_command("generate_participation", "--contributions", "500", "--supports", "3000", "--quiet")
    assert load_counts()["Ideen"] == 200
    assert load_counts()["Unterstützungen"] == 3000

    call_command("generate_participation", "--remove", "--quiet")
    assert set(load_counts().values()) == {0}
    assert User.objects.count() == users_before
    assert Process.objects.filter(slug="oberhausen-smart-city-strategie").exists()  # the demo stays


def models_f(name: str) -> Any:
    from django.db.models import F

    return F(name)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "Bitte entweder „--contributions N“"),
        (["--contributions", "0"], "--contributions muss zwischen 1 und"),
        (["--contributions", "10", "--supports", "-1"], "--supports muss zwischen 0 und"),
        (["--contributions", "10", "--remove"], "Bitte entweder „--contributions N“"),
    ],
)
def test_generate_refuses_bad_input_in_german(demo_region: Any, args: list[str], message: str) -> None:
    with pytest.raises(CommandError, match=message):
        call_command("generate_participation", *args, "--quiet")
    assert not Process.objects.filter(slug=LOAD_PROCESS_SLUG).exists()


def test_generate_region_copies_the_processes_and_removes_them(demo_region: Any) -> None:
    from smartstadt.demo.generator import generate, remove_synthetic, synthetic_municipalities

    generate(scale=2)
    copies = Process.objects.filter(municipality__in=synthetic_municipalities())
    original = Process.objects.get(slug="oberhausen-smart-city-strategie")
    copy = copies.get(slug__startswith="oberhausen-smart-city-strategie-s")
    assert copy.phases.count() == original.phases.count()
    assert copy.ideas.count() == Idea.objects.current().filter(process=original, is_hidden=False).count()
    assert not copy.ideas.filter(author__isnull=False).exists()
    assert "Synthetische Testdaten" in copy.summary
    remove_synthetic()
    assert not copies.exists()
    assert Process.objects.filter(pk=original.pk).exists()
