"""Hand an SMS to the line as if the gateway had posted it: the console
backend of inbound SMS, for development and demonstrations."""

from django.core.management.base import BaseCommand, CommandError

from petitions import inbound
from portal.phones import is_phone, normalise_phone


class Command(BaseCommand):
    help = "Receive an SMS on the feedback line from PHONE with TEXT, and print the reply."

    def add_arguments(self, parser):
        parser.add_argument("phone")
        parser.add_argument("text")

    def handle(self, *args, phone: str, text: str, **options):
        if not is_phone(phone):
            raise CommandError(f"{phone!r} is not a phone number.")
        outcome = inbound.handle(inbound.Inbound(normalise_phone(phone), text))
        self.stdout.write(f"{outcome.status} {outcome.reply}")
