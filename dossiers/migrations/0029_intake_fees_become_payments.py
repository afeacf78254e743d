"""The fees taken at intake before payments existed become payments: one
cash payment, paid, per dossier that recorded a fee, against its receipt,
so that the dossier's paid total is what its payments say."""

from django.db import migrations


def fees_to_payments(apps, schema_editor):
    Dossier = apps.get_model("dossiers", "Dossier")
    Payment = apps.get_model("dossiers", "Payment")
    taken = Dossier.objects.filter(fee_received_vnd__gt=0).exclude(payments__isnull=False)
    Payment.objects.bulk_create(
        Payment(
            dossier_id=dossier.pk,
            reference=f"P{dossier.pk}INTAKE",
            state="paid",
            method="cash",
            amount_vnd=dossier.fee_received_vnd,
            office_id=dossier.receiving_office_id,
            receipt_number=dossier.fee_receipt_number,
            collected_by_id=dossier.received_by_id,
            created_at=dossier.received_at or dossier.submitted_at,
            paid_at=dossier.received_at or dossier.submitted_at,
        )
        for dossier in taken.iterator()
    )


def payments_back(apps, schema_editor):
    apps.get_model("dossiers", "Payment").objects.filter(reference__endswith="INTAKE").delete()


class Migration(migrations.Migration):
    dependencies = [("dossiers", "0028_payments")]

    operations = [migrations.RunPython(fees_to_payments, payments_back)]
