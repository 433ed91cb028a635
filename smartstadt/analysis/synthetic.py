"""Synthetic data (``manage.py generate_region``): the copied entries join the analysis index.

Their lexical vectors are written in the generator's transaction (a copied text is analysed once; a corpus grown by
more than a quarter gets a new vocabulary); the embeddings follow in the task worker, copied from the originals
by the hash of their text, so the copies cost no embedding at all. Removing synthetic data needs no step of its own:
the vectors go with their entries (after ``--remove``, ``rebuild_analysis_index`` fits the vocabulary to what is
left; until then the scores use the larger corpus's word weights).
"""

from __future__ import annotations

from smartstadt.demo.generator import GeneratorContext, generator_step

from . import indexing, semantic, services


@generator_step("Analyse-Index", order=90)
def analysis_step(context: GeneratorContext) -> None:
    context.progress.expect(1)
    indexing.update(embed=False)
    context.progress.advance(1)
    if semantic.available():
        services.entries_changed(None)
