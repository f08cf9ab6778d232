"""The strategic action plan as loaded matches seed 002's text exactly (issue 17 part 3): every
priority and action, 1.4 whole and 3.7 present; and the correction of an installation loaded before
(migration 0005) fixes what was cut short without overwriting what the group changed since."""

import importlib
from datetime import date

import pytest
from django.apps import apps

from reporting.models import PlanAction, PlanChange, Priority, RagUpdate
from tests.reporting import seed_plan

correction = importlib.import_module("reporting.migrations.0005_action_plan_as_seeded")

FIELDS = ("what", "how", "who", "when", "difference")


@pytest.fixture
def seed():
    return seed_plan.parse(seed_plan.seed_text())


def loaded_plan() -> dict:
    seed_ratings = {
        u.action_id: u for u in RagUpdate.objects.filter(recorded_by__isnull=True, dated=correction.SEED_RATING_DATE)
    }
    return {
        "priorities": [
            {"number": p.number, "title": p.title, "lead": p.lead} for p in Priority.objects.order_by("number")
        ],
        "actions": [
            {
                "ref": a.ref,
                "priority": a.priority.number,
                **{name: getattr(a, name) for name in FIELDS},
                "rating": seed_ratings[a.pk].rating,
                "commentary": seed_ratings[a.pk].commentary,
            }
            for a in PlanAction.objects.select_related("priority")
        ],
    }


def test_it_keeps_a_copy_of_seed_002_identical_to_the_shared_seed():
    shared = seed_plan.shared_seed()
    if shared is None:
        pytest.skip("the shared seeds are not beside this checkout")
    assert shared.read_bytes() == seed_plan.SEED_COPY.read_bytes()


def test_it_reads_five_priorities_and_twenty_seven_actions_from_the_seed(seed):
    assert [p["number"] for p in seed["priorities"]] == [1, 2, 3, 4, 5]
    refs = [a["ref"] for a in seed["actions"]]
    assert len(refs) == 27
    assert refs[:7] == [f"1.{n}" for n in range(1, 8)]
    assert [r for r in refs if r.startswith("3.")] == [f"3.{n}" for n in range(1, 10)]
    assert all(a["rating"] in seed_plan.RATINGS for a in seed["actions"])


@pytest.mark.django_db
def test_it_loads_the_plan_exactly_as_the_seed_words_it(seed):
    assert loaded_plan() == seed


@pytest.mark.django_db
def test_it_loads_action_1_4_whole_and_action_3_7(seed):
    whole = PlanAction.objects.get(ref="1.4")
    assert whole.what == (
        "Ensure that all professionals are working to the same definition of MET/CSE. "
        "(The National Working Group Network definition) 2009"
    )
    assert whole.difference.endswith("and their roles and responsibilities.")
    licensing = PlanAction.objects.get(ref="3.7")
    assert licensing.priority.number == 3
    assert licensing.how.startswith("Licensing staff should be educated in MET triggers")
    assert RagUpdate.objects.get(action=licensing).rating == "amber"
    # 3.7 sorts between 3.6 and 3.8.
    refs = list(PlanAction.objects.filter(priority__number=3).values_list("ref", flat=True))
    assert refs == [f"3.{n}" for n in range(1, 10)]


def _as_first_loaded() -> None:
    """Put the plan back as migration 0002 loaded it from the old copy (3.7 missing, others cut short)."""
    licensing = PlanAction.objects.get(ref="3.7")
    RagUpdate.objects.filter(action=licensing).delete()
    PlanChange.objects.filter(action=licensing).delete()
    licensing.delete()
    for number, fields in correction.PRIORITIES.items():
        Priority.objects.filter(number=number).update(**{name: loaded for name, (loaded, _) in fields.items()})
    for ref, fields in correction.ACTIONS.items():
        columns = {name: loaded for name, (loaded, _) in fields.items() if name != "commentary"}
        PlanAction.objects.filter(ref=ref).update(seq=0, **columns)
        if "commentary" in fields:
            RagUpdate.objects.filter(action__ref=ref, recorded_by__isnull=True).update(
                commentary=fields["commentary"][0]
            )


@pytest.mark.django_db
def test_it_corrects_an_installation_loaded_before_without_overwriting_the_groups_edits(seed):
    _as_first_loaded()
    assert (
        PlanAction.objects.get(ref="1.4").what == "Ensure that all professionals are working to the same definition of"
    )
    # Since then, the group reworded 1.4's "what" (in the admin or the database) and rated 2.3 again.
    PlanAction.objects.filter(ref="1.4").update(what="Everyone uses the 2017 national definition of CSE.")
    later = RagUpdate.objects.create(
        action=PlanAction.objects.get(ref="2.3"), rating="green", commentary="Protocol signed", dated=date(2017, 1, 5)
    )

    correction.correct(apps, None)

    got = loaded_plan()
    by_ref = {a["ref"]: a for a in got["actions"]}
    expected = {a["ref"]: a for a in seed["actions"]}
    assert by_ref["1.4"]["what"] == "Everyone uses the 2017 national definition of CSE."
    assert by_ref["1.4"]["difference"] == expected["1.4"]["difference"]
    by_ref["1.4"]["what"] = expected["1.4"]["what"]
    assert by_ref == expected
    assert got["priorities"] == seed["priorities"]
    assert RagUpdate.objects.get(pk=later.pk).commentary == "Protocol signed"
    # The corrections are in each action's history, with the value before them.
    change = PlanChange.objects.get(action__ref="1.4")
    assert [
        "What difference will it make",
        "All professionals are clear about what we are trying to achieve",
        expected["1.4"]["difference"],
    ] in change.fields
    assert not any(label == "What are we going to do" for label, *_ in change.fields)
    assert PlanChange.objects.get(action__ref="3.7").kind == "created"
    # Numbered again for ordering, 3.7 between 3.6 and 3.8.
    assert list(PlanAction.objects.filter(priority__number=3).values_list("seq", flat=True)) == list(range(1, 10))

    # Running it again changes nothing.
    changes = PlanChange.objects.count()
    correction.correct(apps, None)
    assert PlanChange.objects.count() == changes
    assert PlanAction.objects.filter(ref="3.7").count() == 1


@pytest.mark.django_db
def test_it_leaves_a_fresh_installation_as_loaded(seed):
    """0002 now loads the seed's text, so 0005 finds nothing to correct on a new installation."""
    assert not PlanChange.objects.exists()
