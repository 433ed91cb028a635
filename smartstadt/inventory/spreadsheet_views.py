"""Spreadsheet pages: the team's import (upload → checked preview → confirm), the template, the exports."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRefresh

from smartstadt.core import tabular
from smartstadt.core.permissions import SignedInRequest
from smartstadt.regions.models import Municipality
from smartstadt.regions.selectors import get_municipality

from . import imports, spreadsheets
from .forms import SpreadsheetUploadForm
from .models import ImportRun, ImportStatus
from .selectors import entries_for_export

PREVIEW_LIMIT = 500
ERROR_LIMIT = 1000
DUPLICATE_LIMIT = 100


def _download(content: bytes, fmt: str, name: str) -> HttpResponse:
    return tabular.download(content, fmt=fmt, filename=name, content_type=spreadsheets.CONTENT_TYPES[fmt])


def _export(entries: Any, fmt: str, name: str) -> HttpResponseBase:
    if fmt not in spreadsheets.FORMATS:
        raise Http404
    name = f"{name}-{timezone.localdate().isoformat()}"
    if fmt == "json":
        return _download(spreadsheets.export_json(entries.iterator(chunk_size=1000)), fmt, name)
    context = spreadsheets.ExportContext()
    return tabular.tabular_response(
        fmt,
        spreadsheets.HEADERS,
        (spreadsheets.entry_cells(entry, context) for entry in entries.iterator(chunk_size=1000)),
        filename=name,
        sheet=spreadsheets.DATA_SHEET,
        widths=spreadsheets.column_widths(),
        stream=True,
    )


def export_public(request: HttpRequest, fmt: str) -> HttpResponseBase:
    """The portal list as a file: published entries with the list's filters (the query string)."""
    return _export(entries_for_export(viewer=request.user, params=request.GET), fmt, "bestand")


@login_required
def export_workspace(request: SignedInRequest, municipality: str, fmt: str) -> HttpResponseBase:
    """Every entry of the municipality in every state, for the team to edit and import again."""
    place = get_municipality(slug=municipality)
    if not request.user.has_perm("inventory.export_entries", place):
        raise PermissionDenied
    entries = entries_for_export(viewer=request.user, params=request.GET, municipality=place)
    return _export(entries, fmt, f"bestand-{place.slug}")


def _importing_municipality(request: HttpRequest, slug: str) -> Municipality:
    place = get_municipality(slug=slug)
    if not request.user.has_perm("inventory.import_entries", place):
        raise PermissionDenied
    return place


@login_required
def import_template(request: SignedInRequest, municipality: str, fmt: str) -> HttpResponse:
    place = _importing_municipality(request, municipality)
    if fmt not in spreadsheets.IMPORT_FORMATS:
        raise Http404
    return _download(spreadsheets.template(fmt, place), fmt, f"importvorlage-{place.slug}")


@login_required
def import_start(request: SignedInRequest, municipality: str) -> HttpResponse:
    place = _importing_municipality(request, municipality)
    form = SpreadsheetUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        upload_run = imports.create(
            data=upload.read(),
            filename=upload.name,
            fmt=spreadsheets.file_format(upload.name),
            municipality_id=place.pk,
            user_id=int(request.user.pk or 0),
            language=get_language() or "de",
        )
        imports.dispatch(upload_run.token, confirm=False)
        return redirect("inventory:import_detail", municipality=place.slug, token=upload_run.token)
    return render(request, "inventory/import_start.html", {"municipality": place, "form": form})


def _pending(request: HttpRequest, place: Municipality, token: str) -> ImportRun:
    """The stored upload, only for the person who uploaded it and only in its municipality."""
    state = imports.load(token)
    if state is None or state.created_by_id != request.user.pk or state.municipality_id != place.pk:
        raise Http404
    return state


def _context(place: Municipality, state: ImportRun) -> dict[str, Any]:
    result = state.result or {}
    errors = result.get("errors", [])
    rows = [row for row in result.get("rows", []) if row["action"] != "unchanged"]
    return {
        "municipality": place,
        "state": state,
        "result": result,
        "errors": errors[:ERROR_LIMIT],
        "more_errors": max(0, len(errors) - ERROR_LIMIT),
        "summary_errors": errors[:50],
        "rows": rows[:PREVIEW_LIMIT],
        "more_rows": max(0, len(rows) - PREVIEW_LIMIT),
        "running": state.is_running and not state.is_stalled,
        "stalled": state.is_stalled,
        "percent": state.percent,
        "can_confirm": state.status == ImportStatus.CHECKED and result and not errors,
        # warnings: rows that look like an existing entry or another row (smartstadt/analysis/duplicates.py)
        "duplicate_rows": [row for row in rows if row.get("duplicates")][:DUPLICATE_LIMIT],
        "duplicate_count": sum(1 for row in rows if row.get("duplicates")),
    }


@login_required
def import_detail(request: SignedInRequest, municipality: str, token: str) -> HttpResponse:
    place = _importing_municipality(request, municipality)
    state = _pending(request, place, token)
    context = _context(place, state)
    if getattr(request, "htmx", False) and request.GET.get("partial") == "progress":
        if not context["running"]:
            return HttpResponseClientRefresh()
        return render(request, "inventory/partials/import_progress.html", context)
    return render(request, "inventory/import_detail.html", context)


@login_required
@require_POST
def import_confirm(request: SignedInRequest, municipality: str, token: str) -> HttpResponse:
    place = _importing_municipality(request, municipality)
    state = _pending(request, place, token)
    if not _context(place, state)["can_confirm"]:
        messages.error(request, _("This file cannot be imported; please check the listed problems."))
    else:
        imports.dispatch(token, confirm=True)
        state = imports.load(token) or state
        if state.status == ImportStatus.DONE:
            result = state.result or {}
            messages.success(
                request,
                _("Import finished: %(created)s new, %(updated)s changed, %(unchanged)s unchanged entries.")
                % {"created": result["created"], "updated": result["updated"], "unchanged": result["unchanged"]},
            )
    return redirect("inventory:import_detail", municipality=place.slug, token=token)


@login_required
@require_POST
def import_discard(request: SignedInRequest, municipality: str, token: str) -> HttpResponse:
    place = _importing_municipality(request, municipality)
    state = _pending(request, place, token)
    if state.is_running and not state.is_stalled:
        messages.error(request, _("The file is being processed and cannot be discarded now."))
        return redirect("inventory:import_detail", municipality=place.slug, token=token)
    imports.discard(token)
    messages.success(request, _("The uploaded file was discarded. Nothing was saved."))
    return redirect(reverse("inventory:import", kwargs={"municipality": place.slug}))
