"""Walk the hash chain of every dossier's audit trail (or of one) and say
where it breaks: an event changed, deleted or moved, the last one removed.

Exits with status 1 when any trail is broken, so that a nightly run can
alert. Reads every dossier and event in one snapshot (a repeatable-read
transaction on PostgreSQL), so that actions taken meanwhile are not
mistaken for breaks.
"""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from dossiers import audit
from dossiers.models import Dossier, DossierEvent

CHUNK = 5000


class Command(BaseCommand):
    help = "Check that no audit event has been changed, deleted or moved since it was written."

    def add_arguments(self, parser):
        parser.add_argument("--dossier", metavar="CODE", help="check this dossier only")

    def handle(self, *args, dossier=None, **options):
        started = time.perf_counter()
        dossiers = Dossier.objects.order_by("pk")
        events = DossierEvent.objects.order_by("dossier_id", "pk")
        if dossier is not None:
            dossiers = dossiers.filter(code=dossier)
            events = events.filter(dossier__code=dossier)
        checked = broken = count = 0
        outermost = not connection.in_atomic_block
        with transaction.atomic():
            if outermost and connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            links = (audit.Link(*row) for row in events.values_list(*audit.LINK_FIELDS).iterator(CHUNK))
            heads = dossiers.values_list("pk", "code", "trail_head").iterator(CHUNK)
            for result in audit.check(heads, links):
                checked += 1
                count += result.events
                if result.broken is not None:
                    broken += 1
                    self.stdout.write(f"{result.code}: {result.broken}")
        if dossier is not None and not checked:
            raise CommandError(f"There is no dossier {dossier}.")
        took = time.perf_counter() - started
        self.stdout.write(
            f"Checked {checked} dossiers and {count} events in {took:.1f} s: "
            + (f"{broken} with a broken trail." if broken else "every trail holds.")
        )
        if broken:
            raise CommandError(f"The audit trail of {broken} dossiers is broken.", returncode=1)
