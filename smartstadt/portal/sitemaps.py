from __future__ import annotations

from typing import Any

from django.contrib.sitemaps import Sitemap
from django.db.models import Max, QuerySet
from django.urls import reverse

from smartstadt.frameworks.models import Framework
from smartstadt.regions.models import Municipality, Organisation

PAGE_LIMIT = 2000


class StaticPages(Sitemap):
    changefreq = "weekly"
    priority = 0.8

    def items(self) -> list[str]:
        return [
            "portal:start",
            "portal:municipalities",
            "portal:frameworks",
            "portal:map",
            "portal:network",
            "portal:statistics",
            "portal:imprint",
            "portal:privacy",
            "portal:accessibility",
        ]

    def location(self, item: Any) -> str:
        return reverse(item)


class MunicipalityPages(Sitemap):
    limit = PAGE_LIMIT
    changefreq = "weekly"
    priority = 0.6

    def items(self) -> QuerySet[Municipality]:
        return Municipality.objects.order_by("slug")

    def lastmod(self, item: Municipality) -> Any:
        return item.updated_at

    def get_latest_lastmod(self) -> Any:
        # Django would compute this by loading every item; the database knows it in one aggregate.
        return Municipality.objects.aggregate(latest=Max("updated_at"))["latest"]


class OrganisationPages(Sitemap):
    limit = PAGE_LIMIT
    changefreq = "monthly"
    priority = 0.4

    def items(self) -> QuerySet[Organisation]:
        return Organisation.objects.select_related("municipality").order_by("municipality__slug", "slug")

    def lastmod(self, item: Organisation) -> Any:
        return item.updated_at

    def get_latest_lastmod(self) -> Any:
        return Organisation.objects.aggregate(latest=Max("updated_at"))["latest"]


class FrameworkPages(Sitemap):
    changefreq = "monthly"
    priority = 0.4

    def items(self) -> QuerySet[Framework]:
        return Framework.objects.order_by("slug")


SITEMAPS = {
    "pages": StaticPages,
    "municipalities": MunicipalityPages,
    "organisations": OrganisationPages,
    "frameworks": FrameworkPages,
}
