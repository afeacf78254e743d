from django.core.management.base import BaseCommand, CommandError

from procedures.names import DEFAULT_FILE, load_names


class Command(BaseCommand):
    help = "Set the English and Thai names of sectors and procedures from a JSON file."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default=str(DEFAULT_FILE))

    def handle(self, *args, path, **options):
        try:
            updated = load_names(path)
        except (OSError, ValueError) as error:
            raise CommandError(f"Cannot read {path}: {error}") from None
        self.stdout.write(f"Names set for {updated['sectors']} sectors and {updated['procedures']} procedures.")
