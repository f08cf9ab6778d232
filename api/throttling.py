import logging
import time

from django.core.cache.backends.locmem import LocMemCache
from redis.exceptions import RedisError
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from api.models import ApiToken

logger = logging.getLogger(__name__)

# Used only while the shared cache cannot be reached.
_fallback_cache = LocMemCache("api-throttle-fallback", {})


class TokenRateThrottle(SimpleRateThrottle):
    """A rate limit per API token (per user for the browser session, per address otherwise).

    Per token rather than per user, so one busy integration cannot starve a person's other tools.
    Counts live in Django's default cache, Redis when REDIS_URL is set (met/settings.py): shared by
    every web process, so the limit holds however many workers serve the API. While Redis is down
    each process counts on its own rather than failing the request or dropping the limit.

    A fixed window counted with the cache's atomic add and incr, rather than DRF's read-then-write
    history: two workers answering at the same moment would both read the same history and both
    let a request through, so the limit leaked under exactly the load it is there for.
    """

    scope = "api"

    def get_rate(self):
        # Read at request time, so that a change of setting (or a test's override) takes effect.
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def get_cache_key(self, request, view):
        if isinstance(request.auth, ApiToken):
            ident = f"token-{request.auth.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = f"addr-{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}

    def allow_request(self, request, view):
        try:
            return self._count(request, view)
        except RedisError as error:
            logger.warning("Shared cache unreachable (%s): counting API requests per process", type(error).__name__)
            self.cache = _fallback_cache
            return self._count(request, view)

    def _count(self, request, view) -> bool:
        if self.rate is None:
            return True
        key = self.get_cache_key(request, view)
        if key is None:
            return True
        # The window opens at a token's first request and lasts the rate's duration; incr keeps
        # the key's expiry, so the count and its window end together.
        self.now = time.time()
        self.key = key
        self.cache.add(f"{key}-opened", self.now, timeout=self.duration)
        self.cache.add(key, 0, timeout=self.duration)
        try:
            count = self.cache.incr(key)
        except ValueError:  # expired between add and incr: this request opens a new window
            self.cache.add(key, 1, timeout=self.duration)
            count = 1
        return count <= self.num_requests

    def wait(self):
        opened = self.cache.get(f"{self.key}-opened", self.now)
        return max(opened + self.duration - self.now, 0)
