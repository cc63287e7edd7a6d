"""Writes about engagements."""

from ..models import Engagement


def engagement_update(*, engagement: Engagement, name: str, status: str) -> Engagement:
    engagement.name = name.strip()
    engagement.status = status
    engagement.full_clean()
    engagement.save(update_fields=["name", "status", "updated_at"])
    return engagement
