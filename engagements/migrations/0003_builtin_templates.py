from django.db import migrations


def install(apps, schema_editor):
    from engagements.process_data import install_builtin_templates

    install_builtin_templates(
        apps.get_model("engagements", "ProcessTemplate"),
        apps.get_model("engagements", "TemplatePhase"),
    )


class Migration(migrations.Migration):
    dependencies = [("engagements", "0002_templates_phases_meetings_invitations")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
