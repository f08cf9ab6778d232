"""Settings come from the environment and refuse values they cannot understand."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _run(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "MET_"))}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


PRODUCTION = {
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "met.example.org",
    "DJANGO_DEBUG": "0",
}


def test_it_passes_check_deploy_without_warnings_in_production():
    result = _run("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNING" not in result.stdout + result.stderr


def test_it_refuses_to_start_without_a_secret_key_when_debug_is_off():
    result = _run("check", env={"DJANGO_DEBUG": "0", "ALLOWED_HOSTS": "met.example.org"})
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_it_refuses_a_boolean_it_cannot_read():
    result = _run("check", env={**PRODUCTION, "MET_REQUIRE_2FA": "maybe"})
    assert result.returncode != 0
    assert "MET_REQUIRE_2FA='maybe' is not a boolean" in result.stderr


def test_it_refuses_a_number_it_cannot_read():
    result = _run("check", env={**PRODUCTION, "MET_SESSION_IDLE_MINUTES": "thirty"})
    assert result.returncode != 0
    assert "MET_SESSION_IDLE_MINUTES='thirty' is not a whole number" in result.stderr


def test_it_refuses_a_database_url_that_is_not_postgresql():
    result = _run("check", env={**PRODUCTION, "DATABASE_URL": "mysql://root@localhost/met"})
    assert result.returncode != 0
    assert "DATABASE_URL must be a PostgreSQL URL" in result.stderr


def test_it_refuses_a_redis_url_that_is_not_redis():
    result = _run("check", env={**PRODUCTION, "REDIS_URL": "http://localhost:6379"})
    assert result.returncode != 0
    assert "REDIS_URL must start with redis://" in result.stderr


def test_it_turns_on_two_factor_and_secure_cookies_when_debug_is_off():
    code = (
        "from django.conf import settings as s;"
        "print(s.MET_REQUIRE_2FA, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT,"
        " s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_AGE, s.CELERY_TASK_ALWAYS_EAGER)"
    )
    result = _run("shell", "--no-imports", "-c", code, env={**PRODUCTION, "REDIS_URL": ""})
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "True", "True", "True", "31536000", "1800", "True"]


def test_it_uses_sqlite_under_var_without_a_database_url():
    env = {**PRODUCTION, "DATABASE_URL": ""}
    result = _run(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings as s; print(s.DATABASES['default']['NAME'])",
        env=env,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("var/met.sqlite3")


def test_it_turns_off_postgresqls_jit_and_server_side_cursors_for_the_apps_connections():
    # JIT compiled the report's and the lists' big statements for longer than they ran, and a
    # server-side cursor made three round trips of every small select (issue 14).
    env = {**PRODUCTION, "DATABASE_URL": "postgres://met@db.example.org:5432/met"}
    result = _run(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings as s; d = s.DATABASES['default']; "
        "print(d['OPTIONS'], d['DISABLE_SERVER_SIDE_CURSORS'])",
        env=env,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        "{'options': '-c jit=off', 'server_side_binding': True, 'prepare_threshold': 5} True"
    )


def test_it_prepares_statements_unless_told_a_connection_pooler_cannot_keep_them():
    # A page runs the same statements on every request: prepared, PostgreSQL skips planning them
    # (issue 14). PgBouncer in transaction mode before 1.21 cannot keep them: the switch turns it off.
    env = {**PRODUCTION, "DATABASE_URL": "postgres://met@db.example.org:5432/met", "DB_PREPARED_STATEMENTS": "0"}
    result = _run(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings as s; print(s.DATABASES['default']['OPTIONS'])",
        env=env,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "{'options': '-c jit=off'}"
    result = _run("check", env={**env, "DB_PREPARED_STATEMENTS": "sometimes"})
    assert "DB_PREPARED_STATEMENTS='sometimes' is not a boolean" in result.stderr
