"""`load_demo` lives in the top app because it builds every app's demo data, base first."""

from django.core.management.base import BaseCommand
from django.urls import reverse

from engagements.demo import DEMO_PASSWORD, PREVIOUS_PLAN, load_demo
from engagements.models import Engagement
from evidence.demo import load_evidence_demo, load_swot_evidence_demo
from listening.demo import load_listening_demo
from monitoring.demo import load_lived_demo, load_public_demo
from planning.demo import load_approved_demo, load_plan_demo, load_review_demo
from planning.services import notify
from retreats.demo import load_retreat_demo
from synthesis.demo import load_synthesis_demo


class Command(BaseCommand):
    help = "Load the Riverside Unified demo (safe to run again: it changes nothing)."

    def handle(self, *args, **options):
        people = load_demo()
        riverside = Engagement.objects.get(
            organization__name="Riverside Unified School District", name="Strategic Plan 2027–2032"
        )
        load_evidence_demo(riverside)  # the environmental scan: indicators, the data pack
        load_listening_demo(riverside)  # the community survey and listening sessions
        load_retreat_demo(riverside)
        load_swot_evidence_demo(riverside)  # SWOT cards citing the indicators
        load_plan_demo(riverside)
        load_synthesis_demo(riverside)  # themes tagged, carried into the SWOT and the plan
        with notify.quiet():  # the demo's history is not news to its people
            load_review_demo(riverside)
            previous = Engagement.objects.get(
                organization=riverside.organization, name=PREVIOUS_PLAN
            )
            load_approved_demo(previous)
            load_lived_demo(previous)  # its last 18 months of readings and updates
            public = load_public_demo(previous)  # its public progress page, turned on
        self.stdout.write(self.style.SUCCESS("Demo loaded: Riverside Unified School District."))
        self.stdout.write(f"Sign in at http://127.0.0.1:8000/ with password {DEMO_PASSWORD!r}:")
        for person in people:
            roles = ", ".join(str(role.label) for role in person.roles) or "Site admin (/admin/)"
            self.stdout.write(f"  {person.email:<36} {person.full_name:<18} {roles}")
        if public is not None and public.enabled:
            url = reverse("monitoring:public-page", args=[public.token])
            self.stdout.write(f"Public progress page (no sign-in): http://127.0.0.1:8000{url}")
