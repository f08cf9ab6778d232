"""The API's limit per token holds across web processes (issue 13 point 7): counts live in Redis."""

import multiprocessing
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.core.cache import cache
from django.db import connections
from django.test import override_settings
from rest_framework.test import APIClient

from api import services
from met import demo
from met.models import User

ROOT = Path(__file__).resolve().parents[2]
needs_redis = pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL (a real Redis)")


def _requests_from_one_process(key: str, count: int, results) -> None:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    results.put([client.get("/api/v1/cases/").status_code for _ in range(count)])


@needs_redis
@pytest.mark.redis
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_web_processes_share_one_limit_per_token(settings):
    shared = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "KEY_PREFIX": f"met-test-{uuid.uuid4().hex}",  # this test's counts only
        }
    }
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"api": "6/hour"}}
    demo.seed_accounts()
    token, key = services.token_create(user=User.objects.get(email="coordinator@example.org"), name="Partner")

    # Two processes, as two gunicorn workers are: each would allow 6 if it counted on its own.
    # (Not the settings fixture: the cache must be the test's own again before conftest clears it,
    # or clearing would flush the Redis database the broker uses.)
    with override_settings(CACHES=shared):
        connections.close_all()
        fork = multiprocessing.get_context("fork")
        results = fork.Queue()
        workers = [fork.Process(target=_requests_from_one_process, args=(key, 5, results)) for _ in range(2)]
        for worker in workers:
            worker.start()
        statuses = results.get(timeout=60) + results.get(timeout=60)
        for worker in workers:
            worker.join(timeout=30)
        cache.delete_many([f"throttle_api_token-{token.pk}", f"throttle_api_token-{token.pk}-opened"])

    assert sorted(statuses) == [200] * 6 + [429] * 4


@pytest.mark.django_db
def test_while_redis_is_unreachable_the_api_answers_and_still_counts(settings, demo_data):
    unreachable = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"api": "2/hour"}}
    _, key = services.token_create(user=demo_data["coordinator@example.org"], name="Partner")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    with override_settings(CACHES=unreachable):
        assert [client.get("/api/v1/cases/").status_code for _ in range(3)] == [200, 200, 429]


def test_the_cache_is_redis_exactly_when_redis_url_is_set():
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    show = "from django.conf import settings; print(settings.CACHES['default']['BACKEND'])"
    for redis_url, backend in (("redis://127.0.0.1:6379/9", "RedisCache"), ("", "LocMemCache")):
        result = subprocess.run(
            [sys.executable, "manage.py", "shell", "-c", show],
            cwd=ROOT,
            env={**env, "DJANGO_DEBUG": "1", "REDIS_URL": redis_url},
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.stdout.strip().endswith(backend), result.stderr
