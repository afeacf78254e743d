import json
from collections import Counter
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from procedures.interchange import import_national
from procedures.national import load_completions, parse_file
from procedures.versions import change_labels

DEFAULT_FILE = Path(__file__).resolve().parents[2] / "data" / "commune-procedures.jsonl.gz"


def causes(records) -> Counter[str]:
    """How many records have each cause among their problems (a record counts
    once per cause)."""
    return Counter(cause for record in records for cause in {problem.cause for problem in record.problems})


def _reported(problem) -> dict:
    """A problem as the report file gives it: in English, with its cause."""
    found = {key: value for key, value in problem.as_dict().items() if key not in ("template", "params")}
    return {**found, "cause": problem.cause}


class Command(BaseCommand):
    help = (
        "Import the national portal's procedure records (JSON lines, optionally gzipped): every record with a "
        "procedure code enters the catalogue, published when read in full, in review with its problems otherwise."
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
            for outcome, records in (("in review", result.in_review), ("left out", result.left_out)):
                for record in records:
                    self.stdout.write(f"{record.code or '-'} [{outcome}]")
                    for problem in record.problems:
                        self.stdout.write(f"    {problem}")
            for record in result.kept:
                self.stdout.write(f"{record.code} [kept as published; read with {len(record.problems)} problem(s)]")
            for code, changes in sorted(result.summary.changes.items()):
                self.stdout.write(f"{code} [changed] {', '.join(change_labels(changes))}")
        self.stdout.write(
            f"{len(parsed)} records: {len(result.complete)} complete, {len(result.in_review)} in review, "
            f"{len(result.left_out)} left out, {len(result.kept)} kept as an administrator published them "
            f"({result.summary})."
        )
        changed = Counter(key for changes in result.summary.changes.values() for key in changes)
        if changed:
            counted = ", ".join(f"{change_labels([key])[0]} ×{count}" for key, count in changed.most_common())
            self.stdout.write(f"Changed, by part: {counted}")
        for label, records in (("In review", result.in_review), ("Left out", result.left_out)):
            if records:
                counted = ", ".join(f"{cause} ×{count}" for cause, count in causes(records).most_common())
                self.stdout.write(f"{label}, by cause: {counted}")
        if report:
            data = {
                outcome: [
                    {"code": r.code, "problems": [_reported(problem) for problem in r.problems]}
                    for r in getattr(result, outcome)
                ]
                for outcome in ("complete", "in_review", "left_out", "kept")
            }
            data["causes"] = {
                "in_review": dict(causes(result.in_review).most_common()),
                "left_out": dict(causes(result.left_out).most_common()),
            }
            Path(report).write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
