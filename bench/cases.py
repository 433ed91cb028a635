"""What the benchmark measures, so that later capabilities can add their own cases.

* :func:`page_case` registers a page: ``bench/run.py`` requests it with ``django.test.Client`` at every
  scale (1, 10 and 100 times the demo region) and records p50/p95 latency and the SQL queries of one request.
* :func:`measurement` registers any other measurement (an import, an export, a task) that runs once at every
  scale after the pages and records its figures with :meth:`Recorder.add`.

Data for the larger scales comes from ``manage.py generate_region``; a capability that wants its own
records scaled registers a ``generator_step`` (see ``smartstadt/demo/generator.py``), not a bench case.

Cases are imported after ``django.setup()``, so they may import models at module level of their functions.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Result:
    name: str
    value: float
    unit: str
    scale: int | None = None
    notes: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "value": self.value,
            "unit": self.unit,
            "scale": self.scale,
            "notes": self.notes,
        }


@dataclass
class Recorder:
    results: list[Result] = field(default_factory=list)

    def add(self, name: str, value: float, unit: str, scale: int | None = None, notes: str = "") -> Result:
        result = Result(name=name, value=round(value, 3), unit=unit, scale=scale, notes=notes)
        self.results.append(result)
        return result

    def value(self, name: str, scale: int | None = None) -> float | None:
        for result in self.results:
            if result.name == name and result.scale == scale:
                return result.value
        return None


@dataclass(frozen=True)
class PageCase:
    """A page requested anonymously; ``path`` may be a function for URLs that depend on the data."""

    name: str
    path: str | Callable[[], str]
    notes: str = ""
    min_scale: int = 1
    status: int = 200
    uncached: bool = False  # empty the cache before every request, to measure what a cache miss costs (the search's
    # generation number stays, so a search pays for a new combination of query and filters, not for a changed index)

    def url(self) -> str:
        return self.path() if callable(self.path) else self.path


PAGE_CASES: list[PageCase] = []

type Measurement = Callable[[Recorder, int], None]
MEASUREMENTS: list[tuple[int, str, Measurement]] = []


def page_case(
    name: str, path: str | Callable[[], str], *, notes: str = "", min_scale: int = 1, uncached: bool = False
) -> None:
    if all(case.name != name for case in PAGE_CASES):
        PAGE_CASES.append(PageCase(name=name, path=path, notes=notes, min_scale=min_scale, uncached=uncached))


def measurement(name: str, order: int = 100) -> Callable[[Measurement], Measurement]:
    """Register a measurement that runs at every scale: ``func(recorder, scale)``."""

    def register(func: Measurement) -> Measurement:
        if all(existing != name for _order, existing, _func in MEASUREMENTS):
            MEASUREMENTS.append((order, name, func))
        return func

    return register


# --- The platform's public pages -----------------------------------------------------------------


def _organisation_url() -> str:
    from smartstadt.regions.models import Organisation

    return (
        Organisation.objects.select_related("municipality")
        .get(municipality__slug="oberhausen", slug="stoag")
        .get_absolute_url()
    )


def _synthetic_municipality_url() -> str:
    from smartstadt.demo.generator import synthetic_municipalities

    first = synthetic_municipalities().filter(slug__startswith="oberhausen-s").order_by("slug").first()
    if first is None:
        raise LookupError("Keine synthetische Kopie von Oberhausen vorhanden.")
    return first.get_absolute_url()


page_case("start", "/", notes="Startseite: je Region die 12 größten Kommunen, Giffinger-Zählung")
page_case("municipality_list", "/kommunen/", notes="Kommunenliste, 25 je Seite")
page_case("municipality_detail", "/kommunen/oberhausen/", notes="Oberhausen: Stadtteile, Akteure, Nachbarn")
page_case("organisation", _organisation_url, notes="Akteur STOAG (Oberhausen) mit Kompetenzen")
page_case("framework", "/ordnungsrahmen/giffinger/", notes="Giffinger: 6 Merkmale, 33 Faktoren")
page_case(
    "sitemap_index_uncached",
    "/sitemap.xml",
    notes="Sitemap-Index ohne Zwischenspeicher (im Betrieb eine Stunde zwischengespeichert)",
    uncached=True,
)
page_case(
    "sitemap_section_uncached",
    "/sitemap-organisations.xml",
    notes="Größter Sitemap-Teil (Akteure, höchstens 2.000 Adressen) ohne Zwischenspeicher",
    uncached=True,
)
page_case("healthz", "/healthz", notes="Datenbank-Ping")
page_case(
    "synthetic_municipality_detail",
    _synthetic_municipality_url,
    notes="Synthetische Kopie von Oberhausen: ihre Region hat (N-1)·10 Kommunen",
    min_scale=2,
)


# --- Inventory spreadsheet import ----------------------------------------------------------------


@measurement("inventory.import_xlsx_10000", order=200)
def inventory_import_10000(recorder: Recorder, scale: int) -> None:
    """Import of a 10,000-row XLSX into Oberhausen (its own export, repeated with new keys), then rolled back."""
    import time

    from django.contrib.auth.models import AnonymousUser
    from django.db import transaction
    from openpyxl import Workbook

    from smartstadt.core.permissions import System
    from smartstadt.inventory import spreadsheets
    from smartstadt.inventory.selectors import entries_for_export
    from smartstadt.regions.models import Municipality

    oberhausen = Municipality.objects.get(slug="oberhausen")
    context = spreadsheets.ExportContext()
    rows = [
        spreadsheets.entry_cells(entry, context)
        for entry in entries_for_export(viewer=AnonymousUser(), params={}, municipality=oberhausen)
    ]
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(spreadsheets.DATA_SHEET)
    sheet.append(spreadsheets.HEADERS)
    for number in range(10_000):
        cells = list(rows[number % len(rows)])
        cells[0], cells[1] = f"BENCH-{number:05d}", f"{cells[1]} ({number})"
        sheet.append(spreadsheets.xlsx_cells(sheet, cells))
    data = spreadsheets.workbook_bytes(workbook)
    started = time.perf_counter()
    with transaction.atomic():
        result = spreadsheets.import_entries(
            actor=System("Bench"), municipality=oberhausen, data=data, filename="bench.xlsx"
        )
        transaction.set_rollback(True)
    seconds = time.perf_counter() - started
    notes = f"{result.created} neu, {len(result.errors)} Fehler; Ziel ≤ 20 s; zurückgerollt"
    recorder.add("inventory.import_xlsx_10000", seconds, "s", scale, notes)


# --- Full-text search of the portal (smartstadt/search/) -------------------------------------

page_case("search", "/bestand/", notes="Bestand: alle veröffentlichten Einträge mit Facetten, 25 je Seite")
page_case(
    "search_query",
    "/bestand/?q=Ladeinfrastruktur",
    notes="Volltextsuche (Stammformen, Wortbestandteile) mit Facetten; Ergebnis zwischengespeichert",
)
page_case(
    "search_query_uncached",
    "/bestand/?q=digital&kind=project",
    notes="Volltextsuche mit Filter, häufiges Wort, ohne Zwischenspeicher (Facetten, Rang, Zählung neu)",
    uncached=True,
)


def _entry_url() -> str:
    from smartstadt.inventory.models import Entry

    entry = Entry.objects.published().filter(municipality__slug="oberhausen").order_by("slug").first()
    if entry is None:
        raise LookupError("Kein veröffentlichter Eintrag in Oberhausen.")
    return entry.get_absolute_url()


page_case("search_page", "/bestand/?page=3", notes="Bestand, dritte Seite der Liste nach Titel")
page_case("entry", _entry_url, notes="Eintragsseite (Oberhausen): Fakten, Schlagworte, Karte, ähnliche Einträge")
page_case(
    "api_entries",
    "/api/entries?limit=50&offset=50",
    notes="API-Liste der Einträge, 50 ab dem 51. (ohne Anmeldung: gezählt und sortiert im Bitindex der Suche)",
)


@measurement("search.bit_index_build", order=121)
def _build_bit_index(recorder: Recorder, scale: int) -> None:
    """What the first search after a change costs in each process: the bit index of the published entries."""
    import time

    from smartstadt.search.selectors import published_index

    started = time.perf_counter()
    bits = published_index(max_age=0)  # built anew
    notes = f"{len(bits.keys)} veröffentlichte Einträge; je Prozess nach jeder Änderung und spätestens alle 60 s"
    recorder.add("search.bit_index_build", time.perf_counter() - started, "s", scale, notes)


@measurement("search.rebuild_index", order=120)
def _rebuild_search_index(recorder: Recorder, scale: int) -> None:
    import time

    from smartstadt.inventory.models import Entry
    from smartstadt.search import rebuild_index

    started = time.perf_counter()
    written = rebuild_index()
    notes = f"{Entry.objects.count()} Einträge; neu geschrieben: {written}"
    recorder.add("search.rebuild_index", time.perf_counter() - started, "s", scale, notes)


# --- Memory of one app server process --------------------------------------------------------------------------


def _status_kib(field_name: str) -> int | None:
    """A figure of ``/proc/self/status`` in KiB (Linux); None elsewhere."""
    try:
        for line in open("/proc/self/status", encoding="ascii"):  # noqa: SIM115 (one small file)
            if line.startswith(f"{field_name}:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


@measurement("process.memory", order=900)
def _process_memory(recorder: Recorder, scale: int) -> None:
    """The memory of this process after it served every page at this scale: like one app server process, which
    holds the search's bit index of the published entries and the analysis vectors it loaded (both per process)."""
    from smartstadt.search.selectors import published_index

    published_index()  # as after the first search of a process
    resident, peak = _status_kib("VmRSS"), _status_kib("VmHWM")
    if resident is None or peak is None:
        return
    note = "Speicher dieses Prozesses nach allen Seiten dieser Skalierung (wie ein App-Server-Prozess)"
    recorder.add("process.memory_rss", resident / 1024, "MiB", scale, note)
    recorder.add("process.memory_peak", peak / 1024, "MiB", scale, "Höchststand seit dem Start des Prozesses")
