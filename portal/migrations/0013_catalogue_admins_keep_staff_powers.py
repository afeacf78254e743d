"""A catalogue administrator now keeps the catalogue only; offices, staff,
roles and the working calendar moved to the new office administrator role.
So that nothing an existing deployment relies on stops working, every
catalogue administrator of a province office — the only ones who managed the
organisation before — is made an office administrator of that office too.
(They no longer see dossiers either way: that was never the job.) Going
back removes every office administrator role, which does not exist before."""

from django.db import migrations


def keep_staff_powers(apps, schema_editor):
    Membership = apps.get_model("portal", "Membership")
    province_cataloguers = Membership.objects.filter(role="catalogue_admin", office__level="province")
    for user_id, office_id in province_cataloguers.values_list("user_id", "office_id"):
        Membership.objects.get_or_create(user_id=user_id, office_id=office_id, role="office_admin")


def remove_office_admins(apps, schema_editor):
    Membership = apps.get_model("portal", "Membership")
    Membership.objects.filter(role="office_admin").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0012_office_administrator_role"),
    ]

    operations = [
        migrations.RunPython(keep_staff_powers, remove_office_admins),
    ]
