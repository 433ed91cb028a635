from __future__ import annotations

import pytest
from django.core import mail
from django.tasks import TaskResultStatus, task

from smartstadt.core.tasks import send_email


@task()
def add(a: int, b: int) -> int:
    return a + b


@task()
def explode() -> None:
    raise ValueError("kaputt")


@pytest.mark.django_db
def test_password_reset_mail_goes_through_the_task_queue(client, personas):
    response = client.post("/passwort-vergessen/", {"email": personas.citizen.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert personas.citizen.username in mail.outbox[0].body
    assert "/passwort-neu/" in mail.outbox[0].body


@pytest.mark.django_db
def test_unknown_address_gets_the_same_answer_and_no_mail(client, personas):
    response = client.post("/passwort-vergessen/", {"email": "niemand@example.org"})
    assert response.status_code == 302
    assert mail.outbox == []


def test_send_email_task_sends(settings):
    result = send_email.enqueue(subject="Hallo", body="Text", to=["a@example.org"])
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert mail.outbox[0].subject == "Hallo"
