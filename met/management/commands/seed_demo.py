from django.conf import settings
from django.core.management.base import BaseCommand

from cases.demo import seed_cases
from meetings.demo import seed_meetings
from met import demo


class Command(BaseCommand):
    help = "Create the demo agencies, accounts, children and cases (fictional people only). Safe to run more than once."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing unless the database has no agencies and no users."
        )

    def handle(self, *args, if_empty=False, **options):
        if if_empty and not demo.database_is_empty():
            self.stdout.write("Database already has data: demo data not loaded.")
        else:
            created = demo.seed_accounts()
            children = seed_cases()
            seed_meetings()
            self.stdout.write(
                self.style.SUCCESS(
                    f"Demo data ready: {created['agencies']} agencies, {created['accounts']} accounts"
                    f" and {children} children created."
                )
            )
        self.stdout.write("")
        self.stdout.write("Demo logins (password: MET_DEMO_PASSWORD, default 'demo-password-change-me'):")
        for email, roles in demo.demo_logins():
            self.stdout.write(f"  {email:<36} {roles}")
        if settings.MET_REQUIRE_2FA:
            self.stdout.write(
                "Two-factor authentication is required (MET_REQUIRE_2FA): each login sets up an authenticator app first."
            )
