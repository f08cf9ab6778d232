"""The MET case audit tool is versioned data, loaded by a migration as SERAF is (issue 17)."""

from quality.models import AuditQuestion, AuditTool, Grade
from quality.tool import met_case_audit_v1, validate


def test_it_loads_the_met_tool_as_the_current_version(db):
    tool = AuditTool.objects.get(is_current=True)
    data = met_case_audit_v1()
    assert (tool.name, tool.version) == (data["name"], data["version"])
    titles = [s.title for s in tool.sections.order_by("order")]
    assert titles == [s["title"] for s in data["sections"]]
    for theme in (
        "voice",
        "risk assessment",
        "information sharing",
        "return home interviews",
        "safety planning",
        "outcome",
    ):
        assert any(theme in title.lower() for title in titles), theme
    assert AuditQuestion.objects.filter(section__tool=tool).count() == sum(
        len(s["questions"]) for s in data["sections"]
    )


def test_its_definition_is_sound_and_a_broken_one_is_refused():
    assert validate(met_case_audit_v1()) == []
    broken = {"name": "x", "version": "2", "sections": [{"title": "A", "questions": [{"code": "a", "text": ""}]}]}
    assert validate(broken) == ["Section 1, question 1 needs its text."]


def test_it_grades_on_the_four_point_scale():
    assert [label for _, label in Grade.choices] == ["Outstanding", "Good", "Requires improvement", "Inadequate"]
