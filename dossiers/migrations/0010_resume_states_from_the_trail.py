"""A dossier waiting for a supplement resumes the state it was asked in.
The demo history written before this migration left `resume_state` empty,
which would send a dossier asked during processing back to `submitted` with
its clock running: it is read back from the audit trail (the state the last
supplement request left)."""

from django.db import migrations
from django.db.models import OuterRef, Subquery


def fill(apps, schema_editor):
    Dossier = apps.get_model("dossiers", "Dossier")
    DossierEvent = apps.get_model("dossiers", "DossierEvent")
    asked = DossierEvent.objects.filter(dossier=OuterRef("pk"), action="request_supplement").order_by("-at", "-pk")
    waiting = Dossier.objects.filter(state="supplement_requested", resume_state="")
    for pk, state in waiting.annotate(asked_in=Subquery(asked.values("from_state")[:1])).values_list("pk", "asked_in"):
        if state:
            Dossier.objects.filter(pk=pk).update(resume_state=state)


class Migration(migrations.Migration):
    dependencies = [("dossiers", "0009_citizens_models_moved")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
