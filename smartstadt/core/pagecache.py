"""Rendered public pages for visitors without an account, kept while the data they show is unchanged.

An entry page costs about 20 ms of CPU to build (four queries, the similar entries, the template); visitors
without an account all see the same page. :func:`public_page` keeps the rendered page under a key made of the
path, the language and the generation numbers of what it shows (see generations.py), so the next visitor gets it
for the cost of a cache lookup, and any change to the data gives a new key at once. Whatever is personal in a
page is not kept: the CSRF token of the language form is put in per request, pages with messages for the visitor
(after a log-out, say) are not kept, and nothing is kept for signed-in users.

Pages with query parameters are kept only where the view names the parameters that may vary it
(``public_page(..., query=("sort", "page"))``): the key then holds those parameters, sorted by name, so
``?page=2&sort=a`` and ``?sort=a&page=2`` share one entry; a request with any other parameter is not kept. A
view whose page changes without a generation bump may keep its pages for a shorter time (``timeout``).
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Callable, Iterable
from typing import Any

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils.cache import patch_vary_headers
from django.utils.http import urlencode
from django.utils.translation import get_language

from . import generations

# How long a page is kept at most: a backstop for changes that bump no generation (e.g. an organisation renamed).
TIMEOUT = 300
_TOKEN = re.compile(rb'(name="csrfmiddlewaretoken" value=")[^"]*(")')
_PLACEHOLDER = rb"\1__CSRF_TOKEN__\2"
_SLOT = b"__CSRF_TOKEN__"

View = Callable[..., HttpResponse]


def _cacheable(request: HttpRequest, query: frozenset[str]) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and not request.user.is_authenticated
        and "messages" not in request.COOKIES  # a message waits for the visitor
        and all(name in query for name in request.GET)
    )


def _query_string(request: HttpRequest) -> str:
    """The query parameters, sorted by name (values of one name keep their order), in one normal form."""
    return urlencode(sorted(request.GET.lists()), doseq=True)


def _key(request: HttpRequest, names: Iterable[str]) -> str:
    numbers = [str(generations.ensure(name)) for name in names]
    state = "|".join(
        [
            request.path,
            _query_string(request),
            get_language() or "",
            str(bool(request.headers.get("HX-Request"))),
            *numbers,
        ]
    )
    return "pagecache:" + hashlib.sha256(state.encode()).hexdigest()


def public_page(*generation_names: str, query: Iterable[str] = (), timeout: int = TIMEOUT) -> Callable[[View], View]:
    """Keep the view's answer for anonymous visitors as long as the named generations do not change (and
    ``timeout`` seconds at most). ``query``: the query parameters that may vary the page; requests with others
    (and, without ``query``, requests with any) are not kept."""
    allowed = frozenset(query)

    def decorate(view: View) -> View:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not _cacheable(request, allowed):
                return view(request, *args, **kwargs)
            key = _key(request, generation_names)
            kept: tuple[bytes, str] | None = cache.get(key)
            if kept is not None:
                body, content_type = kept
                if _SLOT in body:
                    body = body.replace(_SLOT, get_token(request).encode())  # sets the CSRF cookie as well
                response = HttpResponse(body, content_type=content_type)
            else:
                response = view(request, *args, **kwargs)
                if response.status_code == 200 and not response.streaming and not response.cookies:
                    cache.set(key, (_TOKEN.sub(_PLACEHOLDER, response.content), response["Content-Type"]), timeout)
            patch_vary_headers(response, ("Cookie",))
            return response

        return wrapper

    return decorate
