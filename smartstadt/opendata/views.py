"""The open-data catalogue as Turtle."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from .catalog import catalogue_turtle
from .selectors import catalogue_version

CACHE_SECONDS = 24 * 3600


@require_GET
def catalog(request: HttpRequest) -> HttpResponse:
    """Built once per version of the data (see ``catalogue_version``) and kept in the cache."""
    base_url = request.build_absolute_uri("/")
    version = f"{catalogue_version()}|{settings.OPEN_DATA_LICENSE}|{base_url}"
    key = "opendata:catalog:" + hashlib.sha256(version.encode()).hexdigest()
    turtle = cache.get(key)
    if turtle is None:
        turtle = catalogue_turtle(base_url=base_url)
        cache.set(key, turtle, CACHE_SECONDS)
    response = HttpResponse(turtle, content_type="text/turtle; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="catalog.ttl"'
    return response
