import pytest
from django.db import connection
from django.test import Client


@pytest.mark.django_db
def test_it_answers_ok_when_the_database_answers(settings):
    response = Client().get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == "ok"
    assert body["redis"] == ("ok" if settings.REDIS_URL else "not configured")


@pytest.mark.django_db
def test_it_answers_503_when_redis_does_not(settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = Client().get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "ok", "redis": "error"}


@pytest.mark.django_db
def test_it_answers_503_when_the_database_does_not(monkeypatch):
    def broken_cursor(*args, **kwargs):
        raise connection.Database.OperationalError("database is down")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = Client().get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "error"


def test_it_needs_no_login_and_is_never_cached(db):
    response = Client().get("/healthz")
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
