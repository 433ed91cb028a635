"""Public pages: the region at a glance, municipalities, organisations, frameworks, legal texts."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from smartstadt.core.models import SiteProfile
from smartstadt.core.permissions import SignedInRequest
from smartstadt.core.selectors import change_history_for
from smartstadt.frameworks.selectors import TAGGED_SOURCES, dimension_counts, framework_list, get_framework
from smartstadt.regions.forms import MunicipalityProfileForm
from smartstadt.regions.models import Municipality, Organisation, Region
from smartstadt.regions.selectors import (
    district_tree,
    get_municipality,
    get_municipality_for_edit,
    get_organisation,
    municipality_list,
    organisation_kind_counts,
    organisations_by_kind,
    region_overview,
    state_choices,
)
from smartstadt.regions.services import municipality_update_profile

MUNICIPALITIES_PER_PAGE = 25
NEIGHBOURS_SHOWN = 30


def start(request: HttpRequest) -> HttpResponse:
    regions = region_overview()
    totals = Municipality.objects.aggregate(
        municipalities=Count("id"), population=Sum("population"), states=Count("state", distinct=True)
    )
    dimensions = dimension_counts()
    largest = max((item.total for item in dimensions), default=0)
    return render(
        request,
        "portal/start.html",
        {
            "regions": regions,
            "totals": totals,
            "organisation_count": Organisation.objects.filter(is_active=True).count(),
            "organisation_kinds": organisation_kind_counts(),
            "dimensions": dimensions,
            "dimension_max": largest,
            "tagged_sources": [(key, label) for key, label, *_rest in TAGGED_SOURCES],
            "spotlight": Municipality.objects.filter(slug="oberhausen").first(),
        },
    )


def municipalities(request: HttpRequest) -> HttpResponse:
    region = request.GET.get("region", "")
    state = request.GET.get("state", "")
    query = request.GET.get("q", "").strip()
    page = Paginator(municipality_list(region=region, state=state, query=query), MUNICIPALITIES_PER_PAGE).get_page(
        request.GET.get("page")
    )
    context = {
        "page": page,
        "regions": Region.objects.order_by("order", "name"),
        "states": state_choices(),
        "selected": {"region": region, "state": state, "q": query},
        "querystring": request.GET.copy(),
    }
    template = "portal/municipality_list.html"
    if request.htmx:  # type: ignore[attr-defined]
        template += "#results"
    return render(request, template, context)


def municipality(request: HttpRequest, slug: str) -> HttpResponse:
    item = get_municipality(slug=slug)
    neighbours = (
        Municipality.objects.filter(region_id=item.region_id).exclude(pk=item.pk).order_by("name")[:NEIGHBOURS_SHOWN]
        if item.region_id
        else Municipality.objects.none()
    )
    return render(
        request,
        "portal/municipality_detail.html",
        {
            "municipality": item,
            "districts": district_tree(municipality=item),
            "organisations_by_kind": organisations_by_kind(municipality=item),
            "frameworks": framework_list().filter(municipality=item),
            "neighbours": neighbours,
            "can_edit": request.user.has_perm("regions.change_municipality", item),
            "can_view_history": request.user.has_perm("core.view_history", item),
        },
    )


@login_required
def municipality_edit(request: SignedInRequest, slug: str) -> HttpResponse:
    item = get_municipality_for_edit(user=request.user, slug=slug)
    form = MunicipalityProfileForm(request.POST or None, instance=item)
    if request.method == "POST" and form.is_valid():
        municipality_update_profile(actor=request.user, municipality=item, data=form.cleaned_data)
        messages.success(request, _("The profile of %(name)s was saved.") % {"name": item.name})
        return redirect(item)
    return render(request, "portal/municipality_edit.html", {"municipality": item, "form": form})


@login_required
def municipality_history(request: SignedInRequest, slug: str) -> HttpResponse:
    item = get_municipality(slug=slug)
    records = change_history_for(viewer=request.user, obj=item)
    page = Paginator(records, 50).get_page(request.GET.get("page"))
    return render(request, "portal/history.html", {"object": item, "page": page, "back_url": item.get_absolute_url()})


def organisation(request: HttpRequest, municipality: str, slug: str) -> HttpResponse:
    item = get_organisation(municipality_slug=municipality, slug=slug)
    competences: dict[str, list[object]] = {}
    for term in item.competences.all():
        competences.setdefault(term.framework.name, []).append(term)
    from smartstadt.inventory.selectors import entries_of_organisation

    return render(
        request,
        "portal/organisation_detail.html",
        {
            "organisation": item,
            "competences": competences,
            "units": item.units.all(),
            "entries": entries_of_organisation(viewer=request.user, organisation=item),
        },
    )


def frameworks(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/framework_list.html", {"frameworks": framework_list()})


def framework(request: HttpRequest, slug: str) -> HttpResponse:
    return render(request, "portal/framework_detail.html", {"framework": get_framework(slug=slug)})


def imprint(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/imprint.html", {"profile": SiteProfile.current()})


def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/privacy.html", {"profile": SiteProfile.current()})


def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/accessibility.html", {"profile": SiteProfile.current()})
