"""The OpenAPI schema and Swagger UI, served from this site (the CSP allows scripts from 'self' only).

Swagger UI's files come from drf-spectacular-sidecar as static files, and its start-up script is a
separate request (SpectacularSwaggerSplitView) rather than inline, so the strict
Content-Security-Policy stays as it is.
"""

from django.contrib.auth.views import redirect_to_login
from drf_spectacular.renderers import (
    OpenApiJsonRenderer,
    OpenApiJsonRenderer2,
    OpenApiYamlRenderer,
    OpenApiYamlRenderer2,
)
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.permissions import AllowAny


class SchemaView(SpectacularAPIView):
    # JSON first: clients and errors get JSON unless they ask for YAML (Accept: application/yaml).
    renderer_classes = [OpenApiJsonRenderer2, OpenApiJsonRenderer, OpenApiYamlRenderer, OpenApiYamlRenderer2]


class DocsView(SpectacularSwaggerSplitView):
    """Browsable docs for a signed-in person; "Try it out" uses their session (or a token under Authorize)."""

    permission_classes = [AllowAny]
    template_name = "api/swagger_ui.html"
    title = "MET Hub API"

    @extend_schema(exclude=True)
    def get(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return super().get(request, *args, **kwargs)
