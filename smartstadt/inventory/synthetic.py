"""Synthetic inventory entries for load tests (``manage.py generate_region``), indexed for the full-text search.

Each copied municipality gets a copy of each of its original's entries (with ``--entry-copies K``: K copies, the
second and later with ``-v02`` … appended to slug and external id), with lead organisation, partners and
districts mapped to the copies where the original's were copied too. Tags of reference frameworks (Giffinger)
are kept; a municipality's own frameworks are not copied, so their tags are left out. The copies and the
synthetic organisations of the earlier step are then added to the search index.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from smartstadt import search
from smartstadt.demo.generator import GeneratorContext, bulk_create, clone, generator_step
from smartstadt.regions.models import District, Municipality, Organisation

from .models import Entry


def remove_synthetic_entries(municipalities: QuerySet[Municipality]) -> None:
    entries = Entry.objects.filter(municipality__in=municipalities)
    for through in (Entry.terms.through, Entry.partners.through, Entry.districts.through):
        through.objects.filter(entry__in=entries).delete()
    entries.delete()  # search documents cascade


def variant_key(key: str, variant: int, max_length: int | None) -> str:
    """The slug or external id of the n-th copy of an entry in one municipality (``--entry-copies``): the first
    keeps the original's, the others get ``-v02``, ``-v03`` … (an empty external id stays empty)."""
    if variant == 1 or not key:
        return key
    suffix = f"-v{variant:02d}"
    return key[: (max_length or 120) - len(suffix)] + suffix


def _mapped(context: GeneratorContext, model: type[Any], original_pk: Any, number: int) -> Any:
    """The copy's pk where the original was copied, else the original's own pk."""
    copy = context.copy_for(model, original_pk, number)
    return copy.pk if copy is not None else original_pk


@generator_step("Bestand und Suchindex", order=40, remove=remove_synthetic_entries)
def entries_step(context: GeneratorContext) -> None:
    originals = list(Entry.objects.filter(municipality_id__in=context.originals(Municipality)).order_by("pk"))
    original_pks = [original.pk for original in originals]
    relations: dict[str, dict[int, list[int]]] = {"terms": {}, "partners": {}, "districts": {}}
    terms = Entry.terms.through.objects.filter(entry_id__in=original_pks, term__framework__municipality__isnull=True)
    for entry_id, term_id in terms.values_list("entry_id", "term_id"):
        relations["terms"].setdefault(entry_id, []).append(term_id)
    partners = Entry.partners.through.objects.filter(entry_id__in=original_pks)
    for entry_id, organisation_id in partners.values_list("entry_id", "organisation_id"):
        relations["partners"].setdefault(entry_id, []).append(organisation_id)
    districts = Entry.districts.through.objects.filter(entry_id__in=original_pks)
    for entry_id, district_id in districts.values_list("entry_id", "district_id"):
        relations["districts"].setdefault(entry_id, []).append(district_id)

    new: list[tuple[Entry, int, Entry]] = []
    for original in context.track(originals):
        for number, municipality in context.copies_by_pk(Municipality, original.municipality_id):
            lead = original.lead_organisation_id
            for variant in range(1, context.entry_copies + 1):
                copy = clone(
                    original,
                    municipality_id=municipality.pk,
                    lead_organisation_id=_mapped(context, Organisation, lead, number) if lead else None,
                    contact_email="",
                    slug=variant_key(original.slug, variant, Entry._meta.get_field("slug").max_length),
                    external_id=variant_key(
                        original.external_id, variant, Entry._meta.get_field("external_id").max_length
                    ),
                )
                new.append((original, number, copy))
    bulk_create(Entry, [copy for _original, _number, copy in new])
    links: dict[str, list[Any]] = {"terms": [], "partners": [], "districts": []}
    for original, number, copy in new:
        context.register(Entry, original, number, copy)
        links["terms"] += [
            Entry.terms.through(entry_id=copy.pk, term_id=term_id)
            for term_id in relations["terms"].get(original.pk, [])
        ]
        links["partners"] += [
            Entry.partners.through(entry_id=copy.pk, organisation_id=_mapped(context, Organisation, pk, number))
            for pk in relations["partners"].get(original.pk, [])
        ]
        links["districts"] += [
            Entry.districts.through(entry_id=copy.pk, district_id=_mapped(context, District, pk, number))
            for pk in relations["districts"].get(original.pk, [])
        ]
    for name, rows in links.items():
        getattr(Entry, name).through.objects.bulk_create(rows, batch_size=500)
    context.count(Entry, len(new))

    search.index_organisations(
        Organisation.objects.filter(municipality__region=context.region).values_list("pk", flat=True)
    )
    search.index_entries([copy.pk for _original, _number, copy in new])
