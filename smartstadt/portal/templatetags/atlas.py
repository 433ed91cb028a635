"""Template tags of the atlas: the map settings for pages that show a single place (e.g. an entry)."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.simple_tag
def map_settings() -> dict[str, Any]:
    from smartstadt.portal.atlas import map_config
    from smartstadt.search.filters import EntryFilters

    return map_config(EntryFilters())
