"""Pages of the analysis engine: the "Wer macht das schon?" search (the entry page's similar entries are part of
the inventory's entry page, see selectors.similar_entries_for)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from . import selectors


def who_does_this(request: HttpRequest) -> HttpResponse:
    """Who works on this already? A free-text problem description finds published entries and the organisations
    behind them. A GET form: every search is a shareable address and works without JavaScript."""
    result = selectors.who_does_this(query=str(request.GET.get("q", "")))
    return render(
        request,
        "analysis/who.html",
        {"result": result, "query": result.query, "max_length": selectors.MAX_QUERY_LENGTH},
    )
