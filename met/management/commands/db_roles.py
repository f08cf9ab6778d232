import os

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from psycopg import sql

# Evidence: the app may add and read these rows, never change or remove them (DESIGN §8).
APPEND_ONLY_TABLES = ["met_auditevent"]
PASSWORD_VARIABLE = "MET_DB_APP_PASSWORD"  # noqa: S105 (the name of the variable, not a password)


class Command(BaseCommand):
    help = (
        "Create or update the PostgreSQL role the app connects as: reads and writes on every table, but only "
        "INSERT and SELECT on the audit trail, and no DDL, TRUNCATE or trigger control (it owns nothing). "
        "Run it as the database owner after `migrate`; it is safe to run again. The password, if any, comes "
        "from MET_DB_APP_PASSWORD (never the command line, which other users of the host can see)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--role", default="met_app", help="the app's role (default met_app)")

    def handle(self, *args, role: str, **options):
        if connection.vendor != "postgresql":
            raise CommandError("db_roles is for PostgreSQL: SQLite has no roles.")
        password = os.environ.get(PASSWORD_VARIABLE, "")
        app = sql.Identifier(role)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = %s", [role])
            found = cursor.fetchone()
            cursor.execute("SELECT current_user")
            (owner,) = cursor.fetchone()
            if role == owner:
                raise CommandError(f"{role!r} is the role running migrations: the app needs a role of its own.")
            if found and found[0]:
                raise CommandError(f"{role!r} is a superuser: it could erase anything. Use an ordinary role.")
            if found:
                cursor.execute("SELECT pg_has_role(%s, current_user, 'MEMBER')", [role])
            if found and cursor.fetchone()[0]:
                raise CommandError(f"{role!r} is a member of {owner!r}: it would inherit ownership of the tables.")
            login = sql.SQL("LOGIN PASSWORD {}").format(sql.Literal(password)) if password else sql.SQL("NOLOGIN")
            if not found:
                cursor.execute(sql.SQL("CREATE ROLE {} {}").format(app, login))
            elif password:  # without one, an existing role keeps the password it has
                cursor.execute(sql.SQL("ALTER ROLE {} {}").format(app, login))
            cursor.execute(
                "SELECT count(*) FROM pg_class WHERE relowner = (SELECT oid FROM pg_roles WHERE rolname = %s)", [role]
            )
            if cursor.fetchone()[0]:
                raise CommandError(f"{role!r} owns tables: an owner can drop the audit trail's triggers.")
            for statement in (
                # From a clean slate, so a grant made by hand earlier (TRUNCATE, TRIGGER) does not survive.
                "REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {app}",
                "GRANT CONNECT ON DATABASE {db} TO {app}",
                "GRANT USAGE ON SCHEMA public TO {app}",
                "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {app}",
                "GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {app}",
                # Tables and sequences later migrations create (as this owner) get the same.
                "ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {app}",
                "ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO {app}",
            ):
                cursor.execute(sql.SQL(statement).format(app=app, db=sql.Identifier(connection.settings_dict["NAME"])))
            for table in APPEND_ONLY_TABLES:
                cursor.execute(sql.SQL("REVOKE ALL ON TABLE {} FROM {}").format(sql.Identifier(table), app))
                cursor.execute(sql.SQL("GRANT SELECT, INSERT ON TABLE {} TO {}").format(sql.Identifier(table), app))
        self.stdout.write(
            f"{role}: reads and writes on every table; {', '.join(APPEND_ONLY_TABLES)} INSERT and SELECT only"
            + ("" if found or password else f" (created NOLOGIN: set {PASSWORD_VARIABLE} to let it sign in)")
        )
