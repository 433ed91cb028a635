"""The "Wer macht das schon?" search: a public page, for everybody (there is no forbidden persona)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils.html import escape

from smartstadt.analysis import indexing, selectors
from smartstadt.analysis.models import EntryVector, LexicalIndex

URL = "/wer-macht-das-schon/"
PROBLEM = "Wir wollen schnelles Internet mit Glasfaser für unsere Gewerbegebiete und Schulen."


def test_the_address():
    assert reverse("analysis:who") == URL


@pytest.mark.parametrize("who", ["anonymous", "citizen", "editor_a", "team_a", "platform_admin"])
def test_everybody_may_ask(client_as, who):
    response = client_as(who).get(URL)
    assert response.status_code == 200
    assert 'name="q"' in response.content.decode()


def test_a_problem_finds_entries_and_their_organisations(demo_region, client, django_assert_max_num_queries):
    client.get(URL, {"q": "Parkplätze"})  # loads the engine and the published entries once
    with django_assert_max_num_queries(10):
        response = client.get(URL, {"q": PROBLEM})
    assert response.status_code == 200
    result = response.context["result"]
    assert result.ready
    assert not result.is_empty
    titles = [entry.title for entry, _match in result.entries]
    assert any("Glasfaser" in title for title in titles[:3])
    assert len(titles) <= selectors.WHO_ENTRIES
    scores = [match.score for _entry, match in result.entries]
    assert scores == sorted(scores, reverse=True)
    html = response.content.decode()
    first, match = result.entries[0]
    assert escape(first.title) in html
    assert "Glasfaser" in match.reasons
    organisations = [group.organisation.name for group in result.organisations]
    assert "Stadt Gelsenkirchen" in organisations or "Stadt Herne" in organisations
    assert escape(result.organisations[0].organisation.name) in html
    for group in result.organisations:
        assert all(role in {"lead", "partner"} for _entry, _match, role in group.entries)


def test_only_published_entries_are_found(demo_region, client):
    from smartstadt.inventory.models import Entry, PublicationState

    entry = Entry.objects.get(title="Glasfaserausbau als Smart-City-Infrastruktur")
    Entry.objects.filter(pk=entry.pk).update(publication_state=PublicationState.DRAFT)
    indexing.update([entry.pk], embed=False)
    response = client.get(URL, {"q": PROBLEM})
    assert entry.pk not in [found.pk for found, _match in response.context["result"].entries]


def test_an_empty_question_shows_the_form_only(demo_region, client):
    response = client.get(URL, {"q": "   "})
    assert response.status_code == 200
    assert response.context["result"].is_empty
    html = response.content.decode()
    assert 'id="who-count"' not in html
    assert 'id="who-q"' in html


def test_words_that_fit_nothing_say_so(demo_region, client):
    response = client.get(URL, {"q": "Qqqqq Zzzzz Xxxxx"})
    assert response.status_code == 200
    assert response.context["result"].is_empty
    assert 'id="who-count"' in response.content.decode()


def test_an_overlong_question_is_cut_not_refused(demo_region, client):
    text = (PROBLEM + " ") * 200
    assert len(text) > selectors.MAX_QUERY_LENGTH
    response = client.get(URL, {"q": text})
    assert response.status_code == 200
    result = response.context["result"]
    assert len(result.query) == selectors.MAX_QUERY_LENGTH
    assert not result.is_empty
    assert f'maxlength="{selectors.MAX_QUERY_LENGTH}"' in response.content.decode()


def test_without_an_index_the_page_says_it_is_being_prepared(demo_region, client):
    EntryVector.objects.all().delete()
    LexicalIndex.objects.all().delete()
    indexing.changed()
    response = client.get(URL, {"q": PROBLEM})
    assert response.status_code == 200
    assert not response.context["result"].ready
    assert "kern-alert--info" in response.content.decode()
