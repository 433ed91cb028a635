"""Inventory pages: entry detail, editing with review and publication, the workspace list."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from smartstadt.analysis import tag_views
from smartstadt.analysis.selectors import similar_entries_for
from smartstadt.core.pagecache import public_page
from smartstadt.core.permissions import SignedInRequest
from smartstadt.regions.models import Municipality, Organisation
from smartstadt.regions.selectors import get_municipality

from . import merge_views, merging, services
from .forms import EntryForm
from .selectors import get_entry_for, get_entry_for_edit, my_entries, review_queue


@public_page("search", "analysis")  # what the page shows changes with the entries (search) and similar entries
def entry_detail(request: HttpRequest, municipality: str, slug: str) -> HttpResponse:
    try:
        entry = get_entry_for(viewer=request.user, municipality_slug=municipality, slug=slug)
    except Http404:
        merged_into = merging.redirect_for(municipality_slug=municipality, slug=slug)
        if merged_into is None:
            raise
        return redirect(merged_into, permanent=True)  # the address of an entry merged into another
    terms_by_framework: dict[str, list[object]] = {}
    for term in entry.terms.all():
        terms_by_framework.setdefault(term.framework.name, []).append(term)
    return render(
        request,
        "inventory/entry_detail.html",
        {
            "entry": entry,
            "terms_by_framework": terms_by_framework,
            "similar": similar_entries_for(entry),  # "Ähnliche Vorhaben" from the analysis engine
            "can_edit": request.user.has_perm("inventory.change_entry", entry),
            "can_publish": request.user.has_perm("inventory.publish_entry", entry),
            "can_submit": request.user.has_perm("inventory.submit_entry", entry),
            "can_merge": request.user.has_perm("inventory.merge_entries", entry),
        },
    )


def _lead_choices(request: HttpRequest, municipality: Municipality) -> tuple[list[Organisation], bool]:
    choices = services.organisations_for_new_entries(viewer=request.user, municipality=municipality)
    is_team = request.user.has_perm("inventory.add_entry", municipality)
    return choices, not is_team


@login_required
def entry_create(request: SignedInRequest, municipality: str) -> HttpResponse:
    place = get_municipality(slug=municipality)
    choices, lead_required = _lead_choices(request, place)
    if not request.user.has_perm("inventory.add_entry", place) and not choices:
        raise PermissionDenied
    form = EntryForm(
        request.POST or None,
        municipality=place,
        lead_choices=choices,
        lead_required=lead_required,
    )
    if merge_views.wants_duplicate_check(request):
        return merge_views.render_duplicate_check(request, form, municipality=place, entry=None)
    if tag_views.wants_tag_suggestions(request):
        context = {"municipality": place, "entry": None}
        return tag_views.render_tag_suggestions(request, form, template="inventory/entry_form.html", context=context)
    if request.method == "POST" and form.is_valid():
        entry = services.entry_create(actor=request.user, municipality=place, data=form.cleaned_data)
        messages.success(request, _("The entry “%(title)s” was saved as a draft.") % {"title": entry.title})
        return redirect(entry)
    return render(request, "inventory/entry_form.html", {"form": form, "municipality": place, "entry": None})


@login_required
def entry_edit(request: SignedInRequest, municipality: str, slug: str) -> HttpResponse:
    entry = get_entry_for_edit(user=request.user, municipality_slug=municipality, slug=slug)
    choices, lead_required = _lead_choices(request, entry.municipality)
    if entry.lead_organisation and entry.lead_organisation not in choices:
        choices.append(entry.lead_organisation)
    form = EntryForm(
        request.POST or None,
        instance=entry,
        municipality=entry.municipality,
        lead_choices=choices,
        lead_required=lead_required,
    )
    if merge_views.wants_duplicate_check(request):
        return merge_views.render_duplicate_check(request, form, municipality=entry.municipality, entry=entry)
    if tag_views.wants_tag_suggestions(request):
        context = {"municipality": entry.municipality, "entry": entry}
        return tag_views.render_tag_suggestions(request, form, template="inventory/entry_form.html", context=context)
    if request.method == "POST" and form.is_valid():
        services.entry_update(actor=request.user, entry=entry, data=form.cleaned_data)
        messages.success(request, _("Your changes were saved."))
        return redirect(entry)
    return render(
        request, "inventory/entry_form.html", {"form": form, "municipality": entry.municipality, "entry": entry}
    )


@login_required
@require_POST
def entry_transition(request: SignedInRequest, municipality: str, slug: str, action: str) -> HttpResponse:
    entry = get_entry_for(viewer=request.user, municipality_slug=municipality, slug=slug)
    if action == "submit":
        services.entry_submit(actor=request.user, entry=entry)
        messages.success(request, _("The entry was handed to the Smart City team for review."))
    elif action == "publish":
        services.entry_publish(actor=request.user, entry=entry)
        messages.success(request, _("The entry is published."))
    elif action == "draft":
        services.entry_return_to_draft(actor=request.user, entry=entry, reason=request.POST.get("reason", "")[:200])
        messages.success(request, _("The entry is a draft again."))
    elif action == "delete":
        services.entry_delete(actor=request.user, entry=entry)
        messages.success(request, _("The entry was deleted."))
        return redirect("inventory:workspace")
    else:
        raise PermissionDenied
    return redirect(entry)


@login_required
def entry_history(request: SignedInRequest, municipality: str, slug: str) -> HttpResponse:
    entry = get_entry_for(viewer=request.user, municipality_slug=municipality, slug=slug)
    records = merging.entry_history_records(viewer=request.user, entry=entry)  # with the entries merged into it
    page = Paginator(records, 50).get_page(request.GET.get("page"))
    return render(request, "portal/history.html", {"object": entry, "page": page, "back_url": entry.get_absolute_url()})


@login_required
def workspace(request: SignedInRequest) -> HttpResponse:
    """The editor's and the team's list: own entries in every state, and what waits for review."""
    from smartstadt.core.permissions import roles_of

    roles = roles_of(request.user)
    page = Paginator(my_entries(user=request.user), 50).get_page(request.GET.get("page"))

    return render(
        request,
        "inventory/workspace.html",
        {
            "page": page,
            "queue": review_queue(user=request.user)[:100],
            "team_municipalities": Municipality.objects.filter(pk__in=roles.team_municipalities).order_by("name"),
            "editor_organisations": Organisation.objects.filter(pk__in=roles.editor_organisations)
            .select_related("municipality")
            .order_by("name"),
            "querystring": request.GET.copy(),
        },
    )


SEARCH_PAGE_SIZE = 25


def search(request: HttpRequest) -> HttpResponse:
    """The transparency portal's search: published entries by full-text query and facets, with paging.

    Every state is a shareable GET URL; htmx asks for the same URL and gets only the results part.
    """
    from smartstadt.search.filters import EntryFilters
    from smartstadt.search.selectors import entry_search

    result = entry_search(viewer=request.user, filters=EntryFilters.from_query(request.GET))
    page = Paginator(cast(Any, result.page_source), SEARCH_PAGE_SIZE).get_page(request.GET.get("page"))
    querystring = request.GET.copy()
    for name in [key for key, value in querystring.items() if not value]:
        del querystring[name]  # empty facets do not need to clutter the paging links
    context = {
        "page": page,
        "search": result,
        "filters": result.filters,
        "query": result.filters.q,
        "querystring": querystring,
        "reset_url": f"?{urlencode({'q': result.filters.q})}" if result.filters.q else "?",
    }
    if not request.htmx:  # type: ignore[attr-defined]
        return render(request, "inventory/search.html", context)
    response = render(request, "inventory/search.html#results", context)
    # The address bar shows the clean, shareable URL (without the empty fields the form sends).
    response["HX-Push-Url"] = f"{request.path}?{querystring.urlencode()}" if querystring else request.path
    return response
