"""Each office's signing certificate: who it names, until when, and what to
renew; with the development CA, issue the missing ones (`--issue`) or renew
some (`--renew CODE ...`). The keys stay in PDF_SIGNING_KEYS_DIR; nothing
here prints or stores a private key."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from portal import signing
from portal.models import Office

SOON_DAYS = 30


class Command(BaseCommand):
    help = "List the offices' signing certificates; with the development CA, issue or renew them."

    def add_arguments(self, parser):
        parser.add_argument(
            "--issue", action="store_true", help="Issue development certificates to offices without one."
        )
        parser.add_argument(
            "--renew", nargs="+", metavar="CODE", default=[], help="Renew these offices' development certificates."
        )

    def handle(self, *args, issue, renew, **options):
        folder = settings.PDF_SIGNING_KEYS_DIR
        if (issue or renew) and not settings.PDF_SIGNING_DEVELOPMENT_CA:
            raise CommandError("Only the development CA issues certificates here; install each office's PKCS#12 file.")
        for code in renew:
            office = Office.objects.filter(code=code).first()
            if office is None:
                raise CommandError(f"No office has the code {code}.")
            signing.issue_development_certificate(folder, office, settings.PDF_SIGNING_PASSPHRASE.encode())
        if settings.PDF_SIGNING_DEVELOPMENT_CA:
            self.stdout.write(f"Development CA: {signing.development_ca(folder)[2]} — {signing.DEVELOPMENT_MARK}")
        renew_soon = 0
        for office in Office.objects.order_by("code"):
            if not issue and not signing.backend().has(office):
                self.stdout.write(f"{office.code}  {office.name}: NO CERTIFICATE")
                renew_soon += 1
                continue
            try:
                certificate = signing.backend().certificate(office)
            except signing.SigningUnavailable as unavailable:
                self.stdout.write(f"{office.code}  {office.name}: {unavailable}")
                renew_soon += 1
                continue
            days = (certificate.not_valid_after_utc - timezone.now()).days
            note = "EXPIRED" if days < 0 else f"renew within {days} days" if days < SOON_DAYS else f"{days} days left"
            renew_soon += days < SOON_DAYS
            self.stdout.write(
                f"{office.code}  {certificate.subject.rfc4514_string()}  until "
                f"{timezone.localtime(certificate.not_valid_after_utc):%d/%m/%Y}: {note}"
            )
        if renew_soon:
            self.stdout.write(self.style.WARNING(f"{renew_soon} office(s) need a certificate soon or now."))
