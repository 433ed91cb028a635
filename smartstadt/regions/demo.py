"""Demo region: Oberhausen and its Ruhr neighbours, and the model-project municipalities of the data set."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from smartstadt.demo.loader import LoadReport, demo_step, german_slug, read_jsonl, read_yaml, upsert

from .models import (
    District,
    DistrictKind,
    Municipality,
    MunicipalityKind,
    Organisation,
    OrganisationKind,
    Region,
)

RUHR = [
    "Oberhausen",
    "Mülheim an der Ruhr",
    "Duisburg",
    "Essen",
    "Bottrop",
    "Gelsenkirchen",
    "Bochum",
    "Dortmund",
    "Herne",
    "Dinslaken",
]

# Municipalities of the data set that are not a single city.
KINDS = {
    "Südwestfalen (Arnsberg, Bad Berleburg, Menden, Olpe, Soest)": MunicipalityKind.ASSOCIATION,
    "Bad Belzig / Wiesenburg/Mark": MunicipalityKind.ASSOCIATION,
    "Würzburg (Stadt und Landkreis)": MunicipalityKind.ASSOCIATION,
    "Smarte KielRegion (Kiel, Kreis Plön, Kreis Rendsburg-Eckernförde)": MunicipalityKind.ASSOCIATION,
    "Ringelai und ILE Ilzer Land (SmartesLand)": MunicipalityKind.ASSOCIATION,
    "Landkreise Vorpommern-Greifswald und Mecklenburgische Seenplatte (26 meer.zukunft.seen.)": (
        MunicipalityKind.ASSOCIATION
    ),
    "Connected Urban Twins (Hamburg, Leipzig, München)": MunicipalityKind.ASSOCIATION,
    "Landkreis Gießen": MunicipalityKind.DISTRICT,
    "Kreis Höxter": MunicipalityKind.DISTRICT,
    "Landkreis Hameln-Pyrmont": MunicipalityKind.DISTRICT,
    "Landkreis Kusel": MunicipalityKind.DISTRICT,
    "Eifelkreis Bitburg-Prüm (EIFELKREIS VERBINDET)": MunicipalityKind.DISTRICT,
    "Landkreis Wunsiedel i. Fichtelgebirge (Smartes Fichtelgebirge)": MunicipalityKind.DISTRICT,
    "Landkreis Mayen-Koblenz (Smarte Region MYK10)": MunicipalityKind.DISTRICT,
    "Landkreis St. Wendel (Smart Wendeler Land)": MunicipalityKind.DISTRICT,
    "Kirchheim b. München": MunicipalityKind.TOWN,
    "Eichenzell": MunicipalityKind.TOWN,
    "Lohmar": MunicipalityKind.TOWN,
    "Haßfurt": MunicipalityKind.TOWN,
    "Zwönitz": MunicipalityKind.TOWN,
    "Grevesmühlen": MunicipalityKind.TOWN,
    "Einbeck": MunicipalityKind.TOWN,
    "Geestland": MunicipalityKind.TOWN,
    "Hagenow": MunicipalityKind.TOWN,
}


def municipality_slug(name: str) -> str:
    """The URL name of a municipality: its name without the bracketed addition."""
    return german_slug(name.split(" (")[0])


def load_regions(report: LoadReport) -> None:
    ruhr = upsert(
        Region,
        report,
        lookup={"slug": "metropole-ruhr"},
        values={
            "name": "Metropole Ruhr",
            "description": (
                "Oberhausen und seine Nachbarstädte im Ruhrgebiet. Die Smart-City-Strategie Oberhausens "
                "wird regional eingebettet: Austausch und gemeinsame Projekte mit den Nachbarstädten."
            ),
            "order": 1,
        },
    )
    model_projects = upsert(
        Region,
        report,
        lookup={"slug": "modellprojekte-smart-cities"},
        values={
            "name": "Modellprojekte Smart Cities",
            "description": (
                "Kommunen aus allen Ländern, deren Smart-City-Vorhaben als Vorbild und Vergleich dienen – "
                "überwiegend Modellprojekte Smart Cities des Bundes (Staffeln 2019–2021)."
            ),
            "order": 2,
        },
    )
    oberhausen_facts = read_yaml("oberhausen.yaml")
    for city in read_jsonl("cities.jsonl"):
        name = city["city"]
        values: dict[str, Any] = {
            "name": name,
            "region": ruhr if name in RUHR else model_projects,
            "kind": KINDS.get(name, MunicipalityKind.CITY),
            "state": city.get("state") or "",
            "population": city.get("population"),
            "population_source": city.get("source_url", "") if city.get("population") else "",
            "mpsc_cohort": city.get("mpsc_cohort") or "",
            "phase": city.get("phase") or "",
            "vision": city.get("vision") or "",
            "fields_of_action": city.get("fields_of_action") or [],
            "source_url": city.get("source_url", ""),
            "source_note": city.get("fields_of_action_note", ""),
        }
        if name == "Oberhausen":
            values.update(oberhausen_profile(oberhausen_facts))
        upsert(Municipality, report, lookup={"slug": municipality_slug(name)}, values=values)


def oberhausen_profile(facts: dict[str, Any]) -> dict[str, Any]:
    vision = facts["smart_city_vision"]
    return {
        "population": facts["basics"]["population"][0]["value"],
        "population_source": facts["basics"]["population"][0]["source"],
        "area_km2": Decimal(str(facts["basics"]["area_km2"][0]["value"])),
        "motto": vision["application_2021"]["motto"],
        "vision": vision["current"]["summary"],
        "guiding_principles": facts["leitsaetze"]["items"],
        "development_goals": facts["entwicklungsziele"]["items"],
        "smart_city_unit": facts["organisation_smart_city"]["unit"],
        "contact_email": "smartcity@oberhausen.de",
        "website": "https://www.oberhausen.de/de/index/stadtentwicklung-umwelt/smart_city/",
        "source_url": vision["current"]["source"],
        "source_note": (
            "Einwohnerzahl laut MPSC-Steckbrief (neu); Fläche laut MPSC-Steckbrief. "
            + "Vision in der Bewerbung 2021: "
            + vision["application_2021"]["summary"]
        ),
    }


def load_oberhausen_districts(report: LoadReport) -> None:
    oberhausen = Municipality.objects.get(slug="oberhausen")
    facts = read_yaml("oberhausen.yaml")["districts"]
    seen: dict[str, str] = {}
    for borough in facts["stadtbezirke"]:
        population = borough.get("population") or {}
        parent = upsert(
            District,
            report,
            lookup={"municipality": oberhausen, "slug": german_slug(borough["name"])},
            values={
                "name": borough["name"],
                "kind": DistrictKind.BOROUGH,
                "parent": None,
                "population": population.get("value"),
                "population_as_of": population.get("as_of"),
                "area_km2": Decimal(str(borough["area_km2"])) if borough.get("area_km2") else None,
                "source_url": borough.get("source", ""),
                "note": borough.get("note", ""),
            },
        )
        for quarter in borough["stadtteile"]:
            slug = german_slug(quarter.split(" (")[0])
            if slug in seen:
                # The sources disagree on a few quarters (e.g. Tackenberg); the first source wins, the
                # other assignment is kept as a note instead of a second record.
                district = District.objects.get(municipality=oberhausen, slug=slug)
                note = f"Wird teils auch dem Stadtbezirk {borough['name']} zugeordnet."
                if note not in district.note:
                    upsert(
                        District,
                        report,
                        lookup={"pk": district.pk},
                        values={"note": (district.note + " " + note).strip()},
                    )
                continue
            seen[slug] = borough["name"]
            upsert(
                District,
                report,
                lookup={"municipality": oberhausen, "slug": slug},
                values={
                    "name": quarter,
                    "kind": DistrictKind.QUARTER,
                    "parent": parent,
                    "source_url": borough.get("source", ""),
                },
            )


# Oberhausen's actors, with the Giffinger dimensions in which they work (the editors' reading of their role).
ADMINISTRATION_UNITS = [
    {
        "name": "Stadtverwaltung Oberhausen",
        "short_name": "Stadt Oberhausen",
        "description": "Verwaltung der Stadt Oberhausen; Oberbürgermeister Daniel Schranz.",
        "website": "https://www.oberhausen.de",
        "competences": ["governance"],
    },
    {
        "name": "Dezernat 4 – Bürgerservice, öffentliche Ordnung, Personal und IT",
        "short_name": "Dezernat 4",
        "description": "Dezernat, in dem Smart City und IT der Stadtverwaltung angesiedelt sind.",
        "parent": "Stadtverwaltung Oberhausen",
        "competences": ["governance"],
    },
    {
        "name": "Fachbereich Smart City (4-4-10-200)",
        "short_name": "Smart City Oberhausen",
        "description": (
            "Smart-City-Einheit der Stadt (Bereich 4-4 IT / Smart City Oberhausen): Strategie, Modellprojekt "
            "Smart Cities, Co-Creation-Fund. Sitz: Rathaus Sterkrade, Steinbrinkstr. 168–188, 46145 Oberhausen."
        ),
        "parent": "Dezernat 4 – Bürgerservice, öffentliche Ordnung, Personal und IT",
        "contact_email": "smartcity@oberhausen.de",
        "website": "https://www.oberhausen.de/de/index/stadtentwicklung-umwelt/smart_city/",
        "source_url": "https://www.oberhausen.de/de/index/stadtentwicklung-umwelt/smart_city/foerderprogramm.php",
        "competences": ["governance", "people"],
    },
    {
        "name": "Volkshochschule Oberhausen",
        "short_name": "VHS Oberhausen",
        "description": "Partnerin im Projekt „Selbstbestimmt im Quartier“ (digitale Angebote für ältere Menschen).",
        "parent": "Stadtverwaltung Oberhausen",
        "source_url": "https://www.radiooberhausen.de/artikel/oberhausen-als-smart-city-dein-feedback-zaehlt-1523688.html",
        "competences": ["people"],
    },
    {
        "name": "Städtische Quartiersbüros Oberhausen",
        "short_name": "Quartiersbüros",
        "description": "Anlaufstellen in den Stadtteilen; machen digitale Möglichkeiten vor Ort erfahrbar.",
        "parent": "Stadtverwaltung Oberhausen",
        "source_url": "https://www.radiooberhausen.de/artikel/oberhausen-als-smart-city-dein-feedback-zaehlt-1523688.html",
        "competences": ["people", "living"],
    },
]

COMPANY_COMPETENCES = {
    "STOAG": ["mobility"],
    "evo": ["environment", "economy"],
    "OGM": ["living", "environment"],
    "WBO": ["environment"],
    "OWT": ["economy", "living"],
    "WFO": ["economy"],
    "TMO": ["economy", "living"],
    "PBO": ["economy"],
    "ENO": ["living", "economy"],
    "TZU": ["economy", "environment"],
    "Gasometer": ["living"],
    "LAH": ["living", "economy"],
    "IKF": ["living", "people"],
    "VZS": ["governance"],
    "GMVA": ["environment"],
    "RWW": ["environment"],
    "Stadtsparkasse": ["economy"],
}

OTHER_ACTORS: list[dict[str, Any]] = [
    {
        "name": "Fraunhofer-Institut für Umwelt-, Sicherheits- und Energietechnik UMSICHT",
        "short_name": "Fraunhofer UMSICHT",
        "kind": OrganisationKind.RESEARCH,
        "description": (
            "Forschungsinstitut in Oberhausen; Mitglied im Lenkungskreis des Masterplans Wirtschaft und "
            "Partner der Vision 2030+ (Zukunftsstadt-Wettbewerb)."
        ),
        "source_url": "http://www.vision-2030-oberhausen.de/informationen-zum-wettbewerb/",
        "competences": ["environment", "economy"],
    },
    {
        "name": "Lenkungskreis Masterplan Wirtschaft",
        "short_name": "Lenkungskreis Masterplan",
        "kind": OrganisationKind.NETWORK,
        "description": (
            "Netzwerk des Masterplans Wirtschaft: Oberbürgermeister, Wirtschaftsförderung, IHK, "
            "Unternehmerverband, Handwerk, Agentur für Arbeit, Fraunhofer UMSICHT und DGB. Grundlage für die "
            "gemeinsame Entwicklung der Smart-City-Strategie."
        ),
        "source_url": "http://news.oberhausen.de/newsletter_show.php?tid=56286ebdc5a4ea31a043eaea9c09c141",
        "competences": ["economy", "governance"],
    },
    {
        "name": "IHK (Lenkungskreis Masterplan Wirtschaft)",
        "short_name": "IHK",
        "kind": OrganisationKind.NETWORK,
        "description": "Industrie- und Handelskammer; Mitglied im Lenkungskreis des Masterplans Wirtschaft.",
        "source_url": "http://news.oberhausen.de/newsletter_show.php?tid=56286ebdc5a4ea31a043eaea9c09c141",
        "competences": ["economy"],
    },
    {
        "name": "Unternehmerverband (Lenkungskreis Masterplan Wirtschaft)",
        "short_name": "Unternehmerverband",
        "kind": OrganisationKind.NETWORK,
        "description": "Verband der Unternehmen; Mitglied im Lenkungskreis des Masterplans Wirtschaft.",
        "source_url": "http://news.oberhausen.de/newsletter_show.php?tid=56286ebdc5a4ea31a043eaea9c09c141",
        "competences": ["economy"],
    },
    {
        "name": "Handwerk (Lenkungskreis Masterplan Wirtschaft)",
        "short_name": "Handwerk",
        "kind": OrganisationKind.NETWORK,
        "description": "Vertretung des Handwerks; Mitglied im Lenkungskreis des Masterplans Wirtschaft.",
        "source_url": "http://news.oberhausen.de/newsletter_show.php?tid=56286ebdc5a4ea31a043eaea9c09c141",
        "competences": ["economy"],
    },
    {
        "name": "Agentur für Arbeit (Lenkungskreis Masterplan Wirtschaft)",
        "short_name": "Agentur für Arbeit",
        "kind": OrganisationKind.OTHER,
        "description": "Mitglied im Lenkungskreis des Masterplans Wirtschaft.",
        "source_url": "http://news.oberhausen.de/newsletter_show.php?tid=56286ebdc5a4ea31a043eaea9c09c141",
        "competences": ["economy", "people"],
    },
    {
        "name": "DGB (Lenkungskreis Masterplan Wirtschaft)",
        "short_name": "DGB",
        "kind": OrganisationKind.CIVIL_SOCIETY,
        "description": "Deutscher Gewerkschaftsbund; Mitglied im Lenkungskreis des Masterplans Wirtschaft.",
        "source_url": "http://news.oberhausen.de/newsletter_show.php?tid=56286ebdc5a4ea31a043eaea9c09c141",
        "competences": ["economy"],
    },
    {
        "name": "Vodafone (Narrowband-IoT-Netz)",
        "short_name": "Vodafone",
        "kind": OrganisationKind.BUSINESS,
        "description": (
            "Betreibt in Oberhausen ein Narrowband-IoT-Netz („Maschinennetz“); die WBO prüfte darüber "
            "Füllstandsmeldungen von Abfallbehältern."
        ),
        "source_url": (
            "https://app-webview.sparknews.funkemedien.de/nrw-nrz/staedte/oberhausen/article214228967/"
            "laternen-und-muelleimer-in-oberhausen-lernen-sprechen.html?paid=true"
        ),
        "competences": ["mobility", "environment"],
    },
]


def _company_short_name(name: str) -> str:
    return name.split(" ")[0]


def load_oberhausen_organisations(report: LoadReport) -> None:
    from smartstadt.frameworks.models import Term

    oberhausen = Municipality.objects.get(slug="oberhausen")
    dimensions = {term.code: term for term in Term.objects.filter(framework__slug="giffinger", parent__isnull=True)}

    def save(spec: dict[str, Any], kind: str) -> Organisation:
        parent_name = spec.get("parent")
        parent = Organisation.objects.get(municipality=oberhausen, name=parent_name) if parent_name else None
        return upsert(
            Organisation,
            report,
            lookup={"municipality": oberhausen, "slug": german_slug(spec.get("short_name") or spec["name"])},
            values={
                "name": spec["name"],
                "short_name": spec.get("short_name", ""),
                "kind": kind,
                "parent": parent,
                "description": spec.get("description", ""),
                "website": spec.get("website", ""),
                "contact_email": spec.get("contact_email", ""),
                "source_url": spec.get("source_url", ""),
                "is_active": spec.get("is_active", True),
            },
            m2m={"competences": [dimensions[code] for code in spec.get("competences", []) if code in dimensions]},
        )

    for spec in ADMINISTRATION_UNITS:
        save(spec, OrganisationKind.ADMINISTRATION)
    for item in read_yaml("oberhausen.yaml")["subsidiaries_and_institutions"]["items"]:
        short = _company_short_name(item["name"])
        save(
            {
                "name": item["name"],
                "short_name": short,
                "description": item["role"],
                "source_url": item.get("source", ""),
                "is_active": "(historisch)" not in item["name"],
                "competences": COMPANY_COMPETENCES.get(short, []),
            },
            OrganisationKind.MUNICIPAL_COMPANY,
        )
    for actor in OTHER_ACTORS:
        save(actor, str(actor["kind"]))


@demo_step("Regionen und Kommunen", order=20)
def regions_step(report: LoadReport) -> None:
    load_regions(report)


@demo_step("Oberhausen: Stadtbezirke und Stadtteile", order=30)
def districts_step(report: LoadReport) -> None:
    load_oberhausen_districts(report)


@demo_step("Oberhausen: Akteure", order=31)
def organisations_step(report: LoadReport) -> None:
    load_oberhausen_organisations(report)


def load_municipality_centres(report: LoadReport) -> None:
    """Approximate centres (data/municipality_centres.yaml) for the map; municipalities not listed stay empty."""
    centres = read_yaml("municipality_centres.yaml")["centres"]
    known = set(Municipality.objects.filter(slug__in=centres).values_list("slug", flat=True))
    for slug, point in centres.items():
        if slug not in known:
            continue
        upsert(
            Municipality,
            report,
            lookup={"slug": slug},
            values={
                "latitude": Decimal(str(point["lat"])).quantize(Decimal("0.000001")),
                "longitude": Decimal(str(point["lon"])).quantize(Decimal("0.000001")),
            },
        )


# After the inventory step, which adds the places that only the measures file names.
@demo_step("Kommunen: ungefähre Mittelpunkte für die Karte", order=45)
def centres_step(report: LoadReport) -> None:
    load_municipality_centres(report)
