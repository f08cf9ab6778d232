"""met's URLconf unchanged, plus the empty view at /bench/empty/ (served only with bench.settings)."""

from django.urls import path

from bench import views
from met.urls import handler400, handler403, handler404, handler500
from met.urls import urlpatterns as met_urlpatterns

urlpatterns = [path("bench/empty/", views.empty, name="bench_empty"), *met_urlpatterns]

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]
