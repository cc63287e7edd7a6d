"""The facilitator's download of a backup of their engagement."""

import tempfile
from uuid import UUID

from django.http import FileResponse, HttpRequest
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from engagements.access import Can, access_engagement, members_only

from .export import engagement_archive


@members_only
@require_GET
def engagement_backup(request: HttpRequest, engagement_id: UUID) -> FileResponse:
    access = access_engagement(request, engagement_id, need=Can.MANAGE_ENGAGEMENT)
    engagement = access.engagement
    # On disk rather than in memory: an engagement's readings can weigh hundreds of megabytes.
    out = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it when sent)
    engagement_archive(engagement, out=out)
    out.seek(0)
    name = f"aligned-backup-{slugify(engagement.name)[:60]}-{timezone.localdate():%Y-%m-%d}.zip"
    response = FileResponse(out, as_attachment=True, filename=name, content_type="application/zip")
    response["Cache-Control"] = "no-store"  # personal data: no copy in a shared cache
    return response
