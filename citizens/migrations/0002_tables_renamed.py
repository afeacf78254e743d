"""The citizens' tables take the app's name (dossiers_draft → citizens_draft,
and so on; every row stays), and their content types follow, so that the
permissions granted on them still hold."""

from django.db import migrations

MODELS = ("draft", "draftfile", "feedback", "lifeevent")


def move_content_types(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    for model in MODELS:
        old = ContentType.objects.filter(app_label="dossiers", model=model).first()
        if old is None:
            continue
        new = ContentType.objects.filter(app_label="citizens", model=model).first()
        if new is None:
            old.app_label = "citizens"
            old.save(update_fields=["app_label"])
            continue
        # Both exist (a partial migrate ran in between): the permissions move
        # to the new one, those it has already go with the old one.
        taken = Permission.objects.filter(content_type=new).values_list("codename", flat=True)
        Permission.objects.filter(content_type=old).exclude(codename__in=list(taken)).update(content_type=new)
        old.delete()


def return_content_types(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MODELS:
        if not ContentType.objects.filter(app_label="dossiers", model=model).exists():
            ContentType.objects.filter(app_label="citizens", model=model).update(app_label="dossiers")


class Migration(migrations.Migration):
    dependencies = [
        ("citizens", "0001_initial"),
        ("dossiers", "0009_citizens_models_moved"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.AlterModelTable(name="draft", table=None),
        migrations.AlterModelTable(name="draftfile", table=None),
        migrations.AlterModelTable(name="feedback", table=None),
        migrations.AlterModelTable(name="lifeevent", table=None),
        migrations.RunPython(move_content_types, return_content_types),
    ]
