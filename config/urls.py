"""The project's URLs. Every view is marked public, signed-in or members-only (see access.py)."""

from django.contrib import admin
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.urls import include, path
from django.views.decorators.http import require_GET

from engagements.access import public


@public
@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """For load balancers and docker-compose: the process answers and the database is reachable."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")


admin.site.site_header = "Aligned administration"
admin.site.site_title = "Aligned admin"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("accounts/", include("accounts.urls")),
    path("", include("retreats.urls")),
    path("", include("engagements.urls")),
    path("", include("planning.urls")),
    path("", include("monitoring.urls")),
    path("", include("reports.urls")),
]
