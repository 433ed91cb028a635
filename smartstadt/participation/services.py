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

import datetime
from typing import Any, cast

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from smartstadt.core import ratelimit
from smartstadt.core.history import Note, delete_tracked, person, save_tracked
from smartstadt.core.models import ChangeRecord, User
from smartstadt.core.permissions import Actor, require
from smartstadt.core.ratelimit import RateLimit
from smartstadt.core.tasks import send_email

from .caching import changed
from .draft import paragraph_index
from .models import (
    CHOICE_KINDS,
    Comment,
    DraftComment,
    Idea,
    IdeaStatus,
    Option,
    ParticipantProfile,
    Phase,
    Process,
    Question,
    QuestionKind,
    Report,
    Support,
    Survey,
    SurveyAnswer,
    SurveyResponse,
    Workshop,
)

Target = Idea | Comment | DraftComment

DELETED_ACCOUNT_LABEL = "gelöschtes Konto"

# Notes of the change history (stored as the English message, translated when shown).
MERGED_FROM = gettext_noop("merged from idea %(id)s: %(title)s")
MERGED_INTO = gettext_noop("merged into idea %(id)s: %(title)s")
FROM_EVENT = gettext_noop("from the event “%(title)s”")


# Generous for people, tight for scripts. Settings may override them (PARTICIPATION_RATE_LIMITS) for tests and
# events where many people share one address.
RATE_LIMITS = {
    "idea": RateLimit(5, 3600),
    "comment": RateLimit(20, 600),
    "support": RateLimit(120, 60),
    "report": RateLimit(10, 3600),
    "survey": RateLimit(30, 600),
    "register": RateLimit(20, 3600),
}


def _rate_limit(action: str, who: str) -> None:
    """Count one attempt; refuse with a German message when the window's limit is reached."""
    overrides: dict[str, RateLimit] = getattr(settings, "PARTICIPATION_RATE_LIMITS", {})
    rule = overrides.get(action, RATE_LIMITS[action])
    if not ratelimit.hit(f"participation:{action}:{who}", rule):
        raise ValidationError(rule.message(), code="rate_limited")


def _locked[T: Idea | Comment | DraftComment](target: T) -> T:
    """The stored row, locked until commit: saving the whole record then never overwrites a counter that a
    concurrent support or comment moved in the meantime."""
    fresh = cast(T, type(target)._default_manager.select_for_update().get(pk=target.pk))
    if isinstance(target, Idea) and isinstance(fresh, Idea):
        fresh.process = target.process
    elif isinstance(target, Comment) and isinstance(fresh, Comment):
        fresh.idea = target.idea
    elif isinstance(target, DraftComment) and isinstance(fresh, DraftComment):
        fresh.process = target.process
    return fresh


# --- Ideas, comments, supports ------------------------------------------------------------------------------------


@transaction.atomic
def idea_create(*, actor: User, process: Process, data: dict[str, Any]) -> Idea:
    require(actor, "participation.add_idea", process)
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
    changed()
    return save_tracked(idea, actor=actor, note=gettext_noop("idea submitted"))


@transaction.atomic
def idea_support(*, actor: User, idea: Idea) -> bool:
    """Support an idea once. True if this call added the support, False if it existed already."""
    require(actor, "participation.support_idea", idea)
    _rate_limit("support", str(actor.pk))
    try:
        with transaction.atomic():
            Support.objects.create(idea=idea, user=actor)
    except IntegrityError:
        return False
    Idea.objects.filter(pk=idea.pk).update(support_count=F("support_count") + 1)
    return True


@transaction.atomic
def idea_withdraw_support(*, actor: User, idea: Idea) -> bool:
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
def comment_create(*, actor: User, idea: Idea, text: str, parent: Comment | None = None) -> Comment:
    require(actor, "participation.add_comment", idea)
    if parent is not None:
        if parent.idea_id != idea.pk:
            raise ValidationError({"parent": _("You can only reply to a comment on this idea.")})
        if parent.parent_id is not None:
            # One level of replies: a reply to a reply joins its thread.
            parent = parent.parent
    _rate_limit("comment", str(actor.pk))
    comment = save_tracked(Comment(idea=idea, parent=parent, author=actor, text=text), actor=actor)
    Idea.objects.filter(pk=idea.pk).update(comment_count=F("comment_count") + 1)
    changed()
    return comment


# --- Moderation ---------------------------------------------------------------------------------------------------


@transaction.atomic
def contribution_report(*, actor: User, target: Target, reason: str) -> Report:
    require(actor, "participation.report_contribution", target)
    _rate_limit("report", str(actor.pk))
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Please say briefly what is wrong with this contribution.")})
    report = Report(reporter=actor, reason=reason[:500])
    if isinstance(target, Idea):
        report.idea = target
    elif isinstance(target, DraftComment):
        report.draft_comment = target
    else:
        report.comment = target
    report.save()
    return report


def _resolve_reports(*, actor: Actor, target: Target, outcome: str) -> int:
    reports = Report.objects.filter(outcome=Report.Outcome.OPEN)
    if isinstance(target, Idea):
        reports = reports.filter(idea=target)
    elif isinstance(target, DraftComment):
        reports = reports.filter(draft_comment=target)
    else:
        reports = reports.filter(comment=target)
    return reports.update(outcome=outcome, resolved_at=timezone.now(), resolved_by=actor)


@transaction.atomic
def contribution_hide(*, actor: Actor, target: Target, reason: str) -> None:
    """Hide a contribution; its author still sees it, with the reason."""
    require(actor, "participation.moderate", target)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Give the author a reason why the contribution is hidden.")})
    target = _locked(target)
    if not target.is_hidden and isinstance(target, Comment):
        Idea.objects.filter(pk=target.idea_id, comment_count__gt=0).update(comment_count=F("comment_count") - 1)
    target.is_hidden = True
    target.hidden_reason = reason[:500]
    target.hidden_at = timezone.now()
    save_tracked(target, actor=actor, note=gettext_noop("hidden"))
    changed()
    _resolve_reports(actor=actor, target=target, outcome=Report.Outcome.HIDDEN)


@transaction.atomic
def contribution_unhide(*, actor: Actor, target: Target) -> None:
    require(actor, "participation.moderate", target)
    target = _locked(target)
    if not target.is_hidden:
        return
    if isinstance(target, Comment):
        Idea.objects.filter(pk=target.idea_id).update(comment_count=F("comment_count") + 1)
    target.is_hidden = False
    target.hidden_reason = ""
    target.hidden_at = None
    save_tracked(target, actor=actor, note=gettext_noop("shown again"))
    changed()


@transaction.atomic
def reports_dismiss(*, actor: Actor, target: Target) -> int:
    """The moderation finds nothing wrong: the open reports of the contribution are closed."""
    require(actor, "participation.moderate", target)
    return _resolve_reports(actor=actor, target=target, outcome=Report.Outcome.DISMISSED)


# --- Answers ------------------------------------------------------------------------------------------------------


@transaction.atomic
def idea_answer(*, actor: Actor, idea: Idea, status: str, answer: str, measure: Any = None) -> Idea:
    """The official answer and status; the author gets an e-mail after commit unless they turned that off."""
    return contribution_answer(actor=actor, target=idea, status=status, answer=answer, measure=measure)


@transaction.atomic
def contribution_answer[T: Idea | DraftComment](
    *, actor: Actor, target: T, status: str, answer: str, measure: Any = None
) -> T:
    """The official answer and status of an idea or a comment on the draft; "taken" names the measure."""
    require(actor, "participation.answer_idea", target)
    answer = answer.strip()
    process = target.process
    errors: dict[str, str] = {}
    if status not in IdeaStatus.values:
        errors["status"] = _("Choose a status.")
    if not answer:
        errors["answer"] = (
            _("Say why the contribution is not taken.") if status == IdeaStatus.NOT_TAKEN else _("Write an answer.")
        )
    if measure is not None and (process.strategy_id is None or measure.strategy_id != process.strategy_id):
        errors["measure"] = _("Choose a measure of this process's strategy.")
    if status == IdeaStatus.TAKEN and measure is None and process.strategy_id is not None:
        errors["measure"] = _("Name the measure the contribution was taken into.")
    if errors:
        raise ValidationError(errors)
    target = _locked(target)
    target.status = status
    target.answer = answer
    target.measure = measure if status == IdeaStatus.TAKEN else None
    target.answered_at = timezone.now()
    target.answered_by = person(actor)
    save_tracked(target, actor=actor, note=gettext_noop("answered"), validate=False)
    changed()
    author = target.author
    if author is not None and author.email and _wants_answer_mail(author):
        subject, body = _answer_mail(target)
        to = [author.email]
        transaction.on_commit(lambda: send_email.enqueue(subject=subject, body=body, to=to))
    return target


def _wants_answer_mail(user: User) -> bool:
    profile = ParticipantProfile.objects.filter(user=user).first()
    return profile is None or profile.notify_on_answer


def _answer_mail(idea: Idea | DraftComment) -> tuple[str, str]:
    context = {
        "idea": idea,
        "is_draft_comment": isinstance(idea, DraftComment),
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
def account_register(*, data: dict[str, Any], client_address: str) -> User | None:
    """A new, inactive account with the citizen's consent; the confirmation mail goes out after commit.

    For an address that already has an account nothing is created and the page answers as for a new one, so that
    the form does not tell strangers who has an account; the owner gets a mail saying so instead, or the
    confirmation link again while the account is not confirmed (None).
    """
    _rate_limit("register", client_address or "unknown")
    email = data["email"].strip().lower()
    existing = (User.objects.filter(email__iexact=email) | User.objects.filter(username__iexact=email)).first()
    if existing is not None:
        # A never-confirmed account gets its confirmation link again (the reset form ignores inactive accounts).
        subject, body = _account_exists_mail(existing) if existing.is_active else _confirmation_mail(existing)
        transaction.on_commit(lambda: send_email.enqueue(subject=subject, body=body, to=[email]))
        return None
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


def _account_exists_mail(user: User) -> tuple[str, str]:
    context = {
        "user": user,
        "login_link": settings.SITE_URL + reverse("login"),
        "reset_link": settings.SITE_URL + reverse("password_reset"),
    }
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string("participation/email/account_exists_subject.txt", context)
        body = render_to_string("participation/email/account_exists.txt", context)
    return " ".join(subject.split()), body


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
def profile_update(*, actor: User, data: dict[str, Any]) -> ParticipantProfile:
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
        changed()  # the lists name the author
        actor.save(update_fields=["display_name"])
    return profile


@transaction.atomic
def account_delete(*, actor: User) -> None:
    """Delete the account; its contributions and supports stay, without any link to the person.

    The change history keeps its rows but names "gelöschtes Konto" instead of the user name.
    """
    if actor is None or not actor.is_authenticated:
        raise PermissionDenied
    user = User.objects.select_for_update().get(pk=actor.pk)
    Idea.objects.filter(author=user).update(author=None)
    Comment.objects.filter(author=user).update(author=None)
    DraftComment.objects.filter(author=user).update(author=None)
    SurveyResponse.objects.filter(user=user).update(user=None)
    Support.objects.filter(user=user).update(user=None)
    Report.objects.filter(reporter=user).update(reporter=None)
    ChangeRecord.objects.filter(actor=user).update(actor=None, actor_label=DELETED_ACCOUNT_LABEL)
    user.delete()
    changed()  # the lists name the author


# --- Comments on the draft ------------------------------------------------------------------------------------------


@transaction.atomic
def draft_comment_create(*, actor: User, process: Process, paragraph: str, text: str) -> DraftComment:
    """A comment on one paragraph of the process's frozen draft version."""
    require(actor, "participation.add_draft_comment", process)
    version = process.draft_version
    if version is None:
        raise PermissionDenied
    found = paragraph_index(version.snapshot).get(paragraph)
    if found is None:
        raise ValidationError({"paragraph": _("This paragraph is not part of the draft.")})
    text = text.strip()
    if not text:
        raise ValidationError({"text": _("Please write a comment.")})
    _rate_limit("comment", str(actor.pk))
    comment = DraftComment(
        process=process,
        version=version,
        paragraph=paragraph,
        paragraph_title=found.title[:300],
        author=actor,
        text=text,
    )
    changed()
    return save_tracked(comment, actor=actor, note=gettext_noop("comment on the draft"))


# --- Merging ideas --------------------------------------------------------------------------------------------------


@transaction.atomic
def idea_merge(*, actor: Actor, idea: Idea, into: Idea) -> Idea:
    """Merge ``idea`` into ``into``: supports and comments move, a citizen who supported both counts once.

    The merged idea stays as a record (its history, text and answer remain) and its address redirects to the
    surviving idea; ideas merged into it earlier now point to the survivor as well.
    """
    require(actor, "participation.manage_process", idea.process)
    if into.process_id != idea.process_id:
        raise ValidationError({"into": _("Choose an idea of the same process.")})
    if into.pk == idea.pk:
        raise ValidationError({"into": _("An idea cannot be merged into itself.")})
    if into.merged_into_id is not None or idea.merged_into_id is not None:
        raise ValidationError({"into": _("This idea was already merged into another one.")})
    # Lock both rows in a fixed order so that two merges of the same pair cannot interleave.
    first, second = sorted([idea.pk, into.pk])
    locked = {row.pk: row for row in Idea.objects.select_for_update().filter(pk__in=[first, second]).order_by("pk")}
    source, survivor = locked[idea.pk], locked[into.pk]
    source.process = survivor.process = idea.process
    both = Support.objects.filter(idea=survivor, user__isnull=False).values("user_id")
    Support.objects.filter(idea=source, user_id__in=both).delete()
    Support.objects.filter(idea=source).update(idea=survivor)
    Comment.objects.filter(idea=source).update(idea=survivor)
    Report.objects.filter(idea=source, outcome=Report.Outcome.OPEN).update(idea=survivor)
    Idea.objects.filter(merged_into=source).update(merged_into=survivor)
    survivor.support_count = Support.objects.filter(idea=survivor).count()
    survivor.comment_count = Comment.objects.filter(idea=survivor, is_hidden=False).count()
    save_tracked(
        survivor,
        actor=actor,
        note=Note(gettext_noop("merged from idea %(id)s: %(title)s"), {"id": source.pk, "title": source.title}),
        validate=False,
    )
    source.merged_into = survivor
    source.merged_at = timezone.now()
    source.support_count = 0
    source.comment_count = 0
    save_tracked(
        source,
        actor=actor,
        note=Note(gettext_noop("merged into idea %(id)s: %(title)s"), {"id": survivor.pk, "title": survivor.title}),
        validate=False,
    )
    changed()
    return survivor


# --- Processes and phases -------------------------------------------------------------------------------------------

PROCESS_FIELDS = ("title", "slug", "summary", "description", "source_url", "strategy", "draft_version", "is_published")
PHASE_FIELDS = ("kind", "title", "description", "starts_on", "ends_on")


def _check_process_links(municipality_id: int, data: dict[str, Any]) -> None:
    strategy = data.get("strategy")
    version = data.get("draft_version")
    errors: dict[str, str] = {}
    if strategy is not None and strategy.municipality_id != municipality_id:
        errors["strategy"] = _("Choose a strategy of this municipality.")
    if version is not None and (strategy is None or version.strategy_id != strategy.pk):
        errors["draft_version"] = _("Choose a frozen version of the strategy this process feeds.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def process_create(*, actor: Actor, municipality: Any, data: dict[str, Any]) -> Process:
    require(actor, "participation.add_process", municipality)
    _check_process_links(municipality.pk, data)
    if Process.objects.filter(slug=data["slug"]).exists():
        raise ValidationError({"slug": _("This URL name is taken; please choose another.")})
    process = Process(municipality=municipality, **{name: data.get(name) for name in PROCESS_FIELDS})
    process.summary = process.summary or ""
    process.description = process.description or ""
    process.source_url = process.source_url or ""
    process.is_published = bool(process.is_published)
    return save_tracked(process, actor=actor)


@transaction.atomic
def process_update(*, actor: Actor, process: Process, data: dict[str, Any]) -> Process:
    require(actor, "participation.manage_process", process)
    _check_process_links(process.municipality_id, data)
    if Process.objects.filter(slug=data["slug"]).exclude(pk=process.pk).exists():
        raise ValidationError({"slug": _("This URL name is taken; please choose another.")})
    for name in PROCESS_FIELDS:
        value = data.get(name)
        setattr(process, name, value if value is not None or name in ("strategy", "draft_version") else "")
    process.is_published = bool(data.get("is_published"))
    changed()  # the public process page shows it
    return save_tracked(process, actor=actor)


@transaction.atomic
def phase_save(*, actor: Actor, process: Process, data: dict[str, Any], phase: Phase | None = None) -> Phase:
    require(actor, "participation.manage_process", process)
    starts, ends = data.get("starts_on"), data.get("ends_on")
    if starts is not None and ends is not None and ends < starts:
        raise ValidationError({"ends_on": _("A phase cannot end before it starts.")})
    if phase is None:
        last = process.phases.order_by("-order").values_list("order", flat=True).first()
        phase = Phase(process=process, order=(last or 0) + 1 if last is not None else 0)
    for name in PHASE_FIELDS:
        setattr(phase, name, data.get(name) if data.get(name) is not None or name in ("starts_on", "ends_on") else "")
    changed()  # the public process page shows the phases
    return save_tracked(phase, actor=actor)


@transaction.atomic
def phase_delete(*, actor: Actor, phase: Phase) -> None:
    require(actor, "participation.manage_process", phase.process)
    delete_tracked(phase, actor=actor)
    changed()


# --- Workshops ------------------------------------------------------------------------------------------------------

WORKSHOP_FIELDS = ("kind", "title", "held_on", "place", "participant_count", "participant_kinds", "results")


@transaction.atomic
def workshop_save(
    *, actor: Actor, process: Process, data: dict[str, Any], workshop: Workshop | None = None
) -> Workshop:
    require(actor, "participation.manage_process", process)
    if workshop is None:
        workshop = Workshop(process=process, created_by=person(actor))
    for name in WORKSHOP_FIELDS:
        value = data.get(name)
        setattr(workshop, name, value if value is not None else "")
    changed()  # the process page shows the workshops and their participants
    return save_tracked(workshop, actor=actor)


@transaction.atomic
def workshop_idea_create(*, actor: Actor, workshop: Workshop, data: dict[str, Any]) -> Idea:
    """An idea or statement collected at the workshop, entered by the team; it counts like every other idea."""
    process = workshop.process
    require(actor, "participation.manage_process", process)
    district = data.get("district")
    if district is not None and district.municipality_id != process.municipality_id:
        raise ValidationError({"district": _("Choose a district of %(name)s.") % {"name": process.municipality}})
    field_of_action = data.get("field_of_action")
    if field_of_action is not None and field_of_action.strategy_id != process.strategy_id:
        raise ValidationError({"field_of_action": _("Choose a field of action of this process's strategy.")})
    idea = Idea(
        process=process,
        author=None,
        workshop=workshop,
        title=data["title"],
        text=data["text"],
        district=district,
        field_of_action=field_of_action,
        is_example=workshop.is_example,
        created_at=timezone.make_aware(datetime.datetime.combine(workshop.held_on, datetime.time(12))),
    )
    changed()
    return save_tracked(
        idea, actor=actor, note=Note(gettext_noop("from the event “%(title)s”"), {"title": workshop.title})
    )


# --- Surveys --------------------------------------------------------------------------------------------------------

SURVEY_FIELDS = ("title", "description", "is_published", "results_public")
QUESTION_FIELDS = ("kind", "text", "help_text", "required", "scale_max", "scale_low_label", "scale_high_label")


@transaction.atomic
def survey_save(*, actor: Actor, process: Process, data: dict[str, Any], survey: Survey | None = None) -> Survey:
    require(actor, "participation.manage_process", process)
    if survey is None:
        survey = Survey(process=process)
    survey.title = data["title"]
    survey.description = data.get("description") or ""
    survey.is_published = bool(data.get("is_published"))
    survey.results_public = bool(data.get("results_public"))
    changed()  # the process page links the published surveys
    return save_tracked(survey, actor=actor)


def _option_lines(text: str) -> list[str]:
    lines: list[str] = []
    for line in text.splitlines():
        line = line.strip()
        if line and line not in lines:
            lines.append(line[:200])
    return lines


@transaction.atomic
def question_save(*, actor: Actor, survey: Survey, data: dict[str, Any], question: Question | None = None) -> Question:
    """Create or change a question; options come one per line and keep their answers when their text stays."""
    require(actor, "participation.manage_process", survey.process)
    options = _option_lines(data.get("options") or "")
    kind = data["kind"]
    if kind in CHOICE_KINDS and len(options) < 2:
        raise ValidationError({"options": _("Give at least two options, one per line.")})
    if question is None:
        last = survey.questions.order_by("-order").values_list("order", flat=True).first()
        question = Question(survey=survey, order=(last + 1) if last is not None else 0)
    elif (
        # Compared with the stored kind: a model form has already put the new one on the instance.
        Question.objects.filter(pk=question.pk).values_list("kind", flat=True).first() != kind
        and question.answers.exists()
    ):
        raise ValidationError({"kind": _("The kind cannot change once the question has answers.")})
    for name in QUESTION_FIELDS:
        default = 5 if name == "scale_max" else ("" if name != "required" else False)
        value = data.get(name)
        setattr(question, name, value if value is not None else default)
    question = save_tracked(question, actor=actor)
    if kind in CHOICE_KINDS:
        existing = {option.text: option for option in question.options.all()}
        Option.objects.filter(question=question).exclude(text__in=options).delete()
        for order, text in enumerate(options):
            option = existing.get(text) or Option(question=question, text=text)
            option.order = order
            option.save()
    else:
        question.options.all().delete()
    return question


@transaction.atomic
def question_move(*, actor: Actor, question: Question, offset: int) -> None:
    """Move a question one place up (-1) or down (+1)."""
    survey = question.survey
    require(actor, "participation.manage_process", survey.process)
    ids = list(survey.questions.order_by("order", "pk").values_list("pk", flat=True))
    position = ids.index(question.pk)
    target = position + (1 if offset > 0 else -1)
    if not 0 <= target < len(ids):
        return
    ids[position], ids[target] = ids[target], ids[position]
    for order, pk in enumerate(ids):
        Question.objects.filter(pk=pk).update(order=order)


@transaction.atomic
def question_delete(*, actor: Actor, question: Question) -> None:
    require(actor, "participation.manage_process", question.survey.process)
    delete_tracked(question, actor=actor)


def _field(question: Question) -> str:
    return f"question_{question.pk}"


def _validated_answers(questions: list[Question], raw: dict[str, Any]) -> list[SurveyAnswer]:
    """Check every answer against its question; errors name the question and sit on its form field."""
    errors: dict[str, str] = {}
    answers: list[SurveyAnswer] = []
    for question in questions:
        name = _field(question)
        value = raw.get(name)
        options = {option.pk: option for option in question.options.all()}
        label = {"question": question.text}
        if question.kind == QuestionKind.SINGLE:
            if value in (None, ""):
                if question.required:
                    errors[name] = _("“%(question)s”: please choose an answer.") % label
                continue
            if int(value) not in options:
                errors[name] = _("“%(question)s”: choose one of the options.") % label
                continue
            answers.append(SurveyAnswer(question=question, option=options[int(value)]))
        elif question.kind == QuestionKind.MULTIPLE:
            chosen = [int(item) for item in value or []]
            if any(item not in options for item in chosen):
                errors[name] = _("“%(question)s”: choose among the options.") % label
                continue
            if question.required and not chosen:
                errors[name] = _("“%(question)s”: please choose at least one option.") % label
                continue
            answers += [SurveyAnswer(question=question, option=options[item]) for item in dict.fromkeys(chosen)]
        elif question.kind == QuestionKind.RANKING:
            ranks: dict[int, int] = {int(k): int(v) for k, v in (value or {}).items() if v not in (None, "")}
            if not ranks:
                if question.required:
                    errors[name] = _("“%(question)s”: please rank the options.") % label
                continue
            if any(option not in options for option in ranks):
                errors[name] = _("“%(question)s”: rank only the options given.") % label
            elif len(ranks) != len(options):
                errors[name] = _("“%(question)s”: give every option a rank.") % label
            elif sorted(ranks.values()) != list(range(1, len(options) + 1)):
                errors[name] = _("“%(question)s”: give every option a different rank from 1 to %(count)s.") % {
                    "question": question.text,
                    "count": len(options),
                }
            else:
                answers += [
                    SurveyAnswer(question=question, option=options[option], rank=rank) for option, rank in ranks.items()
                ]
        elif question.kind == QuestionKind.RATING:
            if value in (None, ""):
                if question.required:
                    errors[name] = _("“%(question)s”: please choose a value.") % label
                continue
            if not 1 <= int(value) <= question.scale_max:
                errors[name] = _("“%(question)s”: choose a value from 1 to %(max)s.") % {
                    "question": question.text,
                    "max": question.scale_max,
                }
                continue
            answers.append(SurveyAnswer(question=question, rating=int(value)))
        else:
            text = str(value or "").strip()
            if not text:
                if question.required:
                    errors[name] = _("“%(question)s”: please write an answer.") % label
                continue
            answers.append(SurveyAnswer(question=question, text=text[:3000]))
    if errors:
        raise ValidationError(errors)
    return answers


@transaction.atomic
def survey_answer(*, actor: User, survey: Survey, raw: dict[str, Any]) -> SurveyResponse:
    """Save the citizen's answer set: the first time it is created, later it is replaced (one set per account).

    ``raw`` maps ``question_<pk>`` to an option id (single choice), a list of option ids (multiple choice), a
    mapping option id → rank (ranking), a number (rating) or a text.
    """
    require(actor, "participation.answer_survey", survey)
    questions = list(survey.questions.prefetch_related("options").order_by("order", "pk"))
    answers = _validated_answers(questions, raw)
    if not answers:
        raise ValidationError(_("Please answer at least one question."))
    _rate_limit("survey", str(actor.pk))
    now = timezone.now()
    try:
        with transaction.atomic():
            response = SurveyResponse.objects.create(survey=survey, user=actor, created_at=now, updated_at=now)
    except IntegrityError:
        response = SurveyResponse.objects.select_for_update().get(survey=survey, user=actor)
        response.updated_at = now
        response.save(update_fields=["updated_at"])
        response.answers.all().delete()
    for answer in answers:
        answer.response = response
    SurveyAnswer.objects.bulk_create(answers)
    changed()  # the figures count the answer sets
    return response
