from django.conf import settings
from django.core.management.base import BaseCommand, OutputWrapper

from met import demo


def write_logins(stdout: OutputWrapper) -> None:
    stdout.write("")
    stdout.write(f"Open {settings.MET_BASE_URL}/ and sign in as any of these demo accounts")
    stdout.write("(password: MET_DEMO_PASSWORD, default 'demo-password-change-me'):")
    for email, roles in demo.demo_logins():
        stdout.write(f"  {email:<36} {roles}")
    if settings.MET_REQUIRE_2FA:
        stdout.write(
            "Two-factor authentication is required (MET_REQUIRE_2FA): each login sets up an authenticator app first."
        )


class Command(BaseCommand):
    help = "Print the demo accounts and where to sign in. `make run` prints this last, just before the server starts."

    def handle(self, *args, **options):
        write_logins(self.stdout)
