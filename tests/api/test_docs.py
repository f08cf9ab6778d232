"""The schema and the browsable docs: served from this site, under its strict Content-Security-Policy."""

import re

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from tests.cases import POLICE, user


@pytest.mark.django_db
def test_it_serves_swagger_ui_from_this_site_without_inline_scripts_or_styles(demo_data, login):
    response = login(user(POLICE)).get(reverse("api:docs"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "script-src 'self'" in response["Content-Security-Policy"]
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", page, re.S)
    assert scripts
    assert all('src="' in attrs and not body.strip() for attrs, body in scripts), "inline script"
    assert "<style" not in page
    sources = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert all(s.startswith("/") for s in sources), sources  # nothing from another site
    for path in (s for s in sources if s.startswith("/static/")):
        assert finders.find(path.removeprefix("/static/")), path
    init = login(user(POLICE)).get(reverse("api:docs") + "?script=")
    assert init.status_code == 200
    assert init["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in init.content.decode()


@pytest.mark.django_db
def test_it_sends_visitors_to_sign_in_for_the_docs_and_refuses_them_the_schema(demo_data, client):
    response = client.get(reverse("api:docs"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    response = client.get(reverse("api:schema"))
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


@pytest.mark.django_db
def test_it_serves_the_schema_as_json_to_a_signed_in_person(demo_data, login):
    response = login(user(POLICE)).get(reverse("api:schema"))
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/cases/" in schema["paths"]
    assert schema["components"]["securitySchemes"]["apiToken"] == {
        "type": "http",
        "scheme": "bearer",
        "description": schema["components"]["securitySchemes"]["apiToken"]["description"],
    }
    yaml = login(user(POLICE)).get(reverse("api:schema"), HTTP_ACCEPT="application/yaml")
    assert yaml.status_code == 200
    assert yaml.content.startswith(b"openapi:")


@pytest.mark.django_db
def test_it_lists_the_endpoints_at_the_root(demo_data, token_client):
    body = token_client(user(POLICE)).get("/api/v1/").json()
    assert body["cases"].endswith("/api/v1/cases/")
    assert body["docs"].endswith("/api/docs/")
