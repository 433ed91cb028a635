"""Writes of participation: every one atomic, permission-checked, with history; mails go out after commit.

Supports are counted exactly under concurrency: the unique constraint (citizen, idea) lets at most one support
row exist per pair, and the idea's counter moves by ``F("support_count") ± 1`` only when this transaction really
inserted or deleted that row. A concurrent duplicate fails on the constraint (inside a savepoint) and counts
nothing; a concurrent withdrawal deletes nothing and counts nothing. ``F()`` updates are re-evaluated on the
newest row version, so no increment is lost (PostgreSQL) and SQLite serialises writers anyway. Supports are not
written to the change history: they are personal acts, not edits of a record, and a history row per click
would double the cost of the busiest write.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from django.utils.translation import gettext as _

from smartstadt.core.history import save_tracked
from smartstadt.core.models import ChangeRecord, User
from smartstadt.core.tasks import send_email

from .models import Comment, Idea, IdeaStatus, ParticipantProfile, Process, Report, Support

DELETED_ACCOUNT_LABEL = "gelöschtes Konto"


@dataclass(frozen=True)
class RateLimit:
    limit: int
    window_seconds: int


# Generous for people, tight for scripts. Settings may override them (PARTICIPATION_RATE_LIMITS) for tests and
# events where many people share one address.
RATE_LIMITS = {
    "idea": RateLimit(5, 3600),
    "comment": RateLimit(20, 600),
    "support": RateLimit(120, 60),
    "report": RateLimit(10, 3600),
    "register": RateLimit(20, 3600),
}


def _rate_limit(action: str, who: str) -> None:
    """Count one attempt; refuse with a German message when the window's limit is reached."""
    overrides: dict[str, RateLimit] = getattr(settings, "PARTICIPATION_RATE_LIMITS", {})
    rule = overrides.get(action, RATE_LIMITS[action])
    key = f"participation:rate:{action}:{who}"
    cache.add(key, 0, rule.window_seconds)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, rule.window_seconds)
        count = 1
    if count > rule.limit:
        minutes = max(1, rule.window_seconds // 60)
        raise ValidationError(
            _("Too many attempts in a short time. Please wait %(minutes)s minutes and try again.")
            % {"minutes": minutes},
            code="rate_limited",
        )


def _locked[T: Idea | Comment](target: T) -> T:
    """The stored row, locked until commit: saving the whole record then never overwrites a counter that a
    concurrent support or comment moved in the meantime."""
    fresh = cast(T, type(target)._default_manager.select_for_update().get(pk=target.pk))
    if isinstance(target, Idea) and isinstance(fresh, Idea):
        fresh.process = target.process
    elif isinstance(target, Comment) and isinstance(fresh, Comment):
        fresh.idea = target.idea
    return fresh


def _require(actor: Any, permission: str, obj: Any) -> None:
    if actor is None or not actor.has_perm(permission, obj):
        raise PermissionDenied


# --- Ideas, comments, supports ------------------------------------------------------------------------------------


@transaction.atomic
def idea_create(*, actor: Any, process: Process, data: dict[str, Any]) -> Idea:
    _require(actor, "participation.add_idea", process)
    _rate_limit("idea", str(actor.pk))
    district = data.get("district")
    if district is not None and district.municipality_id != process.municipality_id:
        raise ValidationError({"district": _("Choose a district of %(name)s.") % {"name": process.municipality}})
    field_of_action = data.get("field_of_action")
    if field_of_action is not None and (
        process.strategy_id is None or field_of_action.strategy_id != process.strategy_id
    ):
        raise ValidationError({"field_of_action": _("Choose a field of action of this process's strategy.")})
    idea = Idea(
        process=process,
        author=actor,
        title=data["title"],
        text=data["text"],
        district=district,
        field_of_action=field_of_action,
        latitude=data.get("latitude"),
        longitude=data.get("longitude"),
    )
    return save_tracked(idea, actor=actor, note="Idee eingereicht")


@transaction.atomic
def idea_support(*, actor: Any, idea: Idea) -> bool:
    """Support an idea once. True if this call added the support, False if it existed already."""
    _require(actor, "participation.support_idea", idea)
    _rate_limit("support", str(actor.pk))
    try:
        with transaction.atomic():
            Support.objects.create(idea=idea, user=actor)
    except IntegrityError:
        return False
    Idea.objects.filter(pk=idea.pk).update(support_count=F("support_count") + 1)
    return True


@transaction.atomic
def idea_withdraw_support(*, actor: Any, idea: Idea) -> bool:
    """Withdraw one's support. True if this call removed it. Needs no open phase: a citizen may always take back."""
    if actor is None or not actor.is_authenticated:
        raise PermissionDenied
    _rate_limit("support", str(actor.pk))
    deleted, _detail = Support.objects.filter(idea=idea, user=actor).delete()
    if not deleted:
        return False
    Idea.objects.filter(pk=idea.pk, support_count__gt=0).update(support_count=F("support_count") - 1)
    return True


@transaction.atomic
def comment_create(*, actor: Any, idea: Idea, text: str, parent: Comment | None = None) -> Comment:
    _require(actor, "participation.add_comment", idea)
    if parent is not None:
        if parent.idea_id != idea.pk:
            raise ValidationError({"parent": _("You can only reply to a comment on this idea.")})
        if parent.parent_id is not None:
            # One level of replies: a reply to a reply joins its thread.
            parent = parent.parent
    _rate_limit("comment", str(actor.pk))
    comment = save_tracked(Comment(idea=idea, parent=parent, author=actor, text=text), actor=actor)
    Idea.objects.filter(pk=idea.pk).update(comment_count=F("comment_count") + 1)
    return comment


# --- Moderation ---------------------------------------------------------------------------------------------------


@transaction.atomic
def contribution_report(*, actor: Any, target: Idea | Comment, reason: str) -> Report:
    _require(actor, "participation.report_contribution", target)
    _rate_limit("report", str(actor.pk))
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Please say briefly what is wrong with this contribution.")})
    report = Report(reporter=actor, reason=reason[:500])
    if isinstance(target, Idea):
        report.idea = target
    else:
        report.comment = target
    report.save()
    return report


def _resolve_reports(*, actor: Any, target: Idea | Comment, outcome: str) -> int:
    reports = Report.objects.filter(outcome=Report.Outcome.OPEN)
    reports = reports.filter(idea=target) if isinstance(target, Idea) else reports.filter(comment=target)
    return reports.update(outcome=outcome, resolved_at=timezone.now(), resolved_by=actor)


@transaction.atomic
def contribution_hide(*, actor: Any, target: Idea | Comment, reason: str) -> None:
    """Hide a contribution; its author still sees it, with the reason."""
    _require(actor, "participation.moderate", target)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Give the author a reason why the contribution is hidden.")})
    target = _locked(target)
    if not target.is_hidden and isinstance(target, Comment):
        Idea.objects.filter(pk=target.idea_id, comment_count__gt=0).update(comment_count=F("comment_count") - 1)
    target.is_hidden = True
    target.hidden_reason = reason[:500]
    target.hidden_at = timezone.now()
    save_tracked(target, actor=actor, note="ausgeblendet")
    _resolve_reports(actor=actor, target=target, outcome=Report.Outcome.HIDDEN)


@transaction.atomic
def contribution_unhide(*, actor: Any, target: Idea | Comment) -> None:
    _require(actor, "participation.moderate", target)
    target = _locked(target)
    if not target.is_hidden:
        return
    if isinstance(target, Comment):
        Idea.objects.filter(pk=target.idea_id).update(comment_count=F("comment_count") + 1)
    target.is_hidden = False
    target.hidden_reason = ""
    target.hidden_at = None
    save_tracked(target, actor=actor, note="wieder eingeblendet")


@transaction.atomic
def reports_dismiss(*, actor: Any, target: Idea | Comment) -> int:
    """The moderation finds nothing wrong: the open reports of the contribution are closed."""
    _require(actor, "participation.moderate", target)
    return _resolve_reports(actor=actor, target=target, outcome=Report.Outcome.DISMISSED)


# --- Answers ------------------------------------------------------------------------------------------------------


@transaction.atomic
def idea_answer(*, actor: Any, idea: Idea, status: str, answer: str, measure: Any = None) -> Idea:
    """The official answer and status; the author gets an e-mail after commit unless they turned that off."""
    _require(actor, "participation.answer_idea", idea)
    answer = answer.strip()
    errors: dict[str, str] = {}
    if status not in IdeaStatus.values:
        errors["status"] = _("Choose a status.")
    if not answer:
        errors["answer"] = (
            _("Say why the idea is not taken.") if status == IdeaStatus.NOT_TAKEN else _("Write an answer.")
        )
    if measure is not None and (idea.process.strategy_id is None or measure.strategy_id != idea.process.strategy_id):
        errors["measure"] = _("Choose a measure of this process's strategy.")
    if status == IdeaStatus.TAKEN and measure is None and idea.process.strategy_id is not None:
        errors["measure"] = _("Name the measure the idea was taken into.")
    if errors:
        raise ValidationError(errors)
    idea = _locked(idea)
    idea.status = status
    idea.answer = answer
    idea.measure = measure if status == IdeaStatus.TAKEN else None
    idea.answered_at = timezone.now()
    idea.answered_by = actor
    save_tracked(idea, actor=actor, note="beantwortet", validate=False)
    author = idea.author
    if author is not None and author.email and _wants_answer_mail(author):
        subject, body = _answer_mail(idea)
        to = [author.email]
        transaction.on_commit(lambda: send_email.enqueue(subject=subject, body=body, to=to))
    return idea


def _wants_answer_mail(user: User) -> bool:
    profile = ParticipantProfile.objects.filter(user=user).first()
    return profile is None or profile.notify_on_answer


def _answer_mail(idea: Idea) -> tuple[str, str]:
    context = {
        "idea": idea,
        "link": settings.SITE_URL + idea.get_absolute_url(),
        "settings_link": settings.SITE_URL + reverse("participation:my_data"),
    }
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string("participation/email/answered_subject.txt", context)
        body = render_to_string("participation/email/answered.txt", context)
    return " ".join(subject.split()), body


# --- Accounts -----------------------------------------------------------------------------------------------------


class ConfirmationTokenGenerator(PasswordResetTokenGenerator):
    """A link to confirm the e-mail address; it stops working once the account is active."""

    key_salt = "smartstadt.participation.confirm"

    def _make_hash_value(self, user: Any, timestamp: int) -> str:
        return f"{user.pk}{user.password}{user.is_active}{user.email}{timestamp}"


confirmation_tokens = ConfirmationTokenGenerator()


@transaction.atomic
def account_register(*, data: dict[str, Any], client_address: str) -> User:
    """A new, inactive account with the citizen's consent; the confirmation mail goes out after commit."""
    _rate_limit("register", client_address or "unknown")
    email = data["email"].strip().lower()
    if User.objects.filter(email__iexact=email).exists() or User.objects.filter(username__iexact=email).exists():
        raise ValidationError({"email": _("There is already an account with this e-mail address.")})
    user = User(username=email, email=email, display_name=data["display_name"].strip(), is_active=False)
    user.set_password(data["password"])
    user.save()
    ParticipantProfile.objects.create(
        user=user,
        consent_at=timezone.now(),
        age_group=data.get("age_group") or "",
        district=data.get("district"),
    )
    subject, body = _confirmation_mail(user)
    transaction.on_commit(lambda: send_email.enqueue(subject=subject, body=body, to=[email]))
    return user


def confirmation_link(user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = confirmation_tokens.make_token(user)
    return settings.SITE_URL + reverse("participation:confirm", kwargs={"uidb64": uid, "token": token})


def _confirmation_mail(user: User) -> tuple[str, str]:
    context = {"user": user, "link": confirmation_link(user)}
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string("participation/email/confirm_subject.txt", context)
        body = render_to_string("participation/email/confirm.txt", context)
    return " ".join(subject.split()), body


@transaction.atomic
def account_confirm(*, uidb64: str, token: str) -> User | None:
    """Activate the account of a valid confirmation link; None for an unknown, used or expired link."""
    try:
        pk = int(force_str(urlsafe_base64_decode(uidb64)))
    except (ValueError, TypeError, OverflowError):
        return None
    user = User.objects.select_for_update().filter(pk=pk).first()
    if user is None or user.is_active or not confirmation_tokens.check_token(user, token):
        return None
    user.is_active = True
    user.save(update_fields=["is_active"])
    profile, _created = ParticipantProfile.objects.get_or_create(user=user)
    profile.email_confirmed_at = timezone.now()
    profile.save(update_fields=["email_confirmed_at"])
    return user


@transaction.atomic
def profile_update(*, actor: Any, data: dict[str, Any]) -> ParticipantProfile:
    if actor is None or not actor.is_authenticated:
        raise PermissionDenied
    profile, _created = ParticipantProfile.objects.get_or_create(user=actor)
    profile.notify_on_answer = bool(data.get("notify_on_answer"))
    profile.age_group = data.get("age_group") or ""
    profile.district = data.get("district")
    profile.save()
    display_name = (data.get("display_name") or "").strip()
    if display_name and display_name != actor.display_name:
        actor.display_name = display_name
        actor.save(update_fields=["display_name"])
    return profile


@transaction.atomic
def account_delete(*, actor: Any) -> None:
    """Delete the account; its contributions and supports stay, without any link to the person.

    The change history keeps its rows but names "gelöschtes Konto" instead of the user name.
    """
    if actor is None or not actor.is_authenticated:
        raise PermissionDenied
    user = User.objects.select_for_update().get(pk=actor.pk)
    Idea.objects.filter(author=user).update(author=None)
    Comment.objects.filter(author=user).update(author=None)
    Support.objects.filter(user=user).update(user=None)
    Report.objects.filter(reporter=user).update(reporter=None)
    ChangeRecord.objects.filter(actor=user).update(actor=None, actor_label=DELETED_ACCOUNT_LABEL)
    user.delete()
