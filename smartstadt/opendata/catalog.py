"""The DCAT-AP.de 3.0 catalogue of the published inventory: one data set per municipality, as CSV and JSON.

Conformance is checked by a test against the official SHACL shapes (smartstadt/opendata/tests). What those
shapes demand beyond the obvious, and why the graph looks as it does:

* Every distribution needs its own ``dct:license`` (DCAT-AP.de), and every data set a ``dct:publisher``.
* ``sh:class`` is checked without inference: a contact point must be typed ``vcard:Kind`` itself (typing it
  ``vcard:Organization`` alone fails), a publisher ``foaf:Agent`` itself, a ``dct:spatial`` ``dct:Location``.
* A contact point needs ``vcard:hasEmail``, ``vcard:hasURL`` or ``vcard:hasTelephone``, each an IRI (``mailto:``).
* ``dcat:mediaType`` must be an IANA IRI (``https://www.iana.org/assignments/media-types/…``); ``dct:format``,
  ``dcat:theme``, ``dct:language``, ``dct:accessRights`` and ``dct:accrualPeriodicity`` take the EU vocabularies.
* ``dcatde:politicalGeocodingURI`` is deprecated in 3.0 (a warning fails validation): the official
  municipality key goes into ``dct:spatial`` instead, and only where the municipality has one.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse
from rdflib import RDF, XSD, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF

from smartstadt.core.models import SiteProfile
from smartstadt.regions.models import Municipality, MunicipalityKind

from .selectors import municipalities_with_published_entries

DCATDE = Namespace("http://dcat-ap.de/def/dcatde/")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
EU = "http://publications.europa.eu/resource/authority/"
LANGUAGE_GERMAN = URIRef(f"{EU}language/DEU")
THEME_TAXONOMY = URIRef(f"{EU}data-theme")
THEME_GOVERNMENT = URIRef(f"{EU}data-theme/GOVE")  # Regierung und öffentlicher Sektor
ACCESS_PUBLIC = URIRef(f"{EU}access-right/PUBLIC")
UPDATED_CONTINUOUSLY = URIRef(f"{EU}frequency/UPDATE_CONT")
LOCAL_AUTHORITY = URIRef("http://purl.org/adms/publishertype/LocalAuthority")
GEOCODING = "http://dcat-ap.de/def/politicalGeocoding/"

# The exports of the inventory (spreadsheet export), filtered by ?municipality=<slug>.
FORMATS = {
    "csv": {
        "path": "/bestand/export.csv",
        "label": "CSV",
        "format": URIRef(f"{EU}file-type/CSV"),
        "media_type": URIRef("https://www.iana.org/assignments/media-types/text/csv"),
    },
    "json": {
        "path": "/bestand/export.json",
        "label": "JSON",
        "format": URIRef(f"{EU}file-type/JSON"),
        "media_type": URIRef("https://www.iana.org/assignments/media-types/application/json"),
    },
}
KEYWORDS = ["Smart City", "Digitalisierung", "Stadtentwicklung", "Projekte", "Bestandsaufnahme"]
OPERATOR_FALLBACK = "Smartstadt"


def _german(text: str) -> Literal:
    return Literal(text, lang="de")


def _timestamp(value: datetime) -> Literal:
    return Literal(value.replace(microsecond=0).isoformat(), datatype=XSD.dateTime)


def political_geocoding(municipality: Municipality) -> tuple[URIRef, URIRef] | None:
    """The DCAT-AP.de IRIs of the municipality's area and its level, built from the official key (AGS)."""
    key = municipality.official_key
    if len(key) != 8 or not key.isdigit():
        return None
    if municipality.kind == MunicipalityKind.DISTRICT:
        return URIRef(f"{GEOCODING}districtKey/{key[:5]}"), URIRef(f"{GEOCODING}Level/administrativeDistrict")
    if municipality.kind in {MunicipalityKind.CITY, MunicipalityKind.TOWN}:
        return URIRef(f"{GEOCODING}municipalityKey/{key}"), URIRef(f"{GEOCODING}Level/municipality")
    return None  # an association of municipalities has a nine-digit key the AGS does not give


class CatalogueBuilder:
    def __init__(self, *, base_url: str, licence: str, operator: SiteProfile) -> None:
        self.base_url = base_url.rstrip("/")
        self.document = f"{self.base_url}{reverse('opendata:catalog')}"
        self.licence = URIRef(licence)
        self.operator = operator
        self.graph = Graph()
        for prefix, namespace in [
            ("dcat", DCAT),
            ("dct", DCTERMS),
            ("dcatde", DCATDE),
            ("foaf", FOAF),
            ("vcard", VCARD),
        ]:
            self.graph.bind(prefix, namespace)

    def node(self, name: str) -> URIRef:
        return URIRef(f"{self.document}#{name}")

    def absolute(self, path: str, query: dict[str, str] | None = None) -> URIRef:
        return URIRef(f"{self.base_url}{path}" + (f"?{urlencode(query)}" if query else ""))

    def add(self, subject: URIRef, *pairs: tuple[URIRef, Any]) -> None:
        for predicate, value in pairs:
            self.graph.add((subject, predicate, value))

    @property
    def operator_name(self) -> str:
        return self.operator.operator_name or OPERATOR_FALLBACK

    def build(self, municipalities: Iterable[Municipality]) -> Graph:
        catalogue = self.node("catalog")
        publisher = self.node("operator")
        self.add(publisher, (RDF.type, FOAF.Agent), (RDF.type, FOAF.Organization))
        self.add(publisher, (FOAF.name, _german(self.operator_name)))
        if self.operator.email:
            self.add(publisher, (FOAF.mbox, URIRef(f"mailto:{self.operator.email}")))
        self.add(
            catalogue,
            (RDF.type, DCAT.Catalog),
            (DCTERMS.title, _german("Smartstadt – Smart-City-Vorhaben der Kommunen")),
            (
                DCTERMS.description,
                _german(
                    "Die veröffentlichte Bestandsaufnahme der Plattform Smartstadt: Projekte, Lösungen und Wissen "
                    "der Kommunen zur Smart City, je Kommune ein Datensatz als CSV und JSON."
                ),
            ),
            (DCTERMS.publisher, publisher),
            (FOAF.homepage, self.absolute("/")),
            (DCTERMS.language, LANGUAGE_GERMAN),
            (DCTERMS.license, self.licence),
            (DCAT.themeTaxonomy, THEME_TAXONOMY),
        )
        latest: datetime | None = None
        for municipality in municipalities:
            self.add(catalogue, (DCAT.dataset, self.dataset(municipality)))
            modified = getattr(municipality, "last_modified", None)
            if modified is not None and (latest is None or modified > latest):
                latest = modified
        if latest is not None:
            self.add(catalogue, (DCTERMS.modified, _timestamp(latest)))
        return self.graph

    def dataset(self, municipality: Municipality) -> URIRef:
        slug = municipality.slug
        dataset = self.node(f"dataset-{slug}")
        count = getattr(municipality, "published_count", 0)
        self.add(
            dataset,
            (RDF.type, DCAT.Dataset),
            (DCTERMS.identifier, Literal(str(dataset))),
            (DCTERMS.title, _german(f"Smart-City-Vorhaben {municipality.name}")),
            (
                DCTERMS.description,
                _german(
                    f"Projekte, Lösungen und Wissen von {municipality.name} aus der Bestandsaufnahme der Plattform "
                    f"Smartstadt ({count} veröffentlichte Einträge), mit Stand, Federführung, Partnern und "
                    "Schlagwörtern wie den Smart-City-Dimensionen nach Giffinger."
                ),
            ),
            (DCAT.theme, THEME_GOVERNMENT),
            (DCTERMS.language, LANGUAGE_GERMAN),
            (DCTERMS.accessRights, ACCESS_PUBLIC),
            (DCTERMS.accrualPeriodicity, UPDATED_CONTINUOUSLY),
            (DCTERMS.publisher, self.publisher(municipality)),
            (DCAT.contactPoint, self.contact_point(municipality)),
            (DCAT.landingPage, self.absolute(reverse("inventory:search"), {"municipality": slug})),
        )
        for keyword in [*KEYWORDS, municipality.name]:
            self.add(dataset, (DCAT.keyword, _german(keyword)))
        modified = getattr(municipality, "last_modified", None)
        if modified is not None:
            self.add(dataset, (DCTERMS.modified, _timestamp(modified)))
        issued = getattr(municipality, "first_published", None)
        if issued is not None:
            self.add(dataset, (DCTERMS.issued, _timestamp(issued)))
        geocoding = political_geocoding(municipality)
        if geocoding is not None:
            area, level = geocoding
            self.add(area, (RDF.type, DCTERMS.Location))
            self.add(dataset, (DCTERMS.spatial, area), (DCATDE.politicalGeocodingLevelURI, level))
        for key in FORMATS:
            self.add(dataset, (DCAT.distribution, self.distribution(municipality, key, modified)))
        return dataset

    def publisher(self, municipality: Municipality) -> URIRef:
        agent = self.node(f"publisher-{municipality.slug}")
        self.add(
            agent,
            (RDF.type, FOAF.Agent),
            (RDF.type, FOAF.Organization),
            (FOAF.name, _german(municipality.name)),
            (DCTERMS.type, LOCAL_AUTHORITY),
        )
        if municipality.website:
            self.add(agent, (FOAF.homepage, URIRef(municipality.website)))
        return agent

    def contact_point(self, municipality: Municipality) -> URIRef:
        """The municipality's role mailbox, else the operator's; always the municipality's portal page."""
        contact = self.node(f"contact-{municipality.slug}")
        self.add(
            contact,
            (RDF.type, VCARD.Kind),
            (RDF.type, VCARD.Organization),
            (VCARD.fn, _german(municipality.smart_city_unit or municipality.name)),
            (VCARD.hasURL, self.absolute(municipality.get_absolute_url())),
        )
        email = municipality.contact_email or self.operator.email
        if email:
            self.add(contact, (VCARD.hasEmail, URIRef(f"mailto:{email}")))
        return contact

    def attribution(self, municipality: Municipality) -> Literal:
        """The credit a licence such as dl-by-de/2.0 asks for."""
        return _german(f"{municipality.name}: Smart-City-Vorhaben, bereitgestellt über {self.operator_name}")

    def distribution(self, municipality: Municipality, key: str, modified: datetime | None) -> URIRef:
        spec = FORMATS[key]
        distribution = self.node(f"dataset-{municipality.slug}-{key}")
        url = self.absolute(str(spec["path"]), {"municipality": municipality.slug})
        self.add(
            distribution,
            (RDF.type, DCAT.Distribution),
            (DCTERMS.title, _german(f"Smart-City-Vorhaben {municipality.name} als {spec['label']}")),
            (DCAT.accessURL, url),
            (DCAT.downloadURL, url),
            (DCTERMS.format, spec["format"]),
            (DCAT.mediaType, spec["media_type"]),
            (DCTERMS.license, self.licence),
            (DCATDE.licenseAttributionByText, self.attribution(municipality)),
        )
        if modified is not None:
            self.add(distribution, (DCTERMS.modified, _timestamp(modified)))
        return distribution


def catalogue_graph(*, base_url: str) -> Graph:
    """The catalogue as an RDF graph; two queries, whatever the size of the inventory."""
    builder = CatalogueBuilder(base_url=base_url, licence=settings.OPEN_DATA_LICENSE, operator=SiteProfile.current())
    return builder.build(municipalities_with_published_entries())


def catalogue_turtle(*, base_url: str) -> str:
    return catalogue_graph(base_url=base_url).serialize(format="turtle")
