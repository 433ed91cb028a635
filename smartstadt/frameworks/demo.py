"""Demo frameworks: Giffinger 2007 and Oberhausen's Masterplan and iSTEP topic fields."""

from __future__ import annotations

from typing import Any

from smartstadt.demo.loader import LoadReport, demo_step, german_slug, read_yaml, upsert

from .models import Framework, Term, Verification

# Stable codes for the six characteristics, as the shared projects data names them.
GIFFINGER_CODES = {
    "GIF-GOV": "governance",
    "GIF-PEO": "people",
    "GIF-MOB": "mobility",
    "GIF-ENV": "environment",
    "GIF-ECO": "economy",
    "GIF-LIV": "living",
}
GIFFINGER_ORDER = list(GIFFINGER_CODES.values())

# Our German working labels for the factors (the source gives English labels only).
FACTOR_LABELS_DE = {
    "GIF-ECO-01": "Innovationsgeist",
    "GIF-ECO-02": "Unternehmergeist",
    "GIF-ECO-03": "Wirtschaftliches Image und Marken",
    "GIF-ECO-04": "Produktivität",
    "GIF-ECO-05": "Flexibilität des Arbeitsmarkts",
    "GIF-ECO-06": "Internationale Einbettung",
    "GIF-ECO-07": "Wandlungsfähigkeit",
    "GIF-PEO-01": "Qualifikationsniveau",
    "GIF-PEO-02": "Lebenslanges Lernen",
    "GIF-PEO-03": "Soziale und ethnische Vielfalt",
    "GIF-PEO-04": "Flexibilität",
    "GIF-PEO-05": "Kreativität",
    "GIF-PEO-06": "Weltoffenheit",
    "GIF-PEO-07": "Teilhabe am öffentlichen Leben",
    "GIF-GOV-01": "Beteiligung an Entscheidungen",
    "GIF-GOV-02": "Öffentliche und soziale Dienste",
    "GIF-GOV-03": "Transparente Verwaltung",
    "GIF-GOV-04": "Politische Strategien und Perspektiven",
    "GIF-MOB-01": "Lokale Erreichbarkeit",
    "GIF-MOB-02": "(Inter-)nationale Erreichbarkeit",
    "GIF-MOB-03": "Verfügbarkeit von IKT-Infrastruktur",
    "GIF-MOB-04": "Nachhaltige Verkehrssysteme",
    "GIF-ENV-01": "Attraktivität der natürlichen Umgebung",
    "GIF-ENV-02": "Umweltbelastung",
    "GIF-ENV-03": "Umweltschutz",
    "GIF-ENV-04": "Nachhaltiges Ressourcenmanagement",
    "GIF-LIV-01": "Kultureinrichtungen",
    "GIF-LIV-02": "Gesundheitsbedingungen",
    "GIF-LIV-03": "Persönliche Sicherheit",
    "GIF-LIV-04": "Wohnqualität",
    "GIF-LIV-05": "Bildungseinrichtungen",
    "GIF-LIV-06": "Touristische Attraktivität",
    "GIF-LIV-07": "Sozialer Zusammenhalt",
}

# The topic fields ticked on the seed sheet "4) Oberhausen ist ... smart".
MASTERPLAN_TOPIC_FIELDS = [
    "Zukunftsfähige Standortfaktoren",
    "Zukunftsprofil des Standorts Oberhausen",
    "Wissenschaft, Innovation und Gründung",
    "Arbeit, (Schul-)Bildung und Qualifizierung",
    "Smart City Oberhausen",
]


def _verification(value: Any) -> str:
    return value if value in Verification.values else Verification.PARTIAL


def load_giffinger(report: LoadReport) -> Framework:
    source = next(f for f in read_yaml("frameworks.yaml")["frameworks"] if f["id"] == "giffinger2007")
    framework = upsert(
        Framework,
        report,
        lookup={"slug": Framework.GIFFINGER},
        values={
            "name": "Smart City nach Giffinger et al. (2007)",
            "short_name": "Giffinger 2007",
            "description": (
                "Sechs Merkmale einer Smart City mit ihren Faktoren aus dem Bericht "
                f"„{source['title']}“ ({source['publisher']}). Die deutschen Faktorbezeichnungen sind "
                "Arbeitstitel der Plattform; Merkmale mit dem Vermerk „nicht verifiziert“ sind vor einer "
                "Veröffentlichung am Bericht zu prüfen."
            ),
            "year": 2007,
            "verification": Verification.PARTIAL,
            "source_url": source["sources"][0]["url"],
            "order": 1,
        },
    )
    for order, characteristic in enumerate(
        sorted(source["characteristics"], key=lambda c: GIFFINGER_ORDER.index(GIFFINGER_CODES[c["id"]]))
    ):
        dimension = upsert(
            Term,
            report,
            lookup={"framework": framework, "code": GIFFINGER_CODES[characteristic["id"]]},
            values={
                "label": characteristic["label_de"],
                "label_en": characteristic["label"],
                "description": f"{characteristic['theme']} ({characteristic['id']})",
                "order": order,
                "parent": None,
                "verification": _verification(characteristic.get("verification")),
            },
        )
        for factor_order, factor in enumerate(characteristic["factors"]):
            notes = []
            if factor.get("indicators"):
                notes.append("Indikatoren: " + "; ".join(factor["indicators"]))
            if factor.get("counted_in_31") is False:
                notes.append("Ohne Indikator im Ranking 2007 (nicht unter den 31 gezählten Faktoren).")
            upsert(
                Term,
                report,
                lookup={"framework": framework, "code": factor["id"].lower()},
                values={
                    "label": FACTOR_LABELS_DE[factor["id"]],
                    "label_en": factor["label"],
                    "description": " ".join(notes),
                    "order": factor_order,
                    "parent": dimension,
                    "verification": _verification(factor.get("verification") or characteristic.get("verification")),
                },
            )
    return framework


def load_oberhausen_frameworks(report: LoadReport) -> None:
    from smartstadt.regions.models import Municipality

    oberhausen = Municipality.objects.filter(slug="oberhausen").first()
    if oberhausen is None:
        report.messages.append("Oberhausen fehlt: Themenfelder übersprungen.")
        return
    facts = read_yaml("oberhausen.yaml")
    masterplan = upsert(
        Framework,
        report,
        lookup={"slug": "oberhausen-masterplan"},
        values={
            "name": "Themenfelder im Masterplan Wirtschaft Oberhausen",
            "short_name": "Masterplan",
            "description": (
                "Themenfelder, auf die sich die Projektblätter des Masterplans Wirtschaft beziehen "
                "(Ankreuzfelder „Bezug zu Themenfeld im Masterplan“ im Projektblatt "
                "„4) Oberhausen ist ... smart“). " + facts["masterplan_wirtschaft"]["facts"]
            ),
            "municipality": oberhausen,
            "year": 2020,
            "verification": Verification.VERIFIED,
            "source_url": facts["masterplan_wirtschaft"]["source"],
            "order": 10,
        },
    )
    for order, label in enumerate(MASTERPLAN_TOPIC_FIELDS):
        upsert(
            Term,
            report,
            lookup={"framework": masterplan, "code": german_code(label)},
            values={"label": label, "order": order, "parent": None, "verification": Verification.VERIFIED},
        )
    istep = facts["istep_themenfelder"]
    istep_framework = upsert(
        Framework,
        report,
        lookup={"slug": "oberhausen-istep"},
        values={
            "name": "Themenfelder des iSTEP Oberhausen",
            "short_name": "iSTEP",
            "description": (
                "Themenfelder des integrierten Stadtentwicklungsprozesses (iSTEP). "
                + istep["note"]
                + " Die Smart-City-Strategie 2024 bezieht sich auf: "
                + ", ".join(istep["smart_city_strategie_themenfelder_2024"]["items"])
                + "."
            ),
            "municipality": oberhausen,
            "verification": Verification.PARTIAL,
            "source_url": istep["source"],
            "order": 11,
        },
    )
    for order, label in enumerate(istep["items"]):
        upsert(
            Term,
            report,
            lookup={"framework": istep_framework, "code": german_code(label)},
            values={"label": label, "order": order, "parent": None, "verification": Verification.VERIFIED},
        )


def german_code(label: str) -> str:
    return german_slug(label, max_length=60)


@demo_step("Ordnungsrahmen: Giffinger 2007", order=10)
def giffinger_step(report: LoadReport) -> None:
    load_giffinger(report)


@demo_step("Ordnungsrahmen: Themenfelder Oberhausen", order=25)
def oberhausen_frameworks_step(report: LoadReport) -> None:
    load_oberhausen_frameworks(report)
