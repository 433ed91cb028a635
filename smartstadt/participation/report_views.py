"""The team's page of a process's participation report; asking for the report as HTML, PDF or DOCX, which the
documents app's worker renders (with its progress on a page of its own, as every document), and the file."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from smartstadt.core.permissions import SignedInRequest
from smartstadt.documents import selectors as documents
from smartstadt.documents.models import RenderStatus
from smartstadt.documents.services import document_restart, report_request
from smartstadt.documents.views import open_file

from . import selectors
from .models import Process
from .report import CONTENT_TYPES, FORMATS, build_report, figure_rows


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
        {
            "process": process,
            "report": report,
            "figures": figure_rows(report),
            "formats": FORMATS,
            "renderings": documents.reports_for(viewer=request.user, process=process),
        },
    )


@login_required
def report_download(request: SignedInRequest, slug: str, format: str) -> HttpResponse:
    """The report's address per format (``beteiligungsbericht.pdf``): starts a rendering, or finds the one that
    is still running, and shows its progress."""
    process = _process_for_report(request, slug)
    if format not in FORMATS:
        raise Http404
    document = report_request(actor=request.user, process=process, format=format)
    return redirect(document.get_absolute_url())


@login_required
def report_document(request: HttpRequest, slug: str, document: int) -> HttpResponse:
    """One rendering of the report: its progress while the worker renders it (htmx polls the fragment; without
    JavaScript a link reloads the page), then the download link."""
    process = _process_for_report(request, slug)
    item = documents.get_report_for(viewer=request.user, process=process, pk=document)
    context = {"process": process, "document": item, "done": item.status == RenderStatus.DONE}
    if getattr(request, "htmx", False) and request.GET.get("partial") == "progress":
        return render(request, "documents/partials/progress.html", context)
    return render(request, "participation/report_rendering.html", context)


@login_required
@require_POST
def report_restart(request: SignedInRequest, slug: str, document: int) -> HttpResponse:
    """Render a failed report again, or one whose file is missing."""
    process = _process_for_report(request, slug)
    item = documents.get_report_for(viewer=request.user, process=process, pk=document)
    document_restart(actor=request.user, document=item)
    return redirect(item.get_absolute_url())


@login_required
def report_file(request: HttpRequest, slug: str, document: int) -> HttpResponse | FileResponse:
    process = _process_for_report(request, slug)
    item = documents.get_report_for(viewer=request.user, process=process, pk=document)
    file = open_file(request, item)
    if isinstance(file, HttpResponse):
        return file
    name = (item.file.name or "").rsplit("/", 1)[-1]
    inline = item.format == "html"
    response = FileResponse(file, as_attachment=not inline, filename=name, content_type=CONTENT_TYPES[item.format])
    response["X-Content-Type-Options"] = "nosniff"
    if inline:
        # The standalone document carries its style sheet inside (as the documents app's HTML does).
        response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
    return response
