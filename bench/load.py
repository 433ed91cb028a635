"""Load test: the embedded profile's real server under concurrent clients, on SQLite and PostgreSQL.

``bench/run.py`` calls :func:`run` once, after the scaling measurements, on a data set of about 20,000 published
entries and 2,000 organisations (``generate_region`` with :data:`LOAD_GENERATE`). For each database it starts
``manage.py serve --no-worker`` (gunicorn, 2 workers × 4 threads, as ``make run`` does) with production settings
(``DEBUG=0``, a generated ``SECRET_KEY``, no demo accounts), waits for ``/healthz``, and lets
:data:`CLIENTS` client threads (``http.client``, keep-alive) send a mix of requests for a fixed time:

* ``search``: ``/bestand/?q=…`` with German queries made of the words of the entries' titles and summaries
  (single words, pairs, lower case, umlauts spelled out): hundreds of distinct queries, so most requests are
  cache misses; a few ask for page 2;
* ``search_facets``: the same with facets (``municipality``, ``status``, ``kind``, ``term``,
  ``organisation_kind``), e.g. ``?q=…&municipality=oberhausen&status=running``;
* ``list``: ``/bestand/`` without a query, pages 1 … N (mostly the first ones), some with a facet;
* ``entry``: the page of a random entry;
* ``api``: ``/api/entries?limit=50`` at random offsets, some with a filter or a query.

Latency is the time from sending a request to having read the whole answer. Clients run in this process; on the
2-core machine they share the CPUs with the server (``client_cpu`` records what they used).

Knobs: ``BENCH_LOAD`` (``0`` skips the load test), ``BENCH_LOAD_SECONDS`` (timed phase per database, default 40),
``BENCH_LOAD_WARMUP`` (default 8), ``BENCH_LOAD_CLIENTS`` (default 8), ``BENCH_LOAD_WORKERS`` and
``BENCH_LOAD_THREADS`` (default: what ``serve`` starts), ``BENCH_PG_URL`` (a PostgreSQL server to create the
database ``smartstadt_bench_load`` on; default ``postgres://postgres@127.0.0.1:5432/postgres`` when it answers;
``BENCH_PG_URL=0`` skips PostgreSQL).

Alone: ``python bench/load.py`` prepares both databases and prints the table (without writing results.json);
``python bench/load.py --database sqlite:///path`` uses a prepared database; ``--url http://host:port`` loads a
server that is already running.
"""

from __future__ import annotations

import argparse
import hashlib
import http.client
import itertools
import json
import os
import random
import re
import resource
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode, urlsplit, urlunsplit

if TYPE_CHECKING:
    from bench.cases import Recorder

ROOT = Path(__file__).resolve().parent.parent
LOG_DIR = ROOT / "var" / "bench"
# ≈ 20,000 published entries and ≈ 2,000 organisations: 6 × the 96 municipalities and their 340 organisations,
# each synthetic municipality with 12 copies of each of its original's 334 entries (334 + 5 · 12 · 334 = 20,374).
LOAD_GENERATE = ("--all-municipalities", "--scale", "6", "--entry-copies", "12")
PG_DATABASE = "smartstadt_bench_load"
DEFAULT_PG_URL = "postgres://postgres@127.0.0.1:5432/postgres"
TARGET_P95_MS = 150.0
SEED = 2024

# Share of each page type in the mix (the order is the order of the table).
MIX = {"search": 30, "search_facets": 10, "list": 15, "entry": 25, "api": 20}
PAGE_TYPES = tuple(MIX)
TYPE_LABELS = {
    "search": "Suche /bestand/?q=…",
    "search_facets": "Suche mit Facetten",
    "list": "Liste /bestand/, Seiten 1…N",
    "entry": "Eintragsseite",
    "api": "API /api/entries?limit=50",
}
LIST_PAGE_SIZE = 25
API_LIMIT = 50


def env_number(name: str, default: float) -> float:
    value = os.environ.get(name, "").strip()
    return float(value) if value else default


SECONDS = env_number("BENCH_LOAD_SECONDS", 40)
WARMUP_SECONDS = env_number("BENCH_LOAD_WARMUP", 8)
CLIENTS = int(env_number("BENCH_LOAD_CLIENTS", 8))


# --- The server --------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def cache_dir(database_url: str) -> Path:
    """The file cache of the processes on one database: shared by its server's workers and commands, so a
    generation number bumped by one is seen by all, and by no process on another database."""
    return LOG_DIR / "cache" / hashlib.sha256(database_url.encode()).hexdigest()[:16]


def forget_cache(database_url: str) -> None:
    """A new database starts with an empty cache: pages kept for an earlier one must not be served."""
    shutil.rmtree(cache_dir(database_url), ignore_errors=True)


def manage_env(database_url: str, **extra: str) -> dict[str, str]:
    """The environment of a management command or server on the load database (no Redis, no demo accounts)."""
    env = {key: value for key, value in os.environ.items() if key not in {"REDIS_URL", "BENCH_DATABASE_URL"}}
    env.update(DATABASE_URL=database_url, DEMO_USERS="0", PYTHONDONTWRITEBYTECODE="1")
    env["SMARTSTADT_CACHE_DIR"] = str(cache_dir(database_url))
    if database_url.startswith("postgres"):
        env["DB_CONN_MAX_AGE"] = "60"
    env.update(extra)
    return env


def server_env(database_url: str) -> dict[str, str]:
    """Production settings on the local machine: what the system check demands, HTTP instead of HTTPS."""
    return manage_env(
        database_url,
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="127.0.0.1",
        HTTPS="0",
        LOG_LEVEL="WARNING",
    )


def server_options() -> list[str]:
    options: list[str] = []
    for name, option in (("BENCH_LOAD_WORKERS", "--workers"), ("BENCH_LOAD_THREADS", "--threads")):
        value = os.environ.get(name, "").strip()
        if value:
            options += [option, value]
    return options


def session_stats(session: int) -> list[tuple[int, float]]:
    """(pid, CPU seconds) of every live process of a session: the server's master and its workers."""
    ticks = os.sysconf("SC_CLK_TCK")
    found: list[tuple[int, float]] = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii") as handle:
                stat = handle.read()
        except OSError:
            continue
        # after "(name) ": state, ppid, pgrp, session, … utime (index 11), stime (index 12)
        fields = stat[stat.rindex(")") + 2 :].split()
        if int(fields[3]) == session and fields[0] != "Z":
            found.append((int(entry), (int(fields[11]) + int(fields[12])) / ticks))
    return found


def machine_cpu_seconds() -> float | None:
    """CPU time all cores have been busy since boot (user, system, interrupts, steal; /proc/stat)."""
    try:
        with open("/proc/stat", encoding="ascii") as handle:
            fields = [int(value) for value in handle.readline().split()[1:]]
    except OSError:
        return None
    user, nice, system, _idle, _iowait, irq, softirq, steal = (fields + [0] * 8)[:8]
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def postgres_cpu_seconds() -> float:
    """CPU time of the PostgreSQL server's processes on this machine (all of them, for every database)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii") as handle:
                stat = handle.read()
        except OSError:
            continue
        if stat[stat.index("(") + 1 : stat.rindex(")")] == "postgres":
            fields = stat[stat.rindex(")") + 2 :].split()
            total += (int(fields[11]) + int(fields[12])) / ticks
    return total


@dataclass
class Server:
    url: str
    process: subprocess.Popen[bytes] | None = None
    log: Path | None = None

    def cpu_seconds(self) -> float | None:
        """CPU time (user + system) the server's processes have used so far (None: not ours, not Linux)."""
        if self.process is None or not Path("/proc/self/stat").exists():
            return None
        return sum(seconds for _pid, seconds in session_stats(self.process.pid))


@contextmanager
def serve(database_url: str, name: str) -> Iterator[Server]:
    """``manage.py serve --no-worker`` on a free port, in its own session; stopped with the whole session."""
    port = free_port()
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    log = LOG_DIR / f"server-{name}.log"
    command = [sys.executable, "manage.py", "serve", "--no-worker", "--port", str(port), *server_options()]
    with log.open("wb") as output:
        process = subprocess.Popen(  # noqa: S603 (our own manage.py)
            command,
            cwd=ROOT,
            env=server_env(database_url),
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = Server(url=f"http://127.0.0.1:{port}", process=process, log=log)
    try:
        wait_for_health(server)
        yield server
    finally:
        stop(process)


def wait_for_health(server: Server, timeout: float = 90) -> None:
    assert server.process is not None
    assert server.log is not None
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"Der Server endete beim Start; siehe {server.log}:\n{tail(server.log)}")
        try:
            with urllib.request.urlopen(f"{server.url}/healthz", timeout=2) as answer:  # noqa: S310 (our URL)
                if answer.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.25)
    raise RuntimeError(f"Der Server antwortete nicht auf /healthz; siehe {server.log}:\n{tail(server.log)}")


def tail(path: Path, lines: int = 20) -> str:
    try:
        return "\n".join(path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM to the server's session (serve, the gunicorn master, its workers), SIGKILL after 15 s."""
    for sig, wait in ((signal.SIGTERM, 15.0), (signal.SIGKILL, 5.0)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if process.poll() is not None and not session_stats(process.pid):
                return
            time.sleep(0.2)


# --- What the clients ask for ---------------------------------------------------------------------------

WORD = re.compile(r"[A-Za-zÄÖÜäöüß][A-Za-zÄÖÜäöüß-]{3,}")
SPELLED_OUT = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"})


@dataclass
class Catalogue:
    """What the mix is drawn from, read over the API from the server under test."""

    total: int
    entries: list[str]  # entry page paths
    municipalities: list[str]  # slugs of municipalities with entries
    queries: list[str]
    statuses: list[str] = field(default_factory=lambda: ["running", "planned", "completed"])
    kinds: list[str] = field(default_factory=lambda: ["project", "solution", "knowledge"])
    terms: list[str] = field(
        default_factory=lambda: [
            f"giffinger:{code}" for code in ("governance", "people", "mobility", "environment", "economy", "living")
        ]
    )
    organisation_kinds: list[str] = field(
        default_factory=lambda: ["administration", "municipal_company", "business", "research", "civil_society"]
    )


def get_json(base: str, path: str) -> Any:
    with urllib.request.urlopen(f"{base}{path}", timeout=30) as answer:  # noqa: S310 (our URL)
        return json.load(answer)


def make_queries(titles: list[str], summaries: list[str], rng: random.Random) -> list[str]:
    """Queries as visitors type them: single words, pairs of neighbouring words, in lower case, with umlauts
    spelled out; from titles and the nouns of the summaries."""
    from smartstadt.text import STOP_WORDS

    def words(text: str) -> list[str]:
        return [word.strip("-") for word in WORD.findall(text) if word.lower() not in STOP_WORDS]

    queries: set[str] = set()
    for title in titles:
        found = words(title)
        queries.update(found)
        queries.update(f"{first} {second}" for first, second in itertools.pairwise(found))
    for summary in summaries:
        queries.update(word for word in words(summary) if word[0].isupper() and len(word) >= 6)
    variants: set[str] = set()
    for query in sorted(queries):
        variants.add(query)
        if rng.random() < 0.3:
            variants.add(query.lower())
        if rng.random() < 0.3 and query != query.translate(SPELLED_OUT):
            variants.add(query.translate(SPELLED_OUT).lower())
    return sorted(query for query in variants if len(query) >= 4)


def discover(base: str, rng: random.Random, samples: int = 12) -> Catalogue:
    """Random pages of the API: entry addresses, titles, summaries, municipalities (also warms the server up)."""
    first = get_json(base, "/api/entries?limit=1")
    total = int(first["count"])
    entries: set[str] = set()
    titles: set[str] = set()
    summaries: set[str] = set()
    municipalities: set[str] = set()
    for _ in range(samples):
        offset = rng.randrange(0, max(1, total - 500))
        for item in get_json(base, f"/api/entries?limit=500&offset={offset}")["items"]:
            entries.add(urlsplit(item["url"]).path)
            titles.add(item["title"])
            summaries.add(item.get("summary") or "")
            municipalities.add(item["municipality"])
    return Catalogue(
        total=total,
        entries=sorted(entries),
        municipalities=sorted(municipalities),
        queries=make_queries(sorted(titles), sorted(summaries), rng),
    )


def list_page(rng: random.Random, pages: int) -> int:
    """Mostly the first pages, sometimes far down the list."""
    draw = rng.random()
    if draw < 0.5:
        return rng.randint(2, min(5, pages))
    if draw < 0.8:
        return rng.randint(2, min(20, pages))
    return rng.randint(2, pages)


def facets(catalogue: Catalogue, rng: random.Random) -> dict[str, str]:
    """One or two facets as the search page's links set them."""
    choices: list[dict[str, str]] = [
        {"municipality": rng.choice(catalogue.municipalities), "status": rng.choice(catalogue.statuses)},
        {"municipality": "oberhausen", "status": "running"},
        {"municipality": rng.choice(catalogue.municipalities)},
        {"status": rng.choice(catalogue.statuses)},
        {"kind": rng.choice(catalogue.kinds)},
        {"term": rng.choice(catalogue.terms)},
        {"organisation_kind": rng.choice(catalogue.organisation_kinds)},
        {"term": rng.choice(catalogue.terms), "status": rng.choice(catalogue.statuses)},
    ]
    return rng.choice(choices)


def next_request(catalogue: Catalogue, rng: random.Random) -> tuple[str, str]:
    """(page type, path) of the next request."""
    kind = rng.choices(PAGE_TYPES, weights=[MIX[name] for name in PAGE_TYPES])[0]
    if kind == "search":
        params = {"q": rng.choice(catalogue.queries)}
        if rng.random() < 0.1:
            params["page"] = "2"
        return kind, f"/bestand/?{urlencode(params)}"
    if kind == "search_facets":
        return kind, f"/bestand/?{urlencode({'q': rng.choice(catalogue.queries), **facets(catalogue, rng)})}"
    if kind == "list":
        pages = max(2, -(-catalogue.total // LIST_PAGE_SIZE))
        if rng.random() < 0.2:
            return kind, "/bestand/"
        if rng.random() < 0.2:
            return kind, f"/bestand/?{urlencode(facets(catalogue, rng))}"
        return kind, f"/bestand/?page={list_page(rng, pages)}"
    if kind == "entry":
        return kind, rng.choice(catalogue.entries)
    params = {"limit": str(API_LIMIT)}
    draw = rng.random()
    if draw < 0.6:
        params["offset"] = str(rng.randrange(0, max(1, catalogue.total - API_LIMIT)))
    elif draw < 0.75:
        params["municipality"] = rng.choice(catalogue.municipalities)
    elif draw < 0.9:
        params["status"] = rng.choice(catalogue.statuses)
        params["offset"] = str(rng.randrange(0, 50) * API_LIMIT)
    else:
        params["q"] = rng.choice(catalogue.queries)
    return kind, f"/api/entries?{urlencode(params)}"


# --- The clients -------------------------------------------------------------------------------------------


@dataclass
class Sample:
    kind: str
    status: int  # 0: no answer
    ms: float
    size: int


class Client:
    """One visitor, as a browser: a keep-alive connection (reopened when the server closed it), and the cookies
    the server sets (the CSRF cookie of the language switch) sent back."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.connection: http.client.HTTPConnection | None = None
        self.cookies: dict[str, str] = {}

    def get(self, path: str) -> tuple[int, int]:
        headers = {"User-Agent": "smartstadt-bench/load", "Accept-Language": "de"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        for attempt in range(2):
            if self.connection is None:
                self.connection = http.client.HTTPConnection(self.host, self.port, timeout=60)
            try:
                self.connection.request("GET", path, headers=headers)
                answer = self.connection.getresponse()
                body = answer.read()
                for header in answer.headers.get_all("Set-Cookie") or []:
                    name, _, value = header.split(";", 1)[0].partition("=")
                    self.cookies[name.strip()] = value.strip()
                if answer.will_close:
                    self.close()
                return answer.status, len(body)
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.close()  # a keep-alive connection the server had closed: once more on a new one
                if attempt:
                    raise
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None


def drive(url: str, catalogue: Catalogue, seconds: float, clients: int, seed: int) -> tuple[list[Sample], float]:
    """``clients`` threads requesting the mix for ``seconds``. Returns the samples and the elapsed time."""
    samples: list[Sample] = []
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def visitor(number: int) -> None:
        rng = random.Random(f"{seed}-{number}")
        client = Client(url)
        mine: list[Sample] = []
        while time.perf_counter() < deadline:
            kind, path = next_request(catalogue, rng)
            started = time.perf_counter()
            try:
                status, size = client.get(path)
            except OSError:
                status, size = 0, 0
                client.close()
            mine.append(Sample(kind, status, (time.perf_counter() - started) * 1000, size))
        client.close()
        with lock:
            samples.extend(mine)

    started = time.perf_counter()
    threads = [threading.Thread(target=visitor, args=(number,), daemon=True) for number in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return samples, time.perf_counter() - started


def percentile(values: list[float], pct: int) -> float:
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[pct - 1]


@dataclass
class LoadResult:
    name: str  # "sqlite", "postgresql"
    seconds: float
    samples: list[Sample]
    server_cpu: float | None
    client_cpu: float
    data: str
    postgres_cpu: float = 0.0  # the PostgreSQL server's processes
    other_cpu: float | None = None  # the rest of the machine: anything else running at the same time

    def by_type(self) -> dict[str, list[Sample]]:
        groups: dict[str, list[Sample]] = defaultdict(list)
        for sample in self.samples:
            groups[sample.kind].append(sample)
        return groups

    def stats(self) -> dict[str, dict[str, float]]:
        result: dict[str, dict[str, float]] = {}
        for kind in PAGE_TYPES:
            group = self.by_type().get(kind, [])
            durations = [sample.ms for sample in group]
            if not durations:
                continue
            result[kind] = {
                "requests": len(group),
                "errors": sum(1 for sample in group if sample.status != 200),
                "p50": statistics.median(durations),
                "p95": percentile(durations, 95),
                "p99": percentile(durations, 99),
                "rps": len(group) / self.seconds,
                "size": statistics.mean(sample.size for sample in group) / 1024,
            }
        durations = [sample.ms for sample in self.samples]
        result["all"] = {
            "requests": len(self.samples),
            "errors": sum(1 for sample in self.samples if sample.status != 200),
            "p50": statistics.median(durations),
            "p95": percentile(durations, 95),
            "p99": percentile(durations, 99),
            "rps": len(self.samples) / self.seconds,
            "size": statistics.mean(sample.size for sample in self.samples) / 1024,
        }
        return result


def client_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def load(server: Server, name: str, data: str) -> LoadResult:
    """Warm up, then the timed phase; the server's and the clients' CPU time of the timed phase."""
    rng = random.Random(SEED)
    catalogue = discover(server.url, rng)
    drive(server.url, catalogue, WARMUP_SECONDS, CLIENTS, SEED - 1)
    machine_before, postgres_before = machine_cpu_seconds(), postgres_cpu_seconds()
    server_before, client_before = server.cpu_seconds(), client_cpu_seconds()
    samples, seconds = drive(server.url, catalogue, SECONDS, CLIENTS, SEED)
    server_after, client_after = server.cpu_seconds(), client_cpu_seconds()
    machine_after, postgres_after = machine_cpu_seconds(), postgres_cpu_seconds()
    server_cpu = None if server_before is None or server_after is None else server_after - server_before
    client_cpu, postgres_cpu = client_after - client_before, postgres_after - postgres_before
    other_cpu = None
    if machine_before is not None and machine_after is not None and server_cpu is not None:
        other_cpu = max(0.0, machine_after - machine_before - server_cpu - client_cpu - postgres_cpu)
    data = f"{data}; {len(catalogue.queries)} verschiedene Suchanfragen, {len(catalogue.entries)} Eintragsseiten"
    return LoadResult(name, seconds, samples, server_cpu, client_cpu, data, postgres_cpu, other_cpu)


# --- Databases ----------------------------------------------------------------------------------------------


def manage(database_url: str, *args: str) -> float:
    """A management command on the load database, in a subprocess (the local profile, without demo accounts)."""
    started = time.perf_counter()
    subprocess.run(  # noqa: S603 (our own manage.py)
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=manage_env(database_url, DEBUG="1"),
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return time.perf_counter() - started


def collect_static() -> None:
    """With DEBUG off the pages link the hashed static files: the manifest must know every file (as after
    ``make install``)."""
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity=0"],
        cwd=ROOT,
        env=manage_env(os.environ.get("DATABASE_URL", ""), DEBUG="1"),
        check=True,
    )


def prepare(database_url: str) -> float:
    """An empty database → migrated, demo region without accounts, scaled to the load data set."""
    started = time.perf_counter()
    forget_cache(database_url)
    manage(database_url, "migrate", "--no-input", "--verbosity=0")
    manage(database_url, "load_demo", "--quiet")
    manage(database_url, "generate_region", *LOAD_GENERATE, "--quiet")
    if database_url.startswith("postgres"):
        # Statistics for the planner, as autovacuum gathers them after a bulk load (it may be off, as here).
        import psycopg

        with psycopg.connect(database_url, autocommit=True) as connection:
            connection.execute("VACUUM ANALYZE")
    return time.perf_counter() - started


def postgres_server_url() -> str | None:
    """The PostgreSQL server to use (BENCH_PG_URL, else the local default when it answers), or None."""
    configured = os.environ.get("BENCH_PG_URL", "").strip()
    if configured in {"0", "off", "no"}:
        return None
    url = configured or DEFAULT_PG_URL
    try:
        import psycopg

        with psycopg.connect(url, connect_timeout=3):
            return url
    except Exception:
        if configured:
            raise
        return None


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


@contextmanager
def postgres_database(server_url: str) -> Iterator[str]:
    """A fresh database on the server, dropped afterwards."""
    import psycopg
    from psycopg import sql

    def execute(statement: sql.Composed) -> None:
        with psycopg.connect(server_url, autocommit=True) as admin:
            admin.execute(statement)

    name = sql.Identifier(PG_DATABASE)
    execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
    execute(sql.SQL("CREATE DATABASE {}").format(name))
    try:
        yield with_database(server_url, PG_DATABASE)
    finally:
        execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))


def data_description() -> str:
    from smartstadt.inventory.models import Entry
    from smartstadt.regions.models import Municipality, Organisation

    return (
        f"{Entry.objects.published().count()} veröffentlichte Einträge, {Organisation.objects.count()} Akteure, "
        f"{Municipality.objects.count()} Kommunen (generate_region {' '.join(LOAD_GENERATE)})"
    )


# --- Reporting ---------------------------------------------------------------------------------------------


def record(recorder: Recorder, result: LoadResult) -> None:
    stats = result.stats()
    notes = (
        f"{CLIENTS} Clients, {result.seconds:.0f} s nach {WARMUP_SECONDS:.0f} s Aufwärmen, manage.py serve "
        f"{' '.join(server_options()) or '(2 Worker × 4 Threads)'}; {result.data}"
    )
    for kind, figures in stats.items():
        label = TYPE_LABELS.get(kind, "alle Seitentypen")
        prefix = f"load.{result.name}.{kind}"
        for pct in ("p50", "p95", "p99"):
            recorder.add(f"{prefix}.{pct}", figures[pct], "ms", None, f"{label}. {notes}")
        recorder.add(f"{prefix}.rps", figures["rps"], "req/s", None, f"{label}: Anfragen je Sekunde")
        recorder.add(f"{prefix}.requests", figures["requests"], "requests", None, label)
        recorder.add(f"{prefix}.errors", figures["errors"], "requests", None, f"{label}: Antworten ≠ 200")
    requests = stats["all"]["requests"]
    if result.server_cpu is not None and requests:
        recorder.add(
            f"load.{result.name}.server_cpu_per_request",
            result.server_cpu / requests * 1000,
            "ms",
            None,
            f"CPU-Zeit des Servers (alle Prozesse) je Anfrage: {result.server_cpu:.1f} s für {requests} Anfragen",
        )
    recorder.add(
        f"load.{result.name}.client_cpu",
        result.client_cpu / result.seconds * 100,
        "%",
        None,
        "CPU der Clients (dieser Prozess) in % eines Kerns",
    )
    if result.postgres_cpu and requests:
        recorder.add(
            f"load.{result.name}.postgres_cpu_per_request",
            result.postgres_cpu / requests * 1000,
            "ms",
            None,
            f"CPU-Zeit der PostgreSQL-Prozesse je Anfrage: {result.postgres_cpu:.1f} s",
        )
    if result.other_cpu is not None:
        recorder.add(
            f"load.{result.name}.other_cpu",
            result.other_cpu / result.seconds * 100,
            "%",
            None,
            "CPU anderer Prozesse der Maschine währenddessen in % eines Kerns (Störung der Messung)",
        )


def print_table(results: list[LoadResult]) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    if not console.is_terminal:
        console = Console(width=150)
    for result in results:
        stats = result.stats()
        table = Table(title=f"Last: {result.name}, {CLIENTS} Clients, {result.seconds:.0f} s ({result.data})")
        for column in ("Seitentyp", "Anfragen", "Fehler", "p50 ms", "p95 ms", "p99 ms", "Anfragen/s", "KiB"):
            table.add_column(column, justify="left" if column == "Seitentyp" else "right")
        for kind, figures in stats.items():
            p95 = f"{figures['p95']:.1f}"
            if kind != "all" and figures["p95"] > TARGET_P95_MS:
                p95 = f"[bold red]{p95}[/]"
            table.add_row(
                kind,
                f"{figures['requests']:.0f}",
                f"{figures['errors']:.0f}",
                f"{figures['p50']:.1f}",
                p95,
                f"{figures['p99']:.1f}",
                f"{figures['rps']:.1f}",
                f"{figures['size']:.0f}",
            )
        console.print(table)
        if result.server_cpu is not None:
            per_request = result.server_cpu / max(1, len(result.samples)) * 1000
            postgres = (
                f", PostgreSQL {result.postgres_cpu / max(1, len(result.samples)) * 1000:.1f} ms je Anfrage"
                if result.postgres_cpu
                else ""
            )
            other = (
                f", andere Prozesse {result.other_cpu / result.seconds * 100:.0f} % eines Kerns"
                if result.other_cpu is not None
                else ""
            )
            console.print(
                f"Server-CPU {result.server_cpu:.1f} s ({per_request:.1f} ms je Anfrage){postgres}, "
                f"Clients {result.client_cpu / result.seconds * 100:.0f} % eines Kerns{other}"
            )


# --- Entry points ------------------------------------------------------------------------------------------


def run(recorder: Recorder, database_url: str) -> list[LoadResult]:
    """From bench/run.py, on its database with the load data set in place (generated, demo accounts removed):
    the load on it, then on the other database (PostgreSQL, or SQLite when the run is on PostgreSQL)."""
    from django.db import connection

    results: list[LoadResult] = []
    data = data_description()
    vendor = "sqlite" if database_url.startswith("sqlite") else "postgresql"
    collect_static()
    connection.close()  # the server's processes have the database to themselves
    with serve(database_url, vendor) as server:
        results.append(load(server, vendor, data))
    if vendor == "sqlite":
        server_url = postgres_server_url()
        if server_url is not None:
            with postgres_database(server_url) as url:
                seconds = prepare(url)
                recorder.add("load.postgresql.prepare", seconds, "s", None, "migrate, load_demo, generate_region")
                with serve(url, "postgresql") as server:
                    results.append(load(server, "postgresql", data))
    else:
        path = LOG_DIR / "load.sqlite3"
        LOG_DIR.mkdir(parents=True, exist_ok=True)
        remove_sqlite(path)
        seconds = prepare(f"sqlite:///{path}")
        recorder.add("load.sqlite.prepare", seconds, "s", None, "migrate, load_demo, generate_region")
        with serve(f"sqlite:///{path}", "sqlite") as server:
            results.append(load(server, "sqlite", data))
        remove_sqlite(path)
    for result in results:
        record(recorder, result)
    LAST_RESULTS[:] = results
    return results


LAST_RESULTS: list[LoadResult] = []  # of the last run(), for bench/run.py's tables


def remove_sqlite(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="a running server to load (nothing is started)")
    parser.add_argument("--database", help="a prepared database (DATABASE_URL) to start the server on")
    parser.add_argument("--name", default="", help="name of the run in the table")
    arguments = parser.parse_args()
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    data = "vorbereitete Daten"
    results: list[LoadResult] = []
    if not arguments.url:
        collect_static()
    if arguments.url:
        results.append(load(Server(url=arguments.url.rstrip("/")), arguments.name or "server", data))
    elif arguments.database:
        name = arguments.name or ("sqlite" if arguments.database.startswith("sqlite") else "postgresql")
        with serve(arguments.database, name) as server:
            results.append(load(server, name, data))
    else:
        path = LOG_DIR / "load.sqlite3"
        LOG_DIR.mkdir(parents=True, exist_ok=True)
        remove_sqlite(path)
        prepare(f"sqlite:///{path}")
        with serve(f"sqlite:///{path}", "sqlite") as server:
            results.append(load(server, "sqlite", data))
        server_url = postgres_server_url()
        if server_url is not None:
            with postgres_database(server_url) as url:
                prepare(url)
                with serve(url, "postgresql") as server:
                    results.append(load(server, "postgresql", data))
    print_table(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
