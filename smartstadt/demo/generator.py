"""Synthetic municipalities for load and scaling tests, made from the real demo region.

``manage.py generate_region --scale N`` turns the region "Metropole Ruhr" (loaded by ``load_demo``) into N
times as much data: it creates N-1 copies of each of its municipalities (with ``--all-municipalities``: of
every municipality) in a separate region (see :func:`synthetic_region_name`). Each copy gets copies of the
original's districts (borough → quarter hierarchy kept) and organisations (with their parent units and
competence terms). ``--entry-copies K`` gives every synthetic municipality K copies of each of its original's
inventory entries instead of one, so the entries can grow without the municipalities and organisations:
``--all-municipalities --scale 6 --entry-copies 12`` gives about 20,000 entries with 2,000 organisations, the
proportions of a large installation (``--scale 60`` alone gives as many entries, but 20,000 organisations).

Synthetic records are recognisable without any extra model field:

* the region's slug starts with ``synthetisch-`` (:data:`SYNTHETIC_REGION_PREFIX`), its description says so;
* a municipality is named "Oberhausen (synthetisch 007)", its slug ends in ``-s007`` and its source note
  starts with :data:`SYNTHETIC_NOTE`; organisations and districts carry the same note in their description
  or note.

:func:`is_synthetic` and :func:`synthetic_municipalities` give the UI and the tests one place to ask.

Speed over bookkeeping: every record is written with ``bulk_create`` and **no change history is written**
for synthetic data: it is throwaway test data, not a change anybody made. Running the generator again
replaces the whole synthetic set (one synthetic set exists at a time, whatever the scale), so the same scale
and seed always give the same records and never duplicates. ``--remove`` deletes everything synthetic and
nothing else.

Later capabilities add their own scaling steps, as they add loader steps with ``demo_step``::

    # smartstadt/inventory/synthetic.py, imported automatically (see generator_steps)
    @generator_step("Bestandsaufnahme", order=40, remove=remove_synthetic_entries)
    def entries_step(context: GeneratorContext) -> None:
        originals = Entry.objects.filter(municipality_id__in=context.originals(Municipality))
        copies = []
        for original in context.track(originals):
            for number, municipality in context.copies_by_pk(Municipality, original.municipality_id):
                copies.append(clone(original, municipality_id=municipality.pk))
        bulk_create(Entry, copies)
        context.count(Entry, len(copies))

A step receives a :class:`GeneratorContext` (scale, seeded ``rng``, the synthetic region, the mapping from
each original record to its copies) and records what it copied with :meth:`GeneratorContext.register`. A step
whose records point at synthetic municipalities with ``on_delete=PROTECT`` passes a ``remove`` function that
deletes them; those run in reverse order before the municipalities are deleted.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.conf import settings
from django.db import models, transaction
from django.db.models import QuerySet
from django.utils import translation
from django.utils.module_loading import autodiscover_modules

from smartstadt.regions.models import District, Municipality, Organisation, Region

DEMO_REGION_SLUG = "metropole-ruhr"
SYNTHETIC_REGION_PREFIX = "synthetisch-"
SYNTHETIC_NOTE = "Synthetische Testdaten (manage.py generate_region), keine realen Angaben."
SYNTHETIC_SLUG_PATTERN = r"-s[0-9]{3,}$"
MAX_SCALE = 1000
MAX_ENTRY_COPIES = 100
DEFAULT_SEED = 2024
_SYNTHETIC_SLUG_RE = re.compile(SYNTHETIC_SLUG_PATTERN)


class DemoDataMissingError(Exception):
    """The real demo region is not there to be scaled."""


# --- Recognising synthetic records --------------------------------------------------------------


def synthetic_region_slug(scale: int) -> str:
    return f"{SYNTHETIC_REGION_PREFIX}x{scale}"


def synthetic_region_name(scale: int) -> str:
    return f"Synthetische Region ×{scale}"


def copy_number_width(scale: int) -> int:
    return max(3, len(str(scale - 1)))


def synthetic_name(name: str, number: int, scale: int) -> str:
    return f"{name} (synthetisch {number:0{copy_number_width(scale)}d})"


def synthetic_slug(slug: str, number: int, scale: int, max_length: int = 100) -> str:
    suffix = f"-s{number:0{copy_number_width(scale)}d}"
    return slug[: max_length - len(suffix)].rstrip("-") + suffix


def synthetic_regions() -> QuerySet[Region]:
    return Region.objects.filter(slug__startswith=SYNTHETIC_REGION_PREFIX)


def synthetic_municipalities() -> QuerySet[Municipality]:
    """Municipalities the generator made: in a synthetic region and with the ``-sNNN`` slug suffix."""
    return Municipality.objects.filter(
        region__slug__startswith=SYNTHETIC_REGION_PREFIX, slug__regex=SYNTHETIC_SLUG_PATTERN
    )


def is_synthetic(obj: models.Model) -> bool:
    """Whether a region, municipality, district or organisation was made by the generator."""
    if isinstance(obj, Region):
        return obj.slug.startswith(SYNTHETIC_REGION_PREFIX)
    if isinstance(obj, Municipality):
        return bool(
            obj.region_id is not None
            and obj.region is not None
            and obj.region.slug.startswith(SYNTHETIC_REGION_PREFIX)
            and _SYNTHETIC_SLUG_RE.search(obj.slug)
        )
    municipality = getattr(obj, "municipality", None)
    return isinstance(municipality, Municipality) and is_synthetic(municipality)


SYNTHETIC_COUNT_LABELS = {
    "regions": "Regionen",
    "municipalities": "Kommunen",
    "districts": "Stadtbezirke und Stadtteile",
    "organisations": "Akteure",
    "competences": "Kompetenz-Zuordnungen",
}


def synthetic_counts() -> dict[str, int]:
    """How many synthetic records of each kind exist (keys: see SYNTHETIC_COUNT_LABELS)."""
    municipalities = synthetic_municipalities()
    return {
        "regions": synthetic_regions().count(),
        "municipalities": municipalities.count(),
        "districts": District.objects.filter(municipality__in=municipalities).count(),
        "organisations": Organisation.objects.filter(municipality__in=municipalities).count(),
        "competences": Organisation.competences.through.objects.filter(
            organisation__municipality__in=municipalities
        ).count(),
    }


# --- Context and registry ----------------------------------------------------------------------


class ProgressSink(Protocol):
    """Where the generator reports progress; the command shows it as a rich progress bar."""

    def step(self, name: str) -> None: ...

    def expect(self, n: int) -> None: ...

    def advance(self, n: int = 1) -> None: ...


class NoProgress:
    def step(self, name: str) -> None:
        pass

    def expect(self, n: int) -> None:
        pass

    def advance(self, n: int = 1) -> None:
        pass


@dataclass
class GeneratorContext:
    """What a step needs: the scale, a seeded random generator and the copies made so far."""

    scale: int
    seed: int
    rng: random.Random
    region: Region
    include_all: bool = False
    # How many copies of each inventory entry every synthetic municipality gets (``--entry-copies``): more
    # entries without more municipalities and organisations, e.g. 20,000 entries with 2,000 organisations.
    entry_copies: int = 1
    progress: ProgressSink = field(default_factory=NoProgress)
    # model → original pk → [(copy number, copy), ...]; copy numbers run from 1 to scale - 1.
    copies: dict[type[models.Model], dict[Any, list[tuple[int, Any]]]] = field(default_factory=dict)
    created: Counter[str] = field(default_factory=Counter)

    @property
    def numbers(self) -> range:
        """The copy numbers: 1 … scale-1 (the originals are number 0)."""
        return range(1, self.scale)

    def name(self, name: str, number: int) -> str:
        return synthetic_name(name, number, self.scale)

    def slug(self, slug: str, number: int, max_length: int = 100) -> str:
        return synthetic_slug(slug, number, self.scale, max_length)

    def register[M: models.Model](self, model: type[M], original: M, number: int, copy: M) -> None:
        self.copies.setdefault(model, {}).setdefault(original.pk, []).append((number, copy))

    def copies_of[M: models.Model](self, original: M) -> list[tuple[int, M]]:
        """The copies of an original record as (copy number, copy), in copy-number order."""
        return self.copies.get(type(original), {}).get(original.pk, [])

    def copies_by_pk(self, model: type[models.Model], original_pk: Any) -> list[tuple[int, Any]]:
        return self.copies.get(model, {}).get(original_pk, [])

    def copy_for(self, model: type[models.Model], original_pk: Any, number: int) -> Any:
        """The copy with the given number of the original with this pk (None if there is none)."""
        for copy_number, copy in self.copies_by_pk(model, original_pk):
            if copy_number == number:
                return copy
        return None

    def originals(self, model: type[models.Model]) -> list[Any]:
        """The pks of the originals of a model that were copied."""
        return list(self.copies.get(model, {}))

    def count(self, model: type[models.Model], n: int, label: str | None = None) -> None:
        """Add n created records to the report, under label or the model's name in the platform's language."""
        if label is None:
            with translation.override(settings.LANGUAGE_CODE):
                label = str(model._meta.verbose_name_plural)
        self.created[label] += n

    def track[T](self, items: Iterable[T]) -> Iterator[T]:
        """Iterate and advance the progress bar of the running step by one per item."""
        materialised = list(items)
        self.progress.expect(len(materialised))
        for item in materialised:
            yield item
            self.progress.advance(1)


type StepFunc = Callable[[GeneratorContext], None]
type RemoveFunc = Callable[[QuerySet[Municipality]], None]


@dataclass(frozen=True)
class GeneratorStep:
    name: str
    order: int
    run: StepFunc
    remove: RemoveFunc | None = None


_STEPS: list[GeneratorStep] = []


def generator_step(name: str, order: int, *, remove: RemoveFunc | None = None) -> Callable[[StepFunc], StepFunc]:
    """Register a scaling step; later capabilities add theirs with a higher order."""

    def register(func: StepFunc) -> StepFunc:
        if all(existing.name != name for existing in _STEPS):
            _STEPS.append(GeneratorStep(name=name, order=order, run=func, remove=remove))
        return func

    return register


def generator_steps() -> list[GeneratorStep]:
    """All registered steps in order. Every installed app's ``synthetic`` module is imported first."""
    autodiscover_modules("synthetic")
    return sorted(_STEPS, key=lambda step: step.order)


# --- Copying ----------------------------------------------------------------------------------


def clone[M: models.Model](original: M, **overrides: Any) -> M:
    """An unsaved copy with every concrete field of the original, except the pk and timestamps."""
    values: dict[str, Any] = {}
    for model_field in original._meta.concrete_fields:
        if model_field.primary_key or model_field.name in {"created_at", "updated_at"}:
            continue
        values[model_field.attname] = getattr(original, model_field.attname)
    values.update(overrides)
    return type(original)(**values)


def bulk_create[M: models.Model](model: type[M], objects: Sequence[M]) -> list[M]:
    created = model._default_manager.bulk_create(objects, batch_size=500)
    if any(obj.pk is None for obj in created):  # pragma: no cover - only on databases without RETURNING
        raise RuntimeError("Die Datenbank liefert bei bulk_create keine IDs zurück; der Generator braucht sie.")
    return created


def by_depth[M: District | Organisation](records: Iterable[M]) -> list[list[M]]:
    """Records of a self-referencing tree in levels: roots first, then their children, and so on."""
    records = list(records)
    known = {record.pk for record in records}
    levels: list[list[M]] = []
    placed: set[Any] = set()
    while len(placed) < len(records):
        level = [
            record
            for record in records
            if record.pk not in placed
            and (record.parent_id is None or record.parent_id not in known or record.parent_id in placed)
        ]
        if not level:  # a cycle cannot happen through the forms, but never loop forever
            level = [record for record in records if record.pk not in placed]
        placed.update(record.pk for record in level)
        levels.append(level)
    return levels


def vary(rng: random.Random, value: int | None, spread: float = 0.15) -> int | None:
    if value is None:
        return None
    return max(0, round(value * rng.uniform(1 - spread, 1 + spread)))


# --- Built-in steps ---------------------------------------------------------------------------


def source_municipalities(include_all: bool) -> QuerySet[Municipality]:
    """The real municipalities to copy: the demo region's, or with ``include_all`` every real one."""
    real = Municipality.objects.exclude(region__slug__startswith=SYNTHETIC_REGION_PREFIX)
    if not include_all:
        real = real.filter(region__slug=DEMO_REGION_SLUG)
    return real.order_by("name")


def remove_municipalities(municipalities: QuerySet[Municipality]) -> None:
    # Whatever else hangs on them (memberships, own frameworks) cascades.
    municipalities.delete()


@generator_step("Kommunen", order=10, remove=remove_municipalities)
def municipalities_step(context: GeneratorContext) -> None:
    new: list[tuple[Municipality, int, Municipality]] = []
    for original in context.track(source_municipalities(context.include_all)):
        for number in context.numbers:
            copy = clone(
                original,
                region_id=context.region.pk,
                name=context.name(original.name, number),
                slug=context.slug(original.slug, number),
                population=vary(context.rng, original.population),
                contact_email="",
                source_note=f"{SYNTHETIC_NOTE} Kopie von {original.name}.",
            )
            new.append((original, number, copy))
    bulk_create(Municipality, [copy for _original, _number, copy in new])
    for original, number, copy in new:
        context.register(Municipality, original, number, copy)
    context.count(Municipality, len(new), SYNTHETIC_COUNT_LABELS["municipalities"])


def remove_districts(municipalities: QuerySet[Municipality]) -> None:
    # Quarters first, so that the deletion does not have to walk the borough → quarter cascade.
    districts = District.objects.filter(municipality__in=municipalities)
    districts.filter(parent__isnull=False).delete()
    districts.delete()


@generator_step("Stadtbezirke und Stadtteile", order=20, remove=remove_districts)
def districts_step(context: GeneratorContext) -> None:
    originals = list(District.objects.filter(municipality_id__in=context.originals(Municipality)).order_by("pk"))
    context.progress.expect(len(originals))
    for level in by_depth(originals):
        new: list[tuple[District, int, District]] = []
        for original in level:
            for number, municipality in context.copies_by_pk(Municipality, original.municipality_id):
                parent = context.copy_for(District, original.parent_id, number) if original.parent_id else None
                copy = clone(
                    original,
                    municipality_id=municipality.pk,
                    parent_id=parent.pk if parent is not None else None,
                    note=f"{SYNTHETIC_NOTE} {original.note}".strip(),
                )
                new.append((original, number, copy))
            context.progress.advance(1)
        bulk_create(District, [copy for _original, _number, copy in new])
        for original, number, copy in new:
            context.register(District, original, number, copy)
        context.count(District, len(new), SYNTHETIC_COUNT_LABELS["districts"])


def remove_organisations(municipalities: QuerySet[Municipality]) -> None:
    organisations = Organisation.objects.filter(municipality__in=municipalities)
    Organisation.competences.through.objects.filter(organisation__in=organisations).delete()
    organisations.filter(parent__isnull=False).update(parent=None)
    organisations.delete()


@generator_step("Akteure und Kompetenzen", order=30, remove=remove_organisations)
def organisations_step(context: GeneratorContext) -> None:
    originals = list(Organisation.objects.filter(municipality_id__in=context.originals(Municipality)).order_by("pk"))
    through = Organisation.competences.through
    competences: dict[int, list[int]] = {}
    for organisation_id, term_id in through.objects.filter(
        organisation_id__in=[original.pk for original in originals]
    ).values_list("organisation_id", "term_id"):
        competences.setdefault(organisation_id, []).append(term_id)
    context.progress.expect(len(originals))
    for level in by_depth(originals):
        new: list[tuple[Organisation, int, Organisation]] = []
        for original in level:
            for number, municipality in context.copies_by_pk(Municipality, original.municipality_id):
                parent = context.copy_for(Organisation, original.parent_id, number) if original.parent_id else None
                copy = clone(
                    original,
                    municipality_id=municipality.pk,
                    parent_id=parent.pk if parent is not None else None,
                    description=f"{SYNTHETIC_NOTE} {original.description}".strip(),
                    contact_email="",
                )
                new.append((original, number, copy))
            context.progress.advance(1)
        bulk_create(Organisation, [copy for _original, _number, copy in new])
        links: list[Any] = []
        for original, number, copy in new:
            context.register(Organisation, original, number, copy)
            links.extend(
                through(organisation_id=copy.pk, term_id=term_id) for term_id in competences.get(original.pk, [])
            )
        through.objects.bulk_create(links, batch_size=500)
        context.count(Organisation, len(new), SYNTHETIC_COUNT_LABELS["organisations"])
        context.count(through, len(links), SYNTHETIC_COUNT_LABELS["competences"])


# --- Running ----------------------------------------------------------------------------------


def demo_region() -> Region:
    """The real demo region; :class:`DemoDataMissingError` (German message) if load_demo has not run."""
    region = Region.objects.filter(slug=DEMO_REGION_SLUG).first()
    if region is None or not region.municipalities.exists():
        raise DemoDataMissingError(
            "Die Demo-Region „Metropole Ruhr“ fehlt. Bitte zuerst „manage.py load_demo“ ausführen, "
            "dann „manage.py generate_region“."
        )
    return region


def remove_synthetic(progress: ProgressSink | None = None) -> dict[str, int]:
    """Delete every synthetic record, and only those. Returns how many of each kind there were."""
    progress = progress or NoProgress()
    before = {key: value for key, value in synthetic_counts().items() if value}
    steps = [step for step in reversed(generator_steps()) if step.remove is not None]
    progress.step("Synthetische Daten entfernen")
    progress.expect(len(steps) + 1)
    with transaction.atomic():
        municipalities = synthetic_municipalities()
        for step in steps:
            assert step.remove is not None
            step.remove(municipalities)
            progress.advance(1)
        # A synthetic region that still holds a municipality (moved there by hand) is kept: it is not ours.
        synthetic_regions().exclude(municipalities__isnull=False).delete()
        progress.advance(1)
    return before


@dataclass
class GenerateReport:
    scale: int
    seed: int
    region: Region | None
    created: Counter[str]
    removed: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.created.values())


def generate(
    *,
    scale: int,
    seed: int = DEFAULT_SEED,
    include_all: bool = False,
    entry_copies: int = 1,
    progress: ProgressSink | None = None,
) -> GenerateReport:
    """Replace the synthetic set by the one for this scale and seed. Scale 1 means: only the real data.

    ``entry_copies``: copies of each inventory entry per synthetic municipality (default 1).
    """
    if not 1 <= scale <= MAX_SCALE:
        raise ValueError(f"Die Skalierung muss zwischen 1 und {MAX_SCALE} liegen.")
    if not 1 <= entry_copies <= MAX_ENTRY_COPIES:
        raise ValueError(f"Die Zahl der Kopien je Eintrag muss zwischen 1 und {MAX_ENTRY_COPIES} liegen.")
    progress = progress or NoProgress()
    demo_region()
    with transaction.atomic():
        removed = remove_synthetic(progress)
        if scale == 1:
            return GenerateReport(scale=scale, seed=seed, region=None, created=Counter(), removed=removed)
        scope = "aller Kommunen" if include_all else "der Metropole Ruhr"
        entries = f", {entry_copies} Kopien je Eintrag" if entry_copies > 1 else ""
        region = Region.objects.create(
            name=synthetic_region_name(scale),
            slug=synthetic_region_slug(scale),
            description=(
                f"{SYNTHETIC_NOTE} {scale - 1} Kopien je Kommune {scope} "
                f"(Skalierung ×{scale}{entries}, Seed {seed}) für Last- und Skalierungstests."
            ),
            order=900,
        )
        context = GeneratorContext(
            scale=scale,
            seed=seed,
            rng=random.Random(f"{seed}-{scale}"),  # noqa: S311 (test data, not security)
            region=region,
            include_all=include_all,
            entry_copies=entry_copies,
            progress=progress,
        )
        context.count(Region, 1, SYNTHETIC_COUNT_LABELS["regions"])
        for step in generator_steps():
            progress.step(step.name)
            step.run(context)
    return GenerateReport(scale=scale, seed=seed, region=region, created=context.created, removed=removed)
