from __future__ import annotations

from typing import Any

import pytest
from django.core.management import CommandError, call_command

from smartstadt.core.models import ChangeRecord
from smartstadt.demo.generator import is_synthetic, synthetic_counts, synthetic_municipalities
from smartstadt.regions.models import District, Municipality, Organisation, Region

Competence = Organisation.competences.through


@pytest.fixture
def demo(demo_region: Any) -> dict[str, int]:
    ruhr = Municipality.objects.filter(region__slug="metropole-ruhr")
    return {
        "municipalities": ruhr.count(),
        "districts": District.objects.filter(municipality__in=ruhr).count(),
        "organisations": Organisation.objects.filter(municipality__in=ruhr).count(),
        "competences": Competence.objects.filter(organisation__municipality__in=ruhr).count(),
    }


def real_state() -> dict[str, Any]:
    """A fingerprint of the real data: every non-synthetic record with its key fields."""
    synthetic = synthetic_municipalities()
    return {
        "regions": sorted(Region.objects.exclude(slug__startswith="synthetisch-").values_list("pk", "slug")),
        "municipalities": sorted(
            Municipality.objects.exclude(pk__in=synthetic).values_list("pk", "slug", "population", "region")
        ),
        "districts": sorted(
            District.objects.exclude(municipality__in=synthetic).values_list("pk", "slug", "parent_id")
        ),
        "organisations": sorted(
            Organisation.objects.exclude(municipality__in=synthetic).values_list("pk", "slug", "parent_id")
        ),
        "competences": sorted(
            Competence.objects.exclude(organisation__municipality__in=synthetic).values_list(
                "organisation_id", "term_id"
            )
        ),
    }


def synthetic_fingerprint() -> list[tuple[Any, ...]]:
    return sorted(synthetic_municipalities().values_list("slug", "name", "population"))


@pytest.mark.django_db
def test_scale_three_creates_two_copies_of_everything(demo: dict[str, int]) -> None:
    history_before = ChangeRecord.objects.count()

    call_command("generate_region", "--scale", "3", "--quiet")

    counts = synthetic_counts()
    assert counts == {
        "regions": 1,
        "municipalities": 2 * demo["municipalities"],
        "districts": 2 * demo["districts"],
        "organisations": 2 * demo["organisations"],
        "competences": 2 * demo["competences"],
    }
    assert demo["districts"] > 0
    assert demo["organisations"] > 0
    region = Region.objects.get(slug="synthetisch-x3")
    assert region.name == "Synthetische Region ×3"
    copy = Municipality.objects.get(slug="oberhausen-s002")
    assert copy.name == "Oberhausen (synthetisch 002)"
    assert copy.region == region
    assert "Synthetische Testdaten" in copy.source_note
    assert is_synthetic(copy)
    assert is_synthetic(region)
    assert is_synthetic(copy.organisations.first())
    assert not is_synthetic(Municipality.objects.get(slug="oberhausen"))
    # Synthetic data is written in bulk and leaves no change history.
    assert ChangeRecord.objects.count() == history_before


@pytest.mark.django_db
def test_copies_keep_the_hierarchies_inside_each_copy(demo: dict[str, int]) -> None:
    call_command("generate_region", "--scale", "3", "--quiet")

    oberhausen = Municipality.objects.get(slug="oberhausen")
    quarters = District.objects.filter(municipality=oberhausen, parent__isnull=False)
    original_pairs = sorted(quarters.values_list("slug", "parent__slug"))
    assert original_pairs
    for copy in synthetic_municipalities().filter(slug__startswith="oberhausen-s"):
        districts = District.objects.filter(municipality=copy)
        assert districts.count() == District.objects.filter(municipality=oberhausen).count()
        # Every quarter hangs below a borough of the same copy, exactly as in the original.
        assert not districts.filter(parent__isnull=False).exclude(parent__municipality=copy).exists()
        copied_pairs = sorted(districts.filter(parent__isnull=False).values_list("slug", "parent__slug"))
        assert copied_pairs == original_pairs
        organisations = Organisation.objects.filter(municipality=copy)
        assert not organisations.filter(parent__isnull=False).exclude(parent__municipality=copy).exists()
        assert sorted(organisations.values_list("slug", "parent__slug")) == sorted(
            Organisation.objects.filter(municipality=oberhausen).values_list("slug", "parent__slug")
        )
        stoag = organisations.get(slug="stoag")
        assert list(stoag.competences.values_list("code", flat=True)) == ["mobility"]


@pytest.mark.django_db
def test_running_twice_gives_the_same_set(demo: dict[str, int]) -> None:
    call_command("generate_region", "--scale", "3", "--quiet")
    counts, fingerprint = synthetic_counts(), synthetic_fingerprint()

    call_command("generate_region", "--scale", "3", "--quiet")

    assert synthetic_counts() == counts
    assert synthetic_fingerprint() == fingerprint
    assert Region.objects.filter(slug__startswith="synthetisch-").count() == 1


@pytest.mark.django_db
def test_another_scale_replaces_the_synthetic_set(demo: dict[str, int]) -> None:
    call_command("generate_region", "--scale", "3", "--quiet")
    call_command("generate_region", "--scale", "2", "--quiet")

    assert list(Region.objects.filter(slug__startswith="synthetisch-").values_list("slug", flat=True)) == [
        "synthetisch-x2"
    ]
    assert synthetic_counts()["municipalities"] == demo["municipalities"]


@pytest.mark.django_db
def test_remove_deletes_everything_synthetic_and_nothing_real(demo: dict[str, int]) -> None:
    before = real_state()
    call_command("generate_region", "--scale", "3", "--quiet")
    assert real_state() == before

    call_command("generate_region", "--remove", "--quiet")

    assert synthetic_counts() == dict.fromkeys(synthetic_counts(), 0)
    assert not Municipality.objects.filter(slug__regex=r"-s[0-9]{3}$").exists()
    assert real_state() == before


@pytest.mark.django_db
def test_missing_demo_region_is_refused_in_german() -> None:
    Region.objects.filter(slug="metropole-ruhr").update(slug="umbenannt")
    with pytest.raises(CommandError, match=r"Demo-Region „Metropole Ruhr“ fehlt.*load_demo"):
        call_command("generate_region", "--scale", "3", "--quiet")
    assert not Region.objects.filter(slug__startswith="synthetisch-").exists()


@pytest.mark.django_db
def test_scale_or_remove_is_required(demo: dict[str, int]) -> None:
    with pytest.raises(CommandError, match="--scale"):
        call_command("generate_region", "--quiet")
    with pytest.raises(CommandError, match="zwischen 1 und"):
        call_command("generate_region", "--scale", "0", "--quiet")


@pytest.mark.django_db
def test_entry_copies_multiply_the_entries_but_not_the_organisations(demo: dict[str, int]) -> None:
    from smartstadt.inventory.models import Entry, EntrySearchDocument

    call_command("generate_region", "--scale", "2", "--quiet")
    once = synthetic_counts()
    oberhausen = Entry.objects.filter(municipality__slug="oberhausen")
    assert oberhausen.exists()

    call_command("generate_region", "--scale", "2", "--entry-copies", "3", "--quiet")

    assert synthetic_counts() == once  # as many municipalities, districts and organisations as without
    copies = Entry.objects.filter(municipality__slug="oberhausen-s001")
    assert copies.count() == 3 * oberhausen.count()
    original = oberhausen.order_by("slug").first()
    assert original is not None
    variants = copies.filter(title=original.title).order_by("slug")
    assert [entry.slug for entry in variants] == [original.slug, f"{original.slug}-v02", f"{original.slug}-v03"]
    assert all(
        entry.lead_organisation_id != original.lead_organisation_id or not entry.lead_organisation_id
        for entry in variants
    )
    assert EntrySearchDocument.objects.filter(entry__in=copies).count() == copies.count()
    with pytest.raises(CommandError, match="--entry-copies"):
        call_command("generate_region", "--scale", "2", "--entry-copies", "0", "--quiet")
