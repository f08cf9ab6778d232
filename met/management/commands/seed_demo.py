from django.core.management.base import BaseCommand

from met import demo, registry
from met.management.commands.demo_logins import write_logins


class Command(BaseCommand):
    help = "Create the demo agencies, accounts, children and cases (fictional people only). Safe to run more than once."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing unless the database has no agencies and no users."
        )
        parser.add_argument(
            "--quiet-logins",
            action="store_true",
            help="Leave out the table of demo logins (`make run` prints it last, with demo_logins).",
        )

    def handle(self, *args, if_empty=False, quiet_logins=False, **options):
        if if_empty and not demo.database_is_empty():
            self.stdout.write("Database already has data: demo data not loaded.")
        else:
            created = demo.seed_accounts()
            # Each app adds its part of the demo world, in the order it declared (met/registry.py).
            world: dict = {}
            made = {builder.name: builder.build(world) for builder in registry.demo_builders()}
            self.stdout.write(
                self.style.SUCCESS(
                    f"Demo data ready: {created['agencies']} agencies, {created['accounts']} accounts; "
                    + ", ".join(f"{name.replace('_', ' ')} {count}" for name, count in made.items())
                    + "."
                )
            )
        if not quiet_logins:
            write_logins(self.stdout)
