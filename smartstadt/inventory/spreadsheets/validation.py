"""Checking the rows of a table against the municipality: one plan per good row, every error of every row."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import URLValidator
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from smartstadt.core.history import IGNORED_FIELDS, _jsonable, diff
from smartstadt.regions.models import Municipality

from ..models import Entry, EntryKind, EntryStatus, PublicationState
from ..validators import MAX_ITEMS
from .cells import _fold, cell_text, parse_decimal, parse_year, split_list
from .columns import _FIELD_HEADERS, COLUMN_BY_HEADER, HEADERS, NUMERIC_KINDS, Column, Progress
from .lookups import Lookups
from .reading import Table
from .results import RowError, RowResult

_TRACKED = [f for f in Entry._meta.concrete_fields if f.name not in IGNORED_FIELDS and not f.primary_key]
_TRACKED_NAMES = [(f.name, f.attname) for f in _TRACKED]
_PLAIN_TYPES = frozenset({str, int, bool, type(None), list, dict})
_M2M_NAMES = [f.name for f in Entry._meta.many_to_many if f.name not in IGNORED_FIELDS]
# Checked while reading the cell (links) or set by the import itself; the rest is cleaned by the model's fields.
_NOT_CLEANED = frozenset(
    {"municipality", "lead_organisation", "slug", "links", "published_at", "created_at", "updated_at"}
)
_CLEANED = [f for f in Entry._meta.concrete_fields if not f.primary_key and f.name not in _NOT_CLEANED]
_CACHEABLE_TYPES = (str, int, Decimal)
_CHECK_URL = URLValidator(schemes=["http", "https"])


def _slug_root(title: str) -> str:
    german = title.replace("ä", "ae").replace("ö", "oe").replace("ü", "ue").replace("ß", "ss")
    return slugify(german)[:90] or "eintrag"


def _next_slug(title: str, taken: set[str]) -> str:
    """Like ``regions.services.unique_slug``, against the slugs already taken or planned."""
    root = _slug_root(title)
    candidate, number = root, 2
    while candidate in taken:
        candidate, number = f"{root}-{number}", number + 1
    taken.add(candidate)
    return candidate


def _through(name: str) -> tuple[Any, str, str]:
    """The through model of a many-to-many field of entries and its two key attributes."""
    relation: Any = Entry._meta.get_field(name)
    return relation.remote_field.through, f"{relation.m2m_field_name()}_id", f"{relation.m2m_reverse_field_name()}_id"


def _state(entry: Entry, relations: dict[str, list[int]]) -> dict[str, Any]:
    """What ``smartstadt.core.history.snapshot`` records, from memory."""
    state = {}
    for name, attname in _TRACKED_NAMES:
        value = getattr(entry, attname)
        state[name] = value if type(value) in _PLAIN_TYPES else _jsonable(value)
    for name in _M2M_NAMES:
        state[name] = sorted(relations.get(name, []))
    return state


def _equivalent(old: Any, new: Any) -> bool:
    """Whether a cell says the same as the stored value (line breaks and spacing, labels of links)."""
    if isinstance(old, str) and isinstance(new, str):
        return old.replace("\r\n", "\n").strip() == new
    if isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        return all(
            (a == b)
            or (
                isinstance(a, dict)
                and isinstance(b, dict)
                and a.get("url") == b.get("url")
                and (a.get("label") or "") == (b.get("label") or "")
            )
            for a, b in zip(old, new, strict=True)
        )
    return bool(old == new)


@dataclass
class _Plan:
    row: int
    key: str
    entry: Entry
    is_new: bool
    before: dict[str, Any]
    relations: dict[str, list[int]]
    changes: dict[str, Any] = field(default_factory=dict)
    changed_fields: set[str] = field(default_factory=set)
    changed_relations: set[str] = field(default_factory=set)


class _Importer:
    def __init__(self, *, municipality: Municipality, table: Table, progress: Progress | None) -> None:
        self.municipality = municipality
        self.table = table
        self.progress = progress
        self.errors: list[RowError] = []
        self.plans: list[_Plan] = []
        self.cleaned: dict[tuple[str, Any], tuple[Any, list[str]]] = {}

    def check_headers(self) -> dict[str, int]:
        known = {_fold(header): header for header in HEADERS}
        positions: dict[str, int] = {}
        for position, header in enumerate(self.table.headers):
            if not header:
                continue
            canonical = known.get(_fold(header))
            if canonical is None:
                self.errors.append(
                    RowError(1, header, _("Unknown column. Allowed: %(allowed)s.") % {"allowed": ", ".join(HEADERS)})
                )
            elif canonical in positions:
                self.errors.append(RowError(1, header, _("The column appears twice.")))
            else:
                positions[canonical] = position
        return positions

    def load(self) -> None:
        self.lookups = Lookups(self.municipality)
        entries = list(Entry.objects.filter(municipality=self.municipality).select_related("lead_organisation"))
        self.by_external_id = {entry.external_id: entry for entry in entries if entry.external_id}
        self.by_slug = {entry.slug: entry for entry in entries if not entry.external_id}
        self.taken_slugs = {entry.slug for entry in entries}
        self.existing_relations: dict[int, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
        for name in _M2M_NAMES:
            through, source, target = _through(name)
            for entry_id, target_id in through.objects.filter(
                **{f"{source.removesuffix('_id')}__municipality": self.municipality}
            ).values_list(source, target):
                self.existing_relations[entry_id][name].append(target_id)

    def run(self) -> None:
        positions = self.check_headers()
        if self.errors:
            return
        self.load()
        seen_keys: dict[str, int] = {}
        total = len(self.table.rows)
        for done, (number, values) in enumerate(self.table.rows, start=1):
            cells = {
                header: values[position] if position < len(values) else None for header, position in positions.items()
            }
            self.plan_row(number, cells, seen_keys)
            if self.progress is not None and (done % 250 == 0 or done == total):
                self.progress("check", done, total)

    def plan_row(self, number: int, cells: dict[str, Any], seen_keys: dict[str, int]) -> None:
        errors: list[RowError] = []
        key = cell_text(cells.get("Externe ID"))
        if key:
            if key in seen_keys:
                errors.append(
                    RowError(
                        number,
                        "Externe ID",
                        _("“%(value)s” appears in row %(row)s already.") % {"value": key, "row": seen_keys[key]},
                    )
                )
            seen_keys.setdefault(key, number)
        existing = self.by_external_id.get(key) or self.by_slug.get(key) if key else None
        if existing is not None:
            entry = existing
            before_relations = {name: list(self.existing_relations[entry.pk][name]) for name in _M2M_NAMES}
            before = _state(entry, before_relations)
        else:
            entry = Entry(
                municipality=self.municipality,
                external_id=key,
                kind=EntryKind.PROJECT,
                status=EntryStatus.UNKNOWN,
                publication_state=PublicationState.DRAFT,
            )
            entry.created_at = timezone.now()
            before_relations = {}
            before = {}
        plan = _Plan(
            number, key, entry, existing is None, before, {name: list(ids) for name, ids in before_relations.items()}
        )
        present: set[str] = set()
        for header, raw in cells.items():
            column = COLUMN_BY_HEADER[header]
            if column.kind == "key":
                continue
            try:
                self.apply(plan, column, raw, present)
            except ValueError as error:
                errors.append(RowError(number, header, str(error)))
        errors += self.validate(plan, present)
        if errors:
            self.errors += errors
            return
        self.finish(plan)
        self.plans.append(plan)

    def apply(self, plan: _Plan, column: Column, raw: Any, present: set[str]) -> None:
        entry, lookups = plan.entry, self.lookups
        text = "" if column.kind in NUMERIC_KINDS else cell_text(raw)
        if column.kind == "municipality":
            if text and _fold(text) not in lookups.municipality_keys:
                raise ValueError(
                    _("The row belongs to “%(value)s”, but the file is imported into %(municipality)s.")
                    % {"value": text, "municipality": self.municipality.name}
                )
            return
        present.add(column.field)
        if column.kind == "text":
            self.assign(plan, column.field, text)
        elif column.kind in ("choice", "publication"):
            if not text:
                if column.kind == "publication":
                    return  # keep the state; new entries start as drafts
                self.assign(plan, column.field, str(column.empty))
                return
            code = lookups.choices[column.field].get(_fold(text))
            if code is None:
                raise ValueError(
                    _("“%(value)s” is not an allowed value. Allowed: %(allowed)s.")
                    % {"value": text, "allowed": ", ".join((column.choices or {}).values())}
                )
            published_before = plan.before.get("publication_state") == PublicationState.PUBLISHED
            self.assign(plan, column.field, code)
            if column.kind == "publication" and code == PublicationState.PUBLISHED and not published_before:
                entry.published_at = entry.published_at or timezone.now()
        elif column.kind == "decimal":
            if cell_text(raw) == "":
                self.assign(plan, column.field, None)
                return
            try:
                self.assign(plan, column.field, parse_decimal(raw, column.places))
            except ValueError:
                raise ValueError(_("“%(value)s” is not a number.") % {"value": cell_text(raw)}) from None
        elif column.kind == "year":
            if cell_text(raw) == "":
                self.assign(plan, column.field, None)
                return
            try:
                self.assign(plan, column.field, parse_year(raw))
            except ValueError:
                raise ValueError(_("“%(value)s” is not a year such as 2024.") % {"value": cell_text(raw)}) from None
        elif column.kind == "list":
            self.assign(plan, column.field, split_list(text))
        elif column.kind == "links":
            links = []
            for item in split_list(text):
                label, _separator, url = item.rpartition("|") if "|" in item else ("", "", item)
                url = url.strip()
                try:
                    _CHECK_URL(url)
                except ValidationError:
                    raise ValueError(_("“%(value)s” is not a web address (http or https).") % {"value": url}) from None
                links.append({"label": label.strip(), "url": url})
            if len(links) > MAX_ITEMS:
                raise ValueError(_("At most %(n)s links.") % {"n": MAX_ITEMS})
            self.assign(plan, column.field, links)
        elif column.kind == "organisation":
            entry.lead_organisation = lookups.lead(text) if text else None
        elif column.kind in ("organisations", "districts", "terms"):
            resolve = {"organisations": lookups.partner, "districts": lookups.district, "terms": lookups.terms.parse}[
                column.kind
            ]
            ids, problems = [], []
            for item in split_list(text):
                try:
                    ids.append(resolve(item).pk)
                except ValueError as error:
                    problems.append(str(error))
            if problems:
                raise ValueError(" ".join(problems))
            plan.relations[column.field] = sorted(set(ids))

    @staticmethod
    def assign(plan: _Plan, name: str, value: Any) -> None:
        old = getattr(plan.entry, name)
        if not plan.is_new and _equivalent(old, value):
            return
        setattr(plan.entry, name, value)

    def validate(self, plan: _Plan, present: set[str]) -> list[RowError]:
        entry = plan.entry
        errors: dict[str, list[str]] = defaultdict(list)
        for model_field in _CLEANED:
            if not plan.is_new and model_field.name not in present:
                continue
            raw = getattr(entry, model_field.attname)
            if model_field.blank and raw in model_field.empty_values:
                continue
            # Like Model.clean_fields, with the result of a value cached: many rows share addresses and choices.
            key = (model_field.name, raw) if isinstance(raw, _CACHEABLE_TYPES) and len(str(raw)) <= 500 else None
            outcome = self.cleaned.get(key) if key is not None else None
            if outcome is None:
                try:
                    outcome = (model_field.clean(raw, entry), [])
                except ValidationError as error:
                    outcome = (raw, list(error.messages))
                if key is not None:
                    self.cleaned[key] = outcome
            setattr(entry, model_field.attname, outcome[0])
            errors[model_field.name] += outcome[1]
        try:
            entry.clean()
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                errors[name] += messages
        result = []
        for name, messages in errors.items():
            if not messages:
                continue
            header = _FIELD_HEADERS.get(name, "") if name != NON_FIELD_ERRORS else ""
            result += [RowError(plan.row, header, message) for message in messages]
        return result

    def finish(self, plan: _Plan) -> None:
        entry = plan.entry
        stored_title = plan.before.get("title")
        if plan.is_new:
            entry.slug = _next_slug(entry.title, self.taken_slugs)
        elif entry.title != stored_title and plan.before.get("publication_state") != PublicationState.PUBLISHED:
            entry.slug = _next_slug(entry.title, self.taken_slugs)  # the old slug stays taken until saved
        after = _state(entry, plan.relations)
        if plan.is_new:  # what history.diff gives against nothing, without comparing every field
            plan.changes = {
                name: {"old": None, "new": value} for name, value in sorted(after.items()) if value is not None
            }
        else:
            plan.changes = diff(plan.before, after)
        plan.changed_fields = {f.name for f in _TRACKED if f.name in plan.changes}
        plan.changed_relations = {name for name in _M2M_NAMES if name in plan.changes}

    def results(self) -> list[RowResult]:
        results = []
        for plan in self.plans:
            action = "created" if plan.is_new else ("updated" if plan.changes else "unchanged")
            changed = [] if plan.is_new else sorted({_FIELD_HEADERS.get(name, name) for name in plan.changes})
            results.append(RowResult(plan.row, action, plan.key, plan.entry.title, changed))
        return results

    def _report(self, phase: str, done: int, total: int) -> None:
        if self.progress is not None:
            self.progress(phase, done, total)
