"""The one confirmation page shown before every destructive POST (templates/confirm.html)."""

from django.http import HttpRequest
from django.template.response import TemplateResponse


def confirm_page(
    request: HttpRequest, *, title: str, message: str, confirm_label: str, cancel_url: str
) -> TemplateResponse:
    context = {
        "title": title,
        "message": message,
        "confirm_label": confirm_label,
        "cancel_url": cancel_url,
    }
    return TemplateResponse(request, "confirm.html", context)
