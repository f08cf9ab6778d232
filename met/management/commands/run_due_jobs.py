from django.core.management.base import BaseCommand

from met import registry
from met.outbox import deliver_due


class Command(BaseCommand):
    help = (
        "Run every scheduled sweep once (each app registers its own: reminders, escalations, reviews, "
        "frequent-missing flags, stalled report builds), then send every pending e-mail. For installs "
        "without Celery beat, and to catch up after a broker outage."
    )

    def handle(self, *args, **options):
        result = registry.run_sweeps()
        # In this process rather than by the worker: it needs no broker, so the e-mails of the reminders
        # just recorded go out even while Redis is down.
        emails = deliver_due()
        for name, count in result.items():
            self.stdout.write(f"{name}: {count}")
        self.stdout.write(f"E-mails sent: {emails}")
