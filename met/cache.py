"""The shared cache for figures that can be worked out again: a cache that cannot be reached (Redis
down) means working them out, never a failed page. Used for long lists' totals, the home page's
figures, the dashboard and report charts; nothing that must not be lost is kept here.

Within one request a figure is fetched from the shared cache once: the case page asked it for the
same categories and agencies four times, each a round trip to Redis and a copy to unpickle (issue 14).
Outside a request (a Celery task, a command) every read goes to the shared cache."""

import logging
from contextvars import ContextVar

from django.core.cache import cache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# What this request has already read or written, or None outside a request (request_started and
# request_finished, connected in met/apps.py, open and close it).
_seen: ContextVar[dict | None] = ContextVar("met_cache_seen", default=None)


def request_started(**kwargs) -> None:
    _seen.set({})


def request_finished(**kwargs) -> None:
    _seen.set(None)


def get(key: str):
    seen = _seen.get()
    if seen is not None and key in seen:
        return seen[key]
    try:
        value = cache.get(key)
    except RedisError as error:
        logger.warning("Shared cache unreachable (%s): working the figure out", type(error).__name__)
        return None
    if seen is not None and value is not None:
        seen[key] = value
    return value


def set(key: str, value, seconds: int) -> None:
    seen = _seen.get()
    if seen is not None:
        seen[key] = value
    try:
        cache.set(key, value, seconds)
    except RedisError as error:
        logger.warning("Shared cache unreachable (%s): figure not kept", type(error).__name__)


def delete(key: str) -> None:
    seen = _seen.get()
    if seen is not None:
        seen.pop(key, None)
    try:
        cache.delete(key)
    except RedisError as error:
        logger.warning("Shared cache unreachable (%s): %s not forgotten", type(error).__name__, key)
