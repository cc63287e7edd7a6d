from django.core.management.base import BaseCommand

from engagements.demo import DEMO_PASSWORD, load_demo


class Command(BaseCommand):
    help = "Load the Riverside Unified demo engagement (safe to run again: it changes nothing)."

    def handle(self, *args, **options):
        people = load_demo()
        self.stdout.write(self.style.SUCCESS("Demo loaded: Riverside Unified School District."))
        self.stdout.write(f"Sign in at http://127.0.0.1:8000/ with password {DEMO_PASSWORD!r}:")
        for person in people:
            roles = ", ".join(str(role.label) for role in person.roles) or "Site admin (/admin/)"
            self.stdout.write(f"  {person.email:<36} {person.full_name:<18} {roles}")
