"""The bench's URLconf is met's with one addition, the empty view: nothing of the product changes,
and the product's own URLconf (which the access matrix walks) never contains it."""

from django.test import Client, override_settings
from django.urls import URLPattern, get_resolver, reverse

import met.urls


def _routes(urlconf) -> list[str]:
    return [str(p.pattern) for p in get_resolver(urlconf).url_patterns]


def test_it_adds_only_the_empty_view_to_mets_urls():
    assert _routes("bench.urls") == ["bench/empty/", *_routes("met.urls")]
    assert get_resolver("bench.urls").url_patterns[1:] == met.urls.urlpatterns
    (empty,) = [
        p for p in get_resolver("bench.urls").url_patterns if isinstance(p, URLPattern) and p.name == "bench_empty"
    ]
    assert "bench_empty" not in {getattr(p, "name", None) for p in met.urls.urlpatterns}
    assert empty.callback.__module__ == "bench.views"


def test_it_keeps_the_empty_view_out_of_the_product(settings):
    assert settings.ROOT_URLCONF == "met.urls"
    assert all("bench" not in route for route in _routes(None))


@override_settings(ROOT_URLCONF="bench.urls")
def test_it_answers_the_empty_view_only_when_signed_in(db, demo_data, login):
    url = reverse("bench_empty")
    assert Client().get(url).status_code == 302
    response = login(demo_data["coordinator@example.org"]).get(url)
    assert response.status_code == 200 and response.content == b""
    assert "no-store" in response["Cache-Control"]
