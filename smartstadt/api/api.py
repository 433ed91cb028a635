"""The NinjaAPI instance, mounted at /api/ (config/urls.py); the OpenAPI document is /api/openapi.json.

No interactive documentation page: ninja's Swagger UI loads its scripts from a CDN, which the platform's
content security policy (and the rule that nothing comes from a CDN at run time) forbids. The OpenAPI document
is committed as docs/openapi.json; any OpenAPI viewer can show it.
"""

from __future__ import annotations

from ninja import NinjaAPI
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


api = NinjaAPI(
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
