from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from smartstadt.core.permissions import SignedInRequest

from . import ratelimit
from .clients import client_address
from .forms import QueuedPasswordResetForm
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


# Requests of the reset form from one client address; the mails to one address have their own, tighter limit.
RESET_REQUESTS_PER_CLIENT = ratelimit.RateLimit(10, 3600)


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset form, throttled per client address: past the limit it answers 429 with a German message."""

    form_class = QueuedPasswordResetForm

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not ratelimit.hit(f"password_reset:client:{client_address(request)}", RESET_REQUESTS_PER_CLIENT):
            form = self.get_form()
            form.is_valid()
            form.add_error(None, RESET_REQUESTS_PER_CLIENT.message())
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().post(request, *args, **kwargs)


def locked_out(request: HttpRequest, *args: Any) -> HttpResponse:
    """What django-axes answers to a login of a locked account or client address: 429 and when to try again."""
    minutes = max(1, int(settings.AXES_COOLOFF_TIME.total_seconds() // 60))
    return render(request, "registration/locked_out.html", {"minutes": minutes}, status=429)
