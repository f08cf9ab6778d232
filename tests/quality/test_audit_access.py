"""Auditors see the sampled cases read-only for the round's duration, and nothing else (issue 17).

Who can make someone an auditor (only the round's lead or a chair), what an auditor sees before, during
and after the round, and that each read is audited with its reason."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.access import can_change_case, cases_visible_to, may_see_case
from met.models import AuditEvent
from quality import services
from quality.models import AuditRound, RoundAuditor
from tests.cases import CHAIR, COORDINATOR, HEALTH, POLICE, SCHOOL, make_case, user
from tests.quality import start_round


@pytest.fixture
def audited(demo_data):
    """A case the school has nothing to do with, in a round the school audits."""
    sampled = make_case(agencies=("Police", "Health"))
    other = make_case(agencies=("Police", "Health"))
    round_ = start_round(cases=[sampled], auditors=(SCHOOL,))
    return {"round": round_, "sampled": sampled, "other": other}


def test_it_lets_an_auditor_read_the_sampled_case_while_the_round_runs(audited, login):
    school = user(SCHOOL)
    assert may_see_case(school, audited["sampled"].pk)
    assert not can_change_case(school, audited["sampled"])  # read-only
    client = login(school)
    assert client.get(audited["sampled"].get_absolute_url()).status_code == 200
    assert (
        client.get(reverse("audit_case_detail", args=[audited["round"].pk, audited["sampled"].pk])).status_code == 200
    )
    assert client.post(reverse("case_edit", args=[audited["sampled"].pk]), {}).status_code == 403


def test_it_opens_nothing_else_to_the_auditor(audited, login):
    school = user(SCHOOL)
    client = login(school)
    assert client.get(audited["other"].get_absolute_url()).status_code == 404
    # Not in the sample: a 404 on the round's own pages too.
    assert client.get(reverse("audit_case_detail", args=[audited["round"].pk, audited["other"].pk])).status_code == 404
    assert set(cases_visible_to(school).values_list("pk", flat=True)) == {audited["sampled"].pk}
    page = client.get("/cases/?q=").content.decode()
    assert audited["other"].reference not in page


def test_it_ends_the_auditors_view_when_the_round_ends(audited, login, time_machine):
    round_ = audited["round"]
    time_machine.move_to(timezone.now() + timedelta(days=21))  # the round ended yesterday
    assert services.access_sweep() == 1
    assert services.access_sweep() == 0  # in step: nothing more to do
    school = user(SCHOOL)
    assert not may_see_case(school, audited["sampled"].pk)
    client = login(school)
    assert client.get(audited["sampled"].get_absolute_url()).status_code == 404
    assert client.get(round_.get_absolute_url()).status_code == 404
    assert client.get(reverse("audit_case_detail", args=[round_.pk, audited["sampled"].pk])).status_code == 404
    assert round_.title not in client.get(reverse("audit_round_list")).content.decode()


def test_it_opens_the_view_only_when_the_round_starts(demo_data, login, time_machine):
    case = make_case(agencies=("Police",))
    round_ = start_round(cases=[case], auditors=(SCHOOL,), days_before=-3, days_after=10)
    school = user(SCHOOL)
    assert not may_see_case(school, case.pk)
    assert login(school).get(round_.get_absolute_url()).status_code == 404
    time_machine.move_to(timezone.now() + timedelta(days=3))
    assert services.access_sweep() == 1
    assert may_see_case(school, case.pk)


def test_it_ends_the_view_when_the_round_is_closed_or_the_auditor_removed(audited, login):
    school, chair = user(SCHOOL), user(CHAIR)
    place = RoundAuditor.objects.get(round=audited["round"], user=school)
    services.auditor_remove(actor=chair, place=place)
    assert not may_see_case(school, audited["sampled"].pk)
    services.auditor_add(actor=chair, round_=audited["round"], auditor=school)
    assert may_see_case(school, audited["sampled"].pk)
    assert login(chair).post(reverse("audit_round_close", args=[audited["round"].pk])).status_code == 302
    assert not may_see_case(school, audited["sampled"].pk)
    assert AuditRound.objects.get(pk=audited["round"].pk).access_open is False


@pytest.mark.parametrize("email", [SCHOOL, POLICE, COORDINATOR])
def test_it_lets_only_the_lead_or_a_chair_add_auditors(audited, login, email):
    """An auditor cannot add a colleague (or themselves again), a practitioner cannot add themselves, and
    the coordinator, who does not lead this round, cannot either."""
    client = login(user(email))
    response = client.post(reverse("audit_round_auditors", args=[audited["round"].pk]), {"email": email})
    # The school audits the round (403); the police practitioner does not see it (404).
    assert response.status_code == {SCHOOL: 403, POLICE: 404, COORDINATOR: 403}[email]
    assert list(RoundAuditor.objects.filter(round=audited["round"]).values_list("user__email", flat=True)) == [SCHOOL]


def test_it_audits_every_read_with_its_reason(audited, login):
    client = login(user(SCHOOL))
    client.get(audited["round"].get_absolute_url())
    case_args = [audited["round"].pk, audited["sampled"].pk]
    client.get(reverse("audit_case_detail", args=case_args))
    assert client.get(reverse("audit_case_grade", args=case_args)).status_code == 200
    events = AuditEvent.objects.filter(actor__email=SCHOOL, action="case.view", child_id=audited["sampled"].child_id)
    assert {e.detail["page"] for e in events} == {"audit_round", "audit_case", "audit_grade"}
    assert {e.detail["reason"] for e in events} == {"case_audit"}
    # The lead's moderation page names the child too.
    login(user(CHAIR)).get(reverse("audit_case_moderate", args=case_args))
    assert AuditEvent.objects.filter(
        actor__email=CHAIR, action="case.view", child_id=audited["sampled"].child_id, detail__page="audit_moderate"
    ).exists()


def test_it_lists_only_the_rounds_the_person_audits_now(audited, login):
    assert audited["round"].title in login(user(SCHOOL)).get(reverse("audit_round_list")).content.decode()
    assert audited["round"].title not in login(user(HEALTH)).get(reverse("audit_round_list")).content.decode()
    assert audited["round"].title in login(user(COORDINATOR)).get(reverse("audit_round_list")).content.decode()
