"""Browser tests: Playwright driving Debian's Chromium against pytest-django's live server (issue 15).

One browser per test process; each test gets a fresh context (cookies, viewport). Chromium missing is a
failure that says how to install it, never a silent pass: MET_SKIP_BROWSER=1 skips them on purpose.
"""

import os
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connections, transaction
from django.test import Client

from met.models import User

# Debian's /usr/bin/chromium is a shell wrapper; Playwright wants the browser binary itself.
CANDIDATES = ("/usr/lib/chromium/chromium", "/usr/bin/chromium")
INSTALL_HINT = "install Chromium for the browser tests: apt-get install chromium (or set MET_SKIP_BROWSER=1 to skip them on purpose)"
AXE = Path(__file__).parent / "vendor" / "axe.min.js"


def chromium_path() -> str | None:
    configured = os.environ.get("MET_CHROMIUM")
    if configured:
        return configured if Path(configured).exists() else None
    return next((c for c in CANDIDATES if Path(c).exists()), shutil.which("chromium"))


def pytest_collection_modifyitems(items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if os.environ.get("MET_SKIP_BROWSER") == "1":
        pytest.skip("MET_SKIP_BROWSER=1: the browser tests (axe-core, keyboard journeys, reflow) did not run")
    path = chromium_path()
    if path is None:
        pytest.fail("Chromium not found: " + INSTALL_HINT, pytrace=False)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps its event loop on this thread for as long as the browser is open (the
    # rest of this test process): Django would take every ORM call, the test database's flush included,
    # for one made from async code. They are plain synchronous calls made between browser steps.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    # Django keeps its connections in context variables, and the code that runs after Playwright has
    # started sees a context of its own: fresh connections to the same test database, without the
    # snapshot that serialized_rollback restores after each transactional test. It is carried over.
    snapshots = {
        c.alias: c._test_serialized_contents for c in connections.all() if hasattr(c, "_test_serialized_contents")
    }
    with sync_playwright() as playwright:
        for alias, snapshot in snapshots.items():
            connections[alias]._test_serialized_contents = snapshot
        chromium = playwright.chromium.launch(executable_path=path, headless=True)
        yield chromium
        chromium.close()
        connections.close_all()


@pytest.fixture
def demo_world(transactional_db):
    """The whole demo world exactly as `make run` loads it: agencies, accounts, children, cases, meetings."""
    # One transaction: thousands of statements, one commit.
    with transaction.atomic():
        call_command("seed_demo", "--quiet-logins", stdout=open(os.devnull, "w"))  # noqa: SIM115
    return {user.email: user for user in User.objects.select_related("agency")}


@pytest.fixture
def new_page(browser, live_server):
    """new_page(user=None, width=1280) -> a page in its own context, signed in as user when given."""
    contexts = []

    def _new_page(user: User | None = None, width: int = 1280, height: int = 900):
        context = browser.new_context(viewport={"width": width, "height": height}, base_url=live_server.url)
        context.add_init_script(path=str(AXE))
        contexts.append(context)
        if user is not None:
            client = Client()
            client.force_login(user)
            cookie = client.cookies[settings.SESSION_COOKIE_NAME]
            context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
        page = context.new_page()
        page.set_default_timeout(15_000)
        return page

    yield _new_page
    for context in contexts:
        context.close()
