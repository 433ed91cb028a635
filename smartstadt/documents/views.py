"""Document pages: ask for a document, watch it being rendered (htmx polling, or a link without JavaScript),
download it."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from smartstadt.strategy.selectors import get_strategy_for

from . import selectors, services
from .forms import DocumentRequestForm
from .models import DocumentFormat, RenderedDocument, RenderStatus
from .rendering import CONTENT_TYPES


def documents(request: HttpRequest, pk: int) -> HttpResponse:
    """The documents of a strategy: the form to render one and the latest renderings."""
    strategy = get_strategy_for(viewer=request.user, pk=pk)
    sources = selectors.sources_for(viewer=request.user, strategy=strategy)
    measures = [(n, n) for n in services.measure_numbers(strategy=strategy, version=None)]
    if not any(choice.version is None for choice in sources) and sources:
        measures = [(n, n) for n in services.measure_numbers(strategy=strategy, version=sources[0].version)]
    form = DocumentRequestForm(request.POST or None, sources=sources, measures=measures)
    if request.method == "POST":
        if not sources:
            raise PermissionDenied
        if form.is_valid():
            choice = form.sources[form.cleaned_data["source"]]
            try:
                document = services.document_request(
                    actor=request.user,
                    strategy=strategy,
                    kind=form.cleaned_data["kind"],
                    format=form.cleaned_data["format"],
                    version=choice.version,
                    measure_number=form.cleaned_data.get("measure") or "",
                )
            except ValidationError as error:
                for name, errors in error.message_dict.items():
                    form.add_error(name if name in form.fields else None, errors)
            else:
                return redirect(document.get_absolute_url())
    return render(
        request,
        "documents/documents.html",
        {
            "strategy": strategy,
            "form": form,
            "sources": sources,
            "documents": selectors.documents_for(viewer=request.user, strategy=strategy),
        },
        status=400 if form.errors else 200,
    )


def document_detail(request: HttpRequest, pk: int, document: int) -> HttpResponse:
    """One rendering: its progress while the worker renders it, then the download link."""
    strategy = get_strategy_for(viewer=request.user, pk=pk)
    item = selectors.get_document_for(viewer=request.user, strategy=strategy, pk=document)
    context = {"strategy": strategy, "document": item, "done": item.status == RenderStatus.DONE}
    if getattr(request, "htmx", False) and request.GET.get("partial") == "progress":
        return render(request, "documents/partials/progress.html", context)
    if item.status == RenderStatus.FAILED:
        messages.error(request, _("The document could not be rendered."))
    return render(request, "documents/document_detail.html", context)


@require_POST
def document_restart(request: HttpRequest, pk: int, document: int) -> HttpResponse:
    """Render a failed document again, or one whose file is missing ("Dokument neu erzeugen")."""
    strategy = get_strategy_for(viewer=request.user, pk=pk)
    item = selectors.get_document_for(viewer=request.user, strategy=strategy, pk=document)
    services.document_restart(actor=request.user, document=item)
    return redirect(item.get_absolute_url())


def open_file(request: HttpRequest, item: RenderedDocument) -> File | HttpResponse:
    """The rendered file, or (if it is gone) a way back to the document's page, which offers to render it again."""
    if item.status != RenderStatus.DONE:
        raise Http404
    try:
        if item.file_missing:
            raise FileNotFoundError(item.file.name)
        return item.file.open("rb")
    except FileNotFoundError:
        messages.error(request, _("The file of this document is missing. Render the document again."))
        return redirect(item.get_absolute_url())


def document_download(request: HttpRequest, pk: int, document: int) -> HttpResponse | FileResponse:
    strategy = get_strategy_for(viewer=request.user, pk=pk)
    item = selectors.get_document_for(viewer=request.user, strategy=strategy, pk=document)
    file = open_file(request, item)
    if isinstance(file, HttpResponse):
        return file
    name = (item.file.name or "").rsplit("/", 1)[-1]
    response = FileResponse(
        file,
        as_attachment=True,
        filename=name,
        content_type=CONTENT_TYPES[DocumentFormat(item.format)],
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
