"""Security headers and request limits that are not Django's own: the Permissions-Policy header,
a friendly 413 page for a request too large to read, and the deploy check that production counts
rate limits in a shared cache (README, "Security headers and limits")."""

from django.conf import settings
from django.core import checks
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.views.defaults import bad_request

from engagements.services.meetings import size_in_words

# Powerful browser features no page of Aligned uses (joining by QR code is the phone's own camera
# app reading the projector, not this site): no page, and nothing a page embeds, may ask for them.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "bluetooth",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "hid",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
)
# The projector asks for full screen on its own page.
PERMISSIONS_POLICY += ", fullscreen=(self)"

TOO_LARGE = (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent)


class PermissionsPolicyMiddleware:
    """Adds the Permissions-Policy header to every response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


def too_large(request: HttpRequest, exception: Exception) -> HttpResponse:
    """413, in plain words: what was too large, its limit, and what to do. Nothing of the request
    or the settings is shown beyond the limits themselves. An htmx request gets the message at the
    top of the page it came from, so nothing typed there is lost."""
    context = {
        "form_limit": size_in_words(settings.DATA_UPLOAD_MAX_MEMORY_SIZE),
        "file_limit": size_in_words(settings.READING_MAX_BYTES),
        "too_many": not isinstance(exception, RequestDataTooBig),
    }
    # The header itself: a body refused before HtmxMiddleware ran has no request.htmx yet.
    if request.headers.get("HX-Request") == "true":
        response = TemplateResponse(request, "_413_message.html", context, status=413)
        response["HX-Retarget"] = "#main"
        response["HX-Reswap"] = "afterbegin show:top"
    else:
        response = TemplateResponse(request, "413.html", context, status=413)
    return response.render()


def handler400(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Django answers a body it refuses to read (over DATA_UPLOAD_MAX_MEMORY_SIZE, too many
    fields or files) with its 400 page; this answers those with the 413 page instead."""
    if isinstance(exception, TOO_LARGE):
        return too_large(request, exception)
    return bad_request(request, exception)


class RequestTooLargeMiddleware:
    """Refuses a request whose declared body is over REQUEST_MAX_BYTES before anything reads it:
    Django caps form fields in memory, but an upload of any size would be written to a
    temporary file before a form could say it is too big."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.REQUEST_MAX_BYTES:
            return too_large(request, RequestDataTooBig())
        return self.get_response(request)


@checks.register(checks.Tags.security, deploy=True)
def shared_cache_for_rate_limits(app_configs, **kwargs):
    """In production every limit on sign-ins, join codes and public feedback must be counted in
    one cache all web processes share: a local-memory cache counts per process."""
    backend = settings.CACHES[getattr(settings, "RATELIMIT_USE_CACHE", "default")]["BACKEND"]
    if settings.DEBUG or not backend.endswith("LocMemCache"):
        return []
    return [
        checks.Error(
            "Rate limits (failed sign-ins, wrong join codes, public feedback) are counted in a "
            "local-memory cache, which each web process keeps for itself: behind several "
            "processes they would let through several times as many attempts.",
            hint="Set REDIS_URL (or REDIS_CACHE_URL) to a Redis all web processes share.",
            id="aligned.E001",
        )
    ]
