"""A newcomer's first run: `make run` installs only what the app runs with, its e-mails go to files,
links in them follow HOST and PORT, and the demo logins are the last thing it prints."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from met import demo

ROOT = Path(__file__).resolve().parents[2]
SETTINGS = ("EMAIL_BACKEND", "EMAIL_FILE_PATH", "MET_BASE_URL")


def _settings(tmp_path: Path, **env: str) -> subprocess.CompletedProcess:
    """met.settings as a fresh process with exactly this environment sees it."""
    unset = ("DJANGO_", "MET_", "EMAIL_", "HOST", "PORT")
    base = {k: v for k, v in os.environ.items() if not k.startswith(unset)}
    code = f"from django.conf import settings as s; print(*(getattr(s, n) for n in {SETTINGS!r}), sep='\\n')"
    return subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", code],
        cwd=ROOT,
        env={**base, "MET_VAR_DIR": str(tmp_path), **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def _read(tmp_path: Path, **env: str) -> dict[str, str]:
    result = _settings(tmp_path, **env)
    assert result.returncode == 0, result.stderr
    return dict(zip(SETTINGS, result.stdout.splitlines(), strict=True))


def test_it_writes_emails_to_files_under_var_in_debug_without_a_mail_server(tmp_path):
    seen = _read(tmp_path, DJANGO_DEBUG="1")
    assert seen["EMAIL_BACKEND"] == "django.core.mail.backends.filebased.EmailBackend"
    assert seen["EMAIL_FILE_PATH"] == str(tmp_path / "mail")


def test_it_puts_a_sent_email_in_a_file_under_var_mail(tmp_path):
    send = (
        "from django.core.mail import send_mail;"
        "send_mail('Action overdue', 'See the case.', None, ['chair@example.org'])"
    )
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "MET_", "EMAIL_"))}
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", send],
        cwd=ROOT,
        env={**base, "DJANGO_DEBUG": "1", "MET_VAR_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "Action overdue" not in result.stdout
    (message,) = (tmp_path / "mail").iterdir()
    assert "Subject: Action overdue" in message.read_text()


@pytest.mark.parametrize(
    ("env", "backend"),
    [
        ({"DJANGO_DEBUG": "1", "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend"}, "smtp"),
        ({"DJANGO_DEBUG": "1", "EMAIL_HOST": "smtp.example.org"}, "console"),
        ({"DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "met.example.org"}, "console"),
    ],
    ids=["explicit-backend", "mail-host-in-debug", "debug-off"],
)
def test_it_keeps_files_for_the_demo_and_explicit_settings_winning(tmp_path, env, backend):
    assert _read(tmp_path, **env)["EMAIL_BACKEND"] == f"django.core.mail.backends.{backend}.EmailBackend"


@pytest.mark.parametrize(
    ("env", "base_url"),
    [
        ({"DJANGO_DEBUG": "1"}, "http://localhost:8000"),
        ({"DJANGO_DEBUG": "1", "HOST": "127.0.0.1", "PORT": "8123"}, "http://127.0.0.1:8123"),
        ({"DJANGO_DEBUG": "1", "HOST": "::1", "PORT": "8123"}, "http://[::1]:8123"),
        ({"DJANGO_DEBUG": "1", "PORT": "8123", "MET_BASE_URL": "https://met.example.org/"}, "https://met.example.org"),
        (
            {"DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "met.example.org", "PORT": "8123"},
            "http://localhost:8000",
        ),
    ],
    ids=["defaults", "host-and-port", "ipv6", "explicit-base-url", "debug-off"],
)
def test_it_points_links_in_emails_at_host_and_port_in_debug(tmp_path, env, base_url):
    assert _read(tmp_path, **env)["MET_BASE_URL"] == base_url


@pytest.mark.parametrize(("port", "message"), [("eighty", "is not a whole number"), ("70000", "is not a TCP port")])
def test_it_refuses_a_port_it_cannot_use(tmp_path, port, message):
    result = _settings(tmp_path, DJANGO_DEBUG="1", PORT=port)
    assert result.returncode != 0
    assert f"PORT={port!r}" in result.stderr or f"PORT={port}" in result.stderr
    assert message in result.stderr


def test_it_prints_every_demo_account_and_where_to_sign_in(capsys, settings):
    settings.MET_BASE_URL = "http://localhost:8123"
    call_command("demo_logins")
    out = capsys.readouterr().out
    assert "http://localhost:8123/" in out
    for email, roles in demo.demo_logins():
        assert re.search(rf"^\s+{re.escape(email)}\s+{re.escape(roles)}$", out, re.MULTILINE), email


# The Makefile, read by make itself (-n prints the recipes without running them), in a throwaway venv.
PRINT_VARIABLE = "print-%:\n\t@echo $($*)\n"


def _make(venv: Path, *args: str, stdin: str | None = None) -> str:
    result = subprocess.run(
        ["make", "--no-print-directory", "-f", "Makefile", *(("-f", "-") if stdin else ()), f"VENV={venv}", *args],
        cwd=ROOT,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def _stamps(venv: Path) -> tuple[Path, Path]:
    out = _make(venv, "print-RUN_STAMP", "print-DEV_STAMP", stdin=PRINT_VARIABLE)
    run, dev = out.split()
    return Path(run), Path(dev)


def test_it_installs_only_the_runtime_set_for_make_run_and_the_dev_set_once_for_the_rest(tmp_path):
    venv = tmp_path / "venv"
    venv.mkdir()
    run_stamp, dev_stamp = _stamps(venv)

    fresh_run = _make(venv, "-n", "run")
    assert "pip install --disable-pip-version-check -r requirements.txt" in fresh_run
    assert "requirements-dev.txt" not in fresh_run
    (install,) = (line for line in fresh_run.splitlines() if "pip install" in line)
    assert "--quiet" not in install and " -q" not in install
    assert "Installing MET Hub's dependencies (first run only, about a minute)" in fresh_run
    assert "sys.version_info[:2] == (3, 11)" in fresh_run
    for target in ("test", "lint", "bench-reports"):
        assert "-r requirements-dev.txt" in _make(venv, "-n", target), target

    run_stamp.touch()  # after `make run`
    assert "pip install" not in _make(venv, "-n", "run")
    assert "-r requirements-dev.txt" in _make(venv, "-n", "test")

    # What the dev install leaves behind: its own stamp and the runtime one, which it also satisfies.
    assert f"touch {dev_stamp} {run_stamp}" in _make(venv, "-n", "test")
    dev_stamp.touch()
    assert "pip install" not in _make(venv, "-n", "test")
    assert "pip install" not in _make(venv, "-n", "run")


def test_it_prints_the_demo_logins_last_before_the_server_starts(tmp_path):
    venv = tmp_path / "venv"
    venv.mkdir()
    _stamps(venv)[0].touch()
    steps = [
        line for line in _make(venv, "-n", "run", "HOST=127.0.0.1", "PORT=8123").splitlines() if "manage.py" in line
    ]
    commands = [re.search(r"manage\.py (\S+)", line).group(1) for line in steps]
    assert commands == ["migrate", "seed_demo", "run_due_jobs", "demo_logins", "runserver"]
    assert "--quiet-logins" in steps[1]
    assert " -v0" in steps[0]
    assert all("HOST=127.0.0.1 PORT=8123" in line for line in steps)
    assert all("LOG_LEVEL=${LOG_LEVEL-ERROR}" in line for line in steps[:3])
    assert steps[-1].endswith("runserver --skip-checks 127.0.0.1:8123")


def test_it_keeps_the_test_tools_out_of_the_runtime_requirements():
    runtime = {line.split("==")[0].lower() for line in (ROOT / "requirements.txt").read_text().splitlines()}
    dev = (ROOT / "requirements-dev.txt").read_text().splitlines()
    assert "-r requirements.txt" in dev
    for tool in ("pytest", "pytest-django", "pytest-xdist", "factory_boy", "ruff", "schemathesis", "hypothesis"):
        assert tool not in runtime, tool
        assert any(line.lower().startswith(f"{tool}==") for line in dev), tool
