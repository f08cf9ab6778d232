from django.core.management.base import BaseCommand

from cases.services import refresh_all_frequent_missing
from met.tasks import _run_sweeps


class Command(BaseCommand):
    help = "Run every scheduled sweep once (reminders, escalations, reviews, frequent-missing flags). For installs without Celery beat."

    def handle(self, *args, **options):
        flags = refresh_all_frequent_missing()
        result = _run_sweeps(["rhi", "actions", "feedback", "reviews"])
        self.stdout.write(f"Frequent-missing flags changed: {flags}")
        for name, count in result.items():
            self.stdout.write(f"{name}: {count} reminder{'s' if count != 1 else ''} sent")
