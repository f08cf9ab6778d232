"""Moving a case to another responsible area (issue 18, part 2): a recorded transfer that keeps history,
confirmed before it happens, told to the receiving area, and ending a placement into the new area."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from cases import services as case_services
from cases.models import Case, CaseNote, CaseTransfer, Concern, MissingEpisode, Placement
from cases.services import placements as services
from met.models import AuditEvent, Notification
from tests.cases import POLICE, POLICE_ADMIN, SCHOOL, add_episode, text, user
from tests.cases.test_placements import REASON, case_in, fresh, place

# The two-area world's fixture, shared with the placement tests (imported, so pytest finds it here too).
from tests.cases.test_placements import areas as areas

WHY = "The family moved to Portsmouth in November"


def transfer_data(area, **overrides) -> dict:
    return {"to_area": str(area.pk), "reason": WHY, **overrides}


def test_it_confirms_then_transfers_and_keeps_every_record_on_the_case(areas, login):
    case = case_in(areas.soton)
    episode = add_episode(case, days_ago=20)
    note = case_services.case_note_add(actor=fresh(areas.soton_coordinator), case=case, text="Seen at school")
    concern_ids = list(case.concerns.values_list("pk", flat=True))
    client = login(areas.soton_coordinator)
    assert client.get(reverse("case_transfer", args=[case.pk])).status_code == 200

    confirm = client.post(reverse("case_transfer", args=[case.pk]), transfer_data(areas.pompey))

    # The confirmation page: what will happen, and nothing has yet.
    assert confirm.status_code == 200
    page = text(confirm)
    assert "Transfer the case" in page and "from Southampton to Portsmouth" in page
    assert areas.pompey_coordinator.display_name in page
    assert Case.objects.get(pk=case.pk).area_id == areas.soton.pk and not CaseTransfer.objects.exists()

    done = client.post(reverse("case_transfer", args=[case.pk]), transfer_data(areas.pompey, confirm="yes"))

    assert done.status_code == 302
    # Southampton's coordinator no longer sees a Portsmouth case: back to their list.
    assert done.url == reverse("case_list")
    moved = Case.objects.get(pk=case.pk)
    assert moved.area_id == areas.pompey.pk
    transfer = CaseTransfer.objects.get()
    assert (transfer.case_id, transfer.from_area, transfer.to_area, transfer.reason, transfer.transferred_by) == (
        case.pk,
        areas.soton,
        areas.pompey,
        WHY,
        areas.soton_coordinator,
    )
    # History kept: the same records, with the same ids, still on the case.
    assert list(MissingEpisode.objects.filter(case=case).values_list("pk", flat=True)) == [episode.pk]
    assert list(CaseNote.objects.filter(case=case).values_list("pk", flat=True)) == [note.pk]
    assert sorted(Concern.objects.filter(case=case).values_list("pk", flat=True)) == sorted(concern_ids)
    event = AuditEvent.objects.get(action="case.transfer")
    assert event.child_id == case.child_id
    assert event.detail == {
        "case": case.pk,
        "from_area": areas.soton.pk,
        "to_area": areas.pompey.pk,
        "ended_placement": None,
    }
    # Told: the receiving area's coordinators, not the one who moved it, nor Southampton's.
    told = Notification.objects.filter(subject__contains=case.reference)
    assert [n.recipient_id for n in told] == [areas.pompey_coordinator.pk]
    assert "transferred" in told[0].subject and WHY not in told[0].body


def test_it_lets_the_receiving_coordinator_see_the_case_after_the_transfer(areas, login):
    case = case_in(areas.soton)
    services.case_transfer(actor=fresh(areas.soton_coordinator), case=case, to_area=areas.pompey, reason=WHY)
    assert login(areas.pompey_coordinator).get(reverse("case_detail", args=[case.pk])).status_code == 200
    assert login(areas.soton_coordinator).get(reverse("case_detail", args=[case.pk])).status_code == 404


def test_it_ends_a_placement_into_the_new_area_and_says_so(areas, login):
    case = case_in(areas.pompey)
    placement = place(areas, case)
    client = login(areas.pompey_coordinator)

    confirm = client.post(reverse("case_transfer", args=[case.pk]), transfer_data(areas.soton))
    assert "The placement in Southampton" in text(confirm) and "ends today" in text(confirm)
    done = client.post(reverse("case_transfer", args=[case.pk]), transfer_data(areas.soton, confirm="yes"), follow=True)

    assert "The placement in Southampton ended today" in text(done)
    ended = Placement.objects.get(pk=placement.pk)
    assert (ended.ended_on, ended.ended_by) == (timezone.localdate(), areas.pompey_coordinator)
    transfer = CaseTransfer.objects.get()
    assert AuditEvent.objects.get(action="placement.end").detail["transfer"] == transfer.pk
    assert AuditEvent.objects.get(action="case.transfer").detail["ended_placement"] == placement.pk
    assert Case.objects.get(pk=case.pk).area_id == areas.soton.pk


def test_it_keeps_a_placement_in_a_third_area(areas):
    from met.models import Area

    wight = Area.objects.create(name="Isle of Wight", short_name="IoW")
    case = case_in(areas.pompey)
    placement = place(areas, case, host=wight)

    transfer = services.case_transfer(actor=fresh(areas.pompey_coordinator), case=case, to_area=areas.soton, reason=WHY)

    assert transfer.ended_placement is None
    assert Placement.objects.get(pk=placement.pk).ended_on is None


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"reason": ""}, "Say why the case moves to that area."),
        ({"to_area": ""}, "Choose the area that becomes responsible."),
        ({"to_area": "987654321"}, "Choose one of the areas listed."),
    ],
)
def test_it_answers_400_with_the_fields_message_on_bad_input(areas, login, overrides, message):
    case = case_in(areas.soton)
    response = login(areas.soton_coordinator).post(
        reverse("case_transfer", args=[case.pk]), transfer_data(areas.pompey, confirm="yes", **overrides)
    )
    assert response.status_code == 400
    assert message in text(response)
    assert not CaseTransfer.objects.exists()
    assert Case.objects.get(pk=case.pk).area_id == areas.soton.pk


def test_it_refuses_a_transfer_to_the_same_area(areas, login):
    case = case_in(areas.soton)
    response = login(areas.soton_coordinator).post(
        reverse("case_transfer", args=[case.pk]), transfer_data(areas.soton, confirm="yes")
    )
    assert response.status_code == 400
    with pytest.raises(ValidationError, match="other than Southampton"):
        services.case_transfer(actor=fresh(areas.soton_coordinator), case=case, to_area=areas.soton, reason=WHY)
    assert not CaseTransfer.objects.exists()


def test_it_lets_only_the_responsible_areas_coordinators_and_chairs_transfer(areas, login):
    case = case_in(areas.soton)
    url = reverse("case_transfer", args=[case.pk])
    assert login(areas.soton_chair).get(url).status_code == 200
    assert login(user(POLICE)).get(url).status_code == 403  # sees the case, may not move it
    assert login(user(POLICE)).post(url, transfer_data(areas.pompey, confirm="yes")).status_code == 403
    assert login(user(SCHOOL)).get(url).status_code == 404
    assert login(user(POLICE_ADMIN)).get(url).status_code == 403
    assert login(areas.pompey_coordinator).get(url).status_code == 404
    assert login(areas.pompey_coordinator).post(url, transfer_data(areas.pompey, confirm="yes")).status_code == 404
    with pytest.raises(PermissionDenied):
        services.case_transfer(actor=fresh(areas.pompey_coordinator), case=case, to_area=areas.pompey, reason=WHY)
    assert not CaseTransfer.objects.exists()


def test_it_shows_the_transfer_in_the_placement_history_of_the_responsible_area(areas, login):
    case = case_in(areas.soton)
    services.case_transfer(actor=fresh(areas.soton_coordinator), case=case, to_area=areas.pompey, reason=WHY)
    page = text(login(areas.pompey_coordinator).get(reverse("case_placement", args=[case.pk])))
    assert "Transferred from Southampton to Portsmouth" in page and WHY in page
    assert REASON not in page


def test_it_records_the_move_in_the_case_change_history(areas):
    from auditlog.models import LogEntry

    case = case_in(areas.soton)
    services.case_transfer(actor=fresh(areas.soton_coordinator), case=case, to_area=areas.pompey, reason=WHY)
    entry = LogEntry.objects.get_for_object(Case.objects.get(pk=case.pk)).order_by("-pk").first()
    assert "area" in entry.changes_dict


def test_it_sends_one_notification_per_transfer_even_when_the_child_later_goes_missing_elsewhere(areas):
    case = case_in(areas.soton)
    services.case_transfer(actor=fresh(areas.soton_coordinator), case=case, to_area=areas.pompey, reason=WHY)
    add_episode(case, actor=fresh(user(POLICE)), days_ago=1)
    # Not placed anywhere: the episode tells nobody; the transfer told Portsmouth once.
    assert (
        Notification.objects.filter(recipient=areas.pompey_coordinator, subject__contains=case.reference).count() == 1
    )
