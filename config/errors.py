"""The optional error tracker: with SENTRY_DSN set, server errors and failed Celery tasks also go
to Sentry (or any service that speaks its protocol, such as GlitchTip), beside the ADMINS e-mail
and the logs (README, "Health checks").

Nothing personal or secret is sent: no user, e-mail, IP address or cookie
(`send_default_pii=False`), no request body (`max_request_body_size="never"`) and no local
variables of the stack frames (cards, comments and answers are people's words, in a school
district often a student's); the address is sent as its URL pattern (`/review/{token}/`), never
with the token of an invitation, a review link, an observer link or a password reset, and no
query string or header but the browser's name. Performance tracing is off unless
SENTRY_TRACES_SAMPLE_RATE asks for it.
"""

import os

KEPT_HEADERS = {"user-agent", "content-type", "content-length"}


def scrub(event: dict, hint: dict) -> dict:
    """The request's address as its pattern (its transaction name), without query or headers
    that could carry a secret link (Referer) or a person's data."""
    request = event.get("request")
    if request:
        request["url"] = event.get("transaction") or "[Filtered]"
        request.pop("query_string", None)
        headers = request.get("headers") or {}
        request["headers"] = {k: v for k, v in headers.items() if k.lower() in KEPT_HEADERS}
    return event


def init_error_tracker(dsn: str) -> None:
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration
    from sentry_sdk.integrations.logging import ignore_logger

    for name in ("RequestDataTooBig", "TooManyFieldsSent", "TooManyFilesSent"):
        ignore_logger(f"django.security.{name}")  # the friendly 413 page: not an error
    sentry_sdk.init(
        dsn=dsn,
        integrations=[DjangoIntegration(transaction_style="url"), CeleryIntegration()],
        environment=os.environ.get("SENTRY_ENVIRONMENT", "production"),
        send_default_pii=False,
        max_request_body_size="never",
        include_local_variables=False,
        before_send=scrub,
        traces_sample_rate=float(os.environ.get("SENTRY_TRACES_SAMPLE_RATE", "0")),
    )
