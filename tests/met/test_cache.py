"""met.cache: within a request each key is read from the shared cache once; outside one, every time."""

from django.core.signals import request_finished, request_started

import met.cache


class Counting:
    """The shared cache, counting reads."""

    def __init__(self):
        self.values = {}
        self.reads = 0

    def get(self, key):
        self.reads += 1
        return self.values.get(key)

    def set(self, key, value, seconds):
        self.values[key] = value

    def delete(self, key):
        self.values.pop(key, None)


def test_it_reads_a_key_from_the_shared_cache_once_per_request(monkeypatch):
    shared = Counting()
    shared.values["k"] = {"figure": 1}
    monkeypatch.setattr(met.cache, "cache", shared)
    request_started.send(sender=None)
    try:
        assert [met.cache.get("k") for _ in range(4)] == [{"figure": 1}] * 4
        assert shared.reads == 1
    finally:
        request_finished.send(sender=None)
    # The next request reads it afresh: another process may have changed it meanwhile.
    shared.values["k"] = {"figure": 2}
    request_started.send(sender=None)
    try:
        assert met.cache.get("k") == {"figure": 2}
        assert shared.reads == 2
    finally:
        request_finished.send(sender=None)


def test_it_sees_a_key_set_or_forgotten_during_the_request(monkeypatch):
    shared = Counting()
    monkeypatch.setattr(met.cache, "cache", shared)
    request_started.send(sender=None)
    try:
        assert met.cache.get("k") is None
        met.cache.set("k", "new", 60)
        assert met.cache.get("k") == "new"
        met.cache.delete("k")
        assert met.cache.get("k") is None
        # A miss is not kept: the figure worked out and set by another caller is seen.
        shared.values["k"] = "from elsewhere"
        assert met.cache.get("k") == "from elsewhere"
    finally:
        request_finished.send(sender=None)


def test_it_reads_the_shared_cache_every_time_outside_a_request(monkeypatch):
    shared = Counting()
    shared.values["k"] = "figure"
    monkeypatch.setattr(met.cache, "cache", shared)
    assert [met.cache.get("k") for _ in range(3)] == ["figure"] * 3
    assert shared.reads == 3
