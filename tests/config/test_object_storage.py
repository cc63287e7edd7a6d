"""Files in an S3-compatible object store (STORAGE_URL), on moto's in-process S3: report PDFs,
readings and logos go to the bucket, privately, are served by the app only after its access check,
and are deleted from the bucket by removal and pruning. tests/reports/test_object_storage_stack.py
does the same against a real S3 server with a real Celery worker."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.storage import LOCAL, S3_BACKEND, SIGNED_URL_SECONDS, SPOOL_BYTES, storage_from_url
from reports.models import ReportJob
from tests import object_store
from tests.object_store import a_plan, reports_url

# --- the setting ---------------------------------------------------------------------------------


def test_without_a_storage_url_files_stay_in_the_local_folder():
    assert storage_from_url("") == LOCAL
    assert storage_from_url("  ") == LOCAL


def test_a_storage_url_names_bucket_prefix_endpoint_and_region():
    entry = storage_from_url(
        "s3://aligned-files/riverside/media?endpoint_url=http://minio:9000&region=us-east-2"
    )
    assert entry["BACKEND"] == S3_BACKEND
    options = entry["OPTIONS"]
    assert options["bucket_name"] == "aligned-files"
    assert options["location"] == "riverside/media"
    assert options["endpoint_url"] == "http://minio:9000"
    assert options["region_name"] == "us-east-2"
    assert options["addressing_style"] == "path"  # what MinIO and most S3-compatibles need
    assert "access_key" not in options  # boto3 reads AWS_ACCESS_KEY_ID etc. itself


def test_objects_are_private_never_overwritten_and_any_link_is_short_lived():
    options = storage_from_url("s3://aligned-files")["OPTIONS"]
    assert options["default_acl"] is None  # no public-read; the bucket's private default applies
    assert options["querystring_auth"] is True
    assert options["querystring_expire"] == SIGNED_URL_SECONDS <= 60
    assert options["file_overwrite"] is False
    assert 0 < options["max_memory_size"] == SPOOL_BYTES  # 0 would hold a whole download in memory
    assert options["addressing_style"] is None and options["endpoint_url"] is None  # AWS itself


def test_credentials_may_be_in_the_url_percent_encoded():
    options = storage_from_url("s3://AKIA123:se%2Fcret@aligned-files")["OPTIONS"]
    assert (options["access_key"], options["secret_key"]) == ("AKIA123", "se/cret")


@pytest.mark.parametrize(
    "url,message",
    [
        ("gs://aligned-files", "must start with s3://"),
        ("s3:///media", "names no bucket"),
        ("s3://aligned-files?endpoint=http://minio:9000", "unknown options ['endpoint']"),
        ("s3://aligned-files?addressing_style=sideways", "addressing_style must be"),
        # Secrets with an unescaped "/" or "#" would name another bucket or none.
        ("s3://AKIAXX:ab/cd+ef@aligned-files/pre", "escape the key and secret"),
        ("s3://key:p#q@aligned-files", "escape the key and secret"),
    ],
)
def test_a_wrong_storage_url_stops_the_start_with_a_plain_message(url, message):
    with pytest.raises(ImproperlyConfigured, match=message.replace("[", r"\[")):
        storage_from_url(url)


# --- the app on a bucket (moto's in-process S3) ---------------------------------------------------


@pytest.fixture
def bucket(settings, tmp_path):
    moto = pytest.importorskip("moto", reason="moto (a dev dependency) is not installed")
    import boto3

    settings.MEDIA_ROOT = tmp_path / "media"  # must stay empty: everything goes to the bucket
    with moto.mock_aws():
        s3 = boto3.client(
            "s3",
            region_name="us-east-1",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )
        bucket = object_store.make_bucket(s3)
        object_store.use_bucket(settings, object_store.storage_url())
        yield bucket
    assert not settings.MEDIA_ROOT.exists()


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.mark.django_db
def test_a_report_is_made_into_the_bucket_and_downloaded_through_the_app(
    client, cast, bucket, commit, tasks_in_process
):
    a_plan(cast)
    client.force_login(cast.facilitator)
    with commit():
        asked = client.post(reports_url(cast.engagement), {"kind": "one_page", "version": ""})
    assert asked.status_code == 302
    job = ReportJob.objects.get()
    assert object_store.check_report_download(client, cast, bucket, job).startswith(b"%PDF")


@pytest.mark.django_db
def test_a_reading_is_uploaded_downloaded_and_removed_in_the_bucket(client, cast, bucket, commit):
    object_store.check_reading(client, cast, bucket, commit)


@pytest.mark.django_db
def test_a_logo_in_the_bucket_is_printed_and_pruning_deletes_old_pdfs_there(
    client, cast, bucket, commit, tasks_in_process
):
    a_plan(cast)
    object_store.upload_logo(client, cast, bucket, commit)
    client.force_login(cast.facilitator)
    with commit():
        client.post(reports_url(cast.engagement), {"kind": "support", "version": ""})
    job = ReportJob.objects.get()
    assert job.state == ReportJob.State.DONE, job.error
    object_store.check_pruning(bucket, job)


@pytest.mark.django_db
def test_a_pdf_gone_from_the_bucket_is_a_plain_404(client, cast, bucket, commit, tasks_in_process):
    a_plan(cast)
    client.force_login(cast.facilitator)
    with commit():
        client.post(reports_url(cast.engagement), {"kind": "one_page", "version": ""})
    job = ReportJob.objects.get()
    bucket.s3.delete_object(Bucket=bucket.name, Key=bucket.key(job.file.name))
    response = client.get(reports_url(cast.engagement, "download", job))
    assert response.status_code == 404
