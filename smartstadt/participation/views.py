"""Participation pages: public process and idea pages, the citizen's account pages, moderation and answers.

Every action is a plain POST form that redirects back (works without JavaScript); with htmx, supporting swaps
just the support box and the idea list swaps its results.
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from smartstadt.core.clients import client_address
from smartstadt.core.models import User
from smartstadt.core.pagecache import public_page
from smartstadt.core.permissions import SignedInRequest

from . import selectors, services
from .caching import GENERATION
from .forms import (
    AnswerForm,
    CommentForm,
    DraftCommentForm,
    HideForm,
    IdeaForm,
    ProfileForm,
    RegistrationForm,
    ReportForm,
    SurveyAnswerForm,
)
from .models import Comment, DraftComment, Idea, IdeaStatus, ParticipantProfile, Process
from .permissions import current_phase

IDEAS_PER_PAGE = 20
RATE_LIMITED = 429
# Anonymous visitors get the process page and the idea list from the page cache (pagecache.py) while the
# "participation" generation is unchanged. Supports do not bump it (caching.py), so a kept page may show support
# counts up to this many seconds old; signed-in citizens always get a fresh page.
PUBLIC_PAGE_SECONDS = 30
IDEA_LIST_QUERY = ("sort", "district", "field_of_action", "status", "page")


def _apply_error(form: Any, error: ValidationError) -> int:
    """Put a service's error on the form; the status to answer with (429 when the rate limit refused it)."""
    status = 200
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        if any(item.code == "rate_limited" for item in error.error_list):
            status = RATE_LIMITED
        form.add_error(None, error)
    return status


def _idea_and_process(request: HttpRequest, slug: str, pk: int) -> tuple[Idea, Process]:
    process = selectors.get_process_for(viewer=request.user, slug=slug)
    return selectors.get_idea_for(viewer=request.user, process=process, pk=pk), process


# --- Public pages -------------------------------------------------------------------------------------------------


def process_list(request: HttpRequest) -> HttpResponse:
    processes = list(selectors.process_list(viewer=request.user))
    rows = [(process, current_phase(process)) for process in processes]
    return render(request, "participation/process_list.html", {"rows": rows})


@public_page(GENERATION, timeout=PUBLIC_PAGE_SECONDS)
def process_detail(request: HttpRequest, slug: str) -> HttpResponse:
    process = selectors.get_process_for(viewer=request.user, slug=slug)
    timeline = selectors.process_timeline(process=process)
    counts = selectors.status_counts(process=process)
    return render(
        request,
        "participation/process_detail.html",
        {
            "process": process,
            "timeline": timeline,
            "idea_total": sum(counts.values()),
            "answered_total": selectors.answered_count(process=process),
            "newest": selectors.idea_list(process=process, viewer=request.user)[:3],
            "can_add_idea": request.user.has_perm("participation.add_idea", process),
            "can_moderate": request.user.has_perm("participation.moderate", process),
            "can_manage": request.user.has_perm("participation.manage_process", process),
            "can_comment_draft": request.user.has_perm("participation.add_draft_comment", process),
            "surveys": selectors.survey_list(process=process, viewer=request.user),
            "workshops": selectors.workshop_list(process=process),
            "figures": selectors.process_figures(process=process),
        },
    )


@public_page(GENERATION, query=IDEA_LIST_QUERY, timeout=PUBLIC_PAGE_SECONDS)
def idea_list(request: HttpRequest, slug: str) -> HttpResponse:
    process = selectors.get_process_for(viewer=request.user, slug=slug)
    selected = {
        "sort": request.GET.get("sort", selectors.DEFAULT_SORT),
        "district": request.GET.get("district", ""),
        "field_of_action": request.GET.get("field_of_action", ""),
        "status": request.GET.get("status", ""),
    }
    if selected["sort"] not in selectors.SORTS:
        selected["sort"] = selectors.DEFAULT_SORT
    page = selectors.idea_page(
        process=process, viewer=request.user, number=request.GET.get("page"), per_page=IDEAS_PER_PAGE, **selected
    )
    context = {
        "process": process,
        "page": page,
        "supported": selectors.supported_ids(viewer=request.user, ideas=list(page.object_list)),
        "selected": selected,
        "sorts": [
            ("neueste", _("Newest")),
            ("unterstuetzt", _("Most supported")),
            ("diskutiert", _("Most discussed")),
        ],
        "districts": process.municipality.districts.order_by("kind", "name"),
        "fields_of_action": (
            process.strategy.fields_of_action.order_by("order", "title") if process.strategy is not None else []
        ),
        "statuses": IdeaStatus.choices,
        "querystring": request.GET.copy(),
        "can_add_idea": request.user.has_perm("participation.add_idea", process),
    }
    template = "participation/idea_list.html"
    if request.htmx:  # type: ignore[attr-defined]
        template += "#results"
    return render(request, template, context)


def idea_detail(request: HttpRequest, slug: str, pk: int, comment_form: CommentForm | None = None) -> HttpResponse:
    idea, process = _idea_and_process(request, slug, pk)
    if idea.merged_into is not None:
        # The idea lives on in the one it was merged into; its old address keeps working for good.
        return HttpResponsePermanentRedirect(idea.merged_into.get_absolute_url())
    user = request.user
    threads = selectors.comment_threads(idea=idea, viewer=user, number=request.GET.get("page"))
    return render(
        request,
        "participation/idea_detail.html",
        {
            "process": process,
            "idea": idea,
            "threads": threads,
            "comment_page": threads,
            "querystring": request.GET.copy(),
            "merged_ideas": list(idea.merged_ideas.order_by("merged_at", "pk")),
            "can_manage": user.has_perm("participation.manage_process", process),
            "comment_form": comment_form or CommentForm(),
            "is_supporter": bool(selectors.supported_ids(viewer=user, ideas=[idea])),
            "can_support": user.has_perm("participation.support_idea", idea),
            "can_comment": user.has_perm("participation.add_comment", idea),
            "can_report": user.has_perm("participation.report_contribution", idea),
            "can_moderate": user.has_perm("participation.moderate", idea),
            "can_answer": user.has_perm("participation.answer_idea", idea),
        },
        status=200 if comment_form is None or not comment_form.errors else 400,
    )


@login_required
def idea_create(request: SignedInRequest, slug: str) -> HttpResponse:
    process = selectors.get_process_for(viewer=request.user, slug=slug)
    if not request.user.has_perm("participation.add_idea", process):
        raise PermissionDenied
    form = IdeaForm(request.POST or None, process=process)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                idea = services.idea_create(actor=request.user, process=process, data=form.cleaned_data)
            except ValidationError as error:
                status = max(status, _apply_error(form, error))
            else:
                messages.success(request, _("Thank you! Your idea is published."))
                return redirect(idea.get_absolute_url())
    return render(request, "participation/idea_form.html", {"form": form, "process": process}, status=status)


@login_required
@require_POST
def idea_support(request: SignedInRequest, slug: str, pk: int) -> HttpResponse:
    withdraw = request.POST.get("action") == "withdraw"
    process = selectors.get_process_for(viewer=request.user, slug=slug)
    if withdraw:
        idea = selectors.get_idea_to_withdraw_support_for(viewer=request.user, process=process, pk=pk)
    else:
        idea = selectors.get_idea_for(viewer=request.user, process=process, pk=pk)
    visible = request.user.has_perm("participation.view_contribution", idea)
    refused = False
    try:
        if withdraw:
            services.idea_withdraw_support(actor=request.user, idea=idea)
            note = _("You no longer support this idea.")
        else:
            services.idea_support(actor=request.user, idea=idea)
            note = _("You support this idea.")
    except ValidationError as error:
        refused = True
        note = " ".join(error.messages)
    if request.htmx:  # type: ignore[attr-defined]
        idea.refresh_from_db(fields=["support_count"])
        return render(
            request,
            "participation/idea_detail.html#support",
            {
                "idea": idea,
                "process": process,
                "is_supporter": bool(selectors.supported_ids(viewer=request.user, ideas=[idea])),
                "can_support": request.user.has_perm("participation.support_idea", idea),
                "support_note": note,
            },
            status=RATE_LIMITED if refused else 200,
        )
    if refused:
        messages.error(request, note)
        if visible:
            response = idea_detail(request, slug, pk)
            response.status_code = RATE_LIMITED
            return response
        return render(request, "participation/refused.html", {"process": process}, status=RATE_LIMITED)
    messages.success(request, note)
    if not visible:  # withdrawn from a hidden idea: its page is gone, the process remains
        return redirect(process.get_absolute_url())
    return redirect(idea.get_absolute_url() + "#support")


@login_required
@require_POST
def comment_create(request: SignedInRequest, slug: str, pk: int) -> HttpResponse:
    idea, _process = _idea_and_process(request, slug, pk)
    if not request.user.has_perm("participation.add_comment", idea):
        raise PermissionDenied
    form = CommentForm(request.POST)
    if form.is_valid():
        parent = None
        if form.cleaned_data.get("parent"):
            parent = selectors.get_comment_for(viewer=request.user, idea=idea, pk=form.cleaned_data["parent"])
        try:
            comment = services.comment_create(
                actor=request.user, idea=idea, text=form.cleaned_data["text"], parent=parent
            )
        except ValidationError as error:
            if _apply_error(form, error) == RATE_LIMITED:
                response = idea_detail(request, slug, pk, comment_form=form)
                response.status_code = RATE_LIMITED
                return response
        else:
            messages.success(request, _("Your comment is published."))
            number = selectors.comment_page_number(comment=comment, viewer=request.user)
            query = f"?page={number}" if number > 1 else ""
            return redirect(f"{idea.get_absolute_url()}{query}#comment-{comment.pk}")
    return idea_detail(request, slug, pk, comment_form=form)


@login_required
def contribution_report(request: SignedInRequest, slug: str, pk: int, comment: int | None = None) -> HttpResponse:
    idea, process = _idea_and_process(request, slug, pk)
    target: Idea | Comment = (
        selectors.get_comment_for(viewer=request.user, idea=idea, pk=comment) if comment is not None else idea
    )
    if not request.user.has_perm("participation.report_contribution", target):
        raise PermissionDenied
    form = ReportForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.contribution_report(actor=request.user, target=target, reason=form.cleaned_data["reason"])
            except ValidationError as error:
                status = max(status, _apply_error(form, error))
            else:
                messages.success(request, _("Thank you. The moderation will look at the contribution."))
                return redirect(idea.get_absolute_url())
    return render(
        request,
        "participation/report_form.html",
        {"form": form, "process": process, "idea": idea, "target": target},
        status=status,
    )


def results(request: HttpRequest, slug: str) -> HttpResponse:
    """Was aus den Beiträgen wurde: every answered idea with its status and answer."""
    process = selectors.get_process_for(viewer=request.user, slug=slug)
    status = request.GET.get("status", "")
    answered = selectors.answered_ideas(process=process)
    if status in IdeaStatus.values:
        answered = answered.filter(status=status)
    page = Paginator(answered, IDEAS_PER_PAGE).get_page(request.GET.get("page"))
    counts = selectors.status_counts(process=process)
    return render(
        request,
        "participation/results.html",
        {
            "process": process,
            "page": page,
            "counts": [(choice, counts[choice.value]) for choice in IdeaStatus],
            "statuses": IdeaStatus.choices,
            "selected": status,
            "querystring": request.GET.copy(),
            "draft_answers": selectors.answered_draft_comments(process=process)[:100],
        },
    )


# --- Team: answers; moderation ------------------------------------------------------------------------------------


@login_required
def idea_answer(request: SignedInRequest, slug: str, pk: int) -> HttpResponse:
    idea, process = _idea_and_process(request, slug, pk)
    if not request.user.has_perm("participation.answer_idea", idea):
        raise PermissionDenied
    initial = {"status": idea.status, "answer": idea.answer, "measure": idea.measure_id}
    form = AnswerForm(request.POST or None, idea=idea, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.idea_answer(
                    actor=request.user,
                    idea=idea,
                    status=form.cleaned_data["status"],
                    answer=form.cleaned_data["answer"],
                    measure=form.cleaned_data.get("measure"),
                )
            except ValidationError as error:
                _apply_error(form, error)
            else:
                messages.success(request, _("The answer is published."))
                return redirect(idea.get_absolute_url())
    return render(
        request, "participation/answer_form.html", {"form": form, "process": process, "idea": idea}, status=status
    )


@login_required
def moderation_queue(request: SignedInRequest) -> HttpResponse:
    queue = selectors.moderation_queue(viewer=request.user)
    return render(
        request,
        "participation/moderation_queue.html",
        {
            "queue": queue,
            "hidden": [
                (selectors.moderation_kind(item), item) for item in selectors.hidden_contributions(viewer=request.user)
            ],
        },
    )


def _target_url(target: Idea | Comment | DraftComment) -> str:
    if isinstance(target, Comment):
        return f"{target.idea.get_absolute_url()}#comment-{target.pk}"
    return target.get_absolute_url()


@login_required
def moderation_hide(request: SignedInRequest, kind: str, pk: int) -> HttpResponse:
    target = selectors.get_target_for_moderation(viewer=request.user, kind=kind, pk=pk)
    form = HideForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.contribution_hide(actor=request.user, target=target, reason=form.cleaned_data["reason"])
            except ValidationError as error:
                _apply_error(form, error)
            else:
                messages.success(request, _("The contribution is hidden. Its author sees the reason."))
                return redirect("participation:moderation")
    return render(
        request,
        "participation/hide_form.html",
        {"form": form, "target": target, "kind": kind, "target_url": _target_url(target)},
        status=status,
    )


@login_required
@require_POST
def moderation_unhide(request: SignedInRequest, kind: str, pk: int) -> HttpResponse:
    target = selectors.get_target_for_moderation(viewer=request.user, kind=kind, pk=pk)
    services.contribution_unhide(actor=request.user, target=target)
    messages.success(request, _("The contribution is visible again."))
    return redirect("participation:moderation")


@login_required
@require_POST
def moderation_dismiss(request: SignedInRequest, kind: str, pk: int) -> HttpResponse:
    target = selectors.get_target_for_moderation(viewer=request.user, kind=kind, pk=pk)
    services.reports_dismiss(actor=request.user, target=target)
    messages.success(request, _("The reports are closed; the contribution stays visible."))
    return redirect("participation:moderation")


# --- Accounts -----------------------------------------------------------------------------------------------------


def register(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("participation:my_data")
    form = RegistrationForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.account_register(data=form.cleaned_data, client_address=client_address(request))
            except ValidationError as error:
                status = max(status, _apply_error(form, error))
            else:
                return redirect("participation:register_done")
    return render(request, "participation/register.html", {"form": form}, status=status)


def register_done(request: HttpRequest) -> HttpResponse:
    return render(request, "participation/register_done.html")


def confirm(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    user = services.account_confirm(uidb64=uidb64, token=token)
    if user is None:
        return render(request, "participation/confirm_invalid.html", status=400)
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    messages.success(request, _("Your e-mail address is confirmed. Welcome!"))
    return redirect("participation:processes")


@login_required
def my_data(request: SignedInRequest) -> HttpResponse:
    user: Any = request.user
    profile = ParticipantProfile.objects.filter(user=user).first()
    initial = {
        "display_name": user.public_name,
        "notify_on_answer": profile.notify_on_answer if profile else True,
        "age_group": profile.age_group if profile else "",
        "district": profile.district_id if profile else None,
    }
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.profile_update(actor=user, data=form.cleaned_data)
        messages.success(request, _("Your settings are saved."))
        return redirect("participation:my_data")
    return render(
        request,
        "participation/my_data.html",
        {"form": form, "profile": profile},
        status=400 if form.errors else 200,
    )


@login_required
def my_data_export(request: SignedInRequest) -> HttpResponse:
    data = selectors.my_data(user=request.user)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="meine-daten-smartstadt.json"'
    return response


@login_required
def account_delete(request: SignedInRequest) -> HttpResponse:
    if request.method == "POST":
        if request.POST.get("confirm") != "yes":
            messages.error(request, _("Please tick the box to confirm that you want to delete your account."))
            return redirect("participation:account_delete")
        # A session left open on a shared computer must not be enough to delete the account.
        if not request.user.check_password(request.POST.get("password", "")):
            return render(
                request,
                "participation/account_delete.html",
                {"password_error": _("The password is not correct. Your account was not deleted.")},
                status=400,
            )
        services.account_delete(actor=request.user)
        logout(request)
        messages.success(request, _("Your account is deleted. Your contributions remain, without your name."))
        return redirect(reverse("participation:processes"))
    return render(request, "participation/account_delete.html")


# --- Commenting the draft -----------------------------------------------------------------------------------------


def draft(request: HttpRequest, slug: str, form: DraftCommentForm | None = None) -> HttpResponse:
    """The frozen draft version, paragraph by paragraph, each with its comments and a comment form."""
    process = selectors.get_process_for(viewer=request.user, slug=slug)
    if process.draft_version is None:
        raise Http404
    user = request.user
    return render(
        request,
        "participation/draft.html",
        {
            "process": process,
            "version": process.draft_version,
            "sections": selectors.draft_with_comments(process=process, viewer=user),
            "can_comment": user.has_perm("participation.add_draft_comment", process),
            "can_moderate": user.has_perm("participation.moderate", process),
            "can_answer": user.has_perm("participation.answer_idea", process),
            "can_report": user.is_authenticated and user.has_perm("participation.report_contribution", process),
            "failed_form": form,
        },
        status=400 if form is not None and form.errors else 200,
    )


@login_required
@require_POST
def draft_comment_create(request: SignedInRequest, slug: str) -> HttpResponse:
    process = selectors.get_process_for(viewer=request.user, slug=slug)
    if not request.user.has_perm("participation.add_draft_comment", process):
        raise PermissionDenied
    form = DraftCommentForm(request.POST)
    if form.is_valid():
        try:
            comment = services.draft_comment_create(
                actor=request.user,
                process=process,
                paragraph=form.cleaned_data["paragraph"],
                text=form.cleaned_data["text"],
            )
        except ValidationError as error:
            status = _apply_error(form, error)
            response = draft(request, slug, form=form)
            if status == RATE_LIMITED:
                response.status_code = RATE_LIMITED
            return response
        messages.success(request, _("Your comment on the draft is published."))
        return redirect(f"{reverse('participation:draft', args=[slug])}#draft-comment-{comment.pk}")
    return draft(request, slug, form=form)


@login_required
def draft_comment_report(request: SignedInRequest, slug: str, pk: int) -> HttpResponse:
    process = selectors.get_process_for(viewer=request.user, slug=slug)
    target = selectors.get_draft_comment_for(viewer=request.user, process=process, pk=pk)
    if not request.user.has_perm("participation.report_contribution", target):
        raise PermissionDenied
    form = ReportForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.contribution_report(actor=request.user, target=target, reason=form.cleaned_data["reason"])
            except ValidationError as error:
                status = max(status, _apply_error(form, error))
            else:
                messages.success(request, _("Thank you. The moderation will look at the contribution."))
                return redirect(target.get_absolute_url())
    back = {"title": target.paragraph_title, "get_absolute_url": target.get_absolute_url()}
    return render(
        request,
        "participation/report_form.html",
        {"form": form, "process": process, "idea": back, "target": target},
        status=status,
    )


@login_required
def draft_comment_answer(request: SignedInRequest, slug: str, pk: int) -> HttpResponse:
    process = selectors.get_process_for(viewer=request.user, slug=slug)
    comment = selectors.get_draft_comment_for(viewer=request.user, process=process, pk=pk)
    if not request.user.has_perm("participation.answer_idea", comment):
        raise PermissionDenied
    initial = {"status": comment.status, "answer": comment.answer, "measure": comment.measure_id}
    form = AnswerForm(request.POST or None, idea=comment, initial=initial)  # type: ignore[arg-type]
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.contribution_answer(
                    actor=request.user,
                    target=comment,
                    status=form.cleaned_data["status"],
                    answer=form.cleaned_data["answer"],
                    measure=form.cleaned_data.get("measure"),
                )
            except ValidationError as error:
                _apply_error(form, error)
            else:
                messages.success(request, _("The answer is published."))
                return redirect(comment.get_absolute_url())
    back = {"title": comment.paragraph_title, "get_absolute_url": comment.get_absolute_url(), "text": comment.text}
    return render(
        request, "participation/answer_form.html", {"form": form, "process": process, "idea": back}, status=status
    )


# --- Surveys and workshops (public) -------------------------------------------------------------------------------


def survey_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The survey form; a citizen who answered before sees and may change their answers while the phase runs."""
    process = selectors.get_process_for(viewer=request.user, slug=slug)
    survey = selectors.get_survey_for(viewer=request.user, process=process, pk=pk)
    questions = selectors.survey_questions(survey=survey)
    saved = selectors.survey_raw_answers(survey=survey, viewer=request.user)
    can_answer = request.user.has_perm("participation.answer_survey", survey)
    form = SurveyAnswerForm(request.POST or None, questions=questions, initial_raw=saved)
    status = 200
    if request.method == "POST":
        if not can_answer or not isinstance(request.user, User):
            raise PermissionDenied
        status = 400
        if form.is_valid():
            try:
                services.survey_answer(actor=request.user, survey=survey, raw=form.raw())
            except ValidationError as error:
                if hasattr(error, "error_dict"):
                    for name, errors in error.message_dict.items():
                        form.question_errors[name] = errors
                    form.add_error(None, _("Please check the marked questions."))
                else:
                    status = max(status, _apply_error(form, error))
            else:
                messages.success(
                    request,
                    _("Your answers are saved. You can change them while the survey runs.")
                    if saved is None
                    else _("Your changed answers are saved."),
                )
                return redirect(survey.get_absolute_url())
    return render(
        request,
        "participation/survey_detail.html",
        {
            "process": process,
            "survey": survey,
            "form": form,
            "answered_before": saved is not None,
            "can_answer": can_answer,
            "can_see_results": request.user.has_perm("participation.view_survey_results", survey),
            "can_manage": request.user.has_perm("participation.manage_process", process),
        },
        status=status,
    )


def survey_results(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    process = selectors.get_process_for(viewer=request.user, slug=slug)
    survey = selectors.get_survey_for(viewer=request.user, process=process, pk=pk)
    if not request.user.has_perm("participation.view_survey_results", survey):
        raise PermissionDenied
    total, results = selectors.survey_results(survey=survey)
    can_manage = request.user.has_perm("participation.manage_process", process)
    return render(
        request,
        "participation/survey_results.html",
        {"process": process, "survey": survey, "total": total, "results": results, "can_manage": can_manage},
    )


def workshop_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    process = selectors.get_process_for(viewer=request.user, slug=slug)
    workshop = selectors.get_workshop_for(viewer=request.user, process=process, pk=pk)
    return render(
        request,
        "participation/workshop_detail.html",
        {
            "process": process,
            "workshop": workshop,
            "ideas": selectors.workshop_ideas(workshop=workshop),
            "can_manage": request.user.has_perm("participation.manage_process", process),
        },
    )
