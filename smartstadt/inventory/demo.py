"""Demo inventory: the real smart-city measures of data/projects.jsonl as published entries.

Every municipality of the file becomes (or stays) a municipality; each measure an entry led by its municipality
(the sources are the municipalities' own project lists); partners become organisations; Giffinger tags come
from ``smart_dimension``; the source's own labels (``fields_of_action``) become one framework per municipality.
"""

from __future__ import annotations

import re
from typing import Any

from django.db.models import Q
from django.utils import timezone

from smartstadt.demo.loader import LoadReport, demo_step, german_slug, read_jsonl, read_yaml, upsert
from smartstadt.frameworks.models import Framework, Term, Verification
from smartstadt.regions.demo import KINDS, RUHR, municipality_slug
from smartstadt.regions.models import District, Municipality, MunicipalityKind, Organisation, OrganisationKind, Region
from smartstadt.regions.services import unique_slug

from .models import Entry, EntryKind, EntryStatus, PublicationState

# Places of the project file that are not in the cities file but lie in the Ruhr area (Regionalverband Ruhr).
RUHR_EXTRA = {"Schwerte", "Emscher-Lippe-Region (Kreis Recklinghausen, Bottrop, Gladbeck, Dorsten)"}
EXTRA_KINDS = {
    "Kreis Soest": MunicipalityKind.DISTRICT,
    "Kreis Warendorf": MunicipalityKind.DISTRICT,
    "Landkreis Bad Kissingen": MunicipalityKind.DISTRICT,
    "Landkreis Hof": MunicipalityKind.DISTRICT,
    "Landkreis Vorpommern-Greifswald": MunicipalityKind.DISTRICT,
    "Rhein-Sieg-Kreis (Hennef, Siegburg, Sankt Augustin)": MunicipalityKind.DISTRICT,
    "Emscher-Lippe-Region (Kreis Recklinghausen, Bottrop, Gladbeck, Dorsten)": MunicipalityKind.ASSOCIATION,
    "Flensburg / Kreis Schleswig-Flensburg / Kreis Nordfriesland": MunicipalityKind.ASSOCIATION,
    "Kalletal / Lemgo": MunicipalityKind.ASSOCIATION,
    "Aalen / Heidenheim an der Brenz": MunicipalityKind.ASSOCIATION,
    "Kalletal": MunicipalityKind.TOWN,
}
# Who leads a municipality's own measures in Oberhausen: its Smart City unit.
LEAD_BY_SLUG = {"oberhausen": "smart-city-oberhausen"}
STATUS = {status.value: status.value for status in EntryStatus}
SOURCE_NOTE = (
    "Maßnahme aus der Projektübersicht der Kommune (Quelle). Federführung: die Kommune; die Art der Partner ist aus "
    "ihrem Namen abgeleitet. Smart-City-Dimensionen nach Giffinger durch Lesen des Textes zugeordnet."
)

KIND_PATTERNS = [
    (
        OrganisationKind.RESEARCH,
        r"Universit|Hochschule|Fraunhofer|Institut|DFKI|Forschung|\bTU\b|\bTH\b|RWTH|\bFH\b|Helmholtz|Max-Planck|Akademie",
    ),
    (OrganisationKind.CIVIL_SOCIETY, r"Bürgerrat|Beirat|e\. ?V\.|Verein|Stiftung|Genossenschaft|Bürgerstiftung"),
    (
        OrganisationKind.NETWORK,
        r"Netzwerk|Allianz|Verband|Zukunftsnetz|Competence Center|Initiative|Initiativkreis|Kammer|\bIHK\b|Cluster"
        r"|Netz NRW|Lab\b",
    ),
    (
        OrganisationKind.ADMINISTRATION,
        r"^Stadt |^Gemeinde |^Landkreis|^Kreis |Senat|Ministerium|^Land |Stadtarchiv|Bezirksregierung|Hansestadt"
        r"|Verwaltung|Amt\b|Landesamt|Kreisverwaltung|Bundesamt|Staatskanzlei|Chief Digital Officer|Rechenzentrum"
        r"|Leitstelle",
    ),
    (
        OrganisationKind.MUNICIPAL_COMPANY,
        r"Stadtwerke|Versorgungs|Verkehrs|Netz GmbH|Wirtschaftsförderung|Marketing GmbH|Digitalstadt|KL\.digital"
        r"|smart city .* GmbH|Entsorgung|Wasser|Energie.*(Stadt|kommunal)|\bSWD\b|\bSWO\b|RheinEnergie|NEW AG"
        r"|Museum|Galerie|Theater|Bibliothek|Volkshochschule|Marketing|Sparkasse|Bogestra|Zoo|Veranstaltung"
        r"|Wirtschaftsentwicklung|Agentur|Bauen und Wohnen|Wohnungs|Senioreneinrichtung|\bService\b|\bHEAG\b",
    ),
    (
        OrganisationKind.BUSINESS,
        r"\bAG\b|GmbH|\bSE\b|\bKG\b|Arup|Telekom|Vodafone|Siemens|\bInc\b|\bLtd\b|Systems|Deutschland|Partner"
        r"|Montan|Energie|Consult",
    ),
]


def guess_organisation_kind(name: str) -> str:
    for kind, pattern in KIND_PATTERNS:
        if re.search(pattern, name, flags=re.IGNORECASE if kind != OrganisationKind.BUSINESS else 0):
            return str(kind)
    return str(OrganisationKind.OTHER)


def parse_years(value: Any) -> tuple[int | None, int | None]:
    """'2021-', '2023-2026', '2023', [2021], [2023, 2027], '' → (start, end)."""
    if isinstance(value, list):
        numbers = [int(item) for item in value if str(item).isdigit()]
    else:
        numbers = [int(item) for item in re.findall(r"\d{4}", str(value or ""))]
    if not numbers:
        return None, None
    if isinstance(value, str) and value.strip().endswith("-") and len(numbers) == 1:
        return numbers[0], None
    return min(numbers), max(numbers) if len(numbers) > 1 else numbers[0]


def administration_name(municipality: Municipality) -> str:
    if municipality.kind == MunicipalityKind.CITY or municipality.kind == MunicipalityKind.TOWN:
        return f"Stadt {municipality.name}" if not municipality.name.startswith("Stadt ") else municipality.name
    if municipality.kind == MunicipalityKind.DISTRICT:
        return municipality.name
    return f"Projektverbund {municipality.name}"


def ensure_municipalities(report: LoadReport) -> dict[str, Municipality]:
    """The municipalities of the project file; those missing from the cities file are added."""
    ruhr = Region.objects.get(slug="metropole-ruhr")
    model_projects = Region.objects.get(slug="modellprojekte-smart-cities")
    by_city: dict[str, Municipality] = {}
    for project in read_jsonl("projects.jsonl"):
        city = project["city"]
        if city in by_city:
            continue
        slug = municipality_slug(city)
        municipality = Municipality.objects.filter(slug=slug).first()
        if municipality is None:
            municipality = upsert(
                Municipality,
                report,
                lookup={"slug": slug},
                values={
                    "name": city.split(" (und ")[0],
                    "region": ruhr if city in RUHR or city in RUHR_EXTRA else model_projects,
                    "kind": EXTRA_KINDS.get(city, KINDS.get(city, MunicipalityKind.CITY)),
                    "state": project.get("state") or "",
                    "source_url": project.get("source_url", ""),
                    "source_note": "Aus der Maßnahmenliste übernommen; Einwohnerzahl in den Quellen nicht angegeben.",
                },
            )
        by_city[city] = municipality
    return by_city


def lead_organisation(municipality: Municipality, report: LoadReport) -> Organisation:
    own = LEAD_BY_SLUG.get(municipality.slug)
    if own:
        found = Organisation.objects.filter(municipality=municipality, slug=own).first()
        if found is not None:
            return found
    name = administration_name(municipality)
    return upsert(
        Organisation,
        report,
        lookup={"municipality": municipality, "slug": german_slug(name)},
        values={"name": name, "kind": OrganisationKind.ADMINISTRATION, "source_url": municipality.source_url},
    )


def partner_organisation(name: str, municipality: Municipality, report: LoadReport) -> Organisation:
    """A partner by name: an actor the region already knows, else a new one in the entry's municipality."""
    existing = Organisation.objects.filter(Q(name=name) | Q(short_name=name)).first()
    if existing is None:
        first_word = name.split(" ")[0]
        existing = Organisation.objects.filter(municipality=municipality, short_name=first_word).first()
    if existing is None:
        city = re.match(r"^(?:Stadt|Gemeinde|Alte Hansestadt|Hansestadt) (.+)$", name)
        if city:
            home = Municipality.objects.filter(slug=german_slug(city.group(1))).first()
            if home is not None:
                municipality = home
    if existing is not None:
        return existing
    return upsert(
        Organisation,
        report,
        lookup={"municipality": municipality, "slug": german_slug(name)[:120]},
        values={"name": name, "kind": guess_organisation_kind(name)},
    )


def source_framework(municipality: Municipality, labels: list[str], report: LoadReport) -> list[Term]:
    framework = upsert(
        Framework,
        report,
        lookup={"slug": f"{municipality.slug}-handlungsfelder"[:100]},
        values={
            "name": f"Handlungsfelder laut Quelle ({municipality.name})",
            "short_name": "Handlungsfelder",
            "description": "Die Handlungsfelder, die die Projektübersicht der Kommune ihren Maßnahmen zuordnet.",
            "municipality": municipality,
            "verification": Verification.VERIFIED,
            "source_url": municipality.source_url,
            "order": 20,
        },
    )
    terms = []
    for label in labels:
        code = german_slug(label, max_length=60)
        order = (
            Term.objects.filter(framework=framework).count() if not framework.terms.filter(code=code).exists() else 0
        )
        term = Term.objects.filter(framework=framework, code=code).first() or upsert(
            Term,
            report,
            lookup={"framework": framework, "code": code},
            values={"label": label, "order": order, "verification": Verification.VERIFIED},
        )
        terms.append(term)
    return terms


def editorial_tags() -> dict[str, tuple[list[Term], list[District]]]:
    """Oberhausen's measures in its own topic frameworks and districts (data/oberhausen_topics.yaml)."""
    data = read_yaml("oberhausen_topics.yaml")
    terms = {
        (framework, term.code): term
        for framework in ("istep", "masterplan")
        for term in Term.objects.filter(framework__slug=f"oberhausen-{framework}")
    }
    districts = {district.slug: district for district in District.objects.filter(municipality__slug="oberhausen")}
    result: dict[str, tuple[list[Term], list[District]]] = {}
    for external_id, tags in data["entries"].items():
        chosen = [
            terms[(framework, german_slug(data[framework][key], max_length=60))]
            for framework in ("istep", "masterplan")
            for key in tags.get(framework, [])
            if (framework, german_slug(data[framework][key], max_length=60)) in terms
        ]
        result[external_id] = (chosen, [districts[slug] for slug in tags.get("districts", []) if slug in districts])
    return result


def load_projects(report: LoadReport) -> None:
    municipalities = ensure_municipalities(report)
    giffinger = {term.code: term for term in Term.objects.filter(framework__slug="giffinger", parent__isnull=True)}
    editorial = editorial_tags()
    now = timezone.now()
    for project in read_jsonl("projects.jsonl"):
        municipality = municipalities[project["city"]]
        start, end = parse_years(project.get("years"))
        terms = [giffinger[code] for code in project.get("smart_dimension", []) if code in giffinger]
        if project.get("fields_of_action"):
            terms += source_framework(municipality, project["fields_of_action"], report)
        topic_terms, districts = editorial.get(project["id"], ([], []))
        terms += topic_terms
        partners = [partner_organisation(name, municipality, report) for name in project.get("partners", [])]
        existing = Entry.objects.filter(municipality=municipality, external_id=project["id"]).first()
        slug = existing.slug if existing else unique_slug(Entry, project["title"], scope={"municipality": municipality})
        upsert(
            Entry,
            report,
            lookup={"municipality": municipality, "external_id": project["id"]},
            values={
                "slug": slug,
                "kind": EntryKind.PROJECT,
                "title": project["title"],
                "summary": project.get("summary_de", ""),
                "status": STATUS.get(project.get("status", ""), EntryStatus.UNKNOWN),
                "lead_organisation": lead_organisation(municipality, report),
                "start_year": start,
                "end_year": end,
                "source_url": project.get("source_url", ""),
                "source_note": SOURCE_NOTE,
                "publication_state": PublicationState.PUBLISHED,
                "published_at": existing.published_at if existing and existing.published_at else now,
            },
            m2m={"terms": terms, "partners": partners, "districts": districts},
        )


@demo_step("Bestand: Maßnahmen der Kommunen", order=40)
def projects_step(report: LoadReport) -> None:
    load_projects(report)


@demo_step("Suchindex: Bestand und Akteure", order=990)
def search_index_step(report: LoadReport) -> None:
    """Last step: every entry and organisation findable, whichever step wrote it (only changed rows are written)."""
    from smartstadt import search

    written = search.index_entries(Entry.objects.values_list("pk", flat=True))
    written += search.index_organisations(Organisation.objects.values_list("pk", flat=True))
    if written:
        report.counts["Suchindex: Einträge geschrieben"] += written
