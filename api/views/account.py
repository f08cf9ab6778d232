"""Who you are, your notifications, and the reference data a client needs to fill in requests."""

from django.http import Http404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from api import serializers as s
from api.audit import audit_read
from api.filters import NotificationFilter
from api.views.base import ApiViewSet
from cases.models import Category
from met.models import Agency, Notification
from met.notifications import mark_read


class MeView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="Who you are signed in as: your agency and roles", responses=s.MeSerializer, tags=["account"]
    )
    def get(self, request):
        return Response(s.MeSerializer(request.user).data)


class RootView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(exclude=True)
    def get(self, request):
        names = {
            "me": "me",
            "children": "child-list",
            "cases": "case-list",
            "concerns": "concern-list",
            "missing_episodes": "missing-episode-list",
            "risk_assessments": "assessment-list",
            "risk_tools": "risk-tool-list",
            "meetings": "meeting-list",
            "actions": "action-list",
            "notifications": "notification-list",
            "categories": "category-list",
            "agencies": "agency-list",
            "schema": "schema",
            "docs": "docs",
        }
        links = {key: reverse(f"api:{name}", request=request) for key, name in names.items()}
        return Response(links)


@extend_schema_view(
    list=extend_schema(summary="Your notifications, newest first", tags=["account"]),
    retrieve=extend_schema(summary="A notification", tags=["account"]),
    read=extend_schema(
        summary="Mark a notification as read", request=None, responses=s.NotificationSerializer, tags=["account"]
    ),
    read_all=extend_schema(
        summary="Mark all your notifications as read", request=None, responses=s.MarkedReadSerializer, tags=["account"]
    ),
)
class NotificationViewSet(ApiViewSet):
    """Everyone's own notifications, whatever their role. Nothing is deleted."""

    permission_classes = [IsAuthenticated]
    queryset = Notification.objects.none()
    serializer_class = s.NotificationSerializer
    filterset_class = NotificationFilter
    ordering_fields = ["created_at", "id"]
    ordering = ["-created_at", "-id"]
    audit_kind = "notification"

    def visible_queryset(self):
        return Notification.objects.filter(recipient=self.request.user)

    def _own(self, pk) -> Notification:
        notification = self.get_queryset().filter(pk=pk).first()
        if notification is None:
            raise Http404("No such notification.")
        return notification

    def retrieve(self, request, pk=None):
        notification = self._own(pk)
        audit_read(request, notification, action="notification.view", child_id=None)
        return self.respond(notification)

    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        notification = self._own(pk)
        mark_read(user=request.user, notification_id=notification.pk, request=request)
        return self.respond(self._own(pk))

    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request):
        return Response({"marked_read": mark_read(user=request.user, request=request)})


@extend_schema_view(
    list=extend_schema(summary="Exploitation categories, with their definitions", tags=["reference"]),
    retrieve=extend_schema(summary="An exploitation category", tags=["reference"]),
)
class CategoryViewSet(ApiViewSet):
    permission_classes = [IsAuthenticated]
    serializer_class = s.CategorySerializer
    queryset = Category.objects.all()
    lookup_field = "code"
    lookup_value_regex = r"[-a-zA-Z0-9_]{1,50}"
    ordering_fields = ["order", "name", "code"]
    ordering = ["order", "name"]

    def retrieve(self, request, code=None):
        category = Category.objects.filter(code=code).first()
        if category is None:
            raise Http404("No such category.")
        return self.respond(category)


@extend_schema_view(
    list=extend_schema(summary="Agencies", tags=["reference"]),
    retrieve=extend_schema(summary="An agency", tags=["reference"]),
)
class AgencyViewSet(ApiViewSet):
    permission_classes = [IsAuthenticated]
    serializer_class = s.AgencySerializer
    queryset = Agency.objects.all()
    ordering_fields = ["name", "short_name", "id"]
    ordering = ["name"]

    def retrieve(self, request, pk=None):
        agency = Agency.objects.filter(pk=pk).first()
        if agency is None:
            raise Http404("No such agency.")
        return self.respond(agency)
