"""Everything the rows of a municipality refer to by name: tags, organisations, districts, choices."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from smartstadt.frameworks.models import Framework, Term
from smartstadt.regions.models import District, Municipality, Organisation

from .cells import _choice_lookup, _fold
from .columns import COLUMNS, LIST_SEPARATOR


class TermScope:
    """The tags a municipality may use, written and read as "framework: term"."""

    def __init__(self, frameworks: Sequence[Framework], terms: Iterable[Term]) -> None:
        self.frameworks = list(frameworks)
        label_counts = Counter(_fold(f.short_name or f.name) for f in self.frameworks)
        self.framework_label = {
            f.pk: (f.short_name or f.name)
            if label_counts[_fold(f.short_name or f.name)] == 1 and ":" not in (f.short_name or f.name)
            else f.slug
            for f in self.frameworks
        }
        self.framework_keys: dict[str, list[Framework]] = defaultdict(list)
        for f in self.frameworks:
            for key in {_fold(f.slug), _fold(f.short_name), _fold(f.name)} - {""}:
                self.framework_keys[key].append(f)
        ids = {f.pk for f in self.frameworks}
        self.by_label: dict[tuple[int, str], list[Term]] = defaultdict(list)
        self.by_code: dict[tuple[int, str], Term] = {}
        self.terms: list[Term] = []
        for term in terms:
            if term.framework_id not in ids:
                continue
            self.terms.append(term)
            self.by_label[term.framework_id, _fold(term.label)].append(term)
            self.by_code[term.framework_id, _fold(term.code)] = term

    def format(self, term: Term) -> str:
        framework = self.framework_label.get(term.framework_id)
        if framework is None:
            return f"{term.framework.slug}:{term.code}"
        label = term.label
        if len(self.by_label[term.framework_id, _fold(label)]) > 1 or LIST_SEPARATOR in label or "\n" in label:
            label = term.code
        return f"{framework}: {label}"

    def parse(self, item: str) -> Term:
        framework_key, separator, term_key = item.partition(":")
        if not separator:
            raise ValueError(
                _("“%(value)s”: write tags as “framework: term”, e.g. “Giffinger: Smarte Mobilität”.") % {"value": item}
            )
        candidates = self.framework_keys.get(_fold(framework_key), [])
        if not candidates:
            raise ValueError(
                _("“%(value)s”: there is no framework “%(framework)s”.")
                % {"value": item, "framework": framework_key.strip()}
            )
        if len(candidates) > 1:
            raise ValueError(
                _("“%(value)s”: several frameworks are called “%(framework)s”; use the URL name of the framework.")
                % {"value": item, "framework": framework_key.strip()}
            )
        framework = candidates[0]
        matches = self.by_label.get((framework.pk, _fold(term_key)), [])
        if len(matches) == 1:
            return matches[0]
        term = self.by_code.get((framework.pk, _fold(term_key)))
        if term is not None:
            return term
        if matches:
            raise ValueError(_("“%(value)s”: several terms have this label; use the term's code.") % {"value": item})
        raise ValueError(
            _("“%(value)s”: the framework “%(framework)s” has no term “%(term)s”.")
            % {"value": item, "framework": self.framework_label[framework.pk], "term": term_key.strip()}
        )


def term_scope_for(municipality: Municipality) -> TermScope:
    frameworks = list(Framework.objects.visible_for_municipality(municipality.pk).order_by("order", "name"))
    terms = Term.objects.filter(framework__in=frameworks).order_by("framework__order", "parent_id", "order", "label")
    return TermScope(frameworks, terms)


class Lookups:
    """Everything the rows of one municipality refer to, read with a few queries."""

    def __init__(self, municipality: Municipality) -> None:
        self.municipality = municipality
        scope = Q(municipality=municipality)
        if municipality.region_id:
            scope |= Q(municipality__region_id=municipality.region_id)
        organisations = list(
            Organisation.objects.filter(scope).only("id", "name", "short_name", "slug", "municipality_id")
        )
        self.own_organisations = self._index([o for o in organisations if o.municipality_id == municipality.pk])
        self.region_organisations = self._index([o for o in organisations if o.municipality_id != municipality.pk])
        self.organisation_names = {o.pk: o.name for o in organisations}
        districts = list(District.objects.filter(municipality=municipality).only("id", "name", "slug"))
        self.districts = self._index(districts)
        self.district_names = {d.pk: d.name for d in districts}
        self.terms = term_scope_for(municipality)
        self.choices = {column.field: _choice_lookup(column) for column in COLUMNS if column.choices}
        self.municipality_keys = {_fold(municipality.name), _fold(municipality.slug)}

    @staticmethod
    def _index(objects: Iterable[Any]) -> dict[str, list[Any]]:
        index: dict[str, list[Any]] = defaultdict(list)
        for obj in objects:
            keys = {_fold(obj.name), _fold(getattr(obj, "short_name", "") or ""), _fold(obj.slug)} - {""}
            for key in keys:
                index[key].append(obj)
        return index

    def _one(self, index: dict[str, list[Any]], name: str) -> Any | None:
        matches = index.get(_fold(name), [])
        exact = [obj for obj in matches if _fold(obj.name) == _fold(name)]
        found = exact or matches
        if len(found) > 1:
            raise ValueError(
                _("“%(value)s” is ambiguous: several records have this name; use the URL name.") % {"value": name}
            )
        return found[0] if found else None

    def lead(self, name: str) -> Organisation:
        organisation = self._one(self.own_organisations, name)
        if organisation is None:
            raise ValueError(
                _("“%(value)s” is not an organisation of %(municipality)s on the platform.")
                % {"value": name, "municipality": self.municipality.name}
            )
        return organisation

    def partner(self, name: str) -> Organisation:
        organisation = self._one(self.own_organisations, name) or self._one(self.region_organisations, name)
        if organisation is None:
            raise ValueError(_("“%(value)s” is not an organisation of the region on the platform.") % {"value": name})
        return organisation

    def district(self, name: str) -> District:
        district = self._one(self.districts, name)
        if district is None:
            raise ValueError(
                _("“%(value)s” is not a district of %(municipality)s.")
                % {"value": name, "municipality": self.municipality.name}
            )
        return district
