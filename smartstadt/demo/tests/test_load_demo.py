from __future__ import annotations

import pytest
from django.core.management import call_command

from smartstadt.core.models import ChangeRecord, Membership, User
from smartstadt.frameworks.models import Framework, Term
from smartstadt.regions.models import District, Municipality, Organisation


@pytest.mark.django_db
def test_demo_region_holds_the_real_facts(demo_region):
    oberhausen = Municipality.objects.get(slug="oberhausen")
    assert oberhausen.population == 210824
    assert oberhausen.region.name == "Metropole Ruhr"
    assert oberhausen.motto == "Oberhausen – gemeinsam smart"
    assert oberhausen.development_goals == [
        "Die prosperierende Stadt",
        "Die Chancenstadt",
        "Die nachhaltige Stadt",
        "Die attraktive Stadt",
    ]
    assert "Wir sind innovativ und testen Neues." in oberhausen.guiding_principles
    # 68 of the cities file and 28 more places that only the measures file names
    assert Municipality.objects.count() == 96
    ruhr = set(Municipality.objects.filter(region__slug="metropole-ruhr").values_list("slug", flat=True))
    assert {"oberhausen", "muelheim-an-der-ruhr", "essen", "duisburg", "bottrop", "gelsenkirchen", "herne"} <= ruhr
    assert Municipality.objects.get(slug="muelheim-an-der-ruhr").population == 172816


@pytest.mark.django_db
def test_oberhausen_districts_and_actors(demo_region):
    boroughs = District.objects.filter(municipality__slug="oberhausen", kind="borough")
    assert sorted(boroughs.values_list("name", flat=True)) == ["Alt-Oberhausen", "Osterfeld", "Sterkrade"]
    assert District.objects.get(municipality__slug="oberhausen", slug="osterfeld").population == 38081
    assert District.objects.get(slug="schmachtendorf").parent.name == "Sterkrade"
    # Tackenberg is listed under two boroughs by the sources: one record, with a note.
    tackenberg = District.objects.get(slug="tackenberg")
    assert "Sterkrade" in tackenberg.note
    stoag = Organisation.objects.get(municipality__slug="oberhausen", slug="stoag")
    assert stoag.kind == "municipal_company"
    assert list(stoag.competences.values_list("code", flat=True)) == ["mobility"]
    assert not Organisation.objects.get(slug="wfo").is_active
    kinds = set(Organisation.objects.filter(municipality__slug="oberhausen").values_list("kind", flat=True))
    assert {"administration", "municipal_company", "research", "network"} <= kinds


@pytest.mark.django_db
def test_frameworks_giffinger_masterplan_istep(demo_region):
    giffinger = Framework.objects.get(slug="giffinger")
    dimensions = Term.objects.filter(framework=giffinger, parent__isnull=True)
    assert list(dimensions.values_list("code", flat=True)) == [
        "governance",
        "people",
        "mobility",
        "environment",
        "economy",
        "living",
    ]
    assert Term.objects.filter(framework=giffinger, parent__isnull=False).count() == 33
    assert Term.objects.get(code="gif-mob-03").parent.code == "mobility"
    masterplan = Framework.objects.get(slug="oberhausen-masterplan")
    assert masterplan.municipality.slug == "oberhausen"
    assert masterplan.terms.count() == 5
    assert Framework.objects.get(slug="oberhausen-istep").terms.count() == 6


@pytest.mark.django_db
def test_loading_twice_changes_nothing(demo_region):
    counts = (Municipality.objects.count(), Organisation.objects.count(), Term.objects.count())
    history = ChangeRecord.objects.count()
    call_command("load_demo", "--quiet")
    assert (Municipality.objects.count(), Organisation.objects.count(), Term.objects.count()) == counts
    assert ChangeRecord.objects.count() == history


@pytest.mark.django_db
def test_a_changed_fact_is_restored_and_recorded(demo_region):
    oberhausen = Municipality.objects.get(slug="oberhausen")
    oberhausen.population = 1
    oberhausen.save()
    call_command("load_demo", "--quiet")
    oberhausen.refresh_from_db()
    assert oberhausen.population == 210824
    record = ChangeRecord.objects.filter(object_id=str(oberhausen.pk), action="changed").latest("created_at")
    assert record.actor_label == "Demo-Daten"
    assert record.changes["population"] == {"old": 1, "new": 210824}


@pytest.mark.django_db
def test_demo_users_one_per_role(demo_region):
    roles = dict(Membership.objects.values_list("user__username", "role"))
    assert roles["team-oberhausen"] == "smart_city_team"
    assert roles["team-muelheim"] == "smart_city_team"
    assert roles["redaktion-stoag"] == "editor"
    assert roles["moderation-oberhausen"] == "moderator"
    assert roles["expertin-oberhausen"] == "expert"
    assert User.objects.get(username="admin").is_superuser
    assert User.objects.filter(is_demo=True).count() == 7


@pytest.mark.django_db
def test_no_demo_users_where_they_are_switched_off(settings):
    User.objects.all().delete()
    settings.DEMO_USERS = False
    call_command("load_demo", "--quiet")
    assert not User.objects.exists()
    assert Municipality.objects.filter(slug="oberhausen").exists()


@pytest.mark.django_db
def test_show_demo_logins_prints_the_accounts(demo_region, capsys):
    call_command("show_demo_logins", "--url", "http://127.0.0.1:8000")
    output = capsys.readouterr().out
    assert "team-oberhausen" in output
    assert "smartstadt-demo" in output
    assert "http://127.0.0.1:8000/admin/" in output


def test_the_loader_finds_every_apps_demo_module_by_itself() -> None:
    from django.apps import apps
    from django.utils.module_loading import module_has_submodule

    from smartstadt.demo.loader import demo_steps

    steps = list(demo_steps())
    with_demo = {config.name for config in apps.get_app_configs() if module_has_submodule(config.module, "demo")}
    assert {step.run.__module__.removesuffix(".demo") for step in steps} == with_demo
    orders = [_order_of(step) for step in steps]
    assert orders == sorted(orders)  # in the order the steps declare


def _order_of(step: object) -> int:
    from smartstadt.demo.loader import _STEPS

    return next(order for order, registered in _STEPS if registered is step)
