"""German error answers of the API, always JSON: 404 "Nicht gefunden", 422 naming every bad parameter and 500
for an error the API did not expect (logged as Django logs any server error, so the administrators hear of it).
The project's 404 and 500 handlers (config/urls.py) answer the same for any address under /api/ that the API
itself does not reach (an unknown path, an error in a middleware).

The API speaks German whatever the visitor's language cookie says: its answers and the committed OpenAPI
document (docs/openapi.json) then do not depend on a browser setting, and clients can rely on the wording.
"""

from __future__ import annotations

import logging
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views import defaults
from ninja import NinjaAPI, Schema
from ninja.errors import ValidationError

NOT_FOUND = "Nicht gefunden"
SERVER_ERROR = "Interner Fehler. Bitte später erneut versuchen."
API_PREFIX = "/api/"

logger = logging.getLogger("django.request")

# What a parameter expects, added to the message when its value has the wrong form.
PARAMETER_HINTS = {
    "term": "erwartet wird „<Ordnungsrahmen>:<Code>“, z. B. „giffinger:smart-mobility“",
    "municipality": "erwartet wird der URL-Name einer Kommune, z. B. „oberhausen“",
    "region": "erwartet wird der URL-Name einer Region, z. B. „metropole-ruhr“",
    "district": "erwartet wird der URL-Name eines Stadtteils",
    "state": "erwartet wird ein Bundesland ohne Steuerzeichen, z. B. „Nordrhein-Westfalen“",
}


class ErrorOut(Schema):
    detail: str


class ParameterError(Schema):
    parameter: str
    location: str
    message: str


class ValidationErrorOut(Schema):
    detail: str
    errors: list[ParameterError]


def _number(value: Any) -> str:
    """A bound as German write it (1.000.000, not 1000000)."""
    return f"{value:,}".replace(",", ".") if isinstance(value, int) else str(value)


def _message(error: dict[str, Any], parameter: str) -> str:
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return "fehlt"
    if kind == "enum":
        expected = str(ctx.get("expected", "")).replace(" or ", " oder ")
        return f"erlaubt sind {expected}"
    if kind in {"int_parsing", "int_type", "int_from_float"}:
        return "muss eine ganze Zahl sein"
    if kind == "greater_than_equal":
        return f"muss mindestens {_number(ctx.get('ge'))} sein"
    if kind == "less_than_equal":
        return f"darf höchstens {_number(ctx.get('le'))} sein"
    if kind == "string_too_long":
        return f"ist zu lang (höchstens {ctx.get('max_length')} Zeichen)"
    if kind == "string_pattern_mismatch":
        hint = PARAMETER_HINTS.get(parameter)
        return f"hat nicht die erwartete Form ({hint})" if hint else "hat nicht die erwartete Form"
    return "ist ungültig"


def validation_errors(errors: list[dict[str, Any]]) -> dict[str, Any]:
    """Pydantic's errors as German messages that name the parameter."""
    items = []
    for error in errors:
        location = [str(part) for part in error.get("loc", ())]
        source, parameter = (location[0], ".".join(location[1:])) if len(location) > 1 else ("query", "".join(location))
        items.append({"parameter": parameter, "location": source, "message": _message(error, parameter)})
    detail = "; ".join(f"Parameter „{item['parameter']}“: {item['message']}" for item in items)
    return {"detail": f"Ungültige Anfrage. {detail}.", "errors": items}


def install(api: NinjaAPI) -> None:
    def not_found(request: HttpRequest, exc: Http404 | type[Http404]) -> HttpResponse:
        return api.create_response(request, {"detail": NOT_FOUND}, status=404)

    def invalid(request: HttpRequest, exc: ValidationError | type[ValidationError]) -> HttpResponse:
        errors = exc.errors if isinstance(exc, ValidationError) else []
        return api.create_response(request, validation_errors(list(errors)), status=422)

    def server_error(request: HttpRequest, exc: Exception | type[Exception]) -> HttpResponse:
        # Logged as Django's own handler logs an unhandled error (mailed to the admins in production).
        error = exc if isinstance(exc, BaseException) else exc()
        logger.error(
            "Internal Server Error: %s",
            request.path,
            exc_info=(type(error), error, error.__traceback__),
            extra={"status_code": 500, "request": request},
        )
        return api.create_response(request, {"detail": SERVER_ERROR}, status=500)

    api.add_exception_handler(Exception, server_error)
    api.add_exception_handler(Http404, not_found)
    api.add_exception_handler(ValidationError, invalid)


def _json(detail: str, status: int) -> HttpResponse:
    return JsonResponse({"detail": detail}, status=status, json_dumps_params={"ensure_ascii": False})


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """The project's 404 handler: JSON under /api/, the portal's page elsewhere."""
    if request.path.startswith(API_PREFIX):
        return _json(NOT_FOUND, 404)
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    """The project's 500 handler: JSON under /api/, the portal's page elsewhere."""
    if request.path.startswith(API_PREFIX):
        return _json(SERVER_ERROR, 500)
    return defaults.server_error(request)
