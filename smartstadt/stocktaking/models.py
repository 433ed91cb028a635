"""Stocktaking campaigns (Bestandsaufnahme): the team invites organisations to enter or update their entries.

An invitation carries a personal link. Only the SHA-256 hash of its random token is stored; the token itself
appears only in the e-mail (see ``tokens.py`` and docs/decisions/0003-stocktaking-answers.md).
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from smartstadt.core.permissions import Viewer

# Links stay valid this long after the campaign's deadline, so late answers still arrive.
GRACE_DAYS = 14


def expiry_for(deadline: datetime.date) -> datetime.datetime:
    """The end of the day GRACE_DAYS after the deadline, in the platform's time zone."""
    day = deadline + datetime.timedelta(days=GRACE_DAYS)
    end = datetime.datetime.combine(day, datetime.time(23, 59, 59))
    return timezone.make_aware(end)


class CampaignState(models.TextChoices):
    OPEN = "open", _("open")
    CLOSED = "closed", _("closed")


class CampaignQuerySet(models.QuerySet["Campaign"]):
    def open(self) -> CampaignQuerySet:
        return self.filter(state=CampaignState.OPEN)

    def managed_by(self, user: Viewer) -> CampaignQuerySet:
        """The campaigns of the municipalities whose team the user is on; all of them for platform admins."""
        from smartstadt.core.permissions import roles_of

        if user is not None and getattr(user, "is_superuser", False) and user.is_active:
            return self
        return self.filter(municipality_id__in=roles_of(user).team_municipalities)


class Campaign(models.Model):
    """One stocktaking round of a municipality's Smart City team."""

    municipality = models.ForeignKey(
        "regions.Municipality",
        on_delete=models.PROTECT,
        related_name="stocktaking_campaigns",
        verbose_name=_("municipality"),
    )
    title = models.CharField(_("title"), max_length=200)
    message = models.TextField(
        _("message to the invitees"),
        max_length=4000,
        help_text=_("Shown in the invitation e-mail and on the invitees' page: what you ask for, and why."),
    )
    deadline = models.DateField(_("answer by"))
    state = models.CharField(_("state"), max_length=16, choices=CampaignState.choices, default=CampaignState.OPEN)
    is_example = models.BooleanField(
        _("example"), default=False, help_text=_("Demo data: shown with a note that it is an example.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = CampaignQuerySet.as_manager()

    class Meta:
        verbose_name = _("stocktaking campaign")
        verbose_name_plural = _("stocktaking campaigns")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["municipality", "state"], name="campaign_muni_state_idx")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("stocktaking:campaign", kwargs={"pk": self.pk})

    @property
    def is_open(self) -> bool:
        return self.state == CampaignState.OPEN

    @property
    def default_expiry(self) -> datetime.datetime:
        return expiry_for(self.deadline)


class InvitationState(models.TextChoices):
    """Derived, never stored: what the invitation table shows."""

    NOT_SENT = "not_sent", _("not sent yet")
    SENT = "sent", _("sent")
    OPENED = "opened", _("opened")
    ANSWERED = "answered", _("answered")
    EXPIRED = "expired", _("expired")
    REVOKED = "revoked", _("revoked")


class InvitationQuerySet(models.QuerySet["Invitation"]):
    def usable(self, now: datetime.datetime | None = None) -> InvitationQuerySet:
        """Links that work: sent, not revoked, not expired, campaign open."""
        return self.filter(
            revoked_at__isnull=True,
            sent_at__isnull=False,
            expires_at__gt=now or timezone.now(),
            campaign__state=CampaignState.OPEN,
        )

    def unanswered(self) -> InvitationQuerySet:
        return self.filter(answered_at__isnull=True)


class Invitation(models.Model):
    """An organisation invited to a campaign, reached through a role mailbox with a personal link."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("campaign")
    )
    organisation = models.ForeignKey(
        "regions.Organisation",
        on_delete=models.PROTECT,
        related_name="stocktaking_invitations",
        verbose_name=_("organisation"),
    )
    email = models.EmailField(
        _("e-mail address (role mailbox)"), help_text=_("A team mailbox of the organisation, not a personal address.")
    )
    # SHA-256 (hex) of the random token of the latest e-mail; empty until the first e-mail. Never the token.
    token_hash = models.CharField(_("token hash"), max_length=64, blank=True, editable=False)
    expires_at = models.DateTimeField(_("link valid until"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    reminder_count = models.PositiveSmallIntegerField(_("reminders"), default=0)
    last_reminded_at = models.DateTimeField(_("last reminded at"), null=True, blank=True)
    first_opened_at = models.DateTimeField(_("first opened at"), null=True, blank=True)
    answered_at = models.DateTimeField(_("first answer at"), null=True, blank=True)
    last_answer_at = models.DateTimeField(_("latest answer at"), null=True, blank=True)
    entries = models.ManyToManyField(
        "inventory.Entry",
        blank=True,
        related_name="stocktaking_invitations",
        verbose_name=_("entries added or updated through this invitation"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("stocktaking invitation")
        verbose_name_plural = _("stocktaking invitations")
        ordering = ["campaign", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "organisation"],
                condition=Q(revoked_at__isnull=True),
                name="invitation_unique_active_per_organisation",
                violation_error_message=_("This organisation is already invited to the campaign."),
            ),
            models.UniqueConstraint(
                fields=["token_hash"], condition=~Q(token_hash=""), name="invitation_unique_token_hash"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.campaign}: {self.organisation}"

    @property
    def municipality_id(self) -> int:
        """The campaign's municipality, so the shared role predicates (is_team_of) apply to invitations."""
        return self.campaign.municipality_id

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def is_usable(self) -> bool:
        return bool(
            self.sent_at and self.token_hash and not self.is_revoked and not self.is_expired and self.campaign.is_open
        )

    @property
    def is_answered(self) -> bool:
        return self.answered_at is not None

    @property
    def state(self) -> InvitationState:
        if self.is_revoked:
            return InvitationState.REVOKED
        if self.is_answered:
            return InvitationState.ANSWERED
        if self.is_expired:
            return InvitationState.EXPIRED
        if self.first_opened_at:
            return InvitationState.OPENED
        if self.sent_at:
            return InvitationState.SENT
        return InvitationState.NOT_SENT

    @property
    def may_send(self) -> bool:
        return self.sent_at is None and not self.is_revoked and not self.is_expired and self.campaign.is_open

    @property
    def may_remind(self) -> bool:
        return self.sent_at is not None and not self.is_answered and self.is_usable

    @property
    def is_partner(self) -> bool:
        """An organisation of another municipality (partner, neighbour city) rather than of the campaign's own."""
        return self.organisation.municipality_id != self.campaign.municipality_id
