"""Stocktaking pages: the team's campaigns and invitations, and the invitees' pages behind their personal link."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from smartstadt.analysis import tag_views
from smartstadt.analysis.duplicates import duplicates_of_entries
from smartstadt.core.clients import client_address
from smartstadt.core.history import history_for
from smartstadt.core.permissions import SignedInRequest, roles_of
from smartstadt.inventory import merge_views
from smartstadt.inventory.models import Entry, PublicationState
from smartstadt.regions.models import Municipality
from smartstadt.regions.selectors import get_municipality

from . import selectors, services
from .forms import CampaignForm, InvitationsForm, InviteeEntryForm
from .models import Invitation

# Clients that try this many unknown links within the window get 429 for the rest of it. Guessing a
# 256-bit token is hopeless anyway; this keeps the logs and the database quiet.
MISS_LIMIT = 20
MISS_WINDOW_SECONDS = 600


def _form_error(form: Any, error: ValidationError) -> None:
    """A service's ValidationError on the form: by field where the form has the field, else for the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


# --- Team ------------------------------------------------------------------------------------------


@login_required
def campaign_list(request: SignedInRequest) -> HttpResponse:
    if not request.user.has_perm("stocktaking.list_campaigns"):
        raise PermissionDenied
    page = Paginator(selectors.campaign_list(user=request.user), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "stocktaking/campaign_list.html",
        {
            "page": page,
            "team_municipalities": Municipality.objects.filter(pk__in=roles_of(request.user).team_municipalities)
            .only("pk", "name", "slug")
            .order_by("name"),
            "querystring": request.GET.copy(),
        },
    )


@login_required
def campaign_create(request: SignedInRequest, municipality: str) -> HttpResponse:
    place = get_municipality(slug=municipality)
    if not request.user.has_perm("stocktaking.add_campaign", place):
        raise PermissionDenied
    form = CampaignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            campaign = services.campaign_create(actor=request.user, municipality=place, data=form.cleaned_data)
        except ValidationError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("The campaign was created. Now choose the organisations to invite."))
            return redirect("stocktaking:invitation_add", pk=campaign.pk)
    return render(request, "stocktaking/campaign_form.html", {"form": form, "municipality": place, "campaign": None})


@login_required
def campaign_edit(request: SignedInRequest, pk: int) -> HttpResponse:
    campaign = selectors.get_campaign_for(user=request.user, pk=pk, permission="stocktaking.manage_campaign")
    if not campaign.is_open:
        messages.error(request, _("A closed campaign cannot be changed."))
        return redirect(campaign)
    form = CampaignForm(request.POST or None, instance=campaign)
    if request.method == "POST" and form.is_valid():
        try:
            services.campaign_update(actor=request.user, campaign=campaign, data=form.cleaned_data)
        except ValidationError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("Your changes were saved."))
            return redirect(campaign)
    return render(
        request,
        "stocktaking/campaign_form.html",
        {"form": form, "municipality": campaign.municipality, "campaign": campaign},
    )


@login_required
def campaign_detail(request: SignedInRequest, pk: int) -> HttpResponse:
    campaign = selectors.get_campaign_for(user=request.user, pk=pk)
    invitations = selectors.invitation_table(campaign=campaign)
    answers = list(selectors.campaign_answers(campaign=campaign)[:200])
    duplicates = duplicates_of_entries(answers)
    active = [invitation for invitation in invitations if not invitation.is_revoked]
    return render(
        request,
        "stocktaking/campaign_detail.html",
        {
            "campaign": campaign,
            "invitations": invitations,
            # each answer with the existing entries it looks like (smartstadt/analysis/duplicates.py)
            "answers": [(entry, duplicates.get(entry.pk, [])) for entry in answers],
            "can_manage": request.user.has_perm("stocktaking.manage_campaign", campaign),
            "counts": {
                "invited": len(active),
                "sent": sum(1 for invitation in active if invitation.sent_at),
                "opened": sum(1 for invitation in active if invitation.first_opened_at),
                "answered": sum(1 for invitation in active if invitation.answered_at),
            },
            "pending": any(invitation.may_send for invitation in active),
            "remindable": any(invitation.may_remind for invitation in active),
        },
    )


@login_required
@require_POST
def campaign_action(request: SignedInRequest, pk: int, action: str) -> HttpResponse:
    campaign = selectors.get_campaign_for(user=request.user, pk=pk, permission="stocktaking.manage_campaign")
    try:
        if action == "send":
            count = services.campaign_send_pending(actor=request.user, campaign=campaign)
            messages.success(request, _("Invitations sent: %(count)s.") % {"count": count})
        elif action == "remind":
            count = services.campaign_remind_unanswered(actor=request.user, campaign=campaign)
            messages.success(request, _("Reminders sent: %(count)s.") % {"count": count})
        elif action == "close":
            services.campaign_close(actor=request.user, campaign=campaign)
            messages.success(request, _("The campaign is closed; its links no longer work."))
        else:
            raise PermissionDenied
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(campaign)


@login_required
@require_POST
def invitation_action(request: SignedInRequest, pk: int, action: str) -> HttpResponse:
    invitation = selectors.get_invitation_for(user=request.user, pk=pk)
    name = invitation.organisation.name
    try:
        if action == "send":
            services.invitation_send(actor=request.user, invitation=invitation)
            messages.success(request, _("The invitation to %(name)s was sent.") % {"name": name})
        elif action == "remind":
            services.invitation_remind(actor=request.user, invitation=invitation)
            messages.success(request, _("%(name)s was reminded.") % {"name": name})
        elif action == "revoke":
            services.invitation_revoke(actor=request.user, invitation=invitation)
            messages.success(request, _("The link of %(name)s no longer works.") % {"name": name})
        elif action == "extend":
            services.invitation_extend(actor=request.user, invitation=invitation)
            messages.success(request, _("The link of %(name)s is valid for longer.") % {"name": name})
        else:
            raise PermissionDenied
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(reverse("stocktaking:campaign", kwargs={"pk": invitation.campaign_id}) + "#invitations")


@login_required
def invitation_add(request: SignedInRequest, pk: int) -> HttpResponse:
    campaign = selectors.get_campaign_for(user=request.user, pk=pk, permission="stocktaking.manage_campaign")
    if not campaign.is_open:
        messages.error(request, _("A closed campaign cannot be changed."))
        return redirect(campaign)
    municipalities = selectors.municipalities_to_invite_from(campaign=campaign)
    wanted = (request.POST if request.method == "POST" else request.GET).get("kommune", "")
    source = next((m for m in municipalities if m.slug == wanted), municipalities[0])
    organisations = selectors.invitable_organisations(campaign=campaign, municipality=source)
    form = InvitationsForm(request.POST or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        try:
            # All or nothing; the e-mails leave once everything is committed.
            with transaction.atomic():
                invitations = services.invitation_create(
                    actor=request.user, campaign=campaign, invitees=form.invitees()
                )
                if request.POST.get("send") == "now":
                    for invitation in invitations:
                        services.invitation_send(actor=request.user, invitation=invitation)
        except ValidationError as error:
            _form_error(form, error)
        else:
            if request.POST.get("send") == "now":
                messages.success(request, _("Invitations sent: %(count)s.") % {"count": len(invitations)})
            else:
                messages.success(
                    request, _("Invitations saved, not sent yet: %(count)s.") % {"count": len(invitations)}
                )
            return redirect(campaign)
    return render(
        request,
        "stocktaking/invitation_add.html",
        {"campaign": campaign, "form": form, "source": source, "municipalities": municipalities},
    )


@login_required
def campaign_history(request: SignedInRequest, pk: int) -> HttpResponse:
    campaign = selectors.get_campaign_for(user=request.user, pk=pk)
    page = Paginator(selectors.campaign_history(campaign=campaign), 50).get_page(request.GET.get("page"))
    return render(
        request, "portal/history.html", {"object": campaign, "page": page, "back_url": campaign.get_absolute_url()}
    )


# --- Invitees (no account) --------------------------------------------------------------------


def _miss_key(request: HttpRequest) -> str:
    # The visitor's own address, as the reverse proxy reports it: REMOTE_ADDR is the proxy's behind one.
    return "stocktaking:misses:" + client_address(request)


def _note_miss(request: HttpRequest) -> None:
    key = _miss_key(request)
    cache.add(key, 0, MISS_WINDOW_SECONDS)
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 1, MISS_WINDOW_SECONDS)


def _unavailable(request: HttpRequest, *, status: int = 404) -> HttpResponse:
    """The same page for unknown, expired, revoked and closed links: it tells nothing about the token."""
    return render(request, "stocktaking/invitee_unavailable.html", {"throttled": status == 429}, status=status)


InviteeView = Callable[..., HttpResponse]


def invitee_view(view: InviteeView) -> Callable[..., HttpResponse]:
    """Resolve the personal link to its invitation, or answer with the unavailable page."""

    @wraps(view)
    def wrapper(request: HttpRequest, token: str, **kwargs: Any) -> HttpResponse:
        # A working link always opens, whatever others behind the same address guessed: the office behind one
        # NAT shares it. Guessing is hopeless anyway (256 random bits); the limit only slows a scanner down,
        # whose further misses get 429 instead of 404.
        try:
            invitation = selectors.get_invitation_by_token(token)
        except selectors.InvitationUnavailableError:
            if (cache.get(_miss_key(request)) or 0) >= MISS_LIMIT:
                response = _unavailable(request, status=429)
            else:
                _note_miss(request)
                response = _unavailable(request)
        else:
            response = view(request, invitation, token, **kwargs)
        # The site-wide Referrer-Policy (same-origin) keeps the link from leaking to other sites; "no-referrer"
        # would make browsers send "Origin: null" with the forms, which Django's CSRF check refuses.
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    return never_cache(wrapper)


@invitee_view
def invitee_start(request: HttpRequest, invitation: Invitation, token: str) -> HttpResponse:
    if request.method == "GET":
        services.invitation_mark_opened(invitation=invitation)
    return render(
        request,
        "stocktaking/invitee_start.html",
        {
            "invitation": invitation,
            "campaign": invitation.campaign,
            "token": token,
            "entries": selectors.invitee_entry_list(invitation)[:500],
        },
    )


@invitee_view
def invitee_entry_create(request: HttpRequest, invitation: Invitation, token: str) -> HttpResponse:
    form = InviteeEntryForm(request.POST or None, invitation=invitation)
    if merge_views.wants_duplicate_check(request):
        return _invitee_duplicate_check(request, invitation, token, form, None)
    if tag_views.wants_tag_suggestions(request):
        context = {"invitation": invitation, "campaign": invitation.campaign, "token": token, "entry": None}
        return tag_views.render_tag_suggestions(
            request, form, template="stocktaking/invitee_entry_form.html", context=context
        )
    if request.method == "POST" and form.is_valid():
        try:
            entry = services.answer_entry_create(invitation=invitation, data=form.cleaned_data)
        except ValidationError as error:
            _form_error(form, error)
        else:
            messages.success(
                request,
                _("Thank you! “%(title)s” was saved; the Smart City team reviews it before it is published.")
                % {"title": entry.title},
            )
            return redirect("stocktaking:invitee", token=token)
    return render(
        request,
        "stocktaking/invitee_entry_form.html",
        {"invitation": invitation, "campaign": invitation.campaign, "token": token, "form": form, "entry": None},
    )


@invitee_view
def invitee_entry_edit(request: HttpRequest, invitation: Invitation, token: str, entry: int) -> HttpResponse:
    item = selectors.get_invitee_entry(invitation, entry)
    form = InviteeEntryForm(request.POST or None, instance=item, invitation=invitation)
    if merge_views.wants_duplicate_check(request):
        return _invitee_duplicate_check(request, invitation, token, form, item)
    if tag_views.wants_tag_suggestions(request):
        context = {
            "invitation": invitation,
            "campaign": invitation.campaign,
            "token": token,
            "entry": item,
            "history": history_for(item)[:50],
        }
        return tag_views.render_tag_suggestions(
            request, form, template="stocktaking/invitee_entry_form.html", context=context
        )
    if request.method == "POST" and form.is_valid():
        try:
            services.answer_entry_update(invitation=invitation, entry=item, data=form.cleaned_data)
        except ValidationError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("Thank you! Your changes to “%(title)s” were saved.") % {"title": item.title})
            return redirect("stocktaking:invitee", token=token)
    return render(
        request,
        "stocktaking/invitee_entry_form.html",
        {
            "invitation": invitation,
            "campaign": invitation.campaign,
            "token": token,
            "form": form,
            "entry": item,
            "history": history_for(item)[:50],
        },
    )


def _invitee_duplicate_check(
    request: HttpRequest, invitation: Invitation, token: str, form: InviteeEntryForm, entry: Entry | None
) -> HttpResponse:
    """The possible duplicates of an answer: published entries of the municipality and the invitee's own."""
    visible = Entry.objects.filter(
        Q(publication_state=PublicationState.PUBLISHED) | Q(pk__in=selectors.invitee_entries(invitation).values("pk"))
    )
    return merge_views.render_duplicate_check(
        request,
        form,
        municipality=invitation.campaign.municipality,
        entry=entry,
        template="stocktaking/invitee_entry_form.html",
        context={
            "invitation": invitation,
            "campaign": invitation.campaign,
            "token": token,
            "history": history_for(entry)[:50] if entry is not None else [],
        },
        visible=visible,
    )


@require_POST
@invitee_view
def invitee_confirm(request: HttpRequest, invitation: Invitation, token: str) -> HttpResponse:
    services.answer_confirm(invitation=invitation)
    messages.success(request, _("Thank you! The Smart City team sees that your entries are up to date."))
    return redirect("stocktaking:invitee", token=token)
