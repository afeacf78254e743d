import json

from django.core.management.base import BaseCommand

from procedures.interchange import catalogue_queryset, export_catalogue


class Command(BaseCommand):
    help = "Write the catalogue (or some procedures) as a JSON catalogue file."

    def add_arguments(self, parser):
        parser.add_argument("path", help="file to write, or - for standard output")
        parser.add_argument("--code", action="append", default=[], help="only this procedure code (repeatable)")
        parser.add_argument("--sector", help="only this sector code")

    def handle(self, *args, path, code, sector, **options):
        procedures = catalogue_queryset()
        if code:
            procedures = procedures.filter(code__in=code)
        if sector:
            procedures = procedures.filter(sector__code=sector)
        text = json.dumps(export_catalogue(procedures), ensure_ascii=False, indent=1)
        if path == "-":
            self.stdout.write(text)
            return
        with open(path, "w", encoding="utf-8") as out:
            out.write(text + "\n")
        self.stderr.write(f"{procedures.count()} procedures written to {path}")
