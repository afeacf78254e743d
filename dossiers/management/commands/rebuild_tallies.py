"""Recount the timeliness report's rollups from every dossier.

The rollups are kept up to date by every action; this is for after a bulk
import of dossiers (which does not go action by action), or to repair them.
"""

import time

from django.core.management.base import BaseCommand

from dossiers import rollups


class Command(BaseCommand):
    help = "Recount the timeliness report's daily and monthly rollups from the dossiers."

    def handle(self, *args, **options):
        started = time.perf_counter()
        count = rollups.rebuild()
        self.stdout.write(f"Rollups recounted from {count} dossiers in {time.perf_counter() - started:.1f} s.")
