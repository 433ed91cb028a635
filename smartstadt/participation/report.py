"""The participation report of a process (HTML, PDF, DOCX) and the strategy document's participation chapter.

:func:`build_report` reads everything the report shows, in a fixed number of queries whatever the number of
contributions (aggregates in the database; only the topic grouping reads texts, of at most
:data:`TOPIC_LIMIT` ideas):

* figures: participants (distinct accounts that contributed, supported or answered a survey, plus the people at
  the workshops), ideas, comments, comments on the draft, supports, survey answer sets; per phase (by the date
  of the contribution) and per month;
* representativeness: the voluntary statistics of the participants (district, age group) against the
  municipality's population structure where the data has it. The districts' populations come from
  ``regions.District.population`` (counted on the top level, the boroughs; a borough without a figure sums its
  quarters' figures); the platform has no age structure of the population, and the report says so;
* topics: the ideas grouped by Giffinger dimension with the analysis engine's tag classifier (lexical part,
  ``smartstadt.analysis.tagging``) and by the strategy's fields of action the citizens chose;
* workshop results (on-site formats entered by the team) and the answers with their status.

The rendering uses the documents app's public kit (``smartstadt.documents.kit``: its print style sheet,
WeasyPrint setup (PDF/UA), Word helpers and bar charts), so the report looks like the strategy document; the
pages render it in the documents' background pipeline (a ``RenderedDocument`` of kind "participation").
:func:`participation_chapter` gives the strategy document the same figures for every published process that fed
a strategy.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify

from smartstadt.documents import kit
from smartstadt.documents.kit import Progress, no_progress
from smartstadt.regions.models import District

from .models import (
    Comment,
    DraftComment,
    Idea,
    IdeaStatus,
    ParticipantProfile,
    Phase,
    Process,
    Support,
    SurveyResponse,
    Workshop,
)

TOPIC_LIMIT = 5000  # ideas classified for the topics (the most supported first)
ANSWER_LIMIT = 300  # answered contributions listed in full
EXAMPLES_PER_TOPIC = 3
PROFILE_CHUNK = 5000
FORMATS = ("html", "pdf", "docx")
CONTENT_TYPES = {
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
MONTHS = ("Jan.", "Feb.", "März", "Apr.", "Mai", "Juni", "Juli", "Aug.", "Sep.", "Okt.", "Nov.", "Dez.")
AGE_LABELS = {
    "under_18": "unter 18",
    "18_29": "18 bis 29",
    "30_44": "30 bis 44",
    "45_64": "45 bis 64",
    "65_plus": "65 und älter",
}
NO_AGE_STRUCTURE = (
    "Für die Altersstruktur der Bevölkerung liegen der Plattform keine Daten vor; die Altersgruppen der "
    "Teilnehmenden stehen daher ohne Vergleich."
)


class ReportError(Exception):
    """A report that cannot be made (the message is German, for the user)."""


# --- Content ------------------------------------------------------------------------------------------------------


@dataclass
class Totals:
    participants: int = 0
    ideas: int = 0
    comments: int = 0
    draft_comments: int = 0
    supports: int = 0
    survey_responses: int = 0
    workshop_participants: int = 0

    @property
    def contributions(self) -> int:
        return self.ideas + self.comments + self.draft_comments


@dataclass
class PhaseRow:
    title: str
    kind: str
    dates: str
    ideas: int
    comments: int
    draft_comments: int
    supports: int


@dataclass
class MonthRow:
    label: str
    ideas: int = 0
    comments: int = 0
    draft_comments: int = 0
    supports: int = 0


@dataclass
class Share:
    label: str
    participants: int
    participants_percent: float
    population: int | None = None
    population_percent: float | None = None

    @property
    def difference(self) -> float | None:
        if self.population_percent is None:
            return None
        return round(self.participants_percent - self.population_percent, 1)


@dataclass
class Representativeness:
    participants: int  # accounts that took part
    with_district: int
    with_age: int
    districts: list[Share]
    ages: list[Share]
    district_note: str
    age_note: str = NO_AGE_STRUCTURE


@dataclass
class Topic:
    label: str
    count: int
    examples: list[str] = field(default_factory=list)


@dataclass
class Topics:
    method: str
    dimensions: list[Topic]
    fields_of_action: list[Topic]


@dataclass
class WorkshopResult:
    title: str
    kind: str
    held_on: datetime.date
    place: str
    participants: int
    participant_kinds: str
    results: list[str]


@dataclass
class Answer:
    kind: str
    title: str
    status: str
    answer: str
    measure: str
    answered_on: datetime.date | None


@dataclass
class ParticipationReport:
    process_title: str
    process_slug: str
    municipality: str
    summary: str
    description: str
    generated_on: datetime.date
    totals: Totals
    phases: list[PhaseRow]
    months: list[MonthRow]
    representativeness: Representativeness
    topics: Topics
    workshops: list[WorkshopResult]
    status_counts: list[tuple[str, int]]
    answers: list[Answer]
    answers_total: int
    url: str

    @property
    def answers_left_out(self) -> int:
        return max(0, self.answers_total - len(self.answers))

    @property
    def filename_base(self) -> str:
        return f"beteiligungsbericht-{slugify(self.process_slug)}"


def _ideas(process: Process) -> QuerySet[Idea]:
    """The ideas that count: visible and not merged into another one (the survivor carries them)."""
    return Idea.objects.current().filter(process=process, is_hidden=False)


def _draft_comments(process: Process) -> QuerySet[DraftComment]:
    return DraftComment.objects.filter(process=process, is_hidden=False)


def _ends(phases: list[Phase]) -> dict[int, datetime.date | None]:
    """Each phase's last day: its end date, or without one the day before the next phase starts (so that
    contributions count once), or open."""
    dated = sorted((phase for phase in phases if phase.starts_on), key=lambda phase: (phase.starts_on, phase.order))
    ends: dict[int, datetime.date | None] = {}
    for index, phase in enumerate(dated):  # none dated (undated phases or none at all): no ends
        following = dated[index + 1] if index + 1 < len(dated) else None
        assert phase.starts_on is not None
        end = phase.ends_on
        if end is None and following is not None and following.starts_on and following.starts_on > phase.starts_on:
            end = following.starts_on - datetime.timedelta(days=1)
        ends[phase.pk] = end
    return ends


def _dates(phase: Phase, end: datetime.date | None) -> str:
    if phase.starts_on is None:
        return "ohne Datum"
    start = phase.starts_on.strftime("%d.%m.%Y")
    return f"{start} – {end.strftime('%d.%m.%Y')}" if end else f"ab {start}"


def _in_phase(phase: Phase, end: datetime.date | None) -> Q:
    if phase.starts_on is None:
        return Q(pk__in=[])
    condition = Q(created_at__date__gte=phase.starts_on)
    if end is not None:
        condition &= Q(created_at__date__lte=end)
    return condition


def _phase_counts(queryset: QuerySet[Any], phases: list[Phase], ends: dict[int, datetime.date | None]) -> list[int]:
    if not phases:
        return []
    aggregates = {
        f"p{index}": Count("pk", filter=_in_phase(phase, ends.get(phase.pk))) for index, phase in enumerate(phases)
    }
    result = queryset.aggregate(**aggregates)
    return [int(result[f"p{index}"] or 0) for index in range(len(phases))]


def _months(querysets: dict[str, QuerySet[Any]]) -> list[MonthRow]:
    rows: dict[datetime.date, MonthRow] = {}
    for name, queryset in querysets.items():
        for month, count in (
            queryset.annotate(month=TruncMonth("created_at"))
            .values("month")
            .annotate(n=Count("pk"))
            .values_list("month", "n")
        ):
            if month is None:
                continue
            day = month.date() if isinstance(month, datetime.datetime) else month
            row = rows.setdefault(day, MonthRow(label=f"{MONTHS[day.month - 1]} {day.year}"))
            setattr(row, name, count)
    return [rows[key] for key in sorted(rows)]


def _participant_ids(process: Process) -> set[int]:
    """Every account that contributed, supported or answered a survey in the process (hidden ones count too)."""
    found: set[int] = set()
    sources: list[QuerySet[Any]] = [
        Idea.objects.filter(process=process).values_list("author_id", flat=True).distinct(),
        Comment.objects.filter(idea__process=process).values_list("author_id", flat=True).distinct(),
        Support.objects.filter(idea__process=process).values_list("user_id", flat=True).distinct(),
        DraftComment.objects.filter(process=process).values_list("author_id", flat=True).distinct(),
        SurveyResponse.objects.filter(survey__process=process).values_list("user_id", flat=True).distinct(),
    ]
    for source in sources:
        found.update(pk for pk in source if pk is not None)
    return found


def _percent(part: int, whole: int) -> float:
    return round(100 * part / whole, 1) if whole else 0.0


def _representativeness(process: Process, participants: set[int]) -> Representativeness:
    district_counts: Counter[int] = Counter()
    age_counts: Counter[str] = Counter()
    ids = sorted(participants)
    for start in range(0, len(ids), PROFILE_CHUNK):  # chunks: SQLite limits the parameters of a query
        chunk = ids[start : start + PROFILE_CHUNK]
        for district_id, age_group in ParticipantProfile.objects.filter(user_id__in=chunk).values_list(
            "district_id", "age_group"
        ):
            if district_id is not None:
                district_counts[district_id] += 1
            if age_group:
                age_counts[age_group] += 1
    # Boroughs (top level) and which borough each district lies in.
    districts = list(District.objects.filter(municipality_id=process.municipality_id).order_by("name"))
    by_id = {district.pk: district for district in districts}

    def root(district: District) -> District:
        seen: set[int] = set()
        while district.parent_id is not None and district.parent_id in by_id and district.pk not in seen:
            seen.add(district.pk)
            district = by_id[district.parent_id]
        return district

    roots = [district for district in districts if district.parent_id is None or district.parent_id not in by_id]
    population: dict[int, int] = {}
    for top in roots:
        if top.population:
            population[top.pk] = top.population
    for district in districts:
        top = root(district)
        if top is not district and not top.population and district.population:
            population[top.pk] = population.get(top.pk, 0) + district.population
    per_root: Counter[int] = Counter()
    for district_id, count in district_counts.items():
        if district_id in by_id:
            per_root[root(by_id[district_id]).pk] += count
    with_district = sum(per_root.values())
    known_population = sum(population.values())
    shares = []
    for top in roots:
        people = population.get(top.pk)
        shares.append(
            Share(
                label=top.name,
                participants=per_root[top.pk],
                participants_percent=_percent(per_root[top.pk], with_district),
                population=people,
                population_percent=_percent(people, known_population) if people and known_population else None,
            )
        )
    missing = [top.name for top in roots if top.pk not in population]
    if not roots:
        note = "Für diese Kommune sind keine Stadtbezirke erfasst; ein Vergleich nach Wohnort ist nicht möglich."
    elif missing:
        note = (
            "Einwohnerzahlen fehlen für: " + ", ".join(missing) + ". Die Bevölkerungsanteile beziehen sich auf die "
            "Bezirke mit Einwohnerzahl."
        )
    else:
        as_of = sorted({d.population_as_of for d in roots if d.population_as_of})
        note = "Einwohnerzahlen der Stadtbezirke" + (f" (Stand {as_of[-1].strftime('%d.%m.%Y')})." if as_of else ".")
    with_age = sum(age_counts.values())
    ages = [
        Share(label=label, participants=age_counts[code], participants_percent=_percent(age_counts[code], with_age))
        for code, label in AGE_LABELS.items()
    ]
    return Representativeness(
        participants=len(participants),
        with_district=with_district,
        with_age=with_age,
        districts=shares,
        ages=ages,
        district_note=note,
    )


def _topics(process: Process, ideas: QuerySet[Idea]) -> Topics:
    rows = list(ideas.order_by("-support_count", "-pk").values_list("title", "text", "support_count")[:TOPIC_LIMIT])
    method = ""
    dimensions: list[Topic] = []
    try:
        from smartstadt.analysis import tagging

        framework, predictions = tagging.suggest_for_texts(
            [f"{title}. {text}" for title, text, _supports in rows], use_semantic=False
        )
        roots, _top = tagging.top_terms(framework)
        labels = {term.code: term.label for term in roots}
        grouped: dict[str, Topic] = {code: Topic(label=label, count=0) for code, label in labels.items()}
        for (title, _text, _supports), prediction in zip(rows, predictions, strict=True):
            codes = prediction.labels or [max(prediction.scores, key=lambda code: prediction.scores[code])]
            for code in codes[:1]:  # the most likely dimension: every idea counts once
                topic = grouped.get(code)
                if topic is None:
                    continue
                topic.count += 1
                if len(topic.examples) < EXAMPLES_PER_TOPIC:
                    topic.examples.append(title)
        dimensions = sorted((topic for topic in grouped.values() if topic.count), key=lambda t: -t.count)
        method = (
            f"Die Ideen sind mit der Analyse-Engine der Plattform (Schlagwort-Klassifikator, {framework}) der "
            "wahrscheinlichsten Dimension zugeordnet; jede Idee zählt einmal. Beispiele: die meistunterstützten."
        )
        if len(rows) == TOPIC_LIMIT:
            method += f" Eingeordnet sind die {TOPIC_LIMIT} meistunterstützten Ideen."
    except Exception as error:  # the engine is optional: without a trained classifier the fields of action remain
        if type(error).__name__ not in {"TaggingUnavailableError", "ImportError", "ModuleNotFoundError"}:
            raise
        method = (
            "Die Analyse-Engine kann die Ideen noch nicht zuordnen (kein Schlagwort-Modell); die Ideen sind nach "
            "den Handlungsfeldern gruppiert, die die Teilnehmenden gewählt haben."
        )
    fields: list[Topic] = []
    counted = ideas.values("field_of_action__title").annotate(n=Count("pk")).order_by("-n", "field_of_action__title")
    for row in counted:
        fields.append(Topic(label=row["field_of_action__title"] or "ohne Handlungsfeld", count=row["n"]))
    return Topics(method=method, dimensions=dimensions, fields_of_action=fields)


def _workshops(process: Process) -> list[WorkshopResult]:
    kinds = dict(Workshop.Kind.choices)
    return [
        WorkshopResult(
            title=workshop.title,
            kind=str(kinds.get(workshop.kind, workshop.kind)),
            held_on=workshop.held_on,
            place=workshop.place,
            participants=workshop.participant_count,
            participant_kinds=workshop.participant_kinds,
            results=[part.strip() for part in workshop.results.split("\n\n") if part.strip()],
        )
        for workshop in Workshop.objects.filter(process=process).order_by("held_on", "pk")
    ]


def _answers(ideas: QuerySet[Idea], drafts: QuerySet[DraftComment]) -> tuple[list[tuple[str, int]], list[Answer], int]:
    counts: Counter[str] = Counter(dict(ideas.values("status").annotate(n=Count("pk")).values_list("status", "n")))
    answered = ideas.filter(answered_at__isnull=False)
    total = answered.count()
    answers = [
        Answer(
            kind="Idee",
            title=idea.title,
            status=kit.choice_label(IdeaStatus, idea.status),
            answer=idea.answer,
            measure=f"{idea.measure.number} {idea.measure.title}".strip() if idea.measure else "",
            answered_on=timezone.localdate(idea.answered_at) if idea.answered_at else None,
        )
        for idea in answered.select_related("measure").order_by("-answered_at", "-pk")[:ANSWER_LIMIT]
    ]
    counts.update(dict(drafts.values("status").annotate(n=Count("pk")).values_list("status", "n")))
    answered_drafts = drafts.filter(answered_at__isnull=False)
    total += answered_drafts.count()
    room = max(0, ANSWER_LIMIT - len(answers))
    answers += [
        Answer(
            kind="Kommentar zum Entwurf",
            title=comment.paragraph_title or comment.paragraph,
            status=kit.choice_label(IdeaStatus, comment.status),
            answer=comment.answer,
            measure=f"{comment.measure.number} {comment.measure.title}".strip() if comment.measure else "",
            answered_on=timezone.localdate(comment.answered_at) if comment.answered_at else None,
        )
        for comment in answered_drafts.select_related("measure").order_by("-answered_at", "-pk")[:room]
    ]
    status_counts = [(kit.german(status.label), counts.get(str(status), 0)) for status in IdeaStatus]
    return status_counts, answers, total


def build_report(
    process: Process, *, progress: Progress = no_progress, with_topics: bool = True
) -> ParticipationReport:
    """Everything the report of a process shows (see the module's docstring)."""
    progress(5, "Zahlen lesen")
    process = Process.objects.select_related("municipality").get(pk=process.pk)
    phases = list(Phase.objects.filter(process=process).order_by("order", "pk"))
    ideas = _ideas(process)
    comments = Comment.objects.filter(idea__process=process, is_hidden=False)
    supports = Support.objects.filter(idea__process=process)
    drafts = _draft_comments(process)
    totals = Totals(
        ideas=ideas.count(),
        comments=comments.count(),
        supports=supports.count(),
        draft_comments=drafts.count(),
        survey_responses=SurveyResponse.objects.filter(survey__process=process).count(),
    )
    workshops = _workshops(process)
    totals.workshop_participants = sum(workshop.participants for workshop in workshops)
    participant_ids = _participant_ids(process)
    totals.participants = len(participant_ids) + totals.workshop_participants
    progress(20, "Phasen und Verlauf")
    ends = _ends(phases)
    per_phase = {
        "ideas": _phase_counts(ideas, phases, ends),
        "comments": _phase_counts(comments, phases, ends),
        "supports": _phase_counts(supports, phases, ends),
        "draft_comments": _phase_counts(drafts, phases, ends),
    }
    phase_rows = [
        PhaseRow(
            title=phase.title,
            kind=str(phase.get_kind_display()),
            dates=_dates(phase, ends.get(phase.pk)),
            ideas=per_phase["ideas"][index],
            comments=per_phase["comments"][index],
            draft_comments=per_phase["draft_comments"][index],
            supports=per_phase["supports"][index],
        )
        for index, phase in enumerate(phases)
    ]
    months = _months({"ideas": ideas, "comments": comments, "supports": supports, "draft_comments": drafts})
    progress(35, "Repräsentativität")
    representativeness = _representativeness(process, participant_ids)
    progress(50, "Themen")
    topics = _topics(process, ideas) if with_topics else Topics(method="", dimensions=[], fields_of_action=[])
    progress(70, "Antworten")
    status_counts, answers, answers_total = _answers(ideas, drafts)
    return ParticipationReport(
        process_title=process.title,
        process_slug=process.slug,
        municipality=process.municipality.name,
        summary=process.summary,
        description=process.description,
        generated_on=timezone.localdate(),
        totals=totals,
        phases=phase_rows,
        months=months,
        representativeness=representativeness,
        topics=topics,
        workshops=workshops,
        status_counts=status_counts,
        answers=answers,
        answers_total=answers_total,
        url=process.get_absolute_url(),
    )


# --- The strategy document's chapter ------------------------------------------------------------------------------


@dataclass
class ParticipationChapter:
    """The participation chapter of a strategy document: every published process that fed the strategy."""

    reports: list[ParticipationReport]

    @property
    def totals(self) -> Totals:
        total = Totals()
        for report in self.reports:
            for name in (
                "participants",
                "ideas",
                "comments",
                "draft_comments",
                "supports",
                "survey_responses",
                "workshop_participants",
            ):
                setattr(total, name, getattr(total, name) + getattr(report.totals, name))
        return total

    @property
    def taken(self) -> int:
        label = kit.choice_label(IdeaStatus, IdeaStatus.TAKEN)
        return sum(count for report in self.reports for name, count in report.status_counts if name == label)


def participation_chapter(strategy: Any) -> ParticipationChapter | None:
    """The same data as the reports, for the strategy document; None when no published process fed the strategy."""
    processes = list(Process.objects.filter(strategy=strategy, is_published=True).order_by("created_at", "title"))
    if not processes:
        return None
    return ParticipationChapter(reports=[build_report(process) for process in processes])


# --- Rendering ----------------------------------------------------------------------------------------------------


def report_html(report: ParticipationReport) -> str:
    """A standalone HTML document (its style sheet inside), also the source of the PDF."""
    return render_to_string(
        "participation/report_document.html",
        {"report": report, "css": kit.stylesheet(), "charts": _charts(report), "figures": figure_rows(report)},
    )


def _charts(report: ParticipationReport) -> dict[str, str]:
    charts: dict[str, str] = {}
    if report.months:
        charts["months"] = kit.bar_chart(
            "Beiträge je Monat",
            [(row.label, row.ideas + row.comments + row.draft_comments) for row in report.months[-24:]],
        )
    if report.topics.dimensions:
        charts["topics"] = kit.bar_chart(
            "Ideen je Giffinger-Dimension", [(topic.label, topic.count) for topic in report.topics.dimensions]
        )
    return charts


def report_pdf(report: ParticipationReport, progress: Progress = no_progress) -> kit.Pdf:
    """The report as a tagged PDF; WeasyPrint's pages move the progress from 80 to 98 percent."""
    pages = 6 + len(report.answers) // 8
    return kit.html_to_pdf(report_html(report), progress=progress, expected_pages=pages, start=80, end=98)


def _number(value: float) -> str:
    return f"{value:,.0f}".replace(",", ".")


def _percent_text(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f} %".replace(".", ",")


def report_docx(report: ParticipationReport) -> bytes:
    from smartstadt.documents.kit import word  # python-docx loads only when a DOCX is made

    document = word.new_document(
        title=f"Beteiligungsbericht: {report.process_title}",
        author=report.municipality,
        subject="Beteiligungsbericht",
        keywords="Smart City; Beteiligung",
    )
    document.add_heading(f"Beteiligungsbericht: {report.process_title}", level=0)
    document.add_paragraph(f"{report.municipality} · Stand {report.generated_on.strftime('%d.%m.%Y')}")
    if report.summary:
        document.add_paragraph(report.summary)
    totals = report.totals
    document.add_heading("1 Zahlen", level=1)
    word.table(
        document,
        ["Kennzahl", "Anzahl"],
        [(label, _number(value)) for label, value in figure_rows(report)],
        widths=[110, 50],
    )
    if report.phases:
        document.add_heading("Je Phase", level=2)
        word.table(
            document,
            ["Phase", "Zeitraum", "Ideen", "Kommentare", "zum Entwurf", "Unterstützungen"],
            [
                (
                    row.title,
                    row.dates,
                    _number(row.ideas),
                    _number(row.comments),
                    _number(row.draft_comments),
                    _number(row.supports),
                )
                for row in report.phases
            ],
            widths=[45, 35, 20, 25, 25, 25],
        )
    if report.months:
        document.add_heading("Im Verlauf", level=2)
        word.table(
            document,
            ["Monat", "Ideen", "Kommentare", "zum Entwurf", "Unterstützungen"],
            [
                (
                    row.label,
                    _number(row.ideas),
                    _number(row.comments),
                    _number(row.draft_comments),
                    _number(row.supports),
                )
                for row in report.months
            ],
            widths=[40, 25, 30, 30, 35],
        )
    rep = report.representativeness
    document.add_heading("2 Wer hat teilgenommen?", level=1)
    document.add_paragraph(
        f"{_number(rep.participants)} Konten haben sich beteiligt; {_number(rep.with_district)} nannten freiwillig "
        f"ihren Stadtteil, {_number(rep.with_age)} ihre Altersgruppe."
        + (
            f" Dazu kamen {_number(totals.workshop_participants)} Menschen bei Werkstätten vor Ort."
            if totals.workshop_participants
            else ""
        )
    )
    document.add_heading("Nach Stadtbezirk", level=2)
    if rep.districts:
        word.table(
            document,
            ["Stadtbezirk", "Teilnehmende", "Anteil", "Einwohner", "Anteil Bevölkerung"],
            [
                (
                    share.label,
                    _number(share.participants),
                    _percent_text(share.participants_percent),
                    _number(share.population) if share.population else "–",
                    _percent_text(share.population_percent),
                )
                for share in rep.districts
            ],
            widths=[50, 28, 22, 30, 30],
        )
    document.add_paragraph(rep.district_note)
    document.add_heading("Nach Altersgruppe", level=2)
    word.table(
        document,
        ["Altersgruppe", "Teilnehmende", "Anteil"],
        [(share.label, _number(share.participants), _percent_text(share.participants_percent)) for share in rep.ages],
        widths=[60, 40, 40],
    )
    document.add_paragraph(rep.age_note)
    document.add_heading("3 Themen", level=1)
    if report.topics.method:
        document.add_paragraph(report.topics.method)
    if report.topics.dimensions:
        word.table(
            document,
            ["Dimension", "Ideen", "Beispiele"],
            [(topic.label, _number(topic.count), "; ".join(topic.examples)) for topic in report.topics.dimensions],
            widths=[40, 20, 100],
        )
    if report.topics.fields_of_action:
        document.add_heading("Nach Handlungsfeld", level=2)
        word.table(
            document,
            ["Handlungsfeld", "Ideen"],
            [(topic.label, _number(topic.count)) for topic in report.topics.fields_of_action],
            widths=[120, 40],
        )
    document.add_heading("4 Ergebnisse der Werkstätten", level=1)
    if not report.workshops:
        document.add_paragraph("Zu diesem Verfahren sind keine Werkstätten vor Ort erfasst.")
    for workshop in report.workshops:
        document.add_heading(workshop.title, level=2)
        document.add_paragraph(
            f"{workshop.kind}, {workshop.held_on.strftime('%d.%m.%Y')}"
            + (f", {workshop.place}" if workshop.place else "")
            + f" · {_number(workshop.participants)} Teilnehmende"
            + (f" ({workshop.participant_kinds})" if workshop.participant_kinds else "")
        )
        word.paragraphs(document, workshop.results)
    document.add_heading("5 Antworten", level=1)
    word.table(
        document,
        ["Status", "Beiträge"],
        [(label, _number(count)) for label, count in report.status_counts],
        widths=[110, 50],
    )
    for answer in report.answers:
        document.add_heading(f"{answer.kind}: {answer.title}", level=3)
        status = answer.status + (f" – Maßnahme {answer.measure}" if answer.measure else "")
        document.add_paragraph(status)
        if answer.answer:
            document.add_paragraph(answer.answer)
    if report.answers_left_out:
        document.add_paragraph(
            f"… und {_number(report.answers_left_out)} weitere beantwortete Beiträge (alle auf der Seite "
            "„Was aus den Beiträgen wurde“)."
        )
    return word.to_bytes(document)


def figure_rows(report: ParticipationReport) -> list[tuple[str, int]]:
    totals = report.totals
    return [
        ("Teilnehmende (Konten und Menschen bei Werkstätten)", totals.participants),
        ("Ideen", totals.ideas),
        ("Kommentare zu Ideen", totals.comments),
        ("Kommentare zum Strategieentwurf", totals.draft_comments),
        ("Unterstützungen", totals.supports),
        ("Antworten auf Umfragen", totals.survey_responses),
        ("Menschen bei Werkstätten vor Ort", totals.workshop_participants),
    ]


@dataclass(frozen=True)
class RenderedReport:
    content: bytes
    filename: str
    content_type: str
    pages: int | None = None  # of a PDF


def render_report(process: Process, *, format: str, progress: Progress = no_progress) -> RenderedReport:
    """The report of a process as a file in one of :data:`FORMATS`."""
    if format not in FORMATS:
        raise ReportError(f"Unbekanntes Format „{format}“: möglich sind {', '.join(FORMATS)}.")
    report = build_report(process, progress=progress)
    progress(80, f"{format.upper()} erzeugen")
    pages: int | None = None
    if format == "html":
        content = report_html(report).encode("utf-8")
    elif format == "pdf":
        pdf = report_pdf(report, progress)
        content, pages = pdf.content, pdf.pages
    else:
        content = report_docx(report)
    progress(100, "fertig")
    return RenderedReport(
        content=content,
        filename=f"{report.filename_base}.{format}",
        content_type=CONTENT_TYPES[format],
        pages=pages,
    )
