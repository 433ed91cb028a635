"""Pydantic schemas of the API: query parameters and answers.

The answers are plain pydantic models that the routers fill from dictionaries (see ``rows.py``): validating a
page of dictionaries in pydantic-core costs a fraction of reading fifty model instances attribute by attribute.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja import Schema
from pydantic import BaseModel, Field, field_validator
from pydantic_core import PydanticUseDefault

from smartstadt.frameworks.models import Verification
from smartstadt.inventory.models import EntryKind, EntryStatus, KnowledgeType, Maturity, Transferability
from smartstadt.regions.models import DistrictKind, MunicipalityKind, OrganisationKind

SLUG = r"^[-a-zA-Z0-9_]+$"
TERM = r"^[-a-zA-Z0-9_]+:[-a-zA-Z0-9_]+$"
TEXT = r"^[^\x00-\x1f]*$"  # no control characters (PostgreSQL refuses NUL in a query)
DEFAULT_LIMIT = 50
MAX_LIMIT = 500
# Far beyond any list, and far below what a database takes as OFFSET (2^63 - 1 on PostgreSQL, less with the limit
# added on SQLite): a bigger offset is a client's mistake and answers 422, not a database error.
MAX_OFFSET = 1_000_000_000


# --- Query parameters --------------------------------------------------------------------------------------------


class Filters(Schema):
    """An empty parameter (``?kind=``, as a portal form sends it) means: no filter."""

    @field_validator("*", mode="before")
    @classmethod
    def _empty_means_none(cls, value: Any) -> Any:
        return None if value == "" else value


class PageQuery(Schema):
    # An empty ``limit`` or ``offset`` means its default, as an empty filter means no filter. (A comment, not a
    # docstring: pydantic would put the docstring into the OpenAPI document, which speaks German.)
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description=f"Einträge je Seite (1–{MAX_LIMIT}).")
    offset: int = Field(
        0,
        ge=0,
        le=MAX_OFFSET,
        description=f"Wie viele Einträge übersprungen werden (0–{MAX_OFFSET:_}).".replace("_", "."),
    )

    @field_validator("*", mode="before")
    @classmethod
    def _empty_means_default(cls, value: Any) -> Any:
        if value == "":
            raise PydanticUseDefault
        return value


class MunicipalityQuery(Filters):
    region: str | None = Field(None, pattern=SLUG, max_length=80, description="URL-Name der Region.")
    state: str | None = Field(None, pattern=TEXT, max_length=80, description="Bundesland, z. B. „Nordrhein-Westfalen“.")


class OrganisationQuery(Filters):
    municipality: str | None = Field(None, pattern=SLUG, max_length=100, description="URL-Name der Kommune.")
    kind: OrganisationKind | None = Field(None, description="Art der Organisation.")


class EntryQuery(Filters):
    q: str | None = Field(
        None,
        max_length=200,
        description="Volltextsuche (deutsch: Wortstämme, Teile zusammengesetzter Wörter); alle Wörter müssen "
        "vorkommen, die besten Treffer kommen zuerst.",
    )
    municipality: str | None = Field(None, pattern=SLUG, max_length=100, description="URL-Name der Kommune.")
    region: str | None = Field(None, pattern=SLUG, max_length=80, description="URL-Name der Region.")
    kind: EntryKind | None = Field(None, description="Art des Eintrags.")
    status: EntryStatus | None = Field(None, description="Stand des Vorhabens.")
    term: str | None = Field(
        None,
        pattern=TERM,
        max_length=120,
        description="Schlagwort als „<Ordnungsrahmen>:<Code>“; ein Oberbegriff findet auch seine Unterbegriffe.",
    )
    organisation_kind: OrganisationKind | None = Field(
        None, description="Art der federführenden oder beteiligten Organisation."
    )
    district: str | None = Field(None, pattern=SLUG, max_length=100, description="URL-Name des Stadtteils.")


# --- Shared parts ---------------------------------------------------------------------------------------------------


class RegionRef(BaseModel):
    slug: str
    name: str


class OrganisationRef(BaseModel):
    slug: str
    name: str


class TermRef(BaseModel):
    framework: str = Field(description="URL-Name des Ordnungsrahmens.")
    code: str
    label: str


class DistrictRef(BaseModel):
    slug: str
    name: str


class Link(BaseModel):
    url: str
    label: str = ""


# --- Municipalities -------------------------------------------------------------------------------------------------


class MunicipalityBase(BaseModel):
    slug: str
    name: str
    kind: MunicipalityKind
    state: str = Field(description="Bundesland.")
    region: RegionRef | None
    official_key: str = Field(description="Amtlicher Gemeindeschlüssel (AGS), leer wenn unbekannt.")
    population: int | None
    area_km2: float | None
    website: str
    url: str = Field(description="Seite der Kommune im Portal.")


class MunicipalityItem(MunicipalityBase):
    organisation_count: int = Field(description="Zahl der aktiven Organisationen.")


class DistrictNode(BaseModel):
    slug: str
    name: str
    kind: DistrictKind
    population: int | None
    quarters: list[DistrictRef] = Field(description="Stadtteile eines Stadtbezirks.")


class MunicipalityDetail(MunicipalityBase):
    motto: str
    vision: str
    guiding_principles: list[str]
    development_goals: list[str]
    fields_of_action: list[str]
    mpsc_cohort: str = Field(description="Staffel der Modellprojekte Smart Cities.")
    phase: str
    smart_city_unit: str
    contact_email: str = Field(description="Funktionspostfach, keine persönliche Adresse.")
    source_url: str
    districts: list[DistrictNode] = Field(description="Stadtbezirke mit ihren Stadtteilen.")


class MunicipalityPage(BaseModel):
    count: int
    items: list[MunicipalityItem]


# --- Organisations --------------------------------------------------------------------------------------------------


class OrganisationItem(BaseModel):
    municipality: str = Field(description="URL-Name der Kommune.")
    slug: str
    name: str
    short_name: str
    kind: OrganisationKind
    is_active: bool
    website: str
    competences: list[TermRef]
    url: str = Field(description="Seite der Organisation im Portal.")


class OrganisationDetail(OrganisationItem):
    description: str
    parent: OrganisationRef | None = Field(description="Übergeordnete Organisation.")
    units: list[OrganisationRef] = Field(description="Untergeordnete Einheiten.")
    contact_email: str = Field(description="Funktionspostfach, keine persönliche Adresse.")
    source_url: str


class OrganisationPage(BaseModel):
    count: int
    items: list[OrganisationItem]


# --- Inventory entries ----------------------------------------------------------------------------------------------


class EntryItem(BaseModel):
    municipality: str = Field(description="URL-Name der Kommune.")
    slug: str
    title: str
    kind: EntryKind
    knowledge_type: KnowledgeType | None
    status: EntryStatus
    publication_state: str = Field(description="Ohne Anmeldung immer „published“.")
    summary: str
    lead_organisation: OrganisationRef | None
    terms: list[TermRef]
    start_year: int | None
    end_year: int | None
    latitude: float | None
    longitude: float | None
    published_at: datetime | None
    updated_at: datetime
    url: str = Field(description="Seite des Eintrags im Portal.")


class EntryDetail(EntryItem):
    description: str = Field(description="Beschreibung in Markdown.")
    partners: list[OrganisationRef]
    districts: list[DistrictRef]
    budget_eur: float | None
    funding_sources: list[str]
    links: list[Link]
    contact_email: str = Field(description="Funktionspostfach, keine persönliche Adresse.")
    maturity: Maturity | None
    transferability: Transferability
    licence: str = Field(description="Lizenz für die Nachnutzung.")
    source_url: str
    source_note: str


class EntryPage(BaseModel):
    count: int
    items: list[EntryItem]


# --- Frameworks -----------------------------------------------------------------------------------------------------


class FrameworkBase(BaseModel):
    slug: str
    name: str
    short_name: str
    description: str
    municipality: str | None = Field(description="URL-Name der Kommune; leer bei Referenzrahmen für alle.")
    year: int | None
    verification: Verification
    source_url: str
    url: str = Field(description="Seite des Ordnungsrahmens im Portal.")


class FrameworkItem(FrameworkBase):
    term_count: int


class TermLeaf(BaseModel):
    code: str
    label: str
    label_en: str
    description: str


class TermNode(TermLeaf):
    children: list[TermLeaf] = Field(description="Unterbegriffe, z. B. Giffingers Faktoren einer Dimension.")


class FrameworkDetail(FrameworkBase):
    terms: list[TermNode] = Field(description="Die Begriffe als Baum: Oberbegriffe mit ihren Unterbegriffen.")


class FrameworkPage(BaseModel):
    count: int
    items: list[FrameworkItem]
