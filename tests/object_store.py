"""What the object-store tests share: a bucket to point Django's storage at, and the walk through
every place the app writes, serves and deletes a file (a report PDF, a reading, a logo, pruning),
checked both through the app and in the bucket itself."""

import io
from dataclasses import dataclass
from datetime import timedelta

import time_machine
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from config.storage import storage_from_url
from engagements.models import Reading
from reports import services
from reports.models import ReportJob, ReportSettings
from reports.render import html_for
from tests.factories import GoalFactory, MeetingFactory, PhaseFactory, PlanFactory, StrategyFactory

BUCKET = "aligned-files"
PREFIX = "media"
PUBLIC_GRANTEES = ("AllUsers", "AuthenticatedUsers")
PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@dataclass
class Bucket:
    s3: object  # a boto3 S3 client on the same server as the app's storage
    name: str = BUCKET
    prefix: str = PREFIX

    def key(self, name: str) -> str:
        return f"{self.prefix}/{name}"

    def objects(self) -> set[str]:
        listed = self.s3.list_objects_v2(Bucket=self.name)
        return {item["Key"] for item in listed.get("Contents", [])}

    def read(self, name: str) -> bytes:
        return self.s3.get_object(Bucket=self.name, Key=self.key(name))["Body"].read()

    def is_private(self, name: str) -> bool:
        grants = self.s3.get_object_acl(Bucket=self.name, Key=self.key(name))["Grants"]
        uris = [grant["Grantee"].get("URI", "") for grant in grants]
        return not any(uri.endswith(group) for uri in uris for group in PUBLIC_GRANTEES)


def storage_url(*, endpoint: str | None = None) -> str:
    query = "region=us-east-1" + (f"&endpoint_url={endpoint}" if endpoint else "")
    return f"s3://testing:testing@{BUCKET}/{PREFIX}?{query}"


def make_bucket(s3) -> Bucket:
    s3.create_bucket(Bucket=BUCKET)
    return Bucket(s3)


def use_bucket(settings, url: str) -> None:
    """Django's default storage (and so every FileField) goes to the bucket for this test."""
    settings.STORAGES = {**settings.STORAGES, "default": storage_from_url(url)}


def png(colour=(29, 58, 110)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), colour).save(buffer, format="PNG")
    return buffer.getvalue()


def a_plan(cast):
    plan = PlanFactory(engagement=cast.engagement)
    StrategyFactory(goal=GoalFactory(plan=plan, title="Academic Success"), title="Tutoring")
    return plan


def reports_url(engagement, name="reports", job=None) -> str:
    kwargs = {"engagement_id": engagement.pk} | ({"job_id": job.pk} if job else {})
    return reverse(f"reports:{name}", kwargs=kwargs)


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def check_report_download(client, cast, bucket: Bucket, job: ReportJob) -> bytes:
    """The PDF is in the bucket, private, and served by the app to members only."""
    assert job.state == ReportJob.State.DONE, job.error
    assert bucket.key(job.file.name) in bucket.objects()
    assert bucket.is_private(job.file.name)
    client.force_login(cast.core_team)  # another member than the one who asked
    download = client.get(reports_url(cast.engagement, "download", job))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    pdf = body(download)
    assert pdf.startswith(b"%PDF") and pdf == bucket.read(job.file.name)
    client.force_login(cast.outsider)
    refused = client.get(reports_url(cast.engagement, "download", job))
    assert refused.status_code == 404 and b"%PDF" not in refused.content
    return pdf


def check_reading(client, cast, bucket: Bucket, commit) -> None:
    """A reading uploaded through the page is in the bucket, downloads for members (not for an
    outsider) and its object goes when the reading is removed. `commit` runs on-commit work."""
    meeting = MeetingFactory(phase=PhaseFactory(engagement=cast.engagement))
    client.force_login(cast.core_team)
    file = SimpleUploadedFile("Enrollment 2027.pdf", PDF, content_type="application/pdf")
    new = reverse("engagements:reading-new", args=[cast.engagement.pk, meeting.pk])
    assert client.post(new, {"title": "Enrollment", "file": file}).status_code == 302
    reading = Reading.objects.get(meeting=meeting)
    key = bucket.key(reading.file.name)
    assert key in bucket.objects() and bucket.read(reading.file.name) == PDF
    assert bucket.is_private(reading.file.name)
    args = [cast.engagement.pk, meeting.pk, reading.pk]
    download = client.get(reverse("engagements:reading", args=args))
    assert download.status_code == 200 and body(download) == PDF
    client.force_login(cast.outsider)
    assert client.get(reverse("engagements:reading", args=args)).status_code == 404
    client.force_login(cast.facilitator)
    with commit():
        removed = client.post(reverse("engagements:reading-delete", args=args))
    assert removed.status_code == 302
    assert key not in bucket.objects()


def upload_logo(client, cast, bucket: Bucket, commit) -> ReportSettings:
    """The facilitator's logo goes to the bucket and is read back from it into the PDF's HTML;
    a new logo replaces it and the old object is deleted."""
    client.force_login(cast.facilitator)

    def post(data: bytes):
        logo = SimpleUploadedFile("crest.png", data, content_type="image/png")
        fields = {"paper": "letter", "orientation": "landscape", "logo": logo}
        with commit():
            assert client.post(reports_url(cast.engagement, "settings"), fields).status_code == 302
        return ReportSettings.objects.get(engagement=cast.engagement)

    first = post(png())
    assert bucket.read(first.logo.name) == png()
    assert bucket.is_private(first.logo.name)
    html = html_for({"kind": "one_page", "layout": {"logo": first.logo.name}, "groups": []})
    assert "data:image/png;base64," in html  # inlined from the bucket: WeasyPrint fetches nothing
    second = post(png((190, 30, 45)))
    assert bucket.key(first.logo.name) not in bucket.objects()
    assert bucket.key(second.logo.name) in bucket.objects()
    return second


def check_pruning(bucket: Bucket, job: ReportJob) -> None:
    """Old PDFs and orphans (a render never recorded) are deleted from the bucket; logos stay."""
    folder = f"reports/{job.engagement_id}"
    orphan = default_storage.save(f"{folder}/orphan-1.pdf", ContentFile(PDF))
    ReportJob.objects.filter(pk=job.pk).update(finished_at=timezone.now() - timedelta(days=400))
    before = bucket.objects()
    assert bucket.key(orphan) in before and bucket.key(job.file.name) in before
    with time_machine.travel(timezone.now() + timedelta(hours=2)):  # the orphan is old enough
        assert services.files_prune() == 2
    after = bucket.objects()
    assert bucket.key(orphan) not in after and bucket.key(job.file.name) not in after
    assert any("/logo-" in key for key in after)  # logos are left alone
    job.refresh_from_db()
    assert not job.file
