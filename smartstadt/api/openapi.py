"""The OpenAPI document as served at /api/openapi.json and committed as docs/openapi.json."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings

from .api import api

COMMITTED = Path(settings.BASE_DIR) / "docs" / "openapi.json"
REGENERATE = "DEBUG=1 .venv/bin/python manage.py export_openapi --output docs/openapi.json"


def openapi_document() -> dict[str, Any]:
    """The document ninja serves; a JSON round trip makes it plain data, as a client receives it."""
    return json.loads(json.dumps(api.get_openapi_schema(), ensure_ascii=False))


def render(document: dict[str, Any]) -> str:
    """Pretty-printed with sorted keys, so that a change shows as a readable diff."""
    return json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
