"""`manage.py export_archive --engagement <uuid> | --organization <id-or-name> -o file.zip`."""

import time
import uuid

from django.core.management.base import BaseCommand, CommandError

from archives.export import engagement_archive, organization_archive
from engagements.models import Engagement, Organization


def find_organization(value: str) -> Organization:
    """An organization by its id, or by its exact name (whatever the case) when only one has it."""
    try:
        return Organization.objects.get(pk=uuid.UUID(value))
    except (ValueError, Organization.DoesNotExist):
        pass
    found = list(Organization.objects.filter(name__iexact=value.strip())[:2])
    if len(found) == 1:
        return found[0]
    if found:
        raise CommandError(f"More than one organization is called “{value}”: give its id.")
    raise CommandError(f"No organization has the id or name “{value}”.")


class Command(BaseCommand):
    help = (
        "Write a backup archive (.zip) of one engagement or of a whole organization: every row "
        "and every file, with a manifest. It holds personal data (names, e-mail addresses)."
    )

    def add_arguments(self, parser):
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--engagement", help="the engagement's id (the UUID in its address)")
        which.add_argument("--organization", help="the organization's id or exact name")
        parser.add_argument("-o", "--output", required=True, help="the .zip file to write")

    def handle(self, *args, **options):
        started = time.perf_counter()
        with open(options["output"], "wb") as out:
            if options["engagement"]:
                try:
                    engagement = Engagement.objects.get(pk=uuid.UUID(options["engagement"]))
                except (ValueError, Engagement.DoesNotExist) as error:
                    raise CommandError(
                        f"No engagement has the id {options['engagement']}."
                    ) from error
                manifest = engagement_archive(engagement, out=out)
            else:
                manifest = organization_archive(find_organization(options["organization"]), out=out)
        seconds = time.perf_counter() - started
        names = ", ".join(f"“{e['name']}”" for e in manifest["exported"]["engagements"])
        self.stdout.write(f"Archived {names or 'no engagement'} to {options['output']}:")
        for label, count in manifest["counts"].items():
            if count:
                self.stdout.write(f"  {label:<32} {count:>6}")
        self.stdout.write(f"  files                            {len(manifest['files']):>6}")
        for missing in manifest["missing_files"]:
            self.stdout.write(
                self.style.WARNING(f"  missing in storage, not archived: {missing['name']}")
            )
        self.stdout.write(self.style.SUCCESS(f"Done in {seconds:.1f} s."))
