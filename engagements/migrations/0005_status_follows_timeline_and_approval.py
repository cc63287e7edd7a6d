"""The engagement's status is derived (Engagement.status, status_of): the stored choice goes. What
it said by hand is kept where it is a fact: "Closed" becomes closed_at; an approved plan (the
board's approval, or "Plan approved"/"Living the plan" chosen by hand) becomes plan_approved_at."""

from django.db import migrations, models
from django.db.models import Min, OuterRef, Subquery


def keep_the_facts(apps, schema_editor):
    Engagement = apps.get_model("engagements", "Engagement")
    Approval = apps.get_model("planning", "Approval")
    Engagement.objects.filter(status="closed").update(closed_at=models.F("updated_at"))
    first_approval = (
        Approval.objects.filter(plan__engagement=OuterRef("pk"), state="approved")
        .values("plan__engagement")
        .annotate(at=Min("decided_at"))
        .values("at")
    )
    Engagement.objects.update(plan_approved_at=Subquery(first_approval))
    Engagement.objects.filter(
        plan_approved_at__isnull=True, status__in=["approved", "living"]
    ).update(plan_approved_at=models.F("updated_at"))


def bring_back_the_choice(apps, schema_editor):
    Engagement = apps.get_model("engagements", "Engagement")
    Engagement.objects.filter(plan_approved_at__isnull=False).update(status="approved")
    Engagement.objects.filter(closed_at__isnull=False).update(status="closed")


class Migration(migrations.Migration):
    dependencies = [
        ("engagements", "0004_template_order_builtin_first"),
        ("planning", "0002_review_and_approval"),
    ]

    operations = [
        migrations.AddField(
            model_name="engagement",
            name="closed_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="engagement",
            name="plan_approved_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(keep_the_facts, bring_back_the_choice),
        migrations.RemoveField(
            model_name="engagement",
            name="status",
        ),
    ]
