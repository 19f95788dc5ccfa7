"""The site's URLs: each domain's pages, the JSON API under /api/, Django admin, and the probes."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.static import serve

from civicdesk.api import api
from civicdesk.organisations.views import accounts, ops

admin.site.site_header = "civicdesk"

urlpatterns = [
    path("", accounts.home, name="home"),
    path("login/", accounts.LoginView.as_view(), name="login"),
    path("logout/", accounts.LogoutView.as_view(), name="logout"),
    path("password/", accounts.PasswordChangeView.as_view(), name="password_change"),
    path("password/done/", accounts.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("password/reset/", accounts.PasswordResetView.as_view(), name="password_reset"),
    path("password/reset/sent/", accounts.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "password/reset/<uidb64>/<token>/",
        accounts.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("password/reset/done/", accounts.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("healthz", ops.healthz, name="healthz"),
    path("readyz", ops.readyz, name="readyz"),
    path("theme/<slug:slug>.css", ops.municipality_theme, name="municipality_theme"),
    path("api/", api.urls),
    path("django-admin/", admin.site.urls),
    path("", include("civicdesk.organisations.urls")),
    path("", include("civicdesk.directory.urls")),
    path("", include("civicdesk.knowledge.urls")),
    path("", include("civicdesk.cases.urls")),
    path("", include("civicdesk.routing.urls")),
    path("", include("civicdesk.telephony.urls")),
]

if settings.DEMO:
    # Uploaded logos; in production the reverse proxy or object storage serves MEDIA_URL.
    urlpatterns.append(
        path(f"{settings.MEDIA_URL.strip('/')}/<path:path>", serve, {"document_root": settings.MEDIA_ROOT})
    )

handler403 = "civicdesk.organisations.views.errors.forbidden"
handler404 = "civicdesk.organisations.views.errors.not_found"
handler500 = "civicdesk.organisations.views.errors.server_error"
