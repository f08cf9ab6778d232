"""The production settings (met/settings.py, from the same environment) plus what only the bench needs."""

from met.settings import *  # noqa: F403

# met's URLs plus the empty view that every page is compared with (bench/urls.py).
ROOT_URLCONF = "bench.urls"

# The API's limit per token (1,000 an hour) would answer 429 after the first thousand requests of a
# 10-second run. Still counted on every request, as in production, just never reached.
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"api": "100000000/hour"}}  # noqa: F405
