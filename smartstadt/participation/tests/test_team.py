"""The team's area: processes and phases in the browser, merging ideas, workshops; links to the new pages."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.test import Client
from django.urls import reverse

from smartstadt.core.models import ChangeRecord
from smartstadt.core.tests.factories import UserFactory
from smartstadt.participation import services
from smartstadt.participation.models import Comment, Idea, Phase, PhaseKind, Process, Support, Workshop
from smartstadt.participation.selectors import process_figures

from .factories import CommentFactory, IdeaFactory

ClientAs = Callable[[str], Client]


def test_team_creates_a_process_and_its_phases(client_as: ClientAs, personas: Any) -> None:
    create = reverse("participation:process_create", args=[personas.municipality_a.slug])
    data = {"title": "Neues Verfahren", "slug": "neues-verfahren", "summary": "Kurz.", "is_published": "on"}
    assert client_as("team_b").post(create, data).status_code == 403
    assert client_as("citizen").post(create, data).status_code == 403
    team = client_as("team_a")
    assert team.get(reverse("participation:team")).status_code == 200
    assert client_as("citizen").get(reverse("participation:team")).status_code == 403
    assert team.post(create, data).status_code == 302
    process = Process.objects.get(slug="neues-verfahren")
    assert process.municipality == personas.municipality_a
    assert process.is_published
    assert ChangeRecord.objects.for_object(process).exists()
    # The same URL name again: a message on the field, nothing saved.
    again = team.post(create, {**data, "title": "Zweites"})
    assert again.status_code == 400
    assert Process.objects.filter(slug="neues-verfahren").count() == 1

    add_phase = reverse("participation:phase_create", args=[process.slug])
    today = datetime.date.today()
    backwards = {"kind": "ideas", "title": "Ideen", "starts_on": today.isoformat(), "ends_on": "2000-01-01"}
    assert team.post(add_phase, backwards).status_code == 400
    assert not Phase.objects.filter(process=process).exists()
    phase_data = {"kind": "ideas", "title": "Ideen", "starts_on": today.isoformat(), "ends_on": ""}
    assert client_as("team_b").post(add_phase, phase_data).status_code == 403
    assert team.post(add_phase, phase_data).status_code == 302
    phase = Phase.objects.get(process=process)
    assert phase.kind == PhaseKind.IDEAS
    assert phase.ends_on is None
    assert personas.citizen.has_perm("participation.add_idea", Process.objects.get(pk=process.pk))
    edit = reverse("participation:phase_edit", args=[process.slug, phase.pk])
    assert team.post(edit, {**phase_data, "title": "Ideen sammeln"}).status_code == 302
    phase.refresh_from_db()
    assert phase.title == "Ideen sammeln"
    delete = reverse("participation:phase_delete", args=[process.slug, phase.pk])
    assert client_as("moderator_a").post(delete).status_code == 403
    assert team.post(delete).status_code == 302
    assert not Phase.objects.filter(process=process).exists()

    edit_process = reverse("participation:process_edit", args=[process.slug])
    assert team.post(edit_process, {**data, "title": "Umbenannt"}).status_code == 302
    assert Process.objects.get(pk=process.pk).title == "Umbenannt"
    assert team.get(reverse("participation:manage", args=[process.slug])).status_code == 200
    assert client_as("team_b").get(reverse("participation:manage", args=[process.slug])).status_code == 403


def test_merge_moves_supports_once_and_comments_and_redirects(
    client_as: ClientAs, personas: Any, process: Process
) -> None:
    survivor = IdeaFactory(process=process, title="Mehr Bänke")
    merged = IdeaFactory(process=process, title="Sitzbänke am Markt")
    both, only_old, only_new = UserFactory(), UserFactory(), UserFactory()
    for user in (both, only_new):
        services.idea_support(actor=user, idea=survivor)
    for user in (both, only_old):
        services.idea_support(actor=user, idea=merged)
    comment = services.comment_create(actor=personas.citizen, idea=merged, text="Ja, bitte.")
    CommentFactory(idea=survivor)
    Idea.objects.filter(pk=survivor.pk).update(comment_count=1)
    survivor.refresh_from_db()

    url = reverse("participation:merge", args=[process.slug, merged.pk])
    assert client_as("citizen").post(url, {"into": survivor.pk}).status_code == 403
    assert client_as("moderator_a").post(url, {"into": survivor.pk}).status_code == 403
    assert client_as("team_b").post(url, {"into": survivor.pk}).status_code == 403
    assert client_as("team_a").post(url, {"into": survivor.pk}).status_code == 302

    survivor.refresh_from_db()
    merged.refresh_from_db()
    assert set(Support.objects.filter(idea=survivor).values_list("user_id", flat=True)) == {
        both.pk,
        only_old.pk,
        only_new.pk,
    }
    assert survivor.support_count == 3  # the citizen who supported both counts once
    assert not Support.objects.filter(idea=merged).exists()
    assert merged.support_count == 0
    assert Comment.objects.get(pk=comment.pk).idea_id == survivor.pk
    assert survivor.comment_count == 2
    assert merged.merged_into_id == survivor.pk
    assert merged.merged_at is not None
    assert ChangeRecord.objects.for_object(merged).filter(note__startswith="merged").exists()

    old = client_as("anonymous").get(reverse("participation:idea", args=[process.slug, merged.pk]))
    assert old.status_code == 301
    assert old["Location"] == survivor.get_absolute_url()
    listing = client_as("anonymous").get(reverse("participation:ideas", args=[process.slug])).content.decode()
    assert f'id="idea-{merged.pk}"' not in listing
    assert f'id="idea-{survivor.pk}"' in listing
    assert "Sitzbänke am Markt" in client_as("anonymous").get(survivor.get_absolute_url()).content.decode()
    # A merged idea takes no more supports, and merging it again is refused.
    assert not both.has_perm("participation.support_idea", merged)
    assert client_as("team_a").get(url).status_code == 404


def test_merge_into_an_idea_of_another_process_is_refused(personas: Any, process: Process) -> None:
    import pytest
    from django.core.exceptions import ValidationError

    other = IdeaFactory(process=IdeaFactory().process)
    idea = IdeaFactory(process=process)
    with pytest.raises(ValidationError):
        services.idea_merge(actor=personas.team_a, idea=idea, into=other)
    assert Idea.objects.get(pk=idea.pk).merged_into_id is None


def test_workshop_results_count_with_the_online_ideas(client_as: ClientAs, personas: Any, process: Process) -> None:
    IdeaFactory(process=process)
    create = reverse("participation:workshop_create", args=[process.slug])
    data = {
        "kind": Workshop.Kind.CITIZENS_ASSEMBLY,
        "title": "Bürgerrat Mobilität",
        "held_on": "2026-03-14",
        "place": "Rathaus",
        "participant_count": "32",
        "participant_kinds": "ausgeloste Bürgerinnen und Bürger",
        "results": "Mehr Radwege, sichere Schulwege.",
    }
    assert client_as("team_b").post(create, data).status_code == 403
    assert client_as("citizen").post(create, data).status_code == 403
    assert client_as("team_a").post(create, {**data, "participant_count": "-3"}).status_code == 400
    assert not Workshop.objects.filter(process=process).exists()
    assert client_as("team_a").post(create, data).status_code == 302
    workshop = Workshop.objects.get(process=process)
    add_idea = reverse("participation:workshop_idea", args=[process.slug, workshop.pk])
    idea_data = {"title": "Sichere Schulwege", "text": "Tempo 30 vor allen Schulen."}
    assert client_as("citizen").post(add_idea, idea_data).status_code == 403
    assert client_as("team_a").post(add_idea, idea_data).status_code == 302
    idea = Idea.objects.get(title="Sichere Schulwege")
    assert idea.workshop == workshop
    assert idea.author is None
    assert "Bürgerrat Mobilität" in idea.author_name
    figures = process_figures(process=process)
    assert figures == {
        "ideas": 2,
        "ideas_on_site": 1,
        "draft_comments": 0,
        "survey_responses": 0,
        "workshops": 1,
        "workshop_participants": 32,
    }
    page = client_as("anonymous").get(workshop.get_absolute_url()).content.decode()
    assert "Mehr Radwege" in page
    assert "Sichere Schulwege" in page
    process_page = client_as("anonymous").get(process.get_absolute_url()).content.decode()
    assert "Bürgerrat Mobilität" in process_page
    # The idea collected on site is in the same list and takes supports like every idea.
    assert services.idea_support(actor=personas.citizen, idea=idea)


def test_links_to_registration_my_data_and_moderation(client_as: ClientAs) -> None:
    login = client_as("anonymous").get(reverse("login")).content.decode()
    assert f'href="{reverse("participation:register")}"' in login
    citizen = client_as("citizen").get(reverse("account")).content.decode()
    assert f'href="{reverse("participation:my_data")}"' in citizen
    assert f'href="{reverse("participation:moderation")}"' not in citizen
    moderator = client_as("moderator_a").get(reverse("account")).content.decode()
    assert f'href="{reverse("participation:moderation")}"' in moderator
    team = client_as("team_a").get(reverse("account")).content.decode()
    assert f'href="{reverse("participation:team")}"' in team
