import datetime as dt

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from portal.models import ApiToken


class Command(BaseCommand):
    help = (
        "Issue an API key for a partner system (a hospital, the post) with the scopes it may call, "
        "and print it: it is shown only this once."
    )

    def add_arguments(self, parser):
        parser.add_argument("username", help="The partner's account; made (without a password) if it does not exist.")
        parser.add_argument("--name", required=True, help="Who uses the key, e.g. the hospital's name.")
        parser.add_argument(
            "--scope", action="append", required=True, choices=ApiToken.Scope.values, help="May be given again."
        )
        parser.add_argument(
            "--days", type=int, default=None, help="Valid this many days (default: PARTNER_KEY_DAYS, 365)."
        )

    def handle(self, *args, username, name, scope, days, **options):
        if days is not None and days < 1:
            raise CommandError("--days must be at least 1.")
        User = get_user_model()
        user, created = User.objects.get_or_create(username=username, defaults={"full_name": name})
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        elif user.is_office_staff or user.is_superuser:
            raise CommandError(f"{username} is staff: a partner system needs an account of its own.")
        expires_at = timezone.now() + dt.timedelta(days=days) if days else None  # None: the default
        token, key = ApiToken.issue(user, name, scopes=scope, expires_at=expires_at)
        self.stdout.write(f"API key for {name} ({', '.join(token.scopes)}): {key}")
