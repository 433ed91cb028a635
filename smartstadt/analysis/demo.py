"""Demo data: the analysis index of the demo entries, as the loader's last step."""

from __future__ import annotations

from smartstadt.demo.loader import LoadReport, demo_step

from . import indexing, semantic, services
from .models import EntryVector


@demo_step("Analyse: ähnliche Vorhaben", order=995)
def analysis_step(report: LoadReport) -> None:
    """The lexical vectors at once (a second or two, nothing when no text changed), so that the entry pages show
    similar entries right away; the embeddings (about ten seconds for the demo entries) in the task worker."""
    result = indexing.update(embed=False)
    if result.written:
        report.counts["Analyse: Einträge neu analysiert"] += result.written
    if semantic.available() and EntryVector.objects.filter(semantic__isnull=True).exists():
        services.entries_changed(None)


@demo_step("Analyse: Schlagwort-Vorschläge", order=996)
def tagging_step(report: LoadReport) -> None:
    """The tag suggestion model of the Giffinger dimensions (a second or two; nothing when the tags are unchanged),
    so that the entry forms suggest tags right away; trained again with the semantic layer once the worker has
    embedded the entries."""
    from . import tagging

    for _slug, entries in tagging.retrain_stale().items():
        report.counts["Analyse: Schlagwort-Modell trainiert (Einträge)"] += entries
