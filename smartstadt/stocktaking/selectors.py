"""Reads of stocktaking campaigns. Tables select what they show, so the query count stays flat."""

from __future__ import annotations

import datetime

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from smartstadt.core.models import ChangeRecord
from smartstadt.core.permissions import Viewer
from smartstadt.inventory.models import Entry
from smartstadt.regions.models import Municipality, Organisation

from .models import Campaign, Invitation
from .tokens import hash_token, looks_like_token


class InvitationUnavailableError(Exception):
    """Unknown, expired, revoked or closed: the invitee page says the same for all of them."""


# --- Invitee -------------------------------------------------------------------------------------


def get_invitation_by_token(token: str) -> Invitation:
    """The invitation whose link this is, if the link works; otherwise InvitationUnavailableError."""
    if not looks_like_token(token):
        raise InvitationUnavailableError
    invitation = (
        Invitation.objects.select_related(
            "campaign", "campaign__municipality", "organisation", "organisation__municipality"
        )
        .filter(token_hash=hash_token(token))
        .first()
    )
    if invitation is None or not invitation.is_usable:
        raise InvitationUnavailableError
    return invitation


def invitee_entries(invitation: Invitation) -> QuerySet[Entry]:
    """The entries an invitee may see and update – never any other.

    An organisation of the campaign's municipality: the entries of that municipality it leads. A partner from
    another municipality (which cannot lead an entry here): the entries of this municipality it submitted
    through an invitation of this municipality and still is named partner of, as long as no lead is set.
    Entries of other municipalities are never in scope.
    """
    campaign = invitation.campaign
    organisation = invitation.organisation
    entries = Entry.objects.filter(municipality_id=campaign.municipality_id)
    if not invitation.is_partner:
        return entries.filter(lead_organisation=organisation)
    submitted = Entry.objects.filter(
        municipality_id=campaign.municipality_id,
        stocktaking_invitations__organisation=organisation,
        stocktaking_invitations__campaign__municipality_id=campaign.municipality_id,
    ).values("pk")
    return entries.filter(pk__in=submitted, lead_organisation__isnull=True, partners=organisation).distinct()


def invitee_entry_list(invitation: Invitation) -> QuerySet[Entry]:
    return invitee_entries(invitation).select_related("municipality").order_by("title", "pk")


def get_invitee_entry(invitation: Invitation, entry_id: int) -> Entry:
    """An entry in the invitation's scope, or 404 – tampered ids find nothing."""
    entry = invitee_entries(invitation).filter(pk=entry_id).select_related("municipality", "lead_organisation").first()
    if entry is None:
        raise Http404
    return entry


# --- Team ------------------------------------------------------------------------------------------


def campaign_list(*, user: Viewer) -> QuerySet[Campaign]:
    return (
        Campaign.objects.managed_by(user)
        .select_related("municipality")
        .annotate(
            invited=Count("invitations", filter=Q(invitations__revoked_at__isnull=True)),
            sent=Count(
                "invitations", filter=Q(invitations__revoked_at__isnull=True, invitations__sent_at__isnull=False)
            ),
            answered=Count(
                "invitations",
                filter=Q(invitations__revoked_at__isnull=True, invitations__answered_at__isnull=False),
            ),
        )
        .order_by("-created_at", "-id")
    )


def get_campaign_for(*, user: Viewer, pk: int, permission: str = "stocktaking.view_campaign") -> Campaign:
    campaign = (
        Campaign.objects.select_related("municipality", "municipality__region", "created_by").filter(pk=pk).first()
    )
    if campaign is None:
        raise Http404
    if not user.has_perm(permission, campaign):
        raise PermissionDenied
    return campaign


def get_invitation_for(*, user: Viewer, pk: int) -> Invitation:
    invitation = (
        Invitation.objects.select_related("campaign", "campaign__municipality", "organisation").filter(pk=pk).first()
    )
    if invitation is None:
        raise Http404
    if not user.has_perm("stocktaking.manage_campaign", invitation):
        raise PermissionDenied
    return invitation


def invitation_table(*, campaign: Campaign) -> list[Invitation]:
    """The invitations of a campaign with their organisations and the number of entries they answered with."""
    invitations: list[Invitation] = list(
        Invitation.objects.filter(campaign=campaign)
        .select_related("organisation", "organisation__municipality")
        .annotate(entry_count=Count("entries"))
        .order_by("revoked_at", "organisation__name", "pk")
    )
    for invitation in invitations:
        invitation.campaign = campaign  # the properties (state, may_send, …) read it; no query per row
    return invitations


def campaign_answers(*, campaign: Campaign) -> QuerySet[Entry]:
    """Entries added or updated through the campaign's invitations, for the team's review."""
    return (
        Entry.objects.filter(stocktaking_invitations__campaign=campaign)
        .select_related("municipality", "lead_organisation")
        .distinct()
        .order_by("-updated_at", "pk")
    )


def campaign_history(*, campaign: Campaign) -> QuerySet[ChangeRecord]:
    """The changes of the campaign and of all its invitations (sent, opened, answered, reminded …)."""
    invitation_ids = [str(pk) for pk in campaign.invitations.values_list("pk", flat=True)]
    return ChangeRecord.objects.filter(
        Q(content_type=ContentType.objects.get_for_model(Campaign), object_id=str(campaign.pk))
        | Q(content_type=ContentType.objects.get_for_model(Invitation), object_id__in=invitation_ids)
    ).select_related("actor")


def may_invite(campaign: Campaign, organisation: Organisation) -> bool:
    """Organisations of the campaign's municipality, or of its region (partners, neighbour cities)."""
    if organisation.municipality_id == campaign.municipality_id:
        return True
    region_id = campaign.municipality.region_id
    return region_id is not None and organisation.municipality.region_id == region_id


def municipalities_to_invite_from(*, campaign: Campaign) -> list[Municipality]:
    """The campaign's municipality first, then the others of its region."""
    own = campaign.municipality
    if own.region_id is None:
        return [own]
    others = (
        Municipality.objects.filter(region_id=own.region_id)
        .exclude(pk=own.pk)
        .order_by("name")
        .only("pk", "name", "slug")
    )
    return [own, *others]


def invitable_organisations(*, campaign: Campaign, municipality: Municipality) -> list[Organisation]:
    """Active organisations of one municipality that are not invited to the campaign yet."""
    invited = campaign.invitations.filter(revoked_at__isnull=True).values("organisation_id")
    return list(
        Organisation.objects.filter(municipality=municipality, is_active=True)
        .exclude(pk__in=invited)
        .select_related("municipality")
        .order_by("name", "pk")
    )


def invitations_due_for_reminder(
    *,
    now: datetime.datetime | None = None,
    days_before_deadline: int = 7,
    min_days_between: int = 3,
    max_reminders: int = 3,
) -> QuerySet[Invitation]:
    """Unanswered, working invitations of open campaigns whose deadline is near (or past, within the grace).

    Not reminded (or invited) in the last ``min_days_between`` days, and at most ``max_reminders`` times.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    quiet_since = now - datetime.timedelta(days=min_days_between)
    return (
        Invitation.objects.usable(now)
        .unanswered()
        .filter(
            campaign__deadline__lte=today + datetime.timedelta(days=days_before_deadline),
            reminder_count__lt=max_reminders,
            sent_at__lte=quiet_since,
        )
        .filter(Q(last_reminded_at__isnull=True) | Q(last_reminded_at__lte=quiet_since))
        .select_related("campaign", "campaign__municipality", "organisation")
        .order_by("campaign_id", "pk")
    )
