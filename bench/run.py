"""Smartstadt benchmark: ``python bench/run.py`` (or ``make bench``) from the repository root.

Never touches the developer's database: it runs against a fresh SQLite file ``var/bench/bench.sqlite3``
(deleted first) or, with ``BENCH_DATABASE_URL`` (e.g. ``postgres://…/smartstadt_bench``), against that
database, which must be empty (``BENCH_FLUSH=1`` empties it first). It migrates, loads the demo region, scales
it with ``generate_region`` to 10 and 100 times its size and requests the public pages at every scale.
Figures go to ``bench/results.json`` and to a table on the terminal; docs/benchmarks.md explains them.

Knobs: ``BENCH_REQUESTS`` (timed requests per page and scale, default 50), ``BENCH_WARMUP`` (default 5),
``BENCH_SCALES`` (default ``1,10,100``).
"""

from __future__ import annotations

import importlib
import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bench.cases import PageCase, Recorder

ROOT = Path(__file__).resolve().parent.parent
RESULTS_PATH = ROOT / "bench" / "results.json"
SQLITE_PATH = ROOT / "var" / "bench" / "bench.sqlite3"
PROJECT_PACKAGE = "smartstadt."  # the platform's own apps (core, regions, frameworks, inventory, stocktaking …)
NONE = "\N{EN DASH}"


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    return int(value) if value.strip() else default


REQUESTS = env_int("BENCH_REQUESTS", 50)
WARMUP = env_int("BENCH_WARMUP", 5)
SCALES = tuple(int(item) for item in os.environ.get("BENCH_SCALES", "1,10,100").split(",") if item.strip())
LOAD = os.environ.get("BENCH_LOAD", "1") != "0"
# Benchmarks of single capabilities, each ``run(recorder)``, and the variable that skips it when set to 0.
EXTRA_BENCHMARKS = [
    ("bench.analysis_tags", "BENCH_TAGS"),  # tag suggestions: cross-validated macro-F1 against a baseline
    ("bench.analysis_engine", "BENCH_ANALYSIS"),  # retrieval quality, index build, queries, candidates
    ("bench.documents", "BENCH_DOCUMENTS"),  # strategy with 150 measures to PDF and DOCX
    ("bench.participation", "BENCH_PARTICIPATION"),  # 50,000 contributions under 8 clients, submissions
]  # the load test at about 20,000 entries (bench/load.py)


def prepare_environment() -> str:
    """Point Django at the benchmark database before anything imports the settings."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    # The local profile (static files without a manifest, demo accounts); requests then run with DEBUG off.
    os.environ.setdefault("DEBUG", "1")
    # Neither the developer's Redis: cache and sessions stay in the process.
    os.environ.pop("REDIS_URL", None)
    url = os.environ.get("BENCH_DATABASE_URL", "").strip()
    if not url:
        SQLITE_PATH.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{SQLITE_PATH}{suffix}").unlink(missing_ok=True)
        url = f"sqlite:///{SQLITE_PATH}"
    os.environ["DATABASE_URL"] = url
    # The cache in files (the embedded profile's) of this database alone, empty at the start like the database.
    from bench import load

    load.forget_cache(url)
    os.environ["SMARTSTADT_CACHE_DIR"] = str(load.cache_dir(url))
    return url


def timed(func: Callable[[], Any]) -> float:
    start = time.perf_counter()
    func()
    return time.perf_counter() - start


def timed_command(*args: str) -> float:
    """Wall time of one management command, run in this process."""
    from django.core.management import call_command

    start = time.perf_counter()
    call_command(*args)
    return time.perf_counter() - start


def count_rows() -> dict[str, int]:
    """Rows in every table of the platform's own apps (many-to-many tables included)."""
    from django.apps import apps

    counts: dict[str, int] = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.app_config is not None and model._meta.app_config.name.startswith(PROJECT_PACKAGE):
            counts[model._meta.db_table] = model._default_manager.count()
    return counts


def percentile(values: list[float], pct: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[pct - 1]


def forget_cached_results() -> None:
    """Empty the cache as if every entry had expired, but keep the search's generation number: the next search
    pays for a new combination of query and filters, not for a change of the index (see smartstadt/search/facets.py)."""
    from django.core.cache import cache

    from smartstadt.core import generations

    kept = {name: generations.read(name) for name in ("search", "analysis")}
    cache.clear()
    for name, value in kept.items():
        generations.restore(name, value)


def measure_page(recorder: Recorder, case: PageCase, scale: int | None, prefix: str = "page") -> None:
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    url = case.url()

    def get() -> Any:
        if case.uncached:
            forget_cached_results()
        response = client.get(url)
        if response.status_code != case.status:
            raise RuntimeError(f"{case.name}: {url} antwortete {response.status_code} statt {case.status}")
        return response

    for _ in range(WARMUP):
        get()
    # The query log is a bounded deque: once full (9000 entries, e.g. after load_demo with DEBUG on) a
    # capture would count zero. Start it empty, and count at once: every request start empties it again.
    reset_queries()
    with CaptureQueriesContext(connection) as queries:
        response = get()
    query_count = len(queries)
    size = len(response.content)
    durations = [timed(get) * 1000 for _ in range(REQUESTS)]
    notes = f"{url}; {REQUESTS} Anfragen nach {WARMUP} zum Aufwärmen. {case.notes}".strip()
    name = f"{prefix}.{case.name}"
    recorder.add(f"{name}.p50", statistics.median(durations), "ms", scale, notes)
    recorder.add(f"{name}.p95", percentile(durations, 95), "ms", scale, notes)
    recorder.add(f"{name}.queries", query_count, "queries", scale, f"SQL-Abfragen einer Anfrage: {url}")
    recorder.add(f"{name}.size", size / 1024, "KiB", scale, f"Antwortgröße: {url}")


def ensure_empty_database() -> None:
    from django.core.management import call_command

    from smartstadt.regions.models import Municipality

    if not Municipality.objects.exists():
        return
    if os.environ.get("BENCH_FLUSH") == "1":
        call_command("flush", interactive=False, verbosity=0)
        return
    raise SystemExit(
        "Die Benchmark-Datenbank enthält schon Daten. Bitte eine leere Datenbank angeben "
        "oder BENCH_FLUSH=1 setzen, damit sie vorher geleert wird."
    )


def database_info(url: str) -> dict[str, Any]:
    from django.db import connection

    info: dict[str, Any] = {"vendor": connection.vendor}
    if connection.vendor == "sqlite":
        import sqlite3

        info["version"] = sqlite3.sqlite_version
        info["name"] = str(Path(str(connection.settings_dict["NAME"])).relative_to(ROOT, walk_up=True))
    else:
        with connection.cursor() as cursor:
            cursor.execute("SELECT version()")
            info["version"] = cursor.fetchone()[0]
        info["name"] = connection.settings_dict["NAME"]
        info["host"] = connection.settings_dict.get("HOST", "")
    info["source"] = "BENCH_DATABASE_URL" if os.environ.get("BENCH_DATABASE_URL") else "var/bench (SQLite)"
    return info


def machine_info() -> dict[str, Any]:
    info: dict[str, Any] = {
        "cpu_count": os.cpu_count(),
        "platform": platform.platform(),
        "machine": platform.machine(),
    }
    if hasattr(os, "sched_getaffinity"):
        info["cpus_usable"] = len(os.sched_getaffinity(0))
    for path, key, prefix in (
        ("/proc/cpuinfo", "cpu_model", "model name"),
        ("/proc/meminfo", "memory_total", "MemTotal"),
    ):
        try:
            with open(path, encoding="utf-8") as handle:
                for line in handle:
                    if line.startswith(prefix):
                        info[key] = line.split(":", 1)[1].strip()
                        break
        except OSError:
            continue
    return info


def run(recorder: Recorder, url: str) -> None:
    from django.conf import settings

    from bench.cases import MEASUREMENTS, PAGE_CASES
    from smartstadt.demo.generator import synthetic_counts

    recorder.add("migrate", timed_command("migrate", "--no-input", "--verbosity=0"), "s")
    ensure_empty_database()

    before = sum(count_rows().values())
    first = timed_command("load_demo", "--quiet")
    after = count_rows()
    recorder.add("load_demo.first_run", first, "s", 1, "Leere Datenbank; mit Demo-Konten und Änderungsprotokoll")
    recorder.add(
        "load_demo.rows_created",
        sum(after.values()) - before,
        "rows",
        1,
        ", ".join(f"{table} {n}" for table, n in sorted(after.items()) if n),
    )
    second = timed_command("load_demo", "--quiet")
    changed = sum(count_rows().values()) - sum(after.values())
    recorder.add("load_demo.second_run", second, "s", 1, f"Idempotent: {changed} Zeilen neu")
    # The same without the demo accounts: shows how much of a run is password hashing (PBKDF2).
    demo_users, settings.DEMO_USERS = settings.DEMO_USERS, False
    third = timed_command("load_demo", "--quiet")
    settings.DEMO_USERS = demo_users
    recorder.add("load_demo.second_run_without_accounts", third, "s", 1, "Idempotent, DEMO_USERS aus")

    # Requests as in production: no debug templates, no query log.
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]

    # The capabilities' own benchmarks, on the demo region alone (before any synthetic data).
    for module, knob in EXTRA_BENCHMARKS:
        if os.environ.get(knob, "1") != "0":
            started = time.perf_counter()
            importlib.import_module(module).run(recorder)
            recorder.add(f"bench.{module.removeprefix('bench.')}.runtime", time.perf_counter() - started, "s")

    for scale in SCALES:
        if scale > 1 or synthetic_counts()["municipalities"]:
            seconds = timed_command("generate_region", "--scale", str(scale), "--quiet")
            counts = synthetic_counts()
            notes = ", ".join(f"{key} {value}" for key, value in counts.items())
            recorder.add("generate_region.time", seconds, "s", scale, f"Ersetzt die vorige Skalierung. {notes}")
            recorder.add("generate_region.rows_created", sum(counts.values()), "rows", scale, notes)
            if scale == 10:
                again = timed_command("generate_region", "--scale", "10", "--quiet")
                recorder.add("generate_region.same_scale_again", again, "s", scale, "Gleiche Skalierung erneut")
        recorder.add("db.rows_total", sum(count_rows().values()), "rows", scale, "Alle Tabellen der Plattform")
        for case in PAGE_CASES:
            if scale >= case.min_scale:
                measure_page(recorder, case, scale)
        for _order, _name, func in sorted(MEASUREMENTS, key=lambda item: item[0]):
            func(recorder, scale)

    if LOAD:
        run_load(recorder, url)
    removed = timed_command("generate_region", "--remove", "--quiet")
    what = "die Lastdaten (20.000 Einträge)" if LOAD else f"×{SCALES[-1]}"
    recorder.add("generate_region.remove", removed, "s", SCALES[-1], f"Alle synthetischen Daten löschen: {what}")


def run_load(recorder: Recorder, url: str) -> None:
    """The data set of the speed target (about 20,000 published entries, 2,000 organisations): the pages once more
    in this process, then the load test on the real server (bench/load.py), on SQLite and PostgreSQL."""
    from django.core.management import call_command
    from django.db import connection

    from bench import load
    from bench.cases import PAGE_CASES
    from smartstadt.inventory.models import Entry
    from smartstadt.regions.models import Municipality, Organisation

    seconds = timed_command("generate_region", *load.LOAD_GENERATE, "--quiet")
    recorder.add("load.generate_region", seconds, "s", None, f"generate_region {' '.join(load.LOAD_GENERATE)}")
    data = {
        "entries_published": Entry.objects.published().count(),
        "organisations": Organisation.objects.count(),
        "municipalities": Municipality.objects.count(),
    }
    for key, value in data.items():
        recorder.add(f"load.data.{key}", value, "rows", None, "Datenbestand der Lastmessung")
    recorder.add("load.data.rows_total", sum(count_rows().values()), "rows", None, "Alle Tabellen der Plattform")
    if connection.vendor == "postgresql":  # statistics for the planner, as autovacuum gathers them after a load
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    for case in PAGE_CASES:
        measure_page(recorder, case, None, prefix="load.page")
    # The server runs with DEBUG off: the system check refuses demo accounts with published passwords.
    call_command("remove_demo_users", verbosity=0)
    load.run(recorder, url)


def print_tables(recorder: Recorder, total: float) -> None:
    from rich.console import Console
    from rich.table import Table

    from bench.cases import PAGE_CASES

    console = Console()
    if not console.is_terminal:
        console = Console(width=150)
    commands = Table(title="Befehle und Datenmengen")
    for column in ("Messung", "Skalierung", "Wert", "Einheit"):
        commands.add_column(column, justify="right" if column in {"Wert", "Skalierung"} else "left")
    for result in recorder.results:
        if not result.name.startswith(("page.", "load.page.")) and not (
            result.name.startswith("load.") and result.name.split(".")[1] in {"sqlite", "postgresql"}
        ):
            label = f"×{result.scale}" if result.scale else NONE
            commands.add_row(result.name, label, f"{result.value:g}", result.unit)
    console.print(commands)

    pages = Table(title=f"Seiten: p50 / p95 in ms und SQL-Abfragen je Anfrage ({REQUESTS} Anfragen)")
    pages.add_column("Seite")
    columns: list[tuple[str, str, int | None]] = [(f"×{scale}", "page", scale) for scale in SCALES]
    if LOAD:
        columns.append(("20k", "load.page", None))
    for label, _prefix, _scale in columns:
        pages.add_column(f"{label} ms", justify="right")
        pages.add_column(f"{label} SQL", justify="right")
    for case in PAGE_CASES:
        row = [case.name]
        for _label, prefix, scale in columns:
            p50 = recorder.value(f"{prefix}.{case.name}.p50", scale)
            p95 = recorder.value(f"{prefix}.{case.name}.p95", scale)
            queries = recorder.value(f"{prefix}.{case.name}.queries", scale)
            row.append(NONE if p50 is None else f"{p50:.1f} / {p95:.1f}")
            row.append(NONE if queries is None else f"{queries:g}")
        pages.add_row(*row)
    console.print(pages)
    if LOAD:
        from bench import load

        load.print_table(load.LAST_RESULTS)
    console.print(f"Gesamtlaufzeit: {total:.0f} s. Ergebnisse: {RESULTS_PATH.relative_to(ROOT)}")


def load_settings() -> dict[str, Any]:
    if not LOAD:
        return {"load": False}
    from bench import load

    return {
        "load": {
            "generate_region": " ".join(load.LOAD_GENERATE),
            "clients": load.CLIENTS,
            "seconds": load.SECONDS,
            "warmup_seconds": load.WARMUP_SECONDS,
            "mix": load.MIX,
            "server": "manage.py serve --no-worker " + (" ".join(load.server_options()) or "(2 workers × 4 threads)"),
        }
    }


def main() -> int:
    started = time.perf_counter()
    url = prepare_environment()

    import django

    django.setup()

    from bench.cases import Recorder

    recorder = Recorder()
    run(recorder, url)
    total = time.perf_counter() - started
    recorder.add("bench.total_runtime", total, "s", None, "Ganzer Lauf von bench/run.py")
    document = {
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "django": django.get_version(),
        "database": database_info(url),
        "machine": machine_info(),
        "settings": {"requests_per_page": REQUESTS, "warmup": WARMUP, "scales": list(SCALES), **load_settings()},
        "results": [result.as_dict() for result in recorder.results],
    }
    RESULTS_PATH.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print_tables(recorder, total)
    return 0


if __name__ == "__main__":
    sys.exit(main())
