"""Strategy pages: the public strategy and measure sheets; the team's workspace with editing, ordering,
solution suggestions, gap analysis and versions."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from smartstadt.core.permissions import SignedInRequest, roles_of
from smartstadt.core.selectors import change_history_for
from smartstadt.inventory.models import Entry
from smartstadt.participation.selectors import contributions_for_measure
from smartstadt.regions.models import District, Municipality
from smartstadt.regions.selectors import get_municipality

from . import selectors, services
from .elements import KINDS, MEASURE_KINDS, STRATEGY_KINDS, ElementKind
from .forms import FORMS, StrategyCreateForm, StrategyForm, VersionForm
from .models import Challenge, Horizon, Measure, Priority, Strategy, StrategyVersion
from .versions import compare_snapshots, strategy_snapshot

CURRENT = "aktuell"  # the working state in a comparison


def _form_error(form: Any, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _back(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


def _kind(slug: str) -> ElementKind:
    kind = KINDS.get(slug)
    if kind is None:
        raise Http404
    return kind


# --- Public ------------------------------------------------------------------------------------------------


def strategy_list(request: HttpRequest) -> HttpResponse:
    return render(request, "strategy/list.html", {"strategies": selectors.published_strategies()})


def strategy_public(request: HttpRequest, pk: int) -> HttpResponse:
    strategy = selectors.get_strategy_for(viewer=request.user, pk=pk)
    return render(
        request,
        "strategy/public.html",
        {
            "overview": selectors.strategy_overview(strategy=strategy),
            "strategy": strategy,
            "can_edit": request.user.has_perm("strategy.change_strategy", strategy),
        },
    )


def measure_sheet(request: HttpRequest, pk: int, measure: int) -> HttpResponse:
    """The measure sheet (Steckbrief) in the seed's layout; the team finds its edit links here, too."""
    strategy = selectors.get_strategy_for(viewer=request.user, pk=pk)
    item = selectors.get_measure(strategy=strategy, pk=measure)
    framework = strategy.topic_framework
    chosen = {term.pk for term in item.topic_terms.all()}
    topic_options = (
        [(term, term.pk in chosen) for term in framework.terms.filter(parent__isnull=True)] if framework else []
    )
    other_terms = [term for term in item.topic_terms.all() if framework is None or term.framework_id != framework.pk]
    return render(
        request,
        "strategy/measure_sheet.html",
        {
            "strategy": strategy,
            "measure": item,
            "topic_framework": framework,
            "topic_options": topic_options,
            "other_terms": other_terms,
            "priorities": [(choice, choice.value == item.priority) for choice in Priority],
            "horizons": [(choice, choice.value == item.horizon) for choice in Horizon],
            "can_edit": request.user.has_perm("strategy.change_strategy", strategy),
            "kinds": {kind.slug: kind for kind in MEASURE_KINDS},
            # The contributions taken into this measure (ideas, comments on the draft), from participation.
            "shaped_by": contributions_for_measure(measure=item),
        },
    )


# --- Workspace: strategies -----------------------------------------------------------------------------------


@login_required
def workspace(request: SignedInRequest) -> HttpResponse:
    strategies = list(selectors.team_strategies(user=request.user))
    with_strategy = {s.municipality_id for s in strategies if s.region_id is None}
    missing = Municipality.objects.filter(pk__in=roles_of(request.user).team_municipalities).exclude(
        pk__in=with_strategy
    )
    if not strategies and not missing.exists():
        raise PermissionDenied
    return render(request, "strategy/workspace.html", {"strategies": strategies, "missing": missing.order_by("name")})


@login_required
def strategy_create(request: SignedInRequest, municipality: str) -> HttpResponse:
    place = get_municipality(slug=municipality)
    if not request.user.has_perm("strategy.add_strategy", place):
        raise PermissionDenied
    form = StrategyCreateForm(
        request.POST or None, initial={"title": _("Smart City strategy %(name)s") % {"name": place.name}}
    )
    if request.method == "POST" and form.is_valid():
        try:
            strategy = services.strategy_create(actor=request.user, municipality=place, data=form.cleaned_data)
        except ValidationError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("The strategy was created."))
            return redirect(strategy.get_workspace_url())
    return render(request, "strategy/strategy_create.html", {"form": form, "municipality": place})


@login_required
def overview(request: SignedInRequest, pk: int) -> HttpResponse:
    strategy = selectors.get_strategy_for_edit(user=request.user, pk=pk)
    data = selectors.strategy_overview(strategy=strategy)
    horizon = request.GET.get("horizont", "")
    if horizon in Horizon.values:
        data.measures = [m for m in data.measures if m.horizon == horizon]
    return render(
        request,
        "strategy/overview.html",
        {
            "strategy": strategy,
            "overview": data,
            "kinds": {kind.slug: kind for kind in STRATEGY_KINDS},
            "horizon": Horizon(horizon).label if horizon in Horizon.values else "",
        },
    )


@login_required
def strategy_edit(request: SignedInRequest, pk: int) -> HttpResponse:
    strategy = selectors.get_strategy_for_edit(user=request.user, pk=pk)
    form = StrategyForm(request.POST or None, instance=strategy, municipality=strategy.municipality)
    if request.method == "POST" and form.is_valid():
        try:
            services.strategy_update(actor=request.user, strategy=strategy, data=form.cleaned_data)
        except ValidationError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("Your changes were saved."))
            return redirect(strategy.get_workspace_url())
    return render(request, "strategy/strategy_form.html", {"form": form, "strategy": strategy})


@login_required
@require_POST
def strategy_publish(request: SignedInRequest, pk: int) -> HttpResponse:
    strategy = selectors.get_strategy_for_edit(user=request.user, pk=pk)
    published = request.POST.get("published") == "1"
    services.strategy_set_published(actor=request.user, strategy=strategy, published=published)
    messages.success(request, _("The strategy is published.") if published else _("The strategy is no longer public."))
    return redirect(strategy.get_workspace_url())


# --- Workspace: parts of the strategy -----------------------------------------------------------------------


def _parent_and_strategy(request: HttpRequest, pk: int, kind: ElementKind, measure: int | None) -> tuple[Any, Strategy]:
    strategy = selectors.get_strategy_for_edit(user=request.user, pk=pk)
    if kind.belongs_to_measure:
        if measure is None:
            raise Http404
        return selectors.get_measure(strategy=strategy, pk=measure), strategy
    if measure is not None:
        raise Http404
    return strategy, strategy


def _return_url(strategy: Strategy, element: Any, kind: ElementKind) -> str:
    if kind.belongs_to_measure:
        return reverse("strategy:measure", args=[strategy.pk, element.measure_id]) + f"#{kind.anchor}"
    if isinstance(element, Measure):
        return element.get_absolute_url()
    return reverse("strategy:overview", args=[strategy.pk]) + f"#{kind.anchor}"


def _initial(request: HttpRequest, kind: ElementKind, strategy: Strategy) -> dict[str, Any]:
    """Preset links, e.g. from the gap page: a challenge for ?goal=, a measure for ?challenge=, ?term=, ?district=."""
    initial: dict[str, Any] = {}
    presets = {
        "goal": ("goals", lambda pk: strategy.goals.filter(pk=pk)),
        "challenge": ("challenges", lambda pk: strategy.challenges.filter(pk=pk)),
        "term": ("topic_terms", None),
        "district": ("districts", lambda pk: District.objects.filter(pk=pk, municipality=strategy.municipality)),
    }
    form_fields = FORMS[kind.slug].base_fields
    for parameter, (name, finder) in presets.items():
        value = request.GET.get(parameter, "")
        if not value.isdigit() or name not in form_fields:
            continue
        initial[name] = [int(value)] if finder is None else list(finder(int(value)))
    return initial


@login_required
def element_create(request: SignedInRequest, pk: int, kind: str, measure: int | None = None) -> HttpResponse:
    spec = _kind(kind)
    parent, strategy = _parent_and_strategy(request, pk, spec, measure)
    form = FORMS[spec.slug](request.POST or None, strategy=strategy, initial=_initial(request, spec, strategy))
    if request.method == "POST" and form.is_valid():
        try:
            element = services.element_create(actor=request.user, kind=spec, parent=parent, data=form.cleaned_data)
        except ValidationError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("“%(name)s” was added.") % {"name": element})
            return redirect(_return_url(strategy, element, spec))
    return render(
        request,
        "strategy/element_form.html",
        {"form": form, "strategy": strategy, "kind": spec, "element": None, "parent": parent},
    )


@login_required
def element_edit(request: SignedInRequest, pk: int, kind: str, element: int) -> HttpResponse:
    spec = _kind(kind)
    strategy = selectors.get_strategy_for_edit(user=request.user, pk=pk)
    item = selectors.get_element(strategy=strategy, kind=spec, pk=element)
    form = FORMS[spec.slug](request.POST or None, instance=item, strategy=strategy)
    if request.method == "POST" and form.is_valid():
        try:
            services.element_update(actor=request.user, element=item, data=form.cleaned_data)
        except ValidationError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("Your changes were saved."))
            return redirect(_return_url(strategy, item, spec))
    return render(
        request,
        "strategy/element_form.html",
        {"form": form, "strategy": strategy, "kind": spec, "element": item, "parent": None},
    )


@login_required
def element_delete(request: SignedInRequest, pk: int, kind: str, element: int) -> HttpResponse:
    spec = _kind(kind)
    strategy = selectors.get_strategy_for_edit(user=request.user, pk=pk)
    item = selectors.get_element(strategy=strategy, kind=spec, pk=element)
    back = (
        reverse("strategy:measure", args=[strategy.pk, item.measure_id]) + f"#{spec.anchor}"
        if spec.belongs_to_measure
        else reverse("strategy:overview", args=[strategy.pk]) + f"#{spec.anchor}"
    )
    if request.method == "POST":
        name = str(item)
        services.element_delete(actor=request.user, element=item)
        messages.success(request, _("“%(name)s” was deleted.") % {"name": name})
        return redirect(back)
    return render(
        request,
        "strategy/element_delete.html",
        {"strategy": strategy, "kind": spec, "element": item, "cancel_url": _return_url(strategy, item, spec)},
    )


@login_required
@require_POST
def element_move(request: SignedInRequest, pk: int, kind: str, element: int) -> HttpResponse:
    """Up or down by one place: the way by keyboard and without JavaScript."""
    spec = _kind(kind)
    strategy = selectors.get_strategy_for_edit(user=request.user, pk=pk)
    item = selectors.get_element(strategy=strategy, kind=spec, pk=element)
    direction = request.POST.get("direction")
    if direction not in ("up", "down"):
        raise Http404
    services.element_move(actor=request.user, element=item, offset=-1 if direction == "up" else 1)
    default = (
        _return_url(strategy, item, spec)
        if spec.belongs_to_measure
        else (reverse("strategy:overview", args=[strategy.pk]) + f"#{spec.anchor}")
    )
    return redirect(_back(request, default))


@login_required
@require_POST
def elements_reorder(request: SignedInRequest, pk: int, kind: str, measure: int | None = None) -> HttpResponse:
    """A whole list in a new order (drag and drop): ``order`` is the list of keys, comma-separated."""
    spec = _kind(kind)
    parent, strategy = _parent_and_strategy(request, pk, spec, measure)
    raw = [part.strip() for part in request.POST.get("order", "").split(",") if part.strip()]
    if not all(part.isdigit() for part in raw):
        return HttpResponse(_("The new order must be a list of keys."), status=400, content_type="text/plain")
    try:
        services.elements_reorder(actor=request.user, kind=spec, parent=parent, ids=[int(part) for part in raw])
    except ValidationError as error:
        return HttpResponse(" ".join(error.messages), status=400, content_type="text/plain")
    if request.headers.get("X-Requested-With") == "fetch":
        return HttpResponse(status=204)
    messages.success(request, _("The new order was saved."))
    return redirect(_back(request, reverse("strategy:overview", args=[strategy.pk])))


# --- Solution suggestions ------------------------------------------------------------------------------------


def _linkable(strategy: Strategy, kind: str, element: int) -> Challenge | Measure:
    spec = _kind(kind)
    if spec.model not in (Challenge, Measure):
        raise Http404
    item = selectors.get_element(strategy=strategy, kind=spec, pk=element)
    assert isinstance(item, Challenge | Measure)
    return item


@login_required
def solutions(request: SignedInRequest, pk: int, kind: str, element: int) -> HttpResponse:
    """The entries linked to a challenge or measure, and the inventory's suggestions to link with one click."""
    strategy = selectors.get_strategy_for_edit(user=request.user, pk=pk)
    item = _linkable(strategy, kind, element)
    return render(
        request,
        "strategy/solutions.html",
        {
            "strategy": strategy,
            "element": item,
            "kind": KINDS[kind],
            "linked": item.entries.select_related("municipality").order_by("title"),
            "suggestions": selectors.suggestions_for(element=item),
        },
    )


@login_required
@require_POST
def solution_link(request: SignedInRequest, pk: int, kind: str, element: int) -> HttpResponse:
    strategy = selectors.get_strategy_for_edit(user=request.user, pk=pk)
    item = _linkable(strategy, kind, element)
    entry_pk = request.POST.get("entry", "")
    entry = Entry.objects.filter(pk=int(entry_pk)).first() if entry_pk.isdigit() else None
    if entry is None:
        raise Http404
    linked = request.POST.get("action", "link") != "unlink"
    try:
        services.element_link_entry(actor=request.user, element=item, entry=entry, linked=linked)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        template = _("“%(entry)s” is linked.") if linked else _("“%(entry)s” is no longer linked.")
        messages.success(request, template % {"entry": entry.title})
    return redirect(_back(request, reverse("strategy:solutions", args=[strategy.pk, kind, item.pk])))


# --- Gap analysis and versions ------------------------------------------------------------------------------


@login_required
def gaps(request: SignedInRequest, pk: int) -> HttpResponse:
    strategy = selectors.get_strategy_for_edit(user=request.user, pk=pk)
    sections = selectors.gap_analysis(strategy=strategy)
    return render(
        request,
        "strategy/gaps.html",
        {"strategy": strategy, "sections": sections, "total": sum(len(section.gaps) for section in sections)},
    )


@login_required
def versions(request: SignedInRequest, pk: int) -> HttpResponse:
    strategy = selectors.get_strategy_for_edit(user=request.user, pk=pk)
    may_freeze = request.user.has_perm("strategy.freeze_version", strategy)
    form = VersionForm(request.POST or None)
    if request.method == "POST":
        if not may_freeze:
            raise PermissionDenied
        if form.is_valid():
            try:
                version = services.version_freeze(
                    actor=request.user,
                    strategy=strategy,
                    label=form.cleaned_data["label"],
                    kind=form.cleaned_data["kind"],
                    note=form.cleaned_data["note"],
                )
            except ValidationError as error:
                _form_error(form, error)
            else:
                messages.success(request, _("Version %(label)s is frozen.") % {"label": version})
                return redirect("strategy:versions", pk=strategy.pk)
    items = list(strategy.versions.select_related("created_by").order_by("-number"))
    return render(request, "strategy/versions.html", {"strategy": strategy, "versions": items, "form": form})


def _state(strategy: Strategy, key: str) -> tuple[str, dict[str, Any]]:
    if key == CURRENT:
        return _("current working state"), strategy_snapshot(strategy)
    version = StrategyVersion.objects.filter(strategy=strategy, number=int(key)).first() if key.isdigit() else None
    if version is None:
        raise Http404
    return str(version), version.snapshot


@login_required
def version_compare(request: SignedInRequest, pk: int) -> HttpResponse:
    strategy = selectors.get_strategy_for_edit(user=request.user, pk=pk)
    numbers = list(strategy.versions.order_by("number").values_list("number", flat=True))
    old_key = request.GET.get("alt") or (str(numbers[-1]) if numbers else CURRENT)
    new_key = request.GET.get("neu") or CURRENT
    old_label, old = _state(strategy, old_key)
    new_label, new = _state(strategy, new_key)
    choices = [(str(n), label) for n, label in strategy.versions.order_by("number").values_list("number", "label")]
    return render(
        request,
        "strategy/version_compare.html",
        {
            "strategy": strategy,
            "comparison": compare_snapshots(old, new),
            "old_label": old_label,
            "new_label": new_label,
            "old_key": old_key,
            "new_key": new_key,
            "choices": [*[(key, f"{key}: {label}") for key, label in choices], (CURRENT, _("current working state"))],
        },
    )


# --- Change history -------------------------------------------------------------------------------------------


@login_required
def history(request: SignedInRequest, pk: int, kind: str = "", element: int | None = None) -> HttpResponse:
    """Who changed what: of the strategy itself, or of one of its parts."""
    strategy = selectors.get_strategy_for_edit(user=request.user, pk=pk)
    if element is None:
        obj: Any = strategy
        back = reverse("strategy:overview", args=[strategy.pk])
    else:
        spec = _kind(kind)
        obj = selectors.get_element(strategy=strategy, kind=spec, pk=element)
        back = _return_url(strategy, obj, spec)
    page = Paginator(change_history_for(viewer=request.user, obj=obj), 50).get_page(request.GET.get("page"))
    return render(request, "portal/history.html", {"object": obj, "page": page, "back_url": back})
