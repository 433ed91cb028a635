from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation


class LanguageMiddleware:
    """German unless the visitor chose English with the language switch.

    Django's LocaleMiddleware would follow the browser's Accept-Language header; a German city's platform
    speaks German first, so only an explicit choice (the cookie set by the switch) changes the language.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        patch_vary = response.headers.get("Vary", "")
        if "Cookie" not in patch_vary:
            response.headers["Vary"] = f"{patch_vary}, Cookie" if patch_vary else "Cookie"
        translation.deactivate()
        return response


# Django's debug page for a missing address carries this tag; the platform's own 404 page does not.
_DEBUG_404_MARKER = b'<meta name="robots" content="NONE,NOARCHIVE">'


class OwnNotFoundPage:
    """With DEBUG on (the embedded profile), a missing page shows the platform's own 404 page instead of
    Django's list of URL patterns, as it does in production. ``DEBUG_404=1`` brings Django's page back for
    developers (docs/configuration.md)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code == 404
            and settings.DEBUG
            and not settings.DEBUG_404
            and _DEBUG_404_MARKER in getattr(response, "content", b"")
        ):
            return render(request, "404.html", status=404)
        return response
