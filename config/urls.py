"""The project's URLs. Every view is marked public, signed-in or members-only (see access.py)."""

from django.contrib import admin
from django.urls import include, path

from config import health
from engagements.access import public

# Answered by config.health.HealthCheckMiddleware first; named here so reverse() knows them.
healthz = public(health.healthz)
readyz = public(health.readyz)


# A request too large to read gets a 413 page in plain words, other bad requests Django's 400.
handler400 = "config.security.handler400"

admin.site.site_header = "Aligned administration"
admin.site.site_title = "Aligned admin"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("accounts/", include("accounts.urls")),
    path("", include("retreats.urls")),
    path("", include("engagements.urls")),
    path("", include("evidence.urls")),
    path("", include("listening.urls")),
    path("", include("synthesis.urls")),
    path("", include("planning.urls")),
    path("", include("monitoring.urls")),
    path("", include("reports.urls")),
    path("", include("archives.urls")),
]
