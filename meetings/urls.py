from django.urls import path

from meetings import views

urlpatterns = [
    path("meetings/", views.meeting_list, name="meeting_list"),
    path("meetings/new/", views.meeting_create, name="meeting_create"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/accept/", views.meeting_accept, name="meeting_accept"),
    path("meetings/<int:pk>/rebuild/", views.meeting_rebuild, name="meeting_rebuild"),
    path("meetings/<int:pk>/attendance/", views.meeting_attendance, name="meeting_attendance"),
    path("meetings/<int:pk>/guests/<int:guest_pk>/statement/", views.guest_statement, name="meeting_guest_statement"),
    path("meetings/<int:pk>/invite/", views.meeting_invite, name="meeting_invite"),
    path(
        "meetings/<int:pk>/invitations/<int:invitation_pk>/withdraw/",
        views.invitation_withdraw,
        name="meeting_invitation_withdraw",
    ),
    path("meetings/<int:pk>/quorum-exception/", views.meeting_quorum_exception, name="meeting_quorum_exception"),
    path("meetings/<int:pk>/sign-off/", views.meeting_sign_off, name="meeting_sign_off"),
    path("meetings/<int:pk>/addenda/", views.meeting_addendum, name="meeting_addendum"),
    path("meetings/<int:pk>/pack.pdf", views.meeting_pack_pdf, name="meeting_pack_pdf"),
    path("meetings/<int:pk>/minutes.pdf", views.meeting_minutes_pdf, name="meeting_minutes_pdf"),
    path("meetings/<int:pk>/items/new/", views.item_add, name="meeting_item_add"),
    path("meetings/<int:pk>/feedback/<int:feedback_pk>/", views.feedback_record, name="meeting_feedback"),
    path("meetings/<int:pk>/items/<int:item_pk>/", views.item_detail, name="meeting_item"),
    path("meetings/<int:pk>/items/<int:item_pk>/remove/", views.item_remove, name="meeting_item_remove"),
    path("meetings/<int:pk>/items/<int:item_pk>/restore/", views.item_restore, name="meeting_item_restore"),
    path("meetings/<int:pk>/items/<int:item_pk>/move/", views.item_move, name="meeting_item_move"),
    path(
        "meetings/<int:pk>/items/<int:item_pk>/decisions/<int:decision_pk>/withdraw/",
        views.decision_withdraw,
        name="meeting_decision_withdraw",
    ),
    path("actions/", views.agency_actions, name="agency_actions"),
    path("actions/mine/", views.my_actions, name="my_actions"),
    path("actions/<int:pk>/", views.action_detail, name="action_detail"),
    path("actions/<int:pk>/complete/", views.action_complete, name="action_complete"),
    path("actions/<int:pk>/cancel/", views.action_cancel, name="action_cancel"),
    path("cases/<int:pk>/actions/new/", views.case_action_create, name="case_action_create"),
    path("places/", views.register_list, {"kind": "place"}, name="place_list"),
    path("places/new/", views.register_create, {"kind": "place"}, name="place_create"),
    path("places/<int:pk>/", views.register_detail, {"kind": "place"}, name="place_detail"),
    path("persons/", views.register_list, {"kind": "person"}, name="person_list"),
    path("persons/new/", views.register_create, {"kind": "person"}, name="person_create"),
    path("persons/<int:pk>/", views.register_detail, {"kind": "person"}, name="person_detail"),
]

# The problem profile: the network the registers and missing episodes form (issue 18, part 5).
from meetings.views import profile  # noqa: E402

urlpatterns += [
    path("registers/profile/", profile.problem_profile, name="problem_profile"),
    path("registers/profile.csv", profile.problem_profile_csv, name="problem_profile_csv"),
]

# Reassigning a person's open work (issue 20).
from meetings.views import reassign  # noqa: E402

urlpatterns += [
    path("open-work/", reassign.open_work_index, name="open_work_index"),
    path("people/<int:pk>/open-work/", reassign.open_work_page, name="open_work"),
    path("people/<int:pk>/open-work/all/", reassign.open_work_reassign_all, name="open_work_reassign_all"),
    path(
        "people/<int:pk>/open-work/<slug:kind>/<int:item_pk>/",
        reassign.open_work_reassign_item,
        name="open_work_reassign_item",
    ),
]
