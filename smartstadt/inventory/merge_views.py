"""Duplicates for the Smart City team: the candidate pairs of a municipality, and merging two entries."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.forms.utils import ErrorDict
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from smartstadt.analysis.duplicates import Duplicate, duplicate_pairs, duplicates_of_entry, duplicates_of_text
from smartstadt.core.permissions import SignedInRequest
from smartstadt.regions.models import Municipality
from smartstadt.regions.selectors import get_municipality

from . import merging
from .forms import MergeForm
from .models import Entry


@login_required
def duplicates(request: SignedInRequest, municipality: str) -> HttpResponse:
    """Candidate duplicate pairs among the municipality's entries (every state), each with a merge button;
    ``?eintrag=<id>``: the duplicates of one entry."""
    place = get_municipality(slug=municipality)
    if not request.user.has_perm("inventory.merge_entries", place):
        raise PermissionDenied
    entry = None
    wanted = request.GET.get("eintrag", "")
    if wanted.isdigit():
        entry = Entry.objects.filter(municipality=place, pk=int(wanted)).select_related("municipality").first()
    if entry is not None:
        found = duplicates_of_entry(entry, limit=20)
        pairs = [(entry, duplicate.entry, duplicate.score, duplicate.reasons) for duplicate in found]
    else:
        pairs = [(pair.left, pair.right, pair.score, pair.reasons) for pair in duplicate_pairs(municipality=place)]
    return render(request, "inventory/duplicates.html", {"municipality": place, "entry": entry, "pairs": pairs})


@login_required
def entry_merge(request: SignedInRequest, municipality: str, keep: int, remove: int) -> HttpResponse:
    """Both entries side by side; per differing field a choice; merging removes the second entry."""
    kept, removed = merging.get_entries_to_merge(
        user=request.user, municipality_slug=municipality, keep_id=keep, remove_id=remove
    )
    rows = merging.comparison(kept, removed)
    form = MergeForm(request.POST or None, rows=rows, keep_title=kept.title, remove_title=removed.title)
    if request.method == "POST" and form.is_valid():
        try:
            merged = merging.entry_merge(
                actor=request.user,
                keep=kept,
                remove=removed,
                choices={name: value for name, value in form.cleaned_data.items() if value},
            )
        except ValidationError as error:
            for field, problems in getattr(error, "error_dict", {None: error.error_list}).items():
                form.add_error(field if field in form.fields else None, problems)
        else:
            messages.success(
                request,
                _("“%(removed)s” was merged into “%(kept)s”; its address now leads here.")
                % {"removed": removed.title, "kept": merged.title},
            )
            return redirect(merged)
    return render(
        request,
        "inventory/entry_merge.html",
        {"municipality": kept.municipality, "keep": kept, "remove": removed, "rows": rows, "form": form},
    )


# --- "Mögliche Dubletten" on the entry form -------------------------------------------------------------------


def _text_of(data: QueryDict, name: str) -> str:
    return str(data.get(name, ""))[:5000]


def possible_duplicates(
    request: HttpRequest, *, municipality: Municipality, entry: Entry | None, visible: QuerySet[Entry] | None = None
) -> list[Duplicate]:
    """Entries of the municipality that the title and summary typed into an entry form look like: only those the
    person may see (``visible``; by default by their roles), never the entry being edited."""
    data = request.POST
    return duplicates_of_text(
        municipality=municipality,
        title=_text_of(data, "title"),
        summary=_text_of(data, "summary"),
        description=_text_of(data, "description"),
        exclude_ids=[entry.pk] if entry is not None else [],
        visible=Entry.objects.visible_to(request.user) if visible is None else visible,
    )


CHECK = "check_duplicates"  # the name of the entry forms' check button


def wants_duplicate_check(request: HttpRequest) -> bool:
    return request.method == "POST" and CHECK in request.POST


def render_duplicate_check(
    request: HttpRequest,
    form: Any,
    *,
    municipality: Municipality,
    entry: Entry | None,
    template: str = "inventory/entry_form.html",  # includes inventory/partials/duplicate_check.html
    context: dict[str, Any] | None = None,
    visible: QuerySet[Entry] | None = None,
) -> HttpResponse:
    """The entry form again, as typed, with the possible duplicates; with htmx only the list (the template's
    ``duplicates`` fragment of inventory/partials/duplicate_check.html)."""
    context = {
        "form": form,
        "municipality": municipality,
        "entry": entry,
        **(context or {}),
        "duplicates": possible_duplicates(request, municipality=municipality, entry=entry, visible=visible),
        "duplicates_checked": True,
    }
    if getattr(request, "htmx", False):
        return render(request, "inventory/partials/duplicate_check.html#duplicates", context)
    form._errors = ErrorDict(renderer=form.renderer)  # a check, not a save: no error messages for a draft
    return render(request, template, context)
