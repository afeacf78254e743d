"""A model shaped like a dossier (its applicant, office, procedure, state,
fees), for the bare baseline. No migrations: the benchmark creates its table
with `migrate --run-syncdb`."""

from django.db import models


class Application(models.Model):
    code = models.CharField(max_length=40, unique=True)
    procedure = models.ForeignKey("procedures.Procedure", on_delete=models.PROTECT, related_name="+")
    office = models.ForeignKey("portal.Office", on_delete=models.PROTECT, related_name="+")
    applicant_name = models.CharField(max_length=200)
    applicant_id_number = models.CharField(max_length=12, blank=True)
    applicant_phone = models.CharField(max_length=15, blank=True)
    applicant_email = models.EmailField(blank=True)
    applicant_address = models.CharField(max_length=300, blank=True)
    channel = models.CharField(max_length=16, default="online")
    delivery = models.CharField(max_length=16, default="counter")
    state = models.CharField(max_length=24, default="submitted")
    fees = models.JSONField(default=list, blank=True)
    submitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        app_label = "bare"

    def __str__(self) -> str:
        return self.code
