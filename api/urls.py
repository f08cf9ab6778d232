"""/api/: the schema, the docs and version 1 of the API. Anything else under /api/ is a JSON 404."""

from django.urls import include, path, re_path
from rest_framework.routers import SimpleRouter

from api.exceptions import not_found
from api.views import account, cases, meetings, risk
from api.views.docs import DocsView, SchemaView

app_name = "api"

router = SimpleRouter()
router.register("children", cases.ChildViewSet, basename="child")
router.register("cases", cases.CaseViewSet, basename="case")
router.register("concerns", cases.ConcernViewSet, basename="concern")
router.register("missing-episodes", cases.MissingEpisodeViewSet, basename="missing-episode")
router.register("risk-assessments", risk.AssessmentViewSet, basename="assessment")
router.register("risk-tools", risk.RiskToolViewSet, basename="risk-tool")
router.register("meetings", meetings.MeetingViewSet, basename="meeting")
router.register("actions", meetings.ActionViewSet, basename="action")
router.register("notifications", account.NotificationViewSet, basename="notification")
router.register("categories", account.CategoryViewSet, basename="category")
router.register("agencies", account.AgencyViewSet, basename="agency")

urlpatterns = [
    path("schema/", SchemaView.as_view(), name="schema"),
    path("docs/", DocsView.as_view(url_name="api:schema"), name="docs"),
    path("v1/", account.RootView.as_view(), name="root"),
    path("v1/me/", account.MeView.as_view(), name="me"),
    path("v1/", include(router.urls)),
    re_path(r"^[\s\S]*\Z", not_found),  # any character, newlines included
]
