"""The NinjaAPI instance, mounted at /api/ (config/urls.py); the OpenAPI document is /api/openapi.json.

No interactive documentation page: ninja's Swagger UI loads its scripts from a CDN, which the platform's
content security policy (and the rule that nothing comes from a CDN at run time) forbids. The OpenAPI document
is committed as docs/openapi.json; any OpenAPI viewer can show it.
"""

from __future__ import annotations

from typing import Any

from ninja import NinjaAPI
from ninja.openapi.schema import OpenAPISchema
from ninja.renderers import JSONRenderer

from . import entries, errors, frameworks, municipalities, organisations, participation

DESCRIPTION = """\
Lesende Schnittstelle der Plattform Smartstadt: Kommunen, Organisationen, der Bestand an Projekten, Lösungen \
und Wissen sowie die Ordnungsrahmen.

Listen antworten mit `count` (Zahl der Treffer) und `items` (eine Seite, gesteuert mit `limit` und `offset`); \
jedes Element nennt seine Seite im Portal als `url`. Ohne Anmeldung liefert die Schnittstelle nur \
veröffentlichte Einträge. Fehler antworten auf Deutsch: 404 mit `detail` „Nicht gefunden“, 422 mit den \
ungültigen Parametern in `errors`.

Der offene Datenkatalog (DCAT-AP.de) steht unter `/opendata/catalog.ttl`.
"""


class Utf8JSONRenderer(JSONRenderer):
    """Umlauts as they are, not as \\u escapes: readable with curl, and shorter."""

    json_dumps_params = {"ensure_ascii": False}


class SmartstadtAPI(NinjaAPI):
    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        """Every optional query parameter may be sent empty (``?kind=``) and then counts as not set (see
        ``schemas.Filters`` and ``schemas.PageQuery``): the document says so with ``allowEmptyValue``, which
        ninja does not write itself."""
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        for path in schema["paths"].values():
            for operation in path.values():
                for parameter in operation.get("parameters", []):
                    if parameter["in"] == "query" and not parameter.get("required"):
                        parameter["allowEmptyValue"] = True
        return schema


api = SmartstadtAPI(
    title="Smartstadt API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    docs_url=None,
    renderer=Utf8JSONRenderer(),
)
errors.install(api)
api.add_router("/municipalities", municipalities.router)
api.add_router("/organisations", organisations.router)
api.add_router("/entries", entries.router)
api.add_router("/frameworks", frameworks.router)
api.add_router("/processes", participation.router)
