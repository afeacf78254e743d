"""English and Thai names for sectors and procedures, from a JSON file
(`procedures/data/names.json`: {"sectors": {code: {"en", "th"}},
"procedures": {code: {"en", "th"}}}). The official name stays Vietnamese;
these let English and Thai readers find a procedure and read its title."""

from __future__ import annotations

import json
from os import PathLike
from pathlib import Path

from django.db import transaction

from procedures.models import Procedure, Sector

DEFAULT_FILE = Path(__file__).resolve().parent / "data" / "names.json"


def load_names(path: str | PathLike[str] = DEFAULT_FILE) -> dict[str, int]:
    """Set the names the file gives for the sectors and procedures in the
    catalogue; codes not in the catalogue are skipped. Returns the counts
    updated."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    updated = {"sectors": 0, "procedures": 0}
    with transaction.atomic():
        for procedure in Procedure.objects.filter(code__in=data.get("procedures", {})).select_related("sector"):
            names = data["procedures"][procedure.code]
            procedure.name_en, procedure.name_th = names.get("en", ""), names.get("th", "")
            procedure.save(update_fields=["name_en", "name_th"])
            updated["procedures"] += 1
        # Saving a sector refreshes its procedures' search text as well.
        for sector in Sector.objects.filter(code__in=data.get("sectors", {})):
            names = data["sectors"][sector.code]
            sector.name_en, sector.name_th = names.get("en", ""), names.get("th", "")
            sector.save(update_fields=["name_en", "name_th"])
            updated["sectors"] += 1
    return updated
