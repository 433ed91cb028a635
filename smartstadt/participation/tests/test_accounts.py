"""Accounts of citizens: registration with e-mail confirmation, settings, export as JSON, deletion."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from django.core import mail
from django.test import Client
from django.urls import reverse

from smartstadt.core.models import ChangeRecord, User
from smartstadt.participation import services
from smartstadt.participation.models import Comment, Idea, ParticipantProfile, Process, Report, Support

from .factories import IdeaFactory

ClientAs = Callable[[str], Client]
CONFIRM = re.compile(r"http://[^/\s]+(/registrieren/bestaetigen/[^/\s]+/[^/\s]+/)")
FORM = {
    "display_name": "Radlerin aus Osterfeld",
    "email": "Radlerin@Example.org",
    "password": "sommer-am-kanal-2026",
    "password_again": "sommer-am-kanal-2026",
    "age_group": "30_44",
    "consent": "on",
}


def _register(client: Client, django_capture_on_commit_callbacks: Any, **changes: str) -> Any:
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(reverse("participation:register"), {**FORM, **changes})


def test_registration_sends_a_confirmation_link_that_activates_once(
    db: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client = Client()
    assert client.get(reverse("participation:register")).status_code == 200
    response = _register(client, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert response["Location"] == reverse("participation:register_done")
    user = User.objects.get(email="radlerin@example.org")
    assert not user.is_active
    assert user.username == "radlerin@example.org"
    assert user.display_name == "Radlerin aus Osterfeld"
    profile = ParticipantProfile.objects.get(user=user)
    assert profile.consent_at is not None
    assert profile.email_confirmed_at is None
    assert profile.age_group == "30_44"
    [message] = mail.outbox
    assert message.to == ["radlerin@example.org"]
    match = CONFIRM.search(message.body)
    assert match, message.body
    # Not yet confirmed: signing in fails.
    # (Through the login page: the login throttling needs the request that client.login() does not pass.)
    refused = client.post(reverse("login"), {"username": "radlerin@example.org", "password": FORM["password"]})
    assert refused.status_code == 200
    assert "_auth_user_id" not in client.session
    confirmed = client.get(match.group(1))
    assert confirmed.status_code == 302
    user.refresh_from_db()
    assert user.is_active
    assert ParticipantProfile.objects.get(user=user).email_confirmed_at is not None
    assert client.get(reverse("participation:my_data")).status_code == 200  # signed in by the link
    assert Client().get(match.group(1)).status_code == 400  # used once


def test_registration_needs_consent_and_matching_passwords(db: Any, django_capture_on_commit_callbacks: Any) -> None:
    client = Client()
    response = _register(client, django_capture_on_commit_callbacks, consent="", password_again="anders-als-oben-1")
    assert response.status_code == 400
    body = response.content.decode()
    assert 'href="#id_consent"' in body
    assert 'href="#id_password_again"' in body
    assert not User.objects.filter(email="radlerin@example.org").exists()
    assert mail.outbox == []


def test_registration_honeypot_and_rate_limit(db: Any, django_capture_on_commit_callbacks: Any, settings: Any) -> None:
    client = Client()
    assert _register(client, django_capture_on_commit_callbacks, website="spam").status_code == 400
    assert not User.objects.filter(email="radlerin@example.org").exists()
    settings.PARTICIPATION_RATE_LIMITS = {"register": services.RateLimit(1, 3600)}
    assert _register(client, django_capture_on_commit_callbacks, email="a@example.org").status_code == 302
    assert _register(client, django_capture_on_commit_callbacks, email="b@example.org").status_code == 429
    assert not User.objects.filter(email="b@example.org").exists()


def test_a_known_e_mail_answers_like_a_new_one_and_tells_the_owner(
    db: Any, django_capture_on_commit_callbacks: Any
) -> None:
    new = _register(Client(), django_capture_on_commit_callbacks, email="neu@example.org")
    assert _register(Client(), django_capture_on_commit_callbacks).status_code == 302
    mail.outbox.clear()
    # Not confirmed yet: the owner gets the confirmation link again.
    _register(Client(), django_capture_on_commit_callbacks, email="radlerin@example.org")
    [again_confirm] = mail.outbox
    assert CONFIRM.search(again_confirm.body)
    User.objects.filter(email="radlerin@example.org").update(is_active=True)
    mail.outbox.clear()
    again = _register(Client(), django_capture_on_commit_callbacks, email="radlerin@example.org")
    # The same answer as for an address without an account: the form reveals nobody's account.
    assert (again.status_code, again["Location"]) == (new.status_code, new["Location"])
    assert User.objects.filter(email="radlerin@example.org").count() == 1
    [sent] = mail.outbox
    assert sent.to == ["radlerin@example.org"]
    assert "/anmelden/" in sent.body
    assert "/passwort-vergessen/" in sent.body
    assert not CONFIRM.search(sent.body)


def test_signed_in_users_are_sent_to_their_data(client_as: ClientAs) -> None:
    response = client_as("citizen").get(reverse("participation:register"))
    assert response.status_code == 302


def test_settings_turn_notifications_off(client_as: ClientAs, personas: Any) -> None:
    url = reverse("participation:my_data")
    assert client_as("anonymous").get(url).status_code == 302
    client = client_as("citizen")
    assert client.get(url).status_code == 200
    response = client.post(url, {"display_name": "Neuer Name", "age_group": "65_plus"})
    assert response.status_code == 302
    profile = ParticipantProfile.objects.get(user=personas.citizen)
    assert profile.notify_on_answer is False
    assert profile.age_group == "65_plus"
    personas.citizen.refresh_from_db()
    assert personas.citizen.display_name == "Neuer Name"


def test_export_contains_own_data_only(client_as: ClientAs, personas: Any, process: Process) -> None:
    mine = IdeaFactory(process=process, author=personas.citizen, title="Meine Idee")
    IdeaFactory(process=process, author=personas.team_b, title="Fremde Idee")
    services.comment_create(actor=personas.citizen, idea=mine, text="Mein Kommentar")
    services.idea_support(actor=personas.citizen, idea=mine)
    url = reverse("participation:my_data_export")
    assert client_as("anonymous").get(url).status_code == 302
    response = client_as("citizen").get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["account"]["email"] == personas.citizen.email
    assert [idea["title"] for idea in data["ideas"]] == ["Meine Idee"]
    assert [comment["text"] for comment in data["comments"]] == ["Mein Kommentar"]
    assert [support["idea"] for support in data["supports"]] == ["Meine Idee"]


def test_deletion_keeps_contributions_anonymised(client_as: ClientAs, personas: Any, process: Process) -> None:
    citizen = personas.citizen
    idea = services.idea_create(actor=citizen, process=process, data={"title": "Bleibt", "text": "Auch ohne mich."})
    comment = services.comment_create(actor=citizen, idea=idea, text="Mein Kommentar")
    services.idea_support(actor=citizen, idea=idea)
    services.contribution_report(actor=citizen, target=comment, reason="Test")
    ParticipantProfile.objects.create(user=citizen, age_group="18_29")
    client = client_as("citizen")
    assert client.get(reverse("participation:account_delete")).status_code == 200
    # Without ticking the box nothing happens.
    assert client.post(reverse("participation:account_delete")).status_code == 302
    assert User.objects.filter(pk=citizen.pk).exists()
    # Nor without the password: an open session alone cannot delete the account.
    for password in ("", "falsch-geraten-123"):
        refused = client.post(reverse("participation:account_delete"), {"confirm": "yes", "password": password})
        assert refused.status_code == 400
        assert "Passwort ist nicht korrekt" in refused.content.decode()
    assert User.objects.filter(pk=citizen.pk).exists()
    response = client.post(
        reverse("participation:account_delete"), {"confirm": "yes", "password": "korrekt-pferd-batterie"}
    )
    assert response.status_code == 302
    assert not User.objects.filter(pk=citizen.pk).exists()
    assert not ParticipantProfile.objects.filter(user_id=citizen.pk).exists()
    idea = Idea.objects.get(pk=idea.pk)
    assert idea.author is None
    assert idea.support_count == 1
    assert Comment.objects.get(pk=comment.pk).author is None
    assert Support.objects.filter(idea=idea, user__isnull=True).count() == 1
    assert Report.objects.get(comment=comment).reporter is None
    history = ChangeRecord.objects.for_object(idea).get()
    assert history.actor is None
    assert citizen.username not in history.actor_label
    page = Client().get(idea.get_absolute_url()).content.decode()
    assert "Bleibt" in page
    assert citizen.public_name not in page


def test_behind_the_proxy_the_forwarded_address_is_limited(
    db: Any, django_capture_on_commit_callbacks: Any, settings: Any
) -> None:
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.PARTICIPATION_RATE_LIMITS = {"register": services.RateLimit(1, 3600)}

    def register(email: str, address: str) -> int:
        with django_capture_on_commit_callbacks(execute=True):
            response = Client(HTTP_X_FORWARDED_FOR=f"10.0.0.9, {address}").post(
                reverse("participation:register"), {**FORM, "email": email}
            )
        return int(response.status_code)

    assert register("a@example.org", "192.0.2.1") == 302
    assert register("b@example.org", "192.0.2.2") == 302
    assert register("c@example.org", "192.0.2.1") == 429
