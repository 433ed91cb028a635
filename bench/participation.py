"""Participation under load (issue 6, item 12): ``run(recorder)``.

For SQLite (a file under ``var/bench``) and PostgreSQL (``BENCH_PG_URL``, as bench/load.py) each: a fresh database
is migrated, gets the demo region (``load_demo``) and the load set of ``generate_participation --contributions
50000 --supports 200000`` (20,000 ideas, 30,000 comments, 200,000 supports, 2,000 synthetic citizens). Then the
embedded profile's real server (``manage.py serve --no-worker``, production settings; bench/load.py's ``serve``)
is measured:

* ``participation.<db>.<page>.p50/.p95``: :data:`CLIENTS` anonymous clients request, for
  :data:`SECONDS`, a mix of the process page, the idea list in each order (page 1 and deep pages) and random
  idea pages. Target p95 ≤ 150 ms each.
* ``participation.<db>.submit.<kind>_per_second``: signed-in citizens (login form, CSRF token from the form)
  submit ideas, comments and supports through the server, :data:`CLIENTS` at a time.
* ``participation.<db>.<page>.queries.small/.large``: SQL queries of one request, counted in a management
  shell on the same database, on the demo process (3 ideas) and on the load process: they must not grow. The
  request bypasses the page cache (a kept page costs no query at all).
* ``participation.<db>.<page>.weight``: HTML plus every style sheet and script the page links, each gzip
  compressed, in kB (target ≤ 150 kB).

Knobs: ``BENCH_PARTICIPATION_CONTRIBUTIONS`` (50000), ``BENCH_PARTICIPATION_SUPPORTS`` (200000),
``BENCH_PARTICIPATION_SECONDS`` (20), ``BENCH_LOAD_CLIENTS`` (8), ``BENCH_PG_URL`` (``0`` skips PostgreSQL).
Standalone: ``.venv/bin/python bench/participation.py``.
"""

from __future__ import annotations

import gzip
import http.client
import json
import random
import re
import statistics
import subprocess
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlencode, urlsplit

if TYPE_CHECKING:
    from bench.cases import Recorder

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import load  # noqa: E402

CONTRIBUTIONS = int(load.env_number("BENCH_PARTICIPATION_CONTRIBUTIONS", 50_000))
SUPPORTS = int(load.env_number("BENCH_PARTICIPATION_SUPPORTS", 200_000))
SECONDS = load.env_number("BENCH_PARTICIPATION_SECONDS", 20)
WARMUP_SECONDS = 4.0
CLIENTS = load.CLIENTS
TARGET_P95_MS = 150.0
TARGET_WEIGHT_KB = 150.0
SEED = 2024
LOAD_SLUG = "synthetisch-beteiligung-lasttest"
DEMO_SLUG = "oberhausen-smart-city-strategie"
SORTS = ("neueste", "unterstuetzt", "diskutiert")
PAGE_SIZE = 20
CITIZENS = 16  # signed-in citizens for the submissions (each may submit 5 ideas an hour: the rate limit)
PASSWORD = "bench-participation-2024"  # noqa: S105 (synthetic accounts of a throwaway database)
IDEAS_EACH, COMMENTS_EACH, SUPPORTS_EACH = 4, 12, 60
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
ASSET = re.compile(r'<(?:link[^>]+rel="stylesheet"[^>]*href|script[^>]+src)="([^"]+)"')


# --- Preparing a database -------------------------------------------------------------------------------------


def prepare(database_url: str) -> float:
    started = time.perf_counter()
    load.manage(database_url, "migrate", "--no-input", "--verbosity=0")
    load.manage(database_url, "load_demo", "--quiet")
    load.manage(
        database_url,
        "generate_participation",
        "--contributions",
        str(CONTRIBUTIONS),
        "--supports",
        str(SUPPORTS),
        "--quiet",
    )
    shell(database_url, _PASSWORDS.format(prefix="synthetisch-buerger-", n=CITIZENS, password=PASSWORD))
    if database_url.startswith("postgres"):
        import psycopg

        with psycopg.connect(database_url, autocommit=True) as connection:
            connection.execute("VACUUM ANALYZE")
    return time.perf_counter() - started


_PASSWORDS = """
from django.contrib.auth.hashers import make_password
from smartstadt.core.models import User
users = User.objects.filter(username__startswith="{prefix}").order_by("username")[:{n}]
User.objects.filter(pk__in=[u.pk for u in users]).update(password=make_password("{password}"))
"""

# Queries of one anonymous request per page, in a shell on the benchmark database: the demo process (small)
# and the load process (large).
_QUERIES = """
import json
from django.conf import settings
from django.db import connection, reset_queries
from django.test import Client
from django.test.utils import CaptureQueriesContext
from smartstadt.participation.models import Idea, Process
settings.ALLOWED_HOSTS = ["*"]
result = {{}}
for size, slug in (("small", "{demo}"), ("large", "{load}")):
    process = Process.objects.get(slug=slug)
    idea = Idea.objects.filter(process=process).order_by("-support_count").first()
    pages = {{
        "process": f"/beteiligung/{{slug}}/",
        "ideas": f"/beteiligung/{{slug}}/ideen/?sort=unterstuetzt",
        "idea": f"/beteiligung/{{slug}}/ideen/{{idea.pk}}/",
    }}
    client = Client()
    for name, path in pages.items():
        # A parameter the views ignore keeps the request out of the page cache (anonymous pages are kept there):
        # the count is that of a page built anew, with the cached counts of caching.py warm.
        path += ("&" if "?" in path else "?") + "ohne-seitencache=1"
        client.get(path)
        reset_queries()
        with CaptureQueriesContext(connection) as queries:
            status = client.get(path).status_code
        result[f"{{name}}.{{size}}"] = [len(queries), status]
print("RESULT" + json.dumps(result))
"""


def shell(database_url: str, code: str) -> str:
    completed = subprocess.run(  # noqa: S603 (our own manage.py)
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", code],
        cwd=ROOT,
        env=load.manage_env(database_url, DEBUG="1"),
        check=True,
        capture_output=True,
        text=True,
    )
    return completed.stdout


def query_counts(database_url: str) -> dict[str, list[int]]:
    output = shell(database_url, _QUERIES.format(demo=DEMO_SLUG, load=LOAD_SLUG))
    line = next(line for line in output.splitlines() if line.startswith("RESULT"))
    return dict(json.loads(line.removeprefix("RESULT")))


# --- HTTP -------------------------------------------------------------------------------------------------------


class Browser:
    """A keep-alive connection with cookies (session, CSRF), like a browser."""

    def __init__(self, base: str) -> None:
        parts = urlsplit(base)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.connection: http.client.HTTPConnection | None = None
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, data: dict[str, str] | None = None) -> tuple[int, bytes]:
        headers = {"User-Agent": "smartstadt-bench/participation", "Accept-Language": "de"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        body = None
        if data is not None:
            body = urlencode(data)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in range(2):
            if self.connection is None:
                self.connection = http.client.HTTPConnection(self.host, self.port, timeout=60)
            try:
                self.connection.request(method, path, body=body, headers=headers)
                answer = self.connection.getresponse()
                content = answer.read()
                for header in answer.headers.get_all("Set-Cookie") or []:
                    name, _, value = header.split(";", 1)[0].partition("=")
                    self.cookies[name.strip()] = value.strip()
                if answer.will_close:
                    self.close()
                return answer.status, content
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.close()
                if attempt:
                    raise
        raise AssertionError("unreachable")

    def get(self, path: str) -> tuple[int, bytes]:
        return self.request("GET", path)

    def token(self, path: str) -> str:
        status, content = self.get(path)
        found = TOKEN.search(content.decode("utf-8", "replace"))
        if status != 200 or found is None:
            raise RuntimeError(f"Kein CSRF-Token auf {path} (HTTP {status})")
        return found.group(1)

    def post_with(self, path: str, data: dict[str, str], token: str) -> int:
        status, _content = self.request("POST", path, {"csrfmiddlewaretoken": token, **data})
        return status

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None


def page_weight(base: str, path: str) -> tuple[float, int]:
    """kB of the page's HTML and every style sheet and script it links, gzip-compressed; and the asset count."""
    browser = Browser(base)
    _status, html = browser.get(path)
    total = len(gzip.compress(html, 6))
    assets = sorted(set(ASSET.findall(html.decode("utf-8", "replace"))))
    for asset in assets:
        if asset.startswith("/"):
            _status, content = browser.get(asset)
            total += len(gzip.compress(content, 6))
    browser.close()
    return total / 1000, len(assets)


def discover(base: str) -> tuple[list[int], int]:
    """The ideas (ids) of the load process, read from its idea list (also warms the server up)."""
    browser = Browser(base)
    ids: set[int] = set()
    for page in (1, 2, 3, 50, 200):
        _status, content = browser.get(f"/beteiligung/{LOAD_SLUG}/ideen/?page={page}")
        ids.update(int(pk) for pk in re.findall(rf"/beteiligung/{LOAD_SLUG}/ideen/(\d+)/", content.decode()))
    browser.close()
    return sorted(ids), (CONTRIBUTIONS * 2 // 5) // PAGE_SIZE


def next_page(rng: random.Random, ideas: list[int], pages: int) -> tuple[str, str]:
    draw = rng.random()
    base = f"/beteiligung/{LOAD_SLUG}"
    if draw < 0.2:
        return "process", f"{base}/"
    if draw < 0.6:
        sort = rng.choice(SORTS)
        if rng.random() < 0.5:
            return "ideas_first", f"{base}/ideen/?sort={sort}"
        return "ideas_deep", f"{base}/ideen/?sort={sort}&page={rng.randint(2, pages)}"
    return "idea", f"{base}/ideen/{rng.choice(ideas)}/"


def drive(base: str, ideas: list[int], pages: int, seconds: float, seed: int) -> dict[str, list[float]]:
    samples: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, int] = defaultdict(int)
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def visitor(number: int) -> None:
        rng = random.Random(f"{seed}-{number}")
        browser = Browser(base)
        mine: dict[str, list[float]] = defaultdict(list)
        while time.perf_counter() < deadline:
            kind, path = next_page(rng, ideas, pages)
            started = time.perf_counter()
            status, _content = browser.get(path)
            mine[kind].append((time.perf_counter() - started) * 1000)
            if status != 200:
                with lock:
                    errors[kind] += 1
        browser.close()
        with lock:
            for kind, values in mine.items():
                samples[kind].extend(values)

    threads = [threading.Thread(target=visitor, args=(number,), daemon=True) for number in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    samples["errors"] = [float(sum(errors.values()))]
    return samples


def submissions(base: str, ideas: list[int]) -> dict[str, float]:
    """Ideas, comments and supports per second by signed-in citizens, CLIENTS at a time."""
    browsers: list[Browser] = []
    tokens: list[str] = []
    for number in range(1, CITIZENS + 1):
        browser = Browser(base)
        token = browser.token("/anmelden/")
        status = browser.post_with(
            "/anmelden/", {"username": f"synthetisch-buerger-{number:06d}", "password": PASSWORD}, token
        )
        if status != 302:
            raise RuntimeError(f"Anmeldung von Bürger {number} scheiterte (HTTP {status})")
        # The login rotates the CSRF secret: the token of a form on a page after it, used for every submission.
        tokens.append(browser.token("/konto/meine-daten/"))
        browsers.append(browser)
    base_path = f"/beteiligung/{LOAD_SLUG}"
    rates: dict[str, float] = {}
    rng = random.Random(SEED)
    targets = rng.sample(ideas, min(len(ideas), SUPPORTS_EACH * 2))

    def phase(kind: str, work: list[tuple[int, str, dict[str, str]]]) -> None:
        # A citizen is one browser, one request after another: each worker sends the requests of its citizens.
        lanes: list[list[tuple[int, str, dict[str, str]]]] = [[] for _ in range(CLIENTS)]
        for item in work:
            lanes[item[0] % CLIENTS].append(item)
        failed: list[int] = []

        def worker(lane: list[tuple[int, str, dict[str, str]]]) -> None:
            for citizen, path, data in lane:
                status = browsers[citizen].post_with(path, data, tokens[citizen])
                if status not in (200, 302):
                    failed.append(status)

        started = time.perf_counter()
        threads = [threading.Thread(target=worker, args=(lane,), daemon=True) for lane in lanes]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        seconds = time.perf_counter() - started
        rates[f"{kind}_per_second"] = (len(work) - len(failed)) / seconds
        rates[f"{kind}_failed"] = len(failed)

    phase(
        "ideas",
        (
            [
                (
                    citizen,
                    f"{base_path}/ideen/neu/",
                    {"title": f"Bench-Idee {citizen}-{n}", "text": "Mehr Bänke mit Schatten am Markt."},
                )
                for citizen in range(CITIZENS)
                for n in range(IDEAS_EACH)
            ]
        ),
    )
    phase(
        "comments",
        (
            [
                (
                    citizen,
                    f"{base_path}/ideen/{targets[(citizen + n) % len(targets)]}/kommentieren/",
                    {"text": "Gute Idee, bitte auch am Wochenende."},
                )
                for citizen in range(CITIZENS)
                for n in range(COMMENTS_EACH)
            ]
        ),
    )
    phase(
        "supports",
        (
            [
                (
                    citizen,
                    f"{base_path}/ideen/{targets[(citizen * 7 + n) % len(targets)]}/unterstuetzen/",
                    {},
                )
                for citizen in range(CITIZENS)
                for n in range(SUPPORTS_EACH)
            ]
        ),
    )
    for browser in browsers:
        browser.close()
    return rates


# --- One database ----------------------------------------------------------------------------------------------


def measure(recorder: Recorder, database_url: str, name: str) -> None:
    seconds = prepare(database_url)
    recorder.add(f"participation.{name}.prepare", seconds, "s", None, "migrate, load_demo, generate_participation")
    for key, (count, status) in query_counts(database_url).items():
        page, size = key.split(".")
        recorder.add(
            f"participation.{name}.{page}.queries.{size}",
            count,
            "queries",
            None,
            f"SQL-Abfragen einer anonymen Anfrage (HTTP {status}); small: Demo-Verfahren (3 Ideen), large: "
            f"{CONTRIBUTIONS} Beiträge, {SUPPORTS} Unterstützungen",
        )
    with load.serve(database_url, f"participation-{name}") as server:
        ideas, pages = discover(server.url)
        for page, path in (
            ("process", f"/beteiligung/{LOAD_SLUG}/"),
            ("ideas", f"/beteiligung/{LOAD_SLUG}/ideen/"),
            ("idea", f"/beteiligung/{LOAD_SLUG}/ideen/{ideas[0]}/"),
        ):
            weight, assets = page_weight(server.url, path)
            recorder.add(
                f"participation.{name}.{page}.weight",
                weight,
                "kB",
                None,
                f"HTML + {assets} CSS/JS-Dateien, gzip; Ziel ≤ {TARGET_WEIGHT_KB:g} kB",
            )
        drive(server.url, ideas, pages, WARMUP_SECONDS, SEED - 1)
        samples = drive(server.url, ideas, pages, SECONDS, SEED)
        errors = samples.pop("errors")[0]
        notes = (
            f"{CLIENTS} anonyme Clients, {SECONDS:g} s; {CONTRIBUTIONS} Beiträge, {SUPPORTS} Unterstützungen; "
            f"Ziel p95 ≤ {TARGET_P95_MS:g} ms"
        )
        for kind, values in sorted(samples.items()):
            recorder.add(f"participation.{name}.{kind}.p50", statistics.median(values), "ms", None, notes)
            recorder.add(f"participation.{name}.{kind}.p95", load.percentile(values, 95), "ms", None, notes)
            recorder.add(f"participation.{name}.{kind}.requests", len(values), "requests", None, notes)
        recorder.add(f"participation.{name}.errors", errors, "requests", None, "Antworten ≠ 200")
        for key, value in submissions(server.url, ideas).items():
            unit = "1/s" if key.endswith("per_second") else "requests"
            recorder.add(
                f"participation.{name}.submit.{key}",
                value,
                unit,
                None,
                f"{CITIZENS} angemeldete Bürgerinnen und Bürger, {CLIENTS} gleichzeitig, mit CSRF-Token des Formulars",
            )


def run(recorder: Recorder) -> None:
    from django.db import connection

    load.collect_static()
    connection.close()
    path = load.LOG_DIR / "participation.sqlite3"
    load.LOG_DIR.mkdir(parents=True, exist_ok=True)
    load.remove_sqlite(path)
    try:
        measure(recorder, f"sqlite:///{path}", "sqlite")
    finally:
        load.remove_sqlite(path)
    server_url = load.postgres_server_url()
    if server_url is not None:
        with load.postgres_database(server_url) as url:
            measure(recorder, url, "postgresql")


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from bench.standalone import main

    sys.exit(main(run))
