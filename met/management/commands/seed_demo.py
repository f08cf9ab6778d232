from django.conf import settings
from django.core.management.base import BaseCommand

from met import demo, registry


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
            # Each app adds its part of the demo world, in the order it declared (met/registry.py).
            world: dict = {}
            made = {builder.name: builder.build(world) for builder in registry.demo_builders()}
            self.stdout.write(
                self.style.SUCCESS(
                    f"Demo data ready: {created['agencies']} agencies, {created['accounts']} accounts"
                    f" and {made.get('cases', 0)} children created."
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
