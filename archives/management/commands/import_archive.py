"""`manage.py import_archive file.zip [--organization <id-or-name>]`."""

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from archives.restore import ArchiveError, archive_restore

from .export_archive import find_organization


class Command(BaseCommand):
    help = (
        "Restore a backup archive into this instance with new ids: people are matched by e-mail "
        "address or created without a password. Restoring twice makes two copies."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="the .zip made by export_archive or the download")
        parser.add_argument(
            "--organization",
            help="restore an engagement's archive into this existing organization (id or exact "
            "name) instead of a new one",
        )

    def handle(self, *args, **options):
        organization = None
        if options["organization"]:
            organization = find_organization(options["organization"])
        try:
            with open(options["archive"], "rb") as source:
                restored = archive_restore(source, organization=organization)
        except (ArchiveError, OSError) as error:
            raise CommandError(str(error)) from error
        except DatabaseError as error:
            raise CommandError(f"The restore failed and changed nothing: {error}") from error
        for engagement in restored.engagements:
            self.stdout.write(
                f"Restored “{engagement.name}” ({engagement.pk}) "
                f"into “{engagement.organization.name}”."
            )
        for line in restored.renamed:
            self.stdout.write(self.style.WARNING(line))
        for label, count in restored.counts.items():
            if count:
                self.stdout.write(f"  {label:<32} {count:>6}")
        self.stdout.write(f"  files                            {restored.files:>6}")
        self.stdout.write(
            f"People: {restored.people_matched} matched by e-mail, {restored.people_created} "
            "created without a password (they set one with “Forgot your password?”)."
        )
        self.stdout.write(self.style.SUCCESS("Done."))
