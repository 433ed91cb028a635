"""Participation end to end on a phone-sized screen (375 px): every page visited is checked with axe-core.

A new citizen registers and confirms the e-mail link, finds the running Oberhausen process of the demo data,
submits an idea with a district and a place picked on the map, supports it by keyboard (htmx swaps the support
box), comments, exports their data and deletes the account.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core import mail

from smartstadt.core.demo import DEMO_PASSWORD
from smartstadt.core.models import User
from smartstadt.core.tests.browser import BrowserPage, login
from smartstadt.participation import services
from smartstadt.participation.demo import PROCESS_SLUG
from smartstadt.participation.models import Comment, Idea, Report

pytestmark = [pytest.mark.e2e]

PROCESS = f"/beteiligung/{PROCESS_SLUG}/"
CONFIRM = re.compile(r"http://[^/\s]+(/registrieren/bestaetigen/[^/\s]+/[^/\s]+/)")


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


def test_citizen_registers_submits_supports_and_comments_on_a_phone(phone: BrowserPage) -> None:
    page = phone
    mail.outbox.clear()

    # Register and confirm the e-mail address.
    page.open("/beteiligung/")
    page.click_to(page.locator("main a[href='/registrieren/']").first)
    page.locator("#id_display_name").fill("Pendlerin aus Sterkrade")
    page.locator("#id_email").fill("pendlerin@example.org")
    page.locator("#id_password").fill("zug-um-sieben-2026")
    page.locator("#id_password_again").fill("zug-um-sieben-2026")
    page.locator("#id_age_group").select_option("30_44")
    page.locator("#id_consent").check()
    page.click_to(page.locator("#register-form button[type=submit]"))
    assert page.url.endswith("/registrieren/gesendet/")
    [message] = mail.outbox
    match = CONFIRM.search(message.body)
    assert match, message.body
    page.open(match.group(1))
    assert page.url.endswith("/beteiligung/")

    # Find the running Oberhausen process through the navigation.
    page.click_to(page.locator(f"main a[href='{PROCESS}']"))
    assert page.get_by_role("heading", level=1).inner_text().startswith("Beteiligung zum Entwurf")
    page.click_to(page.locator(f"main a[href='{PROCESS}ideen/neu/']"))

    # Submit an idea with district, field of action and a place.
    page.locator("#id_title").fill("Fahrradstellplätze am Bahnhof Sterkrade")
    page.locator("#id_text").fill("Überdachte, sichere Stellplätze mit Ladepunkten für E-Bikes am Bahnhof.")
    page.locator("#id_district").select_option(label="Sterkrade")
    page.locator("#id_field_of_action").select_option(label="Mobilität und Infrastruktur")
    # The place on the map: a click writes the coordinates, "remove" clears them, Enter marks the centre.
    latitude, longitude = page.locator("#id_latitude"), page.locator("#id_longitude")
    pick = page.locator("#pick-map")
    pick.wait_for(state="visible")
    assert pick.get_attribute("data-ready") == "1"
    pick.click(position={"x": 120, "y": 100})
    assert re.fullmatch(r"51\.\d{6}", latitude.input_value()), latitude.input_value()
    assert re.fullmatch(r"6\.\d{6}", longitude.input_value()), longitude.input_value()
    assert pick.locator(".atlas-marker--point").count() == 1
    page.locator("#pick-map-clear").click()
    assert latitude.input_value() == longitude.input_value() == ""
    assert pick.locator(".atlas-marker--point").count() == 0
    pick.focus()
    page.keyboard.press("ArrowUp")
    page.keyboard.press("Enter")
    assert re.fullmatch(r"51\.\d{6}", latitude.input_value()), latitude.input_value()
    page.check()
    # Typing the coordinates moves the marker.
    latitude.fill("51.5163")
    longitude.fill("6.8585")
    assert pick.locator(".atlas-marker--point").count() == 1
    page.click_to(page.locator("#idea-form button[type=submit]"))
    idea = Idea.objects.get(title="Fahrradstellplätze am Bahnhof Sterkrade")
    assert page.url.endswith(idea.get_absolute_url())
    assert idea.author is not None
    assert idea.author.display_name == "Pendlerin aus Sterkrade"
    assert idea.district is not None
    assert (str(idea.latitude), str(idea.longitude)) == ("51.516300", "6.858500")
    place = page.locator("#idea-place-map")
    assert place.get_attribute("data-ready") == "1"
    assert place.locator(".leaflet-marker-icon").count() == 1

    # Support by keyboard: htmx swaps the support box in place.
    button = page.locator("#support-button")
    button.focus()
    page.keyboard.press("Enter")
    page.locator("#support input[name=action][value=withdraw]").wait_for(state="attached")
    assert "1" in page.locator("#support-count").inner_text()
    page.check()
    idea.refresh_from_db()
    assert idea.support_count == 1

    # Comment.
    page.locator("#comment-form #id_text").fill("Am besten auch mit Luftpumpe.")
    page.click_to(page.locator("#comment-button"))
    comment = Comment.objects.get(idea=idea)
    assert page.locator(f"#comment-{comment.pk}").inner_text().count("Am besten auch mit Luftpumpe.") == 1

    # The idea appears in the list, and the citizen's own data page works.
    page.open(f"{PROCESS}ideen/?sort=unterstuetzt")
    assert page.locator(f"#idea-{idea.pk}").is_visible()
    page.open("/konto/meine-daten/")
    with page.expect_download() as download:
        page.locator("#export-link").click()
    exported = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    assert [item["title"] for item in exported["ideas"]] == ["Fahrradstellplätze am Bahnhof Sterkrade"]

    # Delete the account: the idea stays, without the name.
    page.click_to(page.locator("#delete-link"))
    page.locator("#confirm-delete").check()
    page.locator("#delete-password").fill("zug-um-sieben-2026")  # deleting the account asks for the password
    page.click_to(page.locator("#delete-form button[type=submit]"))
    idea.refresh_from_db()
    assert idea.author is None
    assert not User.objects.filter(email="pendlerin@example.org").exists()


def test_team_answers_and_moderation_hides(browser_page: BrowserPage) -> None:
    page = browser_page
    idea = Idea.objects.filter(process__slug=PROCESS_SLUG, answered_at__isnull=True).order_by("pk").first()
    assert idea is not None
    comment = Comment.objects.filter(idea__process__slug=PROCESS_SLUG).first()
    assert comment is not None
    services.contribution_report(actor=User.objects.get(username="team-muelheim"), target=comment, reason="Werbung")

    # The Smart City team answers officially; the answer appears in "Was aus den Beiträgen wurde".
    login(page, "team-oberhausen", DEMO_PASSWORD)
    page.open(idea.get_absolute_url())
    page.click_to(page.locator(f"main a[href='{idea.get_absolute_url()}antworten/']"))
    page.locator("#id_status").select_option("not_taken")
    page.locator("#id_answer").fill("Dafür ist der Verkehrsverbund zuständig; wir geben die Idee weiter.")
    page.click_to(page.locator("main form button[type=submit]"))
    page.open(f"{PROCESS}was-aus-den-beitraegen-wurde/")
    assert page.get_by_text("Dafür ist der Verkehrsverbund zuständig").first.is_visible()
    page.click_to(page.locator("form[action='/abmelden/'] button"))

    # The moderation of Oberhausen hides the reported comment with a reason.
    login(page, "moderation-oberhausen", DEMO_PASSWORD)
    page.open("/arbeitsbereich/moderation/")
    page.click_to(page.locator(f"main a[href='/arbeitsbereich/moderation/kommentar/{comment.pk}/ausblenden/']"))
    page.locator("#id_reason").fill("Werbung ist in der Diskussion nicht erlaubt.")
    page.click_to(page.locator("main form button[type=submit]"))
    comment.refresh_from_db()
    assert comment.is_hidden
    assert Report.objects.get(comment=comment).outcome == Report.Outcome.HIDDEN
