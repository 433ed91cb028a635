"""The document model: what a strategy document, a council paper and a measure sheet say, built from the data.

Everything strategic comes from a snapshot (``smartstadt.strategy.versions.strategy_snapshot``): the frozen
version's own, or one taken of the working state now, so a document of Entwurf 1 reads the same as long as the
version exists. The Ist-Analyse (figures, charts and the annex of inventory entries) shows the municipality's
published inventory on the day of rendering, and the check boxes of a sheet list the topic fields of the
strategy's topic framework as they are now (plus any ticked field the framework no longer has).
The renderers (HTML/PDF and DOCX) only lay out what this module put together.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.apps import apps
from django.db.models import Prefetch
from django.utils import timezone

from smartstadt.frameworks.models import Framework, Term
from smartstadt.inventory.statistics import counts_by_kind, counts_by_status, coverage_by_municipality, published_in
from smartstadt.regions.models import Municipality
from smartstadt.strategy.models import Strategy, StrategyVersion
from smartstadt.strategy.versions import strategy_snapshot

from . import wording
from .kit.charts import bar_chart
from .kit.progress import Progress, no_progress


@dataclass(frozen=True)
class Box:
    """A check box of the sheet: ☒ label or ☐ label."""

    label: str
    checked: bool

    @property
    def mark(self) -> str:
        return wording.CHECKED if self.checked else wording.UNCHECKED

    def __str__(self) -> str:
        return f"{self.mark} {self.label}"


@dataclass
class Indicator:
    name: str
    unit: str
    baseline: str
    target: str
    year: str


@dataclass
class Milestone:
    title: str
    when: str
    done: bool


@dataclass
class MeasureSheet:
    """One measure's Steckbrief in the layout of the seed's project sheet, plus what a council needs."""

    number: str
    title: str
    topic_framework: str
    topics: list[Box]
    priority: str  # the value (very_high, high, medium) or ""
    horizon: str  # short, medium, long or ""
    objective: str
    description: str
    stakeholders: str
    goals: list[str]
    challenges: list[str]
    fields_of_action: list[str]
    entries: list[str]
    partner_municipalities: list[str]
    districts: list[str]
    lead_organisation: str
    period: str
    budget: Decimal | None
    funding: str
    indicators: list[Indicator]
    milestones: list[Milestone]
    source_url: str

    @property
    def heading(self) -> str:
        return f"{self.number}) {self.title}" if self.number else self.title

    @property
    def anchor(self) -> str:
        return f"massnahme-{self.number or id(self)}"

    @property
    def priority_boxes(self) -> list[Box]:
        return [Box(label, value == self.priority) for value, label in wording.PRIORITIES]

    @property
    def horizon_boxes(self) -> list[Box]:
        return [Box(label, value == self.horizon) for value, label in wording.HORIZONS]

    @property
    def priority_label(self) -> str:
        return wording.label_of(wording.PRIORITIES, self.priority) or wording.NOT_GIVEN

    @property
    def horizon_label(self) -> str:
        return wording.label_of(wording.HORIZONS, self.horizon) or wording.NOT_GIVEN

    @property
    def budget_text(self) -> str:
        return wording.euro(self.budget)

    @property
    def description_paragraphs(self) -> list[str]:
        return paragraphs(self.description)


@dataclass
class CountTable:
    """Figures of the Ist-Analyse: a chart (inline SVG) and the same figures as a table."""

    title: str
    caption: str
    column: str  # heading of the label column
    rows: list[tuple[str, int]]
    svg: str = ""

    @property
    def total(self) -> int:
        return sum(count for _label, count in self.rows)


@dataclass
class AnnexEntry:
    title: str
    kind: str
    status: str
    lead: str
    years: str
    dimensions: str


@dataclass
class Inventory:
    municipality: str
    total: int
    tables: list[CountTable]
    entries: list[AnnexEntry]


@dataclass
class Section:
    title: str
    text: str = ""
    items: list[str] = field(default_factory=list)


@dataclass
class Participation:
    """What the participation processes on the strategy brought (only shown when there were any)."""

    processes: list[Section]
    contributions: int
    taken: int


@dataclass
class Finances:
    total: Decimal
    with_funding: Decimal
    without_funding: Decimal
    measures_with_budget: int
    measures_without_budget: list[str]
    rows: list[tuple[str, str, str]]  # measure, budget, funding

    @property
    def total_text(self) -> str:
        return wording.euro(self.total)

    @property
    def with_funding_text(self) -> str:
        return wording.euro(self.with_funding)

    @property
    def without_funding_text(self) -> str:
        return wording.euro(self.without_funding)


@dataclass
class StrategyDocument:
    strategy_id: int
    municipality: str
    region: str
    title: str
    motto: str
    version_label: str  # "Entwurf 1" or "Arbeitsstand"
    version_number: int | None
    stand: str  # the date the content is of
    rendered_on: str
    summary: str
    vision: str
    principles: list[str]
    goals: list[Section]
    challenges: list[Section]
    fields_of_action: list[Section]
    measures: list[MeasureSheet]
    topic_framework: str
    inventory: Inventory
    participation: Participation | None
    source_note: str

    @property
    def subtitle(self) -> str:
        return f"{self.version_label} · Stand {self.stand}"

    @property
    def author(self) -> str:
        return (
            f"Stadt {self.municipality}" if not self.municipality.startswith(("Stadt", "Kreis")) else self.municipality
        )

    @property
    def summary_paragraphs(self) -> list[str]:
        return paragraphs(self.summary)

    @property
    def vision_paragraphs(self) -> list[str]:
        return paragraphs(self.vision)

    @property
    def roadmap(self) -> list[tuple[str, list[MeasureSheet]]]:
        """The measures by horizon: kurzfristig, mittelfristig, langfristig, then those without one."""
        rows = [
            (_capital(wording.HORIZON_SPANS[value]), [m for m in self.measures if m.horizon == value])
            for value, _label in wording.HORIZONS
        ]
        rows.append(("Ohne Angabe des Umsetzungshorizonts", [m for m in self.measures if not m.horizon]))
        return [(label, measures) for label, measures in rows if measures]

    @property
    def finances(self) -> Finances:
        return finances(self.measures)

    def measure(self, number: str) -> MeasureSheet | None:
        return next((m for m in self.measures if m.number == number), None)


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def paragraphs(text: str) -> list[str]:
    """Paragraphs of a text: blank lines separate them, single line breaks join lines of one paragraph."""
    blocks = [" ".join(line.strip() for line in block.splitlines()) for block in text.replace("\r", "").split("\n\n")]
    return [block for block in blocks if block]


def _decimal(value: Any) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def finances(measures: list[MeasureSheet]) -> Finances:
    """Sums of the measures' budgets, split by whether a funding source is named."""
    with_budget = [m for m in measures if m.budget is not None]
    total = sum((m.budget for m in with_budget if m.budget is not None), Decimal(0))
    funded = sum((m.budget for m in with_budget if m.budget is not None and m.funding.strip()), Decimal(0))
    return Finances(
        total=total,
        with_funding=funded,
        without_funding=total - funded,
        measures_with_budget=len(with_budget),
        measures_without_budget=[m.heading for m in measures if m.budget is None],
        rows=[(m.heading, m.budget_text, m.funding.strip() or "–") for m in measures],
    )


def _topic_labels(strategy: Strategy) -> list[str]:
    if strategy.topic_framework_id is None:
        return []
    return list(
        Term.objects.filter(framework_id=strategy.topic_framework_id, parent__isnull=True)
        .order_by("order", "label")
        .values_list("label", flat=True)
    )


def measure_sheet(item: dict[str, Any], *, topic_labels: list[str], topic_framework: str) -> MeasureSheet:
    """A sheet from a measure of a snapshot."""
    ticked = list(item.get("topic_terms", []))
    labels = topic_labels + [label for label in ticked if label not in topic_labels]
    return MeasureSheet(
        number=str(item.get("number") or ""),
        title=str(item.get("title") or ""),
        topic_framework=topic_framework,
        topics=[Box(label, label in ticked) for label in labels],
        priority=str(item.get("priority") or ""),
        horizon=str(item.get("horizon") or ""),
        objective=str(item.get("objective") or ""),
        description=str(item.get("description") or ""),
        stakeholders=str(item.get("stakeholders") or ""),
        goals=list(item.get("goals", [])),
        challenges=list(item.get("challenges", [])),
        fields_of_action=list(item.get("fields_of_action", [])),
        entries=list(item.get("entries", [])),
        partner_municipalities=list(item.get("partner_municipalities", [])),
        districts=list(item.get("districts", [])),
        lead_organisation=str(item.get("lead_organisation") or ""),
        period=str(item.get("period") or ""),
        budget=_decimal(item.get("budget_eur")),
        funding=str(item.get("funding") or ""),
        indicators=[
            Indicator(
                name=str(i.get("name") or ""),
                unit=str(i.get("unit") or ""),
                baseline=wording.plain_decimal(str(i.get("baseline") or "")),
                target=wording.plain_decimal(str(i.get("target") or "")),
                year=str(i.get("year") or "–"),
            )
            for i in item.get("indicators", [])
        ],
        milestones=[
            Milestone(
                title=str(s.get("title") or ""),
                when=wording.iso_date(str(s["date"])) if s.get("date") else str(s.get("year") or "–"),
                done=bool(s.get("done")),
            )
            for s in item.get("milestones", [])
        ],
        source_url=str(item.get("source_url") or ""),
    )


def _inventory(municipality: Municipality) -> Inventory:
    entries = published_in(municipalities=Municipality.objects.filter(pk=municipality.pk))
    tables: list[CountTable] = []
    giffinger = Framework.objects.filter(slug=Framework.GIFFINGER).first()
    if giffinger is not None:
        matrix = coverage_by_municipality(framework=giffinger, municipalities=[municipality], entries=entries)
        tables.append(
            CountTable(
                title="Einträge nach Smart-City-Dimension",
                caption=(
                    "Veröffentlichte Einträge je Dimension nach Giffinger (2007); ein Eintrag kann mehreren "
                    "Dimensionen angehören."
                ),
                column="Dimension",
                rows=[(row.term.label, row.cells[0].count) for row in matrix.rows],
            )
        )
    tables.append(
        CountTable(
            title="Einträge nach Status",
            caption="Veröffentlichte Einträge nach ihrem Umsetzungsstand.",
            column="Status",
            rows=[(wording.entry_status(row.value), row.count) for row in counts_by_status(entries)],
        )
    )
    tables.append(
        CountTable(
            title="Einträge nach Art",
            caption="Projekte, Lösungen und Wissen (Studien, Konzepte, Daten, Expertise).",
            column="Art",
            rows=[(wording.ENTRY_KINDS_PLURAL.get(row.value, row.label), row.count) for row in counts_by_kind(entries)],
        )
    )
    for table in tables:
        table.svg = bar_chart(table.title, table.rows)
    giffinger_terms = Term.objects.filter(framework__slug=Framework.GIFFINGER).select_related("parent__parent")
    annex = [
        AnnexEntry(
            title=entry.title,
            kind=wording.ENTRY_KINDS.get(entry.kind, entry.kind),
            status=wording.entry_status(entry.status),
            lead=entry.lead_organisation.name if entry.lead_organisation else "–",
            years=entry.years or "–",
            dimensions=", ".join(sorted({_top(term).label for term in entry.terms.all()})) or "–",
        )
        for entry in entries.select_related("lead_organisation")
        .prefetch_related(Prefetch("terms", queryset=giffinger_terms))
        .order_by("title")
    ]
    return Inventory(municipality=municipality.name, total=len(annex), tables=tables, entries=annex)


def _top(term: Term) -> Term:
    while term.parent is not None:
        term = term.parent
    return term


def participation_summary(strategy: Strategy) -> Participation | None:
    """The published participation processes that fed the strategy; None without the app or without data."""
    if not apps.is_installed("smartstadt.participation"):
        return None
    from smartstadt.participation.models import Idea, IdeaStatus, Process

    processes = list(Process.objects.filter(strategy=strategy, is_published=True).order_by("created_at", "title"))
    if not processes:
        return None
    ideas = Idea.objects.filter(process__in=processes, is_hidden=False)
    counts = {row["process_id"]: row for row in _idea_counts(ideas, IdeaStatus.TAKEN)}
    sections = []
    for process in processes:
        row = counts.get(process.pk, {"n": 0, "taken": 0})
        items = [f"{row['n']} Beiträge (Ideen)", f"{row['taken']} davon in die Strategie übernommen"]
        sections.append(Section(title=process.title, text=process.summary, items=items))
    return Participation(
        processes=sections,
        contributions=sum(row["n"] for row in counts.values()),
        taken=sum(row["taken"] for row in counts.values()),
    )


def _idea_counts(ideas: Any, taken: str) -> list[dict[str, Any]]:
    from django.db.models import Count, Q

    return list(ideas.values("process_id").annotate(n=Count("pk"), taken=Count("pk", filter=Q(status=taken))))


def build_strategy_document(
    strategy: Strategy, *, version: StrategyVersion | None = None, progress: Progress = no_progress
) -> StrategyDocument:
    """The whole strategy document's content from the working state (``version=None``) or a frozen version."""
    progress(5, "Daten der Strategie lesen")
    strategy = Strategy.objects.select_related("municipality", "region", "topic_framework").get(pk=strategy.pk)
    if version is None:
        snapshot = strategy_snapshot(strategy)
        label, number, stand = "Arbeitsstand", None, wording.date(timezone.localdate())
    else:
        snapshot = version.snapshot
        label, number, stand = version.label, version.number, wording.date(timezone.localtime(version.created_at))
    data = snapshot.get("strategy", {})
    topic_framework = str(data.get("topic_framework") or "")
    topic_labels = _topic_labels(strategy)
    measures = [
        measure_sheet(item, topic_labels=topic_labels, topic_framework=topic_framework)
        for item in snapshot.get("measures", [])
    ]
    progress(10, "Ist-Analyse aus dem Bestand zählen")
    inventory = _inventory(strategy.municipality)
    measures_by_challenge: dict[str, list[str]] = {}
    measures_by_field: dict[str, list[str]] = {}
    for measure in measures:
        for title in measure.challenges:
            measures_by_challenge.setdefault(title, []).append(measure.heading)
        for title in measure.fields_of_action:
            measures_by_field.setdefault(title, []).append(measure.heading)
    return StrategyDocument(
        strategy_id=strategy.pk,
        municipality=str(data.get("municipality") or strategy.municipality.name),
        region=str(data.get("region") or (strategy.municipality.region.name if strategy.municipality.region else "")),
        title=str(data.get("title") or strategy.title),
        motto=str(data.get("motto") or ""),
        version_label=label,
        version_number=number,
        stand=stand,
        rendered_on=wording.date(timezone.localdate()),
        summary=str(data.get("summary") or ""),
        vision=str(data.get("vision") or ""),
        principles=[str(p.get("text") or "") for p in snapshot.get("guiding_principles", [])],
        goals=[
            Section(title=str(g.get("title") or ""), text=str(g.get("description") or ""))
            for g in snapshot.get("goals", [])
        ],
        challenges=[
            Section(
                title=str(c.get("title") or ""),
                text=str(c.get("description") or ""),
                items=[
                    *(f"Bedroht das Ziel: {goal}" for goal in c.get("goals", [])),
                    *(f"Maßnahme: {m}" for m in measures_by_challenge.get(str(c.get("title")), [])),
                ],
            )
            for c in snapshot.get("challenges", [])
        ],
        fields_of_action=[
            Section(
                title=str(f.get("title") or ""),
                text=str(f.get("description") or ""),
                items=[
                    *(f"Schlagwort: {term}" for term in f.get("terms", [])),
                    *(f"Maßnahme: {m}" for m in measures_by_field.get(str(f.get("title")), [])),
                ],
            )
            for f in snapshot.get("fields_of_action", [])
        ],
        measures=measures,
        topic_framework=topic_framework,
        inventory=inventory,
        participation=participation_summary(strategy),
        source_note=strategy.source_note,
    )
