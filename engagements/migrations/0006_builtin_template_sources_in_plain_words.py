"""The built-in templates name their source in plain words ("A district's 12 steps of strategic
planning"), no longer the internal document numbers ("Seed 003: ...")."""

from django.db import migrations


def refresh(apps, schema_editor):
    from engagements.process_data import install_builtin_templates

    install_builtin_templates(
        apps.get_model("engagements", "ProcessTemplate"),
        apps.get_model("engagements", "TemplatePhase"),
    )


class Migration(migrations.Migration):
    dependencies = [("engagements", "0005_status_follows_timeline_and_approval")]

    operations = [migrations.RunPython(refresh, migrations.RunPython.noop)]
