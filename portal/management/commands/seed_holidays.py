from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from portal.models import CalendarDay, HolidaysUnknown


class Command(BaseCommand):
    help = "Seed the public holiday table of a country from the holidays package (safe to run again)."

    def add_arguments(self, parser):
        this_year = timezone.localdate().year
        parser.add_argument("--country", default=settings.HOLIDAY_COUNTRY, help="ISO code, e.g. VN or TH")
        parser.add_argument("--years", type=int, nargs="+", default=[this_year - 1, this_year, this_year + 1])

    def handle(self, *args, country, years, **options):
        try:
            counts = CalendarDay.seed_public_holidays(country.upper(), years)
        except HolidaysUnknown as unknown:
            raise CommandError(str(unknown)) from None
        self.stdout.write(
            f"{country.upper()} {', '.join(map(str, years))}: "
            f"{counts['created']} created, {counts['updated']} updated, "
            f"{counts['kept']} kept as an administrator set them."
        )
