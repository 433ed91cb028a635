from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path
from django.views.decorators.cache import cache_page
from django.views.i18n import set_language

from smartstadt.api import errors as api_errors
from smartstadt.api.api import api
from smartstadt.core import views as core_views
from smartstadt.portal.sitemaps import SITEMAPS

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("favicon.ico", core_views.favicon),
    # An index of sections of at most 2,000 addresses each: a state-wide atlas stays fast, every part is cached.
    path("sitemap.xml", cache_page(3600)(sitemap_views.index), {"sitemaps": SITEMAPS}, name="sitemap"),
    path(
        "sitemap-<section>.xml",
        cache_page(3600)(sitemap_views.sitemap),
        {"sitemaps": SITEMAPS},
        name="django.contrib.sitemaps.views.sitemap",
    ),
    path("sprache/", set_language, name="set_language"),
    path("anmelden/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("abmelden/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "passwort-vergessen/",
        core_views.PasswordResetView.as_view(),
        name="password_reset",
    ),
    path("passwort-vergessen/gesendet/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "passwort-neu/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("passwort-neu/fertig/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("konto/", core_views.account, name="account"),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("opendata/", include("smartstadt.opendata.urls")),
    path("", include("smartstadt.inventory.urls")),
    path("", include("smartstadt.analysis.urls")),
    path("", include("smartstadt.strategy.urls")),
    path("", include("smartstadt.documents.urls")),
    path("", include("smartstadt.participation.urls")),
    path("", include("smartstadt.stocktaking.urls")),
    path("", include("smartstadt.portal.urls")),
]

# Under /api/ errors answer JSON, also where the API itself is not reached (smartstadt/api/errors.py).
handler404 = api_errors.page_not_found
handler500 = api_errors.server_error
