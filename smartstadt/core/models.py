from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from .permissions import Viewer


class User(AbstractUser):
    """A person using the platform. Citizens appear only by their display name."""

    display_name = models.CharField(
        _("display name"),
        max_length=80,
        blank=True,
        help_text=_("Shown publicly instead of your name. A pseudonym is fine."),
    )
    is_demo = models.BooleanField(
        _("demo account"),
        default=False,
        help_text=_("Created by load_demo with a published password; refused in production."),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.public_name

    @property
    def public_name(self) -> str:
        return self.display_name or self.username


class Role(models.TextChoices):
    """The scoped roles of DESIGN.md. Citizen is every registered user; platform admin is a superuser."""

    EDITOR = "editor", _("Editor")
    SMART_CITY_TEAM = "smart_city_team", _("Smart City team")
    MODERATOR = "moderator", _("Moderator")
    EXPERT = "expert", _("Expert")


ORGANISATION_ROLES = frozenset({Role.EDITOR})


class MembershipQuerySet(models.QuerySet["Membership"]):
    def for_user(self, user: Viewer) -> MembershipQuerySet:
        return self.filter(user=user)

    def in_municipality(self, municipality: Any) -> MembershipQuerySet:
        return self.filter(Q(municipality=municipality) | Q(organisation__municipality=municipality))


class Membership(models.Model):
    """A role of a user, scoped to one municipality or, for editors, to one organisation."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("user")
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    municipality = models.ForeignKey(
        "regions.Municipality",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("municipality"),
    )
    organisation = models.ForeignKey(
        "regions.Organisation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("organisation"),
    )
    created_at = models.DateTimeField(_("granted at"), default=timezone.now)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.CheckConstraint(
                name="membership_scope_matches_role",
                condition=(
                    Q(role="editor", organisation__isnull=False, municipality__isnull=True)
                    | (~Q(role="editor") & Q(municipality__isnull=False, organisation__isnull=True))
                ),
                violation_error_message=_(
                    "Editors belong to an organisation; all other roles belong to a municipality."
                ),
            ),
            models.UniqueConstraint(
                fields=["user", "role", "organisation"],
                condition=Q(organisation__isnull=False),
                name="membership_unique_per_organisation",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "municipality"],
                condition=Q(municipality__isnull=False),
                name="membership_unique_per_municipality",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} – {self.scope}"

    @property
    def scope(self) -> Any:
        return self.organisation or self.municipality


class ChangeRecordQuerySet(models.QuerySet["ChangeRecord"]):
    def for_object(self, obj: models.Model) -> ChangeRecordQuerySet:
        return self.filter(content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk))


class ChangeRecord(models.Model):
    """One change of one domain record: who, when, and which fields went from what to what."""

    class Action(models.TextChoices):
        CREATED = "created", _("created")
        CHANGED = "changed", _("changed")
        DELETED = "deleted", _("deleted")

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, verbose_name=_("record type"))
    object_id = models.CharField(_("record id"), max_length=64)
    object_repr = models.CharField(_("record"), max_length=200)
    action = models.CharField(_("action"), max_length=16, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("changed by"),
    )
    # Kept beside the foreign key so the history still names who acted after an account is deleted,
    # and names the system process (demo loader, import) where no person acted.
    actor_label = models.CharField(_("changed by (name)"), max_length=150)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    # A note written by the platform is stored as its English message (a code, marked with gettext_noop where it
    # is written) and its values, and translated when shown (``note_text``); a person's own words (a reason, a
    # campaign's title) are stored as they were written and shown so.
    note = models.CharField(_("note"), max_length=200, blank=True)
    note_params = models.JSONField(_("values of the note"), default=dict, blank=True)
    created_at = models.DateTimeField(_("changed at"), default=timezone.now, db_index=True)

    objects = ChangeRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("change record")
        verbose_name_plural = _("change history")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id", "-created_at"], name="change_record_object_idx")]

    def __str__(self) -> str:
        return f"{self.object_repr}: {self.get_action_display()} ({self.actor_label})"

    @property
    def note_text(self) -> str:
        """The note in the reader's language."""
        if not self.note:
            return ""
        text = gettext(self.note)
        if not self.note_params:
            return text
        try:
            return text % self.note_params
        except (KeyError, TypeError, ValueError):
            return text


class AccessibilityStatus(models.TextChoices):
    FULL = "full", _("fully compliant")
    PARTIAL = "partial", _("partially compliant")
    NONE = "none", _("not compliant")


class SiteProfile(models.Model):
    """The operator's legal texts: imprint, privacy notice and accessibility statement skeleton."""

    operator_name = models.CharField(_("operator"), max_length=200, blank=True)
    address = models.TextField(_("postal address"), blank=True)
    represented_by = models.CharField(_("represented by"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=60, blank=True)
    vat_id = models.CharField(_("VAT identification number"), max_length=40, blank=True)
    supervisory_authority = models.TextField(_("supervisory authority"), blank=True)
    content_responsible = models.TextField(_("responsible for content (§ 18 (2) MStV)"), blank=True)
    data_protection_officer = models.TextField(_("data protection officer"), blank=True)
    data_protection_authority = models.TextField(_("data protection supervisory authority"), blank=True)
    hosting = models.TextField(_("hosting provider"), blank=True)
    accessibility_status = models.CharField(
        _("accessibility status"),
        max_length=16,
        choices=AccessibilityStatus.choices,
        default=AccessibilityStatus.PARTIAL,
    )
    accessibility_known_issues = models.TextField(_("known accessibility barriers"), blank=True)
    accessibility_contact = models.TextField(_("accessibility feedback contact"), blank=True)
    enforcement_body = models.TextField(_("enforcement procedure (Schlichtungsstelle)"), blank=True)
    statement_date = models.DateField(_("statement prepared on"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("legal texts of the operator")
        verbose_name_plural = _("legal texts of the operator")

    def __str__(self) -> str:
        return self.operator_name or str(_("Operator not yet named"))

    @classmethod
    def current(cls) -> SiteProfile:
        profile = cls.objects.order_by("pk").first()
        return profile if profile is not None else cls()


class WorkerHeartbeat(models.Model):
    """A running background worker (``manage.py worker``), which writes the time here every few seconds.

    A task whose worker stopped beating has lost its worker (killed, out of memory, machine gone) and is queued
    again or marked failed (``smartstadt.core.jobs``).
    """

    worker_id = models.CharField(_("worker"), max_length=64, primary_key=True)
    host = models.CharField(_("host"), max_length=255, blank=True)
    pid = models.PositiveIntegerField(_("process id"), null=True, blank=True)
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    beat_at = models.DateTimeField(_("last heartbeat"), default=timezone.now)

    class Meta:
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")

    def __str__(self) -> str:
        return self.worker_id
