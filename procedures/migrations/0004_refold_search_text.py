from django.db import migrations

from procedures.search import fold


def refold(apps, schema_editor):
    """Fill the new search fields of the procedures already in the catalogue."""
    Procedure = apps.get_model("procedures", "Procedure")
    for procedure in Procedure.objects.select_related("sector"):
        sector = procedure.sector
        procedure.search_names = fold(f"{procedure.code} {procedure.name} {procedure.name_en} {procedure.name_th}")
        procedure.search_text = fold(
            f"{procedure.search_names} {procedure.result} {procedure.result_code} "
            f"{sector.name} {sector.name_en} {sector.name_th}"
        )
        procedure.save(update_fields=["search_names", "search_text"])


class Migration(migrations.Migration):
    dependencies = [("procedures", "0003_names_in_english_and_thai")]

    operations = [migrations.RunPython(refold, migrations.RunPython.noop)]
