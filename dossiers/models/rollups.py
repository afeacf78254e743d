"""The timeliness report's rollups: counts per office, sector and day or
month, and the open balances at the start of each month. The write path
keeps them (dossiers/rollups.py); reports/stats.py reads them."""

from __future__ import annotations

from django.db import models

from portal.models import Office


class TallyColumns(models.Model):
    """The report's counts for one office and sector over a span of time
    (see dossiers/tallies.py): what happened in it, and the change in the
    number of open dossiers by its end."""

    # Looked up by office and time (the indexes below), never by office alone.
    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="+", db_index=False)
    sector = models.ForeignKey("procedures.Sector", on_delete=models.CASCADE, related_name="+")
    received_online = models.IntegerField(default=0)
    received_in_person = models.IntegerField(default=0)
    received_post = models.IntegerField(default=0)
    finished_early = models.IntegerField(default=0)
    finished_on_time = models.IntegerField(default=0)
    finished_late = models.IntegerField(default=0)
    supplement_requests = models.IntegerField(default=0)
    refusals = models.IntegerField(default=0)
    withdrawals = models.IntegerField(default=0)
    apologies = models.IntegerField(default=0)
    within_change = models.IntegerField(default=0)
    overdue_change = models.IntegerField(default=0)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.office_id}/{self.sector_id}"


class DailyTally(TallyColumns):
    day = models.DateField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["office", "sector", "day"], name="one_tally_per_day")]
        indexes = [models.Index(fields=["office", "day"], name="tally_day")]


class MonthlyTally(TallyColumns):
    month = models.DateField(help_text="The first day of the month.")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["office", "sector", "month"], name="one_tally_per_month")]
        indexes = [models.Index(fields=["office", "month"], name="tally_month")]


class OpenBalance(models.Model):
    """How many dossiers of an office and sector were open when a month
    began. Past months never change, so each is summed once, when first
    asked for; a change dated before a month drops the months after it."""

    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="+")
    sector = models.ForeignKey("procedures.Sector", on_delete=models.CASCADE, related_name="+")
    month = models.DateField()
    within = models.IntegerField(default=0)
    overdue = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["office", "sector", "month"], name="one_balance_per_month")]
        indexes = [models.Index(fields=["month", "office"], name="balance_month")]

    def __str__(self) -> str:
        return f"{self.office_id}/{self.sector_id} {self.month}: {self.within} + {self.overdue}"


class BalancedMonth(models.Model):
    """A month whose opening balances are stored (zero rows are not)."""

    month = models.DateField(unique=True)

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}"
