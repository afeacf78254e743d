import json
from collections import Counter
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from procedures.interchange import import_national
from procedures.national import load_completions, parse_file

DEFAULT_FILE = Path(__file__).resolve().parents[2] / "data" / "commune-procedures.jsonl.gz"


class Command(BaseCommand):
    help = (
        "Import the national portal's procedure records (JSON lines, optionally gzipped): "
        "what parses with confidence is imported, the rest is reported record by record."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default=str(DEFAULT_FILE))
        parser.add_argument("--completions", help="JSON file: procedure code → fields to add or replace")
        parser.add_argument("--sector", action="append", default=[], help="only records of this sector name")
        parser.add_argument("--report", help="write the per-record report to this file (JSON)")
        parser.add_argument("--quiet", action="store_true", help="print the totals only")

    def handle(self, *args, path, completions, sector, report, quiet, **options):
        try:
            parsed = parse_file(path)
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}") from None
        if sector:
            parsed = [p for p in parsed if p.sector_name in sector]
        extra = load_completions(completions) if completions else {}
        result = import_national(parsed, extra)

        if not quiet:
            for outcome in ("partial", "none"):
                for record in getattr(result, outcome):
                    self.stdout.write(f"{record.code} [{outcome}]")
                    for problem in record.problems:
                        self.stdout.write(f"    {problem}")
        reasons = Counter(problem.split(":")[0] for record in result.none for problem in record.problems)
        self.stdout.write(
            f"{len(parsed)} records: {len(result.full)} imported fully, {len(result.partial)} partly, "
            f"{len(result.none)} not at all ({result.summary})."
        )
        if result.none and not quiet:
            self.stdout.write(
                "Not imported, by first reason: " + ", ".join(f"{r} ×{n}" for r, n in reasons.most_common(5))
            )
        if report:
            data = {
                outcome: [{"code": r.code, "problems": r.problems} for r in getattr(result, outcome)]
                for outcome in ("full", "partial", "none")
            }
            Path(report).write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
