"""German full-text search over inventory entries and organisations, with the same results on SQLite and PostgreSQL.

The German text processing (stemming, umlauts, compound words) happens in Python (:mod:`smartstadt.text.stems`);
the databases only store and look up the resulting tokens, so both find the same records in the same order:

* :class:`~smartstadt.inventory.models.EntrySearchDocument` / ``OrganisationSearchDocument`` (inventory's tables,
  beside the records they index) hold the tokens of a
  record's title and of the rest of its text (organisation names, municipality, districts, tags …).
* SQLite: an FTS5 table over these rows (external content, kept in step by triggers).
  PostgreSQL: a generated ``tsvector`` column (title weight A, rest weight B; lexemes taken as they are, no
  parser or dictionary) with a GIN index.

A query word matches a record that contains its stem, or – ranked lower – one of its compound parts
("Ladesäule" → "lad", "saul": it finds "Ladesäulen", "Ladepunkte", "Ladeinfrastruktur"). Only the specific
parts count: not those in more than :data:`PART_MAX_SHARE` of all records ("Bürger" in "Bürgerbeteiligung"),
nor those far more frequent than the word's rarest part ("Infrastruktur" in "Ladeinfrastruktur", when "Lade"
is rarer: the query is about charging, not about any infrastructure).
All query words must match. The rank adds up, per query word, its best match in the record: the token's inverse
document frequency (rarer is better), three times as much in the title, half as much for a part. Integer
weights, so both databases sort identically (ties by title).

Interface: :func:`index_entries`, :func:`remove_entries`, :func:`index_organisations`,
:func:`rebuild_index`, :func:`compile_query`, :func:`search_entries`, :func:`search_organisations`.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import reduce
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import connection as default_connection
from django.db import models, transaction
from django.db.models import Case, Q, QuerySet, Value, When
from django.db.models.expressions import RawSQL
from django.utils import translation

from smartstadt.core import generations
from smartstadt.inventory.models import Entry, EntrySearchDocument, OrganisationSearchDocument
from smartstadt.regions.models import Organisation
from smartstadt.text import QueryWord, document_tokens, query_words

Progress = Callable[[int, int], None]  # (done, total)

BATCH_SIZE = 500
MAX_QUERY_WORDS = 8
# A compound part found in more than this share of all records is too common to search by alone.
PART_MAX_SHARE = 0.1
PART_MIN_DOCUMENTS = 5  # … unless the index is so small that the share means nothing
# Of a compound's parts only the most specific ones count: those at most twice as frequent as the rarest.
SPECIFIC_PART_RATIO = 2
TITLE_BONUS = 2  # a token in the title counts 1 + 2 times
PART_FACTOR = 0.5
WEIGHT_SCALE = 1000
VECTOR_COLUMN = "search_vector"


@dataclass(frozen=True)
class Index:
    """One search index: a document model keyed by the record's primary key."""

    document: type[models.Model]
    record: type[models.Model]
    key: str  # the document's key column = the record's primary key

    @property
    def table(self) -> str:
        return self.document._meta.db_table

    @property
    def fts(self) -> str:
        return f"{self.table}_fts"


ENTRIES = Index(EntrySearchDocument, Entry, "entry_id")
ORGANISATIONS = Index(OrganisationSearchDocument, Organisation, "organisation_id")
INDEXES = (ENTRIES, ORGANISATIONS)


# --- The databases' index structures ------------------------------------------------------------------


def _structure_sql(index: Index, vendor: str) -> list[str]:
    table, fts, key = index.table, index.fts, index.key
    if vendor == "sqlite":
        # Identifiers come from the models' metadata, never from input; input only ever goes in as parameters.
        insert = f"INSERT INTO {fts}(rowid, title, body) VALUES (new.{key}, new.title, new.body);"  # noqa: S608
        delete = f"INSERT INTO {fts}({fts}, rowid, title, body) VALUES ('delete', old.{key}, old.title, old.body);"  # noqa: S608
        return [
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {fts} USING fts5(title, body, content='{table}', "
            f"content_rowid='{key}', tokenize='ascii', detail='column')",
            f"CREATE TRIGGER IF NOT EXISTS {table}_ai AFTER INSERT ON {table} BEGIN {insert} END",
            f"CREATE TRIGGER IF NOT EXISTS {table}_ad AFTER DELETE ON {table} BEGIN {delete} END",
            f"CREATE TRIGGER IF NOT EXISTS {table}_au AFTER UPDATE ON {table} BEGIN {delete} {insert} END",
        ]
    if vendor == "postgresql":
        # "lad saul" → 'lad':1A 'saul':1A: every token a lexeme as it is (no parser, no dictionary), with a
        # position, since a tsvector keeps weights on positions only (title A, the rest B).
        lexemes = r"regexp_replace({column}, '(\S+)', '\1:1{weight}', 'g')::tsvector"
        return [
            f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS {VECTOR_COLUMN} tsvector GENERATED ALWAYS AS ("
            f"{lexemes.format(column='title', weight='A')} || {lexemes.format(column='body', weight='B')}"
            ") STORED",
            f"CREATE INDEX IF NOT EXISTS {table}_vector_idx ON {table} USING gin ({VECTOR_COLUMN})",
        ]
    return []


def _drop_structure_sql(index: Index, vendor: str) -> list[str]:
    table = index.table
    if vendor == "sqlite":
        return [
            *(f"DROP TRIGGER IF EXISTS {table}_{suffix}" for suffix in ("ai", "ad", "au")),
            f"DROP TABLE {index.fts}",
        ]
    if vendor == "postgresql":
        return [
            f"DROP INDEX IF EXISTS {table}_vector_idx",
            f"ALTER TABLE {table} DROP COLUMN IF EXISTS {VECTOR_COLUMN}",
        ]
    return []


def install_index_structures(connection: Any = None) -> None:
    """Create the FTS5 tables and triggers (SQLite) or the tsvector columns and GIN indexes (PostgreSQL)."""
    connection = connection or default_connection
    with connection.cursor() as cursor:
        for index in INDEXES:
            for statement in _structure_sql(index, connection.vendor):
                cursor.execute(statement)


def drop_index_structures(connection: Any = None) -> None:
    connection = connection or default_connection
    with connection.cursor() as cursor:
        for index in INDEXES:
            for statement in _drop_structure_sql(index, connection.vendor):
                cursor.execute(statement)


# --- Change notices: what caches of search results (the facet counts) are keyed by -------------------------

GENERATION = "search"  # see smartstadt/core/generations.py: shared by all processes, also without Redis


def generation() -> int:
    """A number that changes whenever the index or the entries' visibility changes."""
    return generations.ensure(GENERATION)


def changed() -> None:
    """Invalidate cached search results: now, and again once the transaction is committed (a request that read
    the old data in between must not keep its result under the new number)."""
    generations.bump(GENERATION)
    transaction.on_commit(lambda: generations.bump(GENERATION))


# --- Documents ----------------------------------------------------------------------------------------


def _join(tokens: Iterable[str]) -> str:
    return " ".join(tokens)


def entry_document(entry: Entry) -> tuple[str, str]:
    """(title tokens, other tokens) of an entry whose relations are prefetched."""
    texts: list[str] = [entry.summary, entry.description, entry.municipality.name]
    if entry.lead_organisation is not None:
        texts += [entry.lead_organisation.name, entry.lead_organisation.short_name]
    texts += [f"{partner.name} {partner.short_name}" for partner in entry.partners.all()]
    texts += [district.name for district in entry.districts.all()]
    texts += [term.label for term in entry.terms.all()]
    texts += [str(source) for source in entry.funding_sources or [] if isinstance(source, str)]
    return _join(document_tokens(entry.title)), _join(document_tokens(*texts))


def organisation_document(organisation: Organisation) -> tuple[str, str]:
    with translation.override("de"):
        kind = str(organisation.get_kind_display())
    texts = [organisation.description, organisation.municipality.name, kind]
    texts += [term.label for term in organisation.competences.all()]
    return (
        _join(document_tokens(organisation.name, organisation.short_name)),
        _join(document_tokens(*texts)),
    )


def _pks(records: Iterable[Any]) -> list[Any]:
    return sorted({record.pk if isinstance(record, models.Model) else record for record in records})


def _write(index: Index, documents: dict[Any, tuple[str, str]]) -> int:
    """Store the documents, touching only rows whose tokens changed. Returns how many were written."""
    model = index.document
    existing = {
        pk: (title, body)
        for pk, title, body in model._default_manager.filter(pk__in=list(documents)).values_list("pk", "title", "body")
    }
    new = [model(pk=pk, title=title, body=body) for pk, (title, body) in documents.items() if pk not in existing]
    changed = [
        model(pk=pk, title=title, body=body)
        for pk, (title, body) in documents.items()
        if pk in existing and existing[pk] != (title, body)
    ]
    model._default_manager.bulk_create(new, batch_size=BATCH_SIZE)
    model._default_manager.bulk_update(changed, ["title", "body"], batch_size=BATCH_SIZE)
    return len(new) + len(changed)


def _batches(pks: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for start in range(0, len(pks), BATCH_SIZE):
        yield pks[start : start + BATCH_SIZE]


@transaction.atomic
def index_entries(entries: Iterable[Entry | int], progress: Progress | None = None) -> int:
    """(Re)index entries (instances or primary keys), read fresh from the database. Returns rows written."""
    pks = _pks(entries)
    written = 0
    changed()
    for done, batch in enumerate(_batches(pks)):
        loaded = (
            Entry.objects.filter(pk__in=batch)
            .select_related("municipality", "lead_organisation")
            .prefetch_related("partners", "districts", "terms")
        )
        documents = {entry.pk: entry_document(entry) for entry in loaded}
        written += _write(ENTRIES, documents)
        missing = set(batch) - set(documents)
        if missing:
            remove_entries(missing)
        if progress is not None:
            progress(min((done + 1) * BATCH_SIZE, len(pks)), len(pks))
    return written


def remove_entries(ids: Iterable[int]) -> None:
    """Forget entries (deleting an entry removes its document anyway: the key cascades)."""
    changed()
    EntrySearchDocument.objects.filter(pk__in=list(ids)).delete()


@transaction.atomic
def index_organisations(organisations: Iterable[Organisation | int], progress: Progress | None = None) -> int:
    pks = _pks(organisations)
    written = 0
    changed()
    for done, batch in enumerate(_batches(pks)):
        loaded = (
            Organisation.objects.filter(pk__in=batch).select_related("municipality").prefetch_related("competences")
        )
        documents = {organisation.pk: organisation_document(organisation) for organisation in loaded}
        written += _write(ORGANISATIONS, documents)
        missing = set(batch) - set(documents)
        if missing:
            OrganisationSearchDocument.objects.filter(pk__in=missing).delete()
        if progress is not None:
            progress(min((done + 1) * BATCH_SIZE, len(pks)), len(pks))
    return written


def entries_mentioning(organisation: Organisation) -> list[int]:
    """Entries whose document contains the organisation's name (as lead or partner)."""
    return list(
        Entry.objects.filter(Q(lead_organisation=organisation) | Q(partners=organisation))
        .values_list("pk", flat=True)
        .distinct()
    )


def _optimise(connection: Any = None) -> None:
    connection = connection or default_connection
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        for index in INDEXES:
            cursor.execute(f"INSERT INTO {index.fts}({index.fts}) VALUES ('rebuild')")  # noqa: S608
            cursor.execute(f"INSERT INTO {index.fts}({index.fts}) VALUES ('optimize')")  # noqa: S608


def rebuild_index(progress: Progress | None = None) -> dict[str, int]:
    """Index every entry and organisation again; repairs whatever the index missed. Returns rows written."""
    install_index_structures()
    entry_pks = list(Entry.objects.order_by("pk").values_list("pk", flat=True))
    organisation_pks = list(Organisation.objects.order_by("pk").values_list("pk", flat=True))
    total = len(entry_pks) + len(organisation_pks)

    def entries_progress(done: int, _total: int) -> None:
        if progress is not None:
            progress(done, total)

    def organisations_progress(done: int, _total: int) -> None:
        if progress is not None:
            progress(len(entry_pks) + done, total)

    with transaction.atomic():
        entries = index_entries(entry_pks, progress=entries_progress)
        EntrySearchDocument.objects.exclude(pk__in=Entry.objects.values("pk")).delete()
        organisations = index_organisations(organisation_pks, progress=organisations_progress)
        OrganisationSearchDocument.objects.exclude(pk__in=Organisation.objects.values("pk")).delete()
        _optimise()
    if progress is not None:
        progress(total, total)
    return {"entries": entries, "organisations": organisations}


# --- Queries ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Syntax:
    quote: Callable[[str], str]
    in_title: Callable[[str], str]
    any_of: str
    all_of: str


_SYNTAX = {
    "sqlite": _Syntax(lambda token: f'"{token}"', lambda token: f'title : "{token}"', " OR ", " AND "),
    "postgresql": _Syntax(lambda token: token, lambda token: f"{token}:A", " | ", " & "),
}


def _syntax(vendor: str) -> _Syntax:
    try:
        return _SYNTAX[vendor]
    except KeyError:
        raise ImproperlyConfigured(
            f"Die Volltextsuche unterstützt SQLite und PostgreSQL, nicht {vendor}. Bitte DATABASE_URL anpassen."
        ) from None


def _lookup_sql(index: Index, vendor: str) -> str:
    """A subquery of the keys of the documents matching the expression passed as its one parameter."""
    if vendor == "sqlite":
        return f"SELECT rowid FROM {index.fts} WHERE {index.fts} MATCH %s"  # noqa: S608
    return f"SELECT {index.key} FROM {index.table} WHERE {VECTOR_COLUMN} @@ %s::tsquery"  # noqa: S608


@dataclass(frozen=True)
class CompiledQuery:
    """A search query checked against the index: which tokens to look for, and what each is worth."""

    text: str
    index: Index
    vendor: str
    words: tuple[QueryWord, ...] = ()
    # per word: (token, weight) alternatives; empty when the word occurs nowhere
    alternatives: tuple[tuple[tuple[str, float], ...], ...] = ()
    documents: int = 0
    frequencies: dict[str, int] = field(default_factory=dict)

    @property
    def is_empty(self) -> bool:
        """True when there is no query at all (nothing is searched, everything is listed)."""
        return not self.text.strip()

    @property
    def finds_nothing(self) -> bool:
        """True when a query has no searchable word (only stop words) or a word that occurs nowhere."""
        return not self.is_empty and (not self.words or any(not options for options in self.alternatives))

    def match_expression(self) -> str:
        syntax = _syntax(self.vendor)
        groups = [
            "(" + syntax.any_of.join(syntax.quote(token) for token, _weight in alternatives) + ")"
            for alternatives in self.alternatives
        ]
        return syntax.all_of.join(groups)

    def filter(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        """The records of the queryset that match every word (the queryset unchanged for an empty query)."""
        if self.is_empty:
            return queryset
        if self.finds_nothing:
            return queryset.none()
        lookup = RawSQL(_lookup_sql(self.index, self.vendor), [self.match_expression()])  # noqa: S611 (parameter)
        return queryset.filter(pk__in=lookup)

    def ranked_tokens(self) -> list[list[tuple[str, bool, int]]]:
        """Per word its matches as (token, in the title only, points), from the most valuable down: a token in the
        title before the same token anywhere. A record scores, per word, the points of the first one it matches."""
        ranked: list[list[tuple[str, bool, int]]] = []
        for alternatives in self.alternatives:
            options = [(token, True, weight * (1 + TITLE_BONUS)) for token, weight in alternatives]
            options += [(token, False, weight) for token, weight in alternatives]
            options.sort(key=lambda option: -option[2])
            ranked.append([(token, in_title, round(points * WEIGHT_SCALE)) for token, in_title, points in options])
        return ranked

    def ranked_options(self) -> list[list[tuple[str, int]]]:
        """:meth:`ranked_tokens` as (match expression, points)."""
        syntax = _syntax(self.vendor)
        return [
            [(syntax.in_title(token) if in_title else syntax.quote(token), points) for token, in_title, points in word]
            for word in self.ranked_tokens()
        ]

    def rank_expression(self) -> Any:
        """Per word the best of its matches (a CASE tries them from the most valuable down), summed up."""
        lookup = _lookup_sql(self.index, self.vendor)
        scores: list[Any] = []
        for options in self.ranked_options():
            scores.append(
                Case(
                    *(
                        When(pk__in=RawSQL(lookup, [expression]), then=Value(points))  # noqa: S611
                        for expression, points in options
                    ),
                    default=Value(0),
                    output_field=models.IntegerField(),
                )
            )
        if not scores:
            return Value(0, output_field=models.IntegerField())
        return reduce(lambda left, right: left + right, scores)

    def rank(self, queryset: QuerySet[Any], *, order: Sequence[str] = ("title", "pk")) -> QuerySet[Any]:
        """Annotate ``search_rank`` and sort by it (best first), then by ``order``."""
        return queryset.annotate(search_rank=self.rank_expression()).order_by("-search_rank", *order)


def matching_keys(index: Index, tokens: Iterable[str]) -> dict[str, list[int]]:
    """The keys of the records containing each token (anywhere), all looked up in one database query."""
    wanted = list(dict.fromkeys(tokens))
    found: dict[str, list[int]] = {token: [] for token in wanted}
    if not wanted:
        return found
    vendor = default_connection.vendor
    lookup = _lookup_sql(index, vendor)
    # Identifiers from the models' metadata; the tokens go in as parameters.
    parts = [f"SELECT {number}, * FROM ({lookup}) AS m{number}" for number in range(len(wanted))]  # noqa: S608
    with default_connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), [_syntax(vendor).quote(token) for token in wanted])
        for number, key in cursor.fetchall():
            found[wanted[number]].append(key)
    return found


def _count(index: Index, vendor: str, tokens: Sequence[str], *, documents: bool = True) -> tuple[int, dict[str, int]]:
    """The number of documents (0 unless ``documents``) and of those containing each token (one query)."""
    syntax = _syntax(vendor)
    lookup = _lookup_sql(index, vendor)
    parts = [f"(SELECT COUNT(*) FROM {index.table})" if documents else "0"]  # noqa: S608
    parts += [f"(SELECT COUNT(*) FROM ({lookup}) AS t{number})" for number in range(len(tokens))]  # noqa: S608
    with default_connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), [syntax.quote(token) for token in tokens])
        row = cursor.fetchone()
    return int(row[0]), {token: int(count) for token, count in zip(tokens, row[1:], strict=True)}


# Document frequencies change only with the index: each process keeps those it counted for one search generation,
# and for at most FREQUENCY_MAX_AGE seconds (without Redis every process has its own generation number).
FREQUENCY_MAX_AGE = 60
FREQUENCY_CACHE_SIZE = 20_000


@dataclass
class _Counted:
    generation: int
    since: float  # time.monotonic()
    documents: int
    tokens: dict[str, int]


_counted: dict[str, _Counted] = {}


def _frequencies(index: Index, vendor: str, tokens: Sequence[str]) -> tuple[int, dict[str, int]]:
    """The number of documents and of those containing each token; counted in the database only for the tokens
    this process has not counted since the index last changed."""
    now, current = time.monotonic(), generation()
    counted = _counted.get(index.table)
    if (
        counted is None
        or counted.generation != current
        or now - counted.since > FREQUENCY_MAX_AGE
        or len(counted.tokens) > FREQUENCY_CACHE_SIZE
    ):
        documents, found = _count(index, vendor, tokens)
        _counted[index.table] = _Counted(generation=current, since=now, documents=documents, tokens=dict(found))
        return documents, found
    missing = [token for token in tokens if token not in counted.tokens]
    if missing:
        counted.tokens.update(_count(index, vendor, missing, documents=False)[1])
    return counted.documents, {token: counted.tokens[token] for token in tokens}


def _idf(documents: int, frequency: int) -> float:
    return math.log(1 + documents / max(frequency, 1))


def compile_query(text: str, index: Index = ENTRIES) -> CompiledQuery:
    """Analyse a query and look up how often its tokens occur (one database query)."""
    vendor = default_connection.vendor
    _syntax(vendor)
    words = tuple(query_words(text or "")[:MAX_QUERY_WORDS])
    if not words:
        return CompiledQuery(text=text, index=index, vendor=vendor)
    tokens = list(dict.fromkeys(token for word in words for token in word.tokens))
    documents, frequencies = _frequencies(index, vendor, tokens)
    part_limit = max(PART_MIN_DOCUMENTS, PART_MAX_SHARE * documents)
    alternatives: list[tuple[tuple[str, float], ...]] = []
    for word in words:
        options: list[tuple[str, float]] = []
        if frequencies[word.stem]:
            options.append((word.stem, _idf(documents, frequencies[word.stem])))
        parts = [part for part in word.parts if 0 < frequencies[part] <= part_limit]
        rarest = min((frequencies[part] for part in parts), default=0)
        for part in parts:
            if frequencies[part] <= SPECIFIC_PART_RATIO * rarest:
                options.append((part, PART_FACTOR * _idf(documents, frequencies[part])))
        alternatives.append(tuple(options))
    return CompiledQuery(
        text=text,
        index=index,
        vendor=vendor,
        words=words,
        alternatives=tuple(alternatives),
        documents=documents,
        frequencies=frequencies,
    )


def search_entries(query: str | CompiledQuery, base_queryset: QuerySet[Entry]) -> QuerySet[Entry]:
    """The entries of ``base_queryset`` matching the query, best first (all of them, by title, without words)."""
    compiled = query if isinstance(query, CompiledQuery) else compile_query(query, ENTRIES)
    if compiled.is_empty:
        return base_queryset.order_by("title", "pk")
    return compiled.rank(compiled.filter(base_queryset))


def search_organisations(
    query: str | CompiledQuery, base_queryset: QuerySet[Organisation] | None = None
) -> QuerySet[Organisation]:
    """Active organisations matching the query, best first; none for an empty query."""
    compiled = query if isinstance(query, CompiledQuery) else compile_query(query, ORGANISATIONS)
    if base_queryset is None:
        base_queryset = Organisation.objects.filter(is_active=True).select_related("municipality")
    if compiled.is_empty:
        return base_queryset.none()
    return compiled.rank(compiled.filter(base_queryset), order=("name", "pk"))
