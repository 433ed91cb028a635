from __future__ import annotations

import pytest

from smartstadt.frameworks.models import Framework
from smartstadt.inventory.demo import guess_organisation_kind, parse_years
from smartstadt.inventory.models import Entry


@pytest.mark.django_db
def test_all_measures_of_the_file_are_published_entries(demo_region):
    from smartstadt.demo.loader import read_jsonl

    projects = read_jsonl("projects.jsonl")
    assert Entry.objects.published().count() == len(projects) == 334
    co_creation = Entry.objects.get(external_id="oberhausen--co-kreation")
    assert co_creation.municipality.slug == "oberhausen"
    assert co_creation.status == "planned"
    assert co_creation.lead_organisation.slug == "smart-city-oberhausen"
    assert set(co_creation.terms.filter(framework__slug="giffinger").values_list("code", flat=True)) == {
        "governance",
        "people",
    }


@pytest.mark.django_db
def test_source_labels_become_a_framework_per_municipality(demo_region):
    framework = Framework.objects.get(slug="oberhausen-handlungsfelder")
    assert framework.municipality.slug == "oberhausen"
    assert {"Beteiligung", "Bildung", "Gesundheit"} <= set(framework.terms.values_list("label", flat=True))


@pytest.mark.django_db
def test_partners_become_organisations(demo_region):
    entry = Entry.objects.filter(partners__name="KL.digital GmbH").first()
    assert entry is not None
    assert entry.partners.get(name="KL.digital GmbH").kind == "municipal_company"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2021-", (2021, None)),
        ("2023-2026", (2023, 2026)),
        ("2023", (2023, 2023)),
        ([2021], (2021, 2021)),
        ([2023, 2027], (2023, 2027)),
        ("", (None, None)),
        ([], (None, None)),
    ],
)
def test_parse_years(value, expected):
    assert parse_years(value) == expected


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("Fraunhofer IOSB-INA", "research"),
        ("Stadtwerke Bochum", "municipal_company"),
        ("Stadt Essen", "administration"),
        ("Allianz Smart City Dortmund", "network"),
        ("Arup", "business"),
    ],
)
def test_organisation_kind_from_name(name, kind):
    assert guess_organisation_kind(name) == kind
