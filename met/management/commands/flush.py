import os

from django.core.management.base import CommandError
from django.core.management.commands import flush
from django.db import connections, transaction
from django.db.backends.base.creation import TEST_DATABASE_PREFIX

TRIGGER = "met_auditevent_no_truncate"


class Command(flush.Command):
    help = (
        "Django's flush, except that on PostgreSQL it refuses to erase the audit trail (met_auditevent's "
        "TRUNCATE trigger) unless the database is a test database the test runner made."
    )

    def handle(self, **options):
        connection = connections[options["database"]]
        if connection.vendor != "postgresql" or not _has_trigger(connection):
            return super().handle(**options)
        name = connection.settings_dict["NAME"]
        # A name alone is no proof (a staging database may be called test_…): the test suite also says so
        # (tests/conftest.py sets MET_TEST_RUN), and never answers a prompt.
        is_test_run = name.startswith(TEST_DATABASE_PREFIX) and os.environ.get("MET_TEST_RUN") == "1"
        if not is_test_run or options.get("interactive"):
            raise CommandError(
                f"Refusing to flush {name!r}: it would erase the audit trail, which is evidence (DESIGN §8). "
                "Drop and recreate a database you mean to empty."
            )
        # The test runner flushes its throwaway database between transactional tests. The owner
        # lifts the trigger for this one transaction only; a failure rolls that back too.
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            cursor.execute(f"ALTER TABLE met_auditevent DISABLE TRIGGER {TRIGGER}")
            super().handle(**options)
            cursor.execute(f"ALTER TABLE met_auditevent ENABLE TRIGGER {TRIGGER}")


def _has_trigger(connection) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_trigger WHERE tgname = %s AND NOT tgisinternal", [TRIGGER])
        return cursor.fetchone() is not None
