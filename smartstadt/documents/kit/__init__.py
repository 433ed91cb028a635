"""The rendering kit of Smartstadt's documents: what every app uses to make a document in the house style.

Public, and the only part of ``smartstadt.documents`` another app's report should import:

* :mod:`.word` — DOCX: ``new_document`` (A4, heading styles, German, properties, page numbers), ``table``,
  ``paragraphs``, ``bullets``, ``to_bytes``;
* :mod:`.pdf` — PDF from a standalone HTML document with WeasyPrint (tagged PDF/UA-1): ``stylesheet`` (to put
  into the HTML), ``html_to_pdf`` (optionally reporting the pages as progress);
* :mod:`.charts` — ``bar_chart``: horizontal bars as inline SVG with a title, for the documents and the pages;
* :mod:`.language` — ``german``, ``choice_label``: a model choice's label in German (documents are German
  whatever the reader's language, and use the same labels as the pages);
* :mod:`.progress` — the ``Progress`` callback type that renderers report to (the background task stores it,
  the page shows it).

The kit knows nothing of strategies or processes: an app builds its content, lays it out with these helpers and,
to have it rendered in the background with progress in the browser, registers as a kind of ``RenderedDocument``
(see docs/documents.md).
"""

from __future__ import annotations

from .charts import bar_chart
from .language import choice_label, german
from .pdf import Pdf, html_to_pdf, layout_progress, stylesheet
from .progress import Progress, no_progress

__all__ = [
    "Pdf",
    "Progress",
    "bar_chart",
    "choice_label",
    "german",
    "html_to_pdf",
    "layout_progress",
    "no_progress",
    "stylesheet",
]
