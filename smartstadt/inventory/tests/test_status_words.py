"""One wording of the entry status everywhere: the spreadsheet's words are the model's German labels.

The spreadsheet keeps its own table (it also accepts codes and English labels when reading), so this test holds
it to the labels the interface and the documents show ("läuft", "gestoppt"), not a second wording.
"""

from __future__ import annotations

from django.utils import translation

from smartstadt.inventory.models import EntryStatus
from smartstadt.inventory.spreadsheets.columns import STATUS_VALUES


def test_the_spreadsheet_names_each_status_as_the_interface_does():
    with translation.override("de"):
        labels = {status: str(status.label) for status in EntryStatus}
    assert dict(STATUS_VALUES) == labels
