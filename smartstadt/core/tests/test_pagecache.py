"""Public pages kept for anonymous visitors: the same page while the data is unchanged, a new one after a change,
nothing kept for signed-in users, and a CSRF token that works for the visitor who gets the kept page."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache, caches
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory
from django.urls import reverse

from smartstadt.core import generations, pagecache
from smartstadt.core.pagecache import public_page
from smartstadt.core.permissions import System
from smartstadt.inventory.models import Entry
from smartstadt.inventory.services import entry_update

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry(demo_region: None) -> Entry:
    cache.clear()
    return Entry.objects.published().select_related("municipality").order_by("pk").first()  # type: ignore[return-value]


def _token(html: str) -> str:
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert found is not None
    return found.group(1)


def test_anonymous_visitors_get_the_kept_page_without_queries(entry: Entry, django_assert_num_queries: Any) -> None:
    url = entry.get_absolute_url()
    first = Client().get(url)
    assert first.status_code == 200
    with django_assert_num_queries(0):
        second = Client().get(url)
    assert second.status_code == 200
    assert entry.title in second.content.decode()
    # the same page but for the token of the language form, which is the visitor's own
    assert re.sub(r'value="[^"]+" name', "", _strip(first)) == re.sub(r'value="[^"]+" name', "", _strip(second))
    assert _token(first.content.decode()) != _token(second.content.decode())
    assert "Cookie" in second["Vary"]


def _strip(response: Any) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())


def test_the_kept_page_carries_a_working_csrf_token(entry: Entry) -> None:
    url = entry.get_absolute_url()
    Client().get(url)  # someone else's visit fills the cache
    visitor = Client(enforce_csrf_checks=True)
    page = visitor.get(url)
    response = visitor.post(
        reverse("set_language"), {"language": "en", "next": url, "csrfmiddlewaretoken": _token(page.content.decode())}
    )
    assert response.status_code == 302


def test_a_change_to_the_entry_shows_at_once(entry: Entry, personas: Any) -> None:
    url = entry.get_absolute_url()
    assert entry.title in Client().get(url).content.decode()
    entry_update(actor=System("Test"), entry=entry, data={"title": "Ganz neuer Titel für den Test"})
    assert "Ganz neuer Titel für den Test" in Client().get(url).content.decode()


def test_a_bumped_generation_gives_a_new_page(entry: Entry) -> None:
    url = entry.get_absolute_url()
    Client().get(url)
    Entry.objects.filter(pk=entry.pk).update(title="Geändert ohne Dienst")  # bypasses the services: no bump
    assert "Geändert ohne Dienst" not in Client().get(url).content.decode()
    generations.bump("search")
    assert "Geändert ohne Dienst" in Client().get(url).content.decode()


def test_signed_in_users_get_their_own_page(entry: Entry, django_user_model: Any) -> None:
    url = entry.get_absolute_url()
    Client().get(url)
    user = django_user_model.objects.create_user(username="leserin", password="x")
    client = Client()
    client.force_login(user)
    page = client.get(url).content.decode()
    assert "leserin" in page  # the header names the signed-in user: not the anonymous page


def test_requests_with_a_query_string_are_not_kept(entry: Entry, django_assert_max_num_queries: Any) -> None:
    url = entry.get_absolute_url() + "?x=1"
    Client().get(url)
    Entry.objects.filter(pk=entry.pk).update(title="Neu mit Parameter")
    assert "Neu mit Parameter" in Client().get(url).content.decode()


# --- Pages with query parameters (``public_page(..., query=...)``) and a shorter ``timeout`` ----------------------


def _counting_view(**options: Any) -> tuple[Any, list[str]]:
    """A view that says how often it ran, kept by ``public_page`` with these options."""
    calls: list[str] = []

    @public_page("pagecache-test", **options)
    def view(request: HttpRequest) -> HttpResponse:
        calls.append(request.GET.urlencode())
        return HttpResponse(f"run {len(calls)}: {request.GET.get('sort', '')}/{request.GET.get('page', '')}")

    return view, calls


def _get(view: Any, query: str) -> str:
    request = RequestFactory().get("/liste/" + query)
    request.user = AnonymousUser()
    return view(request).content.decode()


def test_named_query_parameters_are_kept_per_value_in_any_order() -> None:
    cache.clear()
    view, calls = _counting_view(query=("sort", "page"))
    assert _get(view, "?sort=a&page=2") == "run 1: a/2"
    assert _get(view, "?page=2&sort=a") == "run 1: a/2"  # the same parameters in another order: the kept page
    assert _get(view, "?sort=b&page=2") == "run 2: b/2"  # another value: another page
    assert _get(view, "?sort=a&page=3") == "run 3: a/3"
    assert _get(view, "?sort=a&page=2") == "run 1: a/2"
    assert _get(view, "") == "run 4: /"
    assert len(calls) == 4


def test_other_query_parameters_are_not_kept() -> None:
    cache.clear()
    view, calls = _counting_view(query=("sort",))
    _get(view, "?sort=a&x=1")
    _get(view, "?sort=a&x=1")
    assert len(calls) == 2
    _get(view, "?sort=a")
    _get(view, "?sort=a")
    assert len(calls) == 3


def test_without_named_parameters_no_query_string_is_kept() -> None:
    cache.clear()
    view, calls = _counting_view()
    _get(view, "?sort=a")
    _get(view, "?sort=a")
    assert len(calls) == 2
    _get(view, "")
    _get(view, "")
    assert len(calls) == 3


def test_a_bump_of_the_generation_gives_new_pages_with_query_parameters() -> None:
    cache.clear()
    view, calls = _counting_view(query=("sort",))
    _get(view, "?sort=a")
    assert _get(view, "?sort=a") == "run 1: a/"
    generations.bump("pagecache-test")
    assert _get(view, "?sort=a") == "run 2: a/"
    assert len(calls) == 2


def test_the_timeout_is_the_views_own(monkeypatch: pytest.MonkeyPatch) -> None:
    cache.clear()
    timeouts: list[Any] = []
    # Patched on the backend itself, not on the proxy: the settings fixture may replace the backend before the
    # patch is undone.
    backend = caches["default"]
    original = backend.set

    def recording_set(key: str, value: Any, timeout: Any = None, **kwargs: Any) -> Any:
        if key.startswith("pagecache:"):
            timeouts.append(timeout)
        return original(key, value, timeout, **kwargs)

    monkeypatch.setattr(backend, "set", recording_set)
    short, _calls = _counting_view(query=("sort",), timeout=7)
    default, _calls = _counting_view()
    _get(short, "?sort=a")
    _get(default, "")
    assert timeouts == [7, pagecache.TIMEOUT]
