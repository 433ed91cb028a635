"""Stocktaking end to end in Chromium: every page visited is checked with axe-core (WCAG 2.1 A/AA).

The team creates a campaign and invites STOAG; STOAG opens its personal link without an account and submits an
entry by keyboard; the team sees that STOAG has answered.
"""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from smartstadt.core.demo import DEMO_PASSWORD
from smartstadt.core.tests.browser import login
from smartstadt.inventory.models import Entry
from smartstadt.regions.models import Organisation

from .conftest import token_from

pytestmark = [pytest.mark.e2e]

STOAG = "STOAG Stadtwerke Oberhausen AG"


def test_team_invites_invitee_answers_by_keyboard_team_sees_the_answer(browser_page):
    page = browser_page
    stoag = Organisation.objects.get(municipality__slug="oberhausen", slug="stoag")

    # The team: from its workspace to a new campaign.
    login(page, "team-oberhausen", DEMO_PASSWORD)
    page.click_to(page.locator("main a[href='/arbeitsbereich/bestandsaufnahmen/']").first)
    page.click_to(page.locator("main a[href='/arbeitsbereich/bestandsaufnahmen/neu/oberhausen/']"))
    page.locator("#id_title").fill("Bestandsaufnahme Mobilität")
    page.locator("#id_message").fill("Bitte tragen Sie Ihre Mobilitätsprojekte ein.")
    deadline = timezone.localdate() + datetime.timedelta(days=28)
    page.locator("#id_deadline").fill(deadline.isoformat())
    page.click_to(page.locator("main form button[type=submit]"))

    # Choose STOAG by its checkbox, give the role mailbox, invite and send.
    page.get_by_label(STOAG, exact=True).check()
    page.locator(f"#id_email_{stoag.pk}").fill("smartcity@stoag.beispiel.invalid")
    page.click_to(page.locator("main button[name=send][value=now]"))
    row = page.locator(f"tr[data-organisation='{STOAG}']")
    assert row.get_attribute("data-state") == "sent"
    [message] = mail.outbox
    assert message.to == ["smartcity@stoag.beispiel.invalid"]
    link = f"/bestandsaufnahme/{token_from(message)}/"
    page.click_to(page.get_by_role("button", name="Abmelden"))

    # STOAG, without an account: opens the link, adds an entry using the keyboard only.
    page.open(link)
    assert page.get_by_role("heading", level=1).inner_text() == "Bestandsaufnahme Mobilität"
    assert page.get_by_text(STOAG).first.is_visible()
    add = page.locator("#add-entry")
    add.focus()
    page.press_to(add, "Enter")
    title = page.locator("#id_title")
    title.focus()
    page.keyboard.type("On-Demand-Shuttle Sterkrade")
    summary = page.locator("#id_summary")
    summary.focus()
    page.keyboard.type("Rufbus in den Abendstunden.")
    save = page.locator("#save-entry")
    save.focus()
    page.press_to(save, "Enter")
    assert page.url.endswith(link)
    assert page.get_by_role("rowheader", name="On-Demand-Shuttle Sterkrade").is_visible()
    entry = Entry.objects.get(title="On-Demand-Shuttle Sterkrade")
    assert entry.lead_organisation == stoag
    assert entry.publication_state == "in_review"

    # The team sees the answer.
    login(page, "team-oberhausen", DEMO_PASSWORD)
    page.open("/arbeitsbereich/bestandsaufnahmen/")
    page.click_to(page.get_by_role("link", name="Bestandsaufnahme Mobilität"))
    row = page.locator(f"tr[data-organisation='{STOAG}']")
    assert row.get_attribute("data-state") == "answered"
    assert page.get_by_role("link", name="On-Demand-Shuttle Sterkrade", exact=True).is_visible()


def test_an_unknown_link_shows_the_same_page_in_the_browser(browser_page):
    response = browser_page.open("/bestandsaufnahme/" + "x" * 43 + "/")
    assert response.status == 404
    assert browser_page.locator("main h1").count() == 1
