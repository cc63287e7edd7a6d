"""The optional error tracker: with SENTRY_DSN set, server errors and failed Celery tasks also go
to Sentry (or any service that speaks its protocol, such as GlitchTip), beside the ADMINS e-mail
and the logs (README, "Health checks").

Nothing personal is sent: no user, e-mail, IP address or cookie (`send_default_pii=False`) and no
request body (`max_request_body_size="never"`): cards, comments and survey answers are people's
words, and in a school district often a student's. Performance tracing is off unless
SENTRY_TRACES_SAMPLE_RATE asks for it.
"""

import os


def init_error_tracker(dsn: str) -> None:
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        environment=os.environ.get("SENTRY_ENVIRONMENT", "production"),
        send_default_pii=False,
        max_request_body_size="never",
        traces_sample_rate=float(os.environ.get("SENTRY_TRACES_SAMPLE_RATE", "0")),
    )
