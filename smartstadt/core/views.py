from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from smartstadt.core.permissions import SignedInRequest

from .permissions import roles_of
from .selectors import changes_by, membership_list


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database answers, 503 otherwise; for load balancers and monitoring."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@login_required
def account(request: SignedInRequest) -> HttpResponse:
    roles = roles_of(request.user)
    return render(
        request,
        "core/account.html",
        {
            "memberships": membership_list(user=request.user),
            "recent_changes": changes_by(user=request.user),
            "team_municipality_ids": roles.team_municipalities,
            "moderator_municipality_ids": roles.moderator_municipalities,
        },
    )


def favicon(request: HttpRequest) -> HttpResponsePermanentRedirect:
    """Browsers ask for /favicon.ico whatever the page says; send them to the real icon."""
    return HttpResponsePermanentRedirect(static("smartstadt/favicon.svg"))
