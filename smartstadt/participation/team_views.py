"""The Smart City team's pages for its processes: process and phases, comments on the draft per paragraph and
measure, merging ideas, workshops, surveys with their questions, and the survey export.

Every page checks ``participation.manage_process`` on the process (team of its municipality, platform admin);
every change is a POST form that redirects back, so nothing needs JavaScript.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from smartstadt.core import tabular
from smartstadt.core.permissions import SignedInRequest, roles_of
from smartstadt.regions.models import Municipality

from . import exports, selectors, services
from .forms import MergeForm, PhaseForm, ProcessForm, QuestionForm, SurveyForm, WorkshopForm, WorkshopIdeaForm
from .models import Phase, Process, Question, Survey, Workshop
from .views import _apply_error, _idea_and_process


def _manage_url(process: Process) -> str:
    return reverse("participation:manage", kwargs={"slug": process.slug})


def _form_page(
    request: HttpRequest, *, form: Any, process: Process | None, title: str, back: str, status: int
) -> HttpResponse:
    return render(
        request,
        "participation/team/form.html",
        {"form": form, "process": process, "title": title, "back": back},
        status=status,
    )


@login_required
def processes(request: SignedInRequest) -> HttpResponse:
    user: Any = request.user
    found = list(selectors.team_processes(viewer=user))
    municipalities = Municipality.objects.order_by("name")
    if not user.is_superuser:
        municipalities = municipalities.filter(pk__in=roles_of(user).team_municipalities)
    if not found and not municipalities.exists():
        raise PermissionDenied
    return render(request, "participation/team/processes.html", {"processes": found, "municipalities": municipalities})


@login_required
def process_create(request: SignedInRequest, municipality: str) -> HttpResponse:
    place = get_object_or_404(Municipality, slug=municipality)
    if not request.user.has_perm("participation.add_process", place):
        raise PermissionDenied
    form = ProcessForm(request.POST or None, municipality=place)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                process = services.process_create(actor=request.user, municipality=place, data=form.cleaned_data)
            except ValidationError as error:
                _apply_error(form, error)
            else:
                messages.success(request, _("The process is created. Now add its phases."))
                return redirect(_manage_url(process))
    title = _("New participation process in %(name)s") % {"name": place.name}
    return _form_page(request, form=form, process=None, title=title, back=reverse("participation:team"), status=status)


@login_required
def manage(request: SignedInRequest, slug: str) -> HttpResponse:
    process = selectors.get_process_to_manage(viewer=request.user, slug=slug)
    return render(
        request,
        "participation/team/manage.html",
        {
            "process": process,
            "phases": list(process.phases.all()),
            "surveys": selectors.survey_list(process=process, viewer=request.user),
            "workshops": selectors.workshop_list(process=process),
            "figures": selectors.process_figures(process=process),
        },
    )


@login_required
def process_edit(request: SignedInRequest, slug: str) -> HttpResponse:
    process = selectors.get_process_to_manage(viewer=request.user, slug=slug)
    form = ProcessForm(request.POST or None, instance=process, municipality=process.municipality)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                process = services.process_update(actor=request.user, process=process, data=form.cleaned_data)
            except ValidationError as error:
                _apply_error(form, error)
            else:
                messages.success(request, _("The process is saved."))
                return redirect(_manage_url(process))
    return _form_page(
        request, form=form, process=process, title=_("Edit the process"), back=_manage_url(process), status=status
    )


def _phase(process: Process, pk: int) -> Phase:
    phase = get_object_or_404(Phase, process=process, pk=pk)
    phase.process = process
    return phase


@login_required
def phase_edit(request: SignedInRequest, slug: str, pk: int | None = None) -> HttpResponse:
    process = selectors.get_process_to_manage(viewer=request.user, slug=slug)
    phase = _phase(process, pk) if pk is not None else None
    form = PhaseForm(request.POST or None, instance=phase)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.phase_save(actor=request.user, process=process, data=form.cleaned_data, phase=phase)
            except ValidationError as error:
                _apply_error(form, error)
            else:
                messages.success(request, _("The phase is saved."))
                return redirect(_manage_url(process))
    title = _("Edit the phase") if phase else _("New phase")
    return _form_page(request, form=form, process=process, title=title, back=_manage_url(process), status=status)


@login_required
@require_POST
def phase_delete(request: SignedInRequest, slug: str, pk: int) -> HttpResponse:
    process = selectors.get_process_to_manage(viewer=request.user, slug=slug)
    services.phase_delete(actor=request.user, phase=_phase(process, pk))
    messages.success(request, _("The phase is deleted."))
    return redirect(_manage_url(process))


# --- Comments on the draft, per paragraph and measure ---------------------------------------------------------------


@login_required
def draft_comments(request: SignedInRequest, slug: str) -> HttpResponse:
    process = selectors.get_process_to_manage(viewer=request.user, slug=slug)
    if process.draft_version is None:
        raise Http404
    sections = selectors.draft_with_comments(process=process, viewer=request.user)
    return render(
        request,
        "participation/team/draft_comments.html",
        {
            "process": process,
            "version": process.draft_version,
            "sections": sections,
            "total": sum(len(p.comments) for section in sections for p in section.paragraphs),
        },
    )


# --- Merging ideas --------------------------------------------------------------------------------------------------


@login_required
def idea_merge(request: SignedInRequest, slug: str, pk: int) -> HttpResponse:
    idea, process = _idea_and_process(request, slug, pk)
    if not request.user.has_perm("participation.manage_process", process):
        raise PermissionDenied
    if idea.merged_into_id is not None:
        raise Http404
    form = MergeForm(request.POST or None, candidates=selectors.merge_candidates(process=process, idea=idea))
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                survivor = services.idea_merge(actor=request.user, idea=idea, into=form.cleaned_data["into"])
            except ValidationError as error:
                _apply_error(form, error)
            else:
                messages.success(request, _("The ideas are merged. The old address leads to this idea."))
                return redirect(survivor.get_absolute_url())
    return render(
        request, "participation/team/merge.html", {"form": form, "process": process, "idea": idea}, status=status
    )


# --- Workshops ------------------------------------------------------------------------------------------------------


def _workshop(process: Process, pk: int) -> Workshop:
    workshop = get_object_or_404(Workshop, process=process, pk=pk)
    workshop.process = process
    return workshop


@login_required
def workshop_edit(request: SignedInRequest, slug: str, pk: int | None = None) -> HttpResponse:
    process = selectors.get_process_to_manage(viewer=request.user, slug=slug)
    workshop = _workshop(process, pk) if pk is not None else None
    form = WorkshopForm(request.POST or None, instance=workshop)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                workshop = services.workshop_save(
                    actor=request.user, process=process, data=form.cleaned_data, workshop=workshop
                )
            except ValidationError as error:
                _apply_error(form, error)
            else:
                messages.success(request, _("The workshop results are saved."))
                return redirect(workshop.get_absolute_url())
    title = _("Edit the workshop results") if workshop else _("Enter the results of an on-site format")
    return _form_page(request, form=form, process=process, title=title, back=_manage_url(process), status=status)


@login_required
def workshop_idea(request: SignedInRequest, slug: str, pk: int) -> HttpResponse:
    process = selectors.get_process_to_manage(viewer=request.user, slug=slug)
    workshop = _workshop(process, pk)
    form = WorkshopIdeaForm(request.POST or None, process=process)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.workshop_idea_create(actor=request.user, workshop=workshop, data=form.cleaned_data)
            except ValidationError as error:
                _apply_error(form, error)
            else:
                messages.success(request, _("The idea is saved as collected at the workshop."))
                if "another" in request.POST:
                    return redirect(request.path)
                return redirect(workshop.get_absolute_url())
    return render(
        request,
        "participation/team/workshop_idea.html",
        {"form": form, "process": process, "workshop": workshop},
        status=status,
    )


# --- Surveys --------------------------------------------------------------------------------------------------------


def _survey(process: Process, pk: int) -> Survey:
    survey = get_object_or_404(Survey, process=process, pk=pk)
    survey.process = process
    return survey


def _survey_url(survey: Survey) -> str:
    return reverse("participation:survey_edit", kwargs={"slug": survey.process.slug, "pk": survey.pk})


@login_required
def survey_create(request: SignedInRequest, slug: str) -> HttpResponse:
    process = selectors.get_process_to_manage(viewer=request.user, slug=slug)
    form = SurveyForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            survey = services.survey_save(actor=request.user, process=process, data=form.cleaned_data)
            messages.success(request, _("The survey is created. Now add its questions."))
            return redirect(_survey_url(survey))
    return _form_page(
        request, form=form, process=process, title=_("New survey"), back=_manage_url(process), status=status
    )


@login_required
def survey_edit(request: SignedInRequest, slug: str, pk: int) -> HttpResponse:
    process = selectors.get_process_to_manage(viewer=request.user, slug=slug)
    survey = _survey(process, pk)
    form = SurveyForm(request.POST or None, instance=survey)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            services.survey_save(actor=request.user, process=process, data=form.cleaned_data, survey=survey)
            messages.success(request, _("The survey is saved."))
            return redirect(_survey_url(survey))
    return render(
        request,
        "participation/team/survey_edit.html",
        {
            "process": process,
            "survey": survey,
            "form": form,
            "questions": selectors.survey_questions(survey=survey),
            "responses": survey.responses.count(),
        },
        status=status,
    )


def _question(survey: Survey, pk: int) -> Question:
    question = get_object_or_404(Question, survey=survey, pk=pk)
    question.survey = survey
    return question


@login_required
def question_edit(request: SignedInRequest, slug: str, pk: int, question: int | None = None) -> HttpResponse:
    process = selectors.get_process_to_manage(viewer=request.user, slug=slug)
    survey = _survey(process, pk)
    item = _question(survey, question) if question is not None else None
    initial = {"options": "\n".join(option.text for option in item.options.all())} if item else None
    form = QuestionForm(request.POST or None, instance=item, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.question_save(actor=request.user, survey=survey, data=form.cleaned_data, question=item)
            except ValidationError as error:
                _apply_error(form, error)
            else:
                messages.success(request, _("The question is saved."))
                return redirect(_survey_url(survey))
    title = _("Edit the question") if item else _("New question")
    return _form_page(request, form=form, process=process, title=title, back=_survey_url(survey), status=status)


@login_required
@require_POST
def question_move(request: SignedInRequest, slug: str, pk: int, question: int) -> HttpResponse:
    process = selectors.get_process_to_manage(viewer=request.user, slug=slug)
    survey = _survey(process, pk)
    services.question_move(
        actor=request.user,
        question=_question(survey, question),
        offset=-1 if request.POST.get("direction") == "up" else 1,
    )
    return redirect(f"{_survey_url(survey)}#question-{question}")


@login_required
@require_POST
def question_delete(request: SignedInRequest, slug: str, pk: int, question: int) -> HttpResponse:
    process = selectors.get_process_to_manage(viewer=request.user, slug=slug)
    survey = _survey(process, pk)
    services.question_delete(actor=request.user, question=_question(survey, question))
    messages.success(request, _("The question is deleted."))
    return redirect(_survey_url(survey))


@login_required
def survey_export(request: SignedInRequest, slug: str, pk: int, fmt: str) -> HttpResponseBase:
    process = selectors.get_process_to_manage(viewer=request.user, slug=slug)
    survey = _survey(process, pk)
    if fmt not in ("csv", "xlsx"):
        raise Http404
    columns, rows = exports.survey_table(survey, selectors.survey_questions(survey=survey))
    return tabular.tabular_response(fmt, columns, rows, filename=f"umfrage-{survey.pk}", sheet=_("Answers"))
