"""Where uploaded and generated files live: a local folder, or any S3-compatible object store.

One setting chooses: `STORAGE_URL` unset keeps files in MEDIA_ROOT; `s3://bucket/prefix` puts
them in that bucket (AWS S3, MinIO, Ceph, Garage, Backblaze B2, ...). Objects are private: no
ACL is sent, so the bucket's own (private) policy applies, and nothing links to the store: every
download is streamed by the app after its access check (see README, "Files in an object store").
"""

from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

LOCAL = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
S3_BACKEND = "storages.backends.s3.S3Storage"
OPTIONS = {"endpoint_url", "region", "addressing_style"}
# Should a URL to a file ever be made (nothing in the app does), it is signed and short-lived.
SIGNED_URL_SECONDS = 60
SPOOL_BYTES = 2 * 1024 * 1024


def storage_from_url(url: str) -> dict:
    """The STORAGES["default"] entry for STORAGE_URL ("" → the local folder).

    `s3://[key:secret@]bucket[/prefix][?endpoint_url=https://host:port&region=…&addressing_style=…]`
    Without key and secret in the URL, boto3 finds credentials the usual way (AWS_ACCESS_KEY_ID
    and AWS_SECRET_ACCESS_KEY, a profile, or the machine's role)."""
    url = url.strip()
    if not url:
        return LOCAL
    parts = urlsplit(url)
    if parts.scheme != "s3":
        raise ImproperlyConfigured(f"STORAGE_URL must start with s3:// (got {parts.scheme!r}).")
    # A secret with an unescaped "/", "#" or ":" would be read as a path, a fragment or a port,
    # naming another bucket: refuse such a URL rather than guess.
    try:
        malformed = parts.port is not None or "@" in parts.path or bool(parts.fragment)
    except ValueError:
        malformed = True
    if malformed:
        raise ImproperlyConfigured(
            "STORAGE_URL could not be read: escape the key and secret for a URL (a secret's "
            '"/" as %2F, "+" as %2B, "#" as %23, ":" as %3A), or leave them out and set '
            "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY instead."
        )
    bucket = parts.hostname
    if not bucket:
        raise ImproperlyConfigured("STORAGE_URL names no bucket: s3://bucket-name/optional-prefix")
    query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    unknown = sorted(set(query) - OPTIONS)
    if unknown:
        known = ", ".join(sorted(OPTIONS))
        raise ImproperlyConfigured(f"STORAGE_URL has unknown options {unknown}; known: {known}.")
    endpoint = query.get("endpoint_url") or None
    style = query.get("addressing_style") or ("path" if endpoint else None)
    if style not in (None, "path", "virtual", "auto"):
        raise ImproperlyConfigured("STORAGE_URL addressing_style must be path, virtual or auto.")
    options = {
        "bucket_name": bucket,
        "location": parts.path.strip("/"),
        "endpoint_url": endpoint,
        "region_name": query.get("region") or None,
        "addressing_style": style,
        "signature_version": "s3v4",
        # Private objects: send no ACL (buckets with ACLs disabled refuse any), never public-read.
        "default_acl": None,
        "querystring_auth": True,
        "querystring_expire": SIGNED_URL_SECONDS,
        # Like the local folder: a name already taken gets a suffix, nothing is overwritten.
        "file_overwrite": False,
        # A download is copied from the store before it is sent: past this, into a temporary
        # file rather than the web process's memory (django-storages keeps it all in memory).
        "max_memory_size": SPOOL_BYTES,
    }
    if parts.username:
        options["access_key"] = unquote(parts.username)
        options["secret_key"] = unquote(parts.password or "")
    return {"BACKEND": S3_BACKEND, "OPTIONS": options}
