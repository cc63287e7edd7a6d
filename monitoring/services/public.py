"""Writes about the public progress page: turning it on or off and making a new link."""

import secrets

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from engagements.models import Engagement

from ..models import PublicPage


def new_token() -> str:
    """128 random bits, URL-safe: nobody finds the page by trying addresses."""
    return secrets.token_urlsafe(16)


def public_page_for(engagement: Engagement) -> PublicPage:
    """The engagement's public page settings, or an unsaved one (off, no token yet). One query."""
    return PublicPage.objects.filter(engagement=engagement).first() or PublicPage(
        engagement=engagement
    )


@transaction.atomic
def public_page_set(
    *, engagement: Engagement, by: User, enabled: bool, new_link: bool = False
) -> PublicPage:
    """Turn the page on or off. The first time it is turned on it gets its token; `new_link`
    replaces the token, so an address shared before stops working."""
    page = PublicPage.objects.select_for_update().filter(engagement=engagement).first()
    if page is None:
        page = PublicPage(engagement=engagement, token=new_token())
    elif new_link:
        page.token = new_token()
    page.enabled = enabled
    page.changed_by = by
    page.changed_at = timezone.now()
    page.save()
    return page
