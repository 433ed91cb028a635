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
