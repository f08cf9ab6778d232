from django.core.management.base import BaseCommand

from cases.services import refresh_all_frequent_missing
from met.notifications import deliver_due
from met.tasks import _run_sweeps


class Command(BaseCommand):
    help = (
        "Run every scheduled sweep once (reminders, escalations, reviews, frequent-missing flags), then send "
        "every pending e-mail. For installs without Celery beat, and to catch up after a broker outage."
    )

    def handle(self, *args, **options):
        flags = refresh_all_frequent_missing()
        result = _run_sweeps(["rhi", "actions", "feedback", "reviews"])
        # In this process rather than by the worker: it needs no broker, so the e-mails of the reminders
        # just recorded go out even while Redis is down.
        emails = deliver_due()
        self.stdout.write(f"Frequent-missing flags changed: {flags}")
        for name, count in result.items():
            self.stdout.write(f"{name}: {count} reminder{'s' if count != 1 else ''} sent")
        self.stdout.write(f"E-mails sent: {emails}")
