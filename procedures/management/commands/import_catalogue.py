import json

from django.core.management.base import BaseCommand, CommandError

from procedures.interchange import CatalogueImportError, import_catalogue


class Command(BaseCommand):
    help = "Import a JSON catalogue file: all of it, or nothing if any record breaks a rule."

    def add_arguments(self, parser):
        parser.add_argument("path")

    def handle(self, *args, path, **options):
        try:
            with open(path, encoding="utf-8") as source:
                data = json.load(source)
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}") from None
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise CommandError(f"{path} is not JSON: {error}") from None
        try:
            summary = import_catalogue(data)
        except CatalogueImportError as error:
            for problem in error.problems:
                self.stderr.write(str(problem))
            raise CommandError(f"Nothing imported: {len(error.problems)} problem(s) in {path}.") from None
        self.stdout.write(f"Catalogue imported: {summary}.")
