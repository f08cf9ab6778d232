from django.core.management.base import BaseCommand

from cases.services.turning_18 import cases_close_at_18
from met.outbox import deliver_due


class Command(BaseCommand):
    help = (
        "Close the cases of children whose 18th birthday has come (reason: transferred to adult services), "
        "telling their lead professionals and the coordinators, then send pending e-mails. Beat runs it daily "
        "(close-cases-at-18); an install without beat runs this from cron once a day. Safe to run again."
    )

    def handle(self, *args, **options):
        closed = cases_close_at_18()
        emails = deliver_due()
        self.stdout.write(f"Cases closed at 18: {closed}")
        self.stdout.write(f"E-mails sent: {emails}")
