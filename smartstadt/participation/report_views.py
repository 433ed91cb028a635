"""The team's page of a process's participation report, and its download as HTML, PDF or DOCX."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from smartstadt.core.permissions import SignedInRequest

from . import selectors
from .models import Process
from .report import FORMATS, build_report, figure_rows, render_report


def _process_for_report(request: HttpRequest, slug: str) -> Process:
    # The team of the process's municipality (and platform admins): 404 for an unknown process, 403 otherwise.
    return selectors.get_process_to_manage(viewer=request.user, slug=slug)


@login_required
def report_page(request: SignedInRequest, slug: str) -> HttpResponse:
    process = _process_for_report(request, slug)
    report = build_report(process, with_topics=False)
    return render(
        request,
        "participation/report.html",
        {"process": process, "report": report, "figures": figure_rows(report), "formats": FORMATS},
    )


@login_required
def report_download(request: SignedInRequest, slug: str, format: str) -> HttpResponse:
    process = _process_for_report(request, slug)
    if format not in FORMATS:
        raise Http404
    rendered = render_report(process, format=format)
    response = HttpResponse(rendered.content, content_type=rendered.content_type)
    disposition = "inline" if format == "html" else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{rendered.filename}"'
    if format == "html":
        # The standalone document carries its style sheet inside (as the documents app's HTML does).
        response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
    return response
