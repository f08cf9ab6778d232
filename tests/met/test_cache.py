"""met.cache: within a request each key is read from the shared cache once; outside one, every time."""

import pytest
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
    met.cache.request_started()
    try:
        assert [met.cache.get("k") for _ in range(4)] == [{"figure": 1}] * 4
        assert shared.reads == 1
    finally:
        met.cache.request_finished()
    # The next request reads it afresh: another process may have changed it meanwhile.
    shared.values["k"] = {"figure": 2}
    met.cache.request_started()
    try:
        assert met.cache.get("k") == {"figure": 2}
        assert shared.reads == 2
    finally:
        met.cache.request_finished()


def test_it_sees_a_key_set_or_forgotten_during_the_request(monkeypatch):
    shared = Counting()
    monkeypatch.setattr(met.cache, "cache", shared)
    met.cache.request_started()
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
        met.cache.request_finished()


def test_it_reads_the_shared_cache_every_time_outside_a_request(monkeypatch):
    shared = Counting()
    shared.values["k"] = "figure"
    monkeypatch.setattr(met.cache, "cache", shared)
    assert [met.cache.get("k") for _ in range(3)] == ["figure"] * 3
    assert shared.reads == 3


@pytest.mark.django_db
def test_it_keeps_reads_from_a_requests_start_to_its_finish():
    # Django's own receivers of these signals close stale database connections: hence the database.
    request_started.send(sender=None)
    try:
        assert met.cache._seen.get() == {}
    finally:
        request_finished.send(sender=None)
    assert met.cache._seen.get() is None
