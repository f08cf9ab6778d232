"""The shared cache for figures that can be worked out again: a cache that cannot be reached (Redis
down) means working them out, never a failed page. Used for long lists' totals, the home page's
figures, the dashboard and report charts; nothing that must not be lost is kept here."""

import logging

from django.core.cache import cache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)


def get(key: str):
    try:
        return cache.get(key)
    except RedisError as error:
        logger.warning("Shared cache unreachable (%s): working the figure out", type(error).__name__)
        return None


def set(key: str, value, seconds: int) -> None:
    try:
        cache.set(key, value, seconds)
    except RedisError as error:
        logger.warning("Shared cache unreachable (%s): figure not kept", type(error).__name__)


def delete(key: str) -> None:
    try:
        cache.delete(key)
    except RedisError as error:
        logger.warning("Shared cache unreachable (%s): %s not forgotten", type(error).__name__, key)
