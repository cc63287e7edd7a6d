"""Background work for accounts: delivering e-mail."""

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives

from config.celery import RETRYING


@shared_task(name="accounts.send_email", **RETRYING)
def send_email(*, to: list[str], subject: str, body: str, html: str | None = None) -> None:
    message = EmailMultiAlternatives(subject, body, settings.DEFAULT_FROM_EMAIL, to)
    if html:
        message.attach_alternative(html, "text/html")
    message.send()
