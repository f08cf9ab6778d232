import os

import pytest
from django.test import Client

from met import demo
from met.models import User
from tests.factories import TEST_PASSWORD

# The flush command empties a PostgreSQL test database only when the test suite says it is running
# (met/management/commands/flush.py): the audit trail's TRUNCATE trigger guards every other database.
os.environ["MET_TEST_RUN"] = "1"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Real hashing is deliberately slow; tests check behaviour, not the cost of PBKDF2.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _celery_in_process():
    """Tasks queued by the code under test run at once, in the test, even when REDIS_URL is set;
    the tests that need a real worker say so (tests/met/test_celery.py)."""
    from met.celery import app

    was = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = was


@pytest.fixture(autouse=True)
def _cache_of_its_own(settings):
    """Each test gets an empty in-memory cache, even when REDIS_URL points the app's cache at Redis:
    that one is shared with the other test processes, and clearing it would flush the broker's
    database under a running worker. tests/api/test_throttle_shared.py uses Redis on purpose."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "tests"}}
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _documents_of_its_own(settings, tmp_path_factory):
    """Documents uploaded in a test (the access matrix uploads one per case) go to a temporary folder,
    never the developer's var/documents/."""
    settings.STORAGES = {
        **settings.STORAGES,
        "documents": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path_factory.mktemp("documents"))},
        },
    }


@pytest.fixture
def demo_data(db):
    """The demo agencies and accounts exactly as `make run` creates them."""
    demo.seed_accounts()
    return {user.email: user for user in User.objects.select_related("agency")}


@pytest.fixture
def login():
    """A client signed in as the given user (2FA not required unless a test turns it on)."""

    def _login(user: User) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return _login


@pytest.fixture
def password():
    return TEST_PASSWORD


def pytest_collection_modifyitems(items):
    """Every test that commits (transaction=True) must also use serialized_rollback. Its flush then
    leaves the content types alone; without it the flush recreates them under new ids, and the next
    transactional test fails to restore its own - on whichever worker the two happen to share."""
    bare = []
    for item in items:
        marker = item.get_closest_marker("django_db")
        commits = "transactional_db" in getattr(item, "fixturenames", ()) or (
            marker is not None and marker.kwargs.get("transaction")
        )
        if commits and not (marker is not None and marker.kwargs.get("serialized_rollback")):
            bare.append(item.nodeid)
    if bare:
        raise pytest.UsageError("Transactional tests without serialized_rollback=True: " + ", ".join(bare))


def pytest_terminal_summary(terminalreporter):
    """How many pages the browser tests checked (tests/browser/test_every_page.py), over every test process."""
    counts = {"passed": [0, 0], "failed": [0, 0]}
    for outcome, total in counts.items():
        for report in terminalreporter.stats.get(outcome, []):
            properties = dict(getattr(report, "user_properties", ()))
            total[0] += properties.get("browser_pages", 0)
            total[1] += properties.get("browser_forms", 0)
    (pages, forms), (failed_pages, _) = counts["passed"], counts["failed"]
    if pages or failed_pages:
        terminalreporter.write_line(
            f"Browser checks: axe-core (WCAG 2.2 A and AA) and 320px reflow on {pages + failed_pages} pages, "
            f"{forms} of them answers to a form sent empty; "
            + ("no violations." if not failed_pages else "violations found: see the failures above.")
        )
