"""Writes of stocktaking campaigns: permission-checked, atomic, with change history.

Team services take the acting user, or a named system process (``System``) such as the reminder command. The
invitee services take the invitation instead: invitees have no account, so they check the invitation's link and
its scope themselves and write through the inventory services as the system actor :func:`invitee` that names the
invitation ("Bestandsaufnahme: <organisation>"), so the change history shows who answered.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from functools import partial
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from smartstadt.core.history import person, save_tracked
from smartstadt.core.permissions import Actor, System, require
from smartstadt.core.tasks import send_email
from smartstadt.inventory import services as inventory_services
from smartstadt.inventory.models import Entry
from smartstadt.regions.models import Municipality, Organisation

from .emails import render_invitation_mail
from .models import Campaign, CampaignState, Invitation
from .selectors import invitee_entries, may_invite
from .tokens import new_token

CAMPAIGN_FIELDS = ("title", "message", "deadline")
# What an invitee may write: the content of an entry, never its municipality, lead, state or external key.
INVITEE_FIELDS = (
    "title",
    "kind",
    "knowledge_type",
    "summary",
    "description",
    "status",
    "partners",
    "terms",
    "districts",
    "start_year",
    "end_year",
    "budget_eur",
    "funding_sources",
    "links",
    "contact_email",
    "maturity",
)
# Stored in the change history (data, not interface text), like the demo loader's "Demo-Daten".
INVITEE_LABEL_PREFIX = "Bestandsaufnahme"
REMINDER_LABEL = "Bestandsaufnahme: Erinnerungsdienst"
EXTEND_DAYS = 14


REMINDER = System(REMINDER_LABEL)


def invitee(invitation: Invitation) -> System:
    """Who writes an invitee's answers (the link was checked before): in the change history, the organisation."""
    return System(f"{INVITEE_LABEL_PREFIX}: {invitation.organisation.name}"[:150])


def _require_open(campaign: Campaign) -> None:
    if not campaign.is_open:
        raise ValidationError(_("The campaign “%(title)s” is closed.") % {"title": campaign.title})


# --- Campaigns -------------------------------------------------------------------------------


@transaction.atomic
def campaign_create(
    *,
    actor: Actor,
    municipality: Municipality,
    data: dict[str, Any],
    is_example: bool = False,
) -> Campaign:
    require(actor, "stocktaking.add_campaign", municipality)
    campaign = Campaign(
        municipality=municipality,
        is_example=is_example,
        created_by=person(actor),
    )
    for name in CAMPAIGN_FIELDS:
        if name in data:
            setattr(campaign, name, data[name])
    return save_tracked(campaign, actor=actor)


@transaction.atomic
def campaign_update(*, actor: Actor, campaign: Campaign, data: dict[str, Any]) -> Campaign:
    """Change title, message or deadline; a later deadline lengthens the links that would expire earlier."""
    require(actor, "stocktaking.manage_campaign", campaign)
    _require_open(campaign)
    expiry_before = campaign.default_expiry
    for name in CAMPAIGN_FIELDS:
        if name in data:
            setattr(campaign, name, data[name])
    save_tracked(campaign, actor=actor)
    expiry_after = campaign.default_expiry
    if expiry_after > expiry_before:
        for invitation in campaign.invitations.filter(revoked_at__isnull=True, expires_at__lt=expiry_after):
            invitation.expires_at = expiry_after
            save_tracked(invitation, actor=actor, note=gettext_noop("deadline moved"))
    return campaign


@transaction.atomic
def campaign_close(*, actor: Actor, campaign: Campaign) -> Campaign:
    """End the campaign: every link of it stops working at once."""
    require(actor, "stocktaking.manage_campaign", campaign)
    _require_open(campaign)
    campaign.state = CampaignState.CLOSED
    campaign.closed_at = timezone.now()
    return save_tracked(campaign, actor=actor, note=gettext_noop("closed"))


# --- Invitations (team) ----------------------------------------------------------------------


@transaction.atomic
def invitation_create(
    *,
    actor: Actor,
    campaign: Campaign,
    invitees: Iterable[tuple[Organisation, str]],
) -> list[Invitation]:
    """Invite several organisations at once, each with the e-mail address of a role mailbox.

    Organisations come from the campaign's municipality or, as partners and neighbour cities, from its region.
    Nothing is saved if one of them cannot be invited.
    """
    require(actor, "stocktaking.manage_campaign", campaign)
    _require_open(campaign)
    already = set(campaign.invitations.filter(revoked_at__isnull=True).values_list("organisation_id", flat=True))
    created = []
    for organisation, email in invitees:
        if not may_invite(campaign, organisation):
            raise ValidationError(
                _("%(name)s belongs neither to %(municipality)s nor to its region.")
                % {"name": organisation.name, "municipality": campaign.municipality.name}
            )
        if organisation.pk in already:
            raise ValidationError(_("%(name)s is already invited.") % {"name": organisation.name})
        already.add(organisation.pk)
        invitation = Invitation(
            campaign=campaign, organisation=organisation, email=email, expires_at=campaign.default_expiry
        )
        created.append(save_tracked(invitation, actor=actor))
    return created


def _mail_after_commit(invitation: Invitation, token: str, *, reminder: bool) -> None:
    """Render now, send from the worker once the token's hash is committed (a rollback sends nothing)."""
    subject, body = render_invitation_mail(invitation, token, reminder=reminder)
    transaction.on_commit(partial(send_email.enqueue, subject=subject, body=body, to=[invitation.email]))


@transaction.atomic
def invitation_send(*, actor: Actor, invitation: Invitation) -> Invitation:
    """Send the invitation e-mail with a new personal link."""
    require(actor, "stocktaking.manage_campaign", invitation)
    if not invitation.may_send:
        raise ValidationError(
            _("The invitation of %(name)s cannot be sent (already sent, revoked, expired or campaign closed).")
            % {"name": invitation.organisation.name}
        )
    token, invitation.token_hash = new_token()
    invitation.sent_at = timezone.now()
    save_tracked(invitation, actor=actor, note=gettext_noop("invitation sent"))
    _mail_after_commit(invitation, token, reminder=False)
    return invitation


@transaction.atomic
def invitation_remind(*, actor: Actor, invitation: Invitation) -> Invitation:
    """Remind an organisation that has not answered; the e-mail carries a new link, the earlier one stops working."""
    require(actor, "stocktaking.manage_campaign", invitation)
    if not invitation.may_remind:
        raise ValidationError(
            _("%(name)s cannot be reminded (not sent, answered, revoked, expired or campaign closed).")
            % {"name": invitation.organisation.name}
        )
    token, invitation.token_hash = new_token()
    invitation.reminder_count += 1
    invitation.last_reminded_at = timezone.now()
    save_tracked(invitation, actor=actor, note=gettext_noop("reminder sent"))
    _mail_after_commit(invitation, token, reminder=True)
    return invitation


def campaign_send_pending(*, actor: Actor, campaign: Campaign) -> int:
    """Send every invitation not sent yet; returns how many went out."""
    require(actor, "stocktaking.manage_campaign", campaign)
    sent = 0
    for invitation in campaign.invitations.select_related("campaign", "organisation").filter(sent_at__isnull=True):
        if invitation.may_send:
            invitation_send(actor=actor, invitation=invitation)
            sent += 1
    return sent


def campaign_remind_unanswered(*, actor: Actor, campaign: Campaign) -> int:
    """Remind every organisation that was invited and has not answered; returns how many were reminded."""
    require(actor, "stocktaking.manage_campaign", campaign)
    reminded = 0
    for invitation in campaign.invitations.select_related("campaign", "organisation").usable().unanswered():
        invitation_remind(actor=actor, invitation=invitation)
        reminded += 1
    return reminded


@transaction.atomic
def invitation_revoke(*, actor: Actor, invitation: Invitation) -> Invitation:
    """The link stops working at once; the organisation can be invited again later with a new invitation."""
    require(actor, "stocktaking.manage_campaign", invitation)
    if invitation.is_revoked:
        return invitation
    invitation.revoked_at = timezone.now()
    invitation.token_hash = ""
    return save_tracked(invitation, actor=actor, note=gettext_noop("revoked"))


@transaction.atomic
def invitation_extend(*, actor: Actor, invitation: Invitation, days: int = EXTEND_DAYS) -> Invitation:
    """Keep the link valid longer: ``days`` more from today or from its current end, whichever is later."""
    require(actor, "stocktaking.manage_campaign", invitation)
    _require_open(invitation.campaign)
    if invitation.is_revoked:
        raise ValidationError(_("A revoked invitation cannot be extended; invite the organisation again."))
    start = max(invitation.expires_at, timezone.now())
    invitation.expires_at = start + datetime.timedelta(days=days)
    return save_tracked(invitation, actor=actor, note=gettext_noop("link extended"))


# --- Answers (invitee, no account) -------------------------------------------------------------


def _require_usable(invitation: Invitation) -> None:
    if not invitation.is_usable:
        raise PermissionDenied


def _record_answer(invitation: Invitation, entry: Entry | None = None) -> None:
    now = timezone.now()
    invitation.answered_at = invitation.answered_at or now
    invitation.last_answer_at = now
    m2m = None
    if entry is not None:
        m2m = {"entries": sorted({*invitation.entries.values_list("pk", flat=True), entry.pk})}
    save_tracked(invitation, actor=invitee(invitation), m2m=m2m, note=gettext_noop("answered"))


def _invitee_data(invitation: Invitation, data: dict[str, Any]) -> dict[str, Any]:
    clean = {name: value for name, value in data.items() if name in INVITEE_FIELDS}
    if invitation.is_partner:
        # An entry's lead belongs to its municipality; a partner from elsewhere is named as partner instead.
        partners = {p.pk: p for p in clean.get("partners") or []}
        partners[invitation.organisation.pk] = invitation.organisation
        clean["partners"] = list(partners.values())
    return clean


@transaction.atomic
def invitation_mark_opened(*, invitation: Invitation) -> Invitation:
    """Note the first time the link was opened (later visits change nothing)."""
    _require_usable(invitation)
    if invitation.first_opened_at is None:
        invitation.first_opened_at = timezone.now()
        save_tracked(invitation, actor=invitee(invitation), note=gettext_noop("link opened"))
    return invitation


@transaction.atomic
def answer_entry_create(*, invitation: Invitation, data: dict[str, Any]) -> Entry:
    """A new entry of the invited organisation, handed to the team for review."""
    _require_usable(invitation)
    campaign = invitation.campaign
    clean = _invitee_data(invitation, data)
    clean["lead_organisation"] = None if invitation.is_partner else invitation.organisation
    writer = invitee(invitation)
    entry = inventory_services.entry_create(
        actor=writer, municipality=campaign.municipality, data=clean, note=campaign.title
    )
    entry = inventory_services.entry_submit(actor=writer, entry=entry)
    _record_answer(invitation, entry)
    return entry


@transaction.atomic
def answer_entry_update(*, invitation: Invitation, entry: Entry, data: dict[str, Any]) -> Entry:
    """Update an entry in the invitation's scope; its publication state stays (see decision 0003)."""
    _require_usable(invitation)
    if not invitee_entries(invitation).filter(pk=entry.pk).exists():
        raise PermissionDenied
    entry = inventory_services.entry_update(
        actor=invitee(invitation),
        entry=entry,
        data=_invitee_data(invitation, data),
        note=invitation.campaign.title,
    )
    _record_answer(invitation, entry)
    return entry


@transaction.atomic
def answer_confirm(*, invitation: Invitation) -> Invitation:
    """The organisation states that its entries are complete and up to date (an answer without changes)."""
    _require_usable(invitation)
    _record_answer(invitation)
    return invitation
