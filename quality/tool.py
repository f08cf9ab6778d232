"""The case audit tool as data (issue 17): load a definition, create a version from it.

The MET tool (quality/tools/met_case_audit_v1.json) is loaded by a migration, as SERAF v1 is
(riskassessment/definition.py); a later version is a new row, and every round keeps the one it used.
"""

import json
from pathlib import Path

MET_CASE_AUDIT_V1 = Path(__file__).with_name("tools") / "met_case_audit_v1.json"


def met_case_audit_v1() -> dict:
    return json.loads(MET_CASE_AUDIT_V1.read_text(encoding="utf-8"))


def validate(data) -> list[str]:
    """Every problem with a definition, in words; empty when it is sound."""
    errors: list[str] = []
    if not isinstance(data, dict) or not isinstance(data.get("sections"), list) or not data["sections"]:
        return ["The definition must be a JSON object with a name, a version and a non-empty list of sections."]
    for key in ("name", "version"):
        if not isinstance(data.get(key), str) or not data[key].strip():
            errors.append(f"“{key}” must be text.")
    codes: set[str] = set()
    for s, section in enumerate(data["sections"], 1):
        questions = section.get("questions") if isinstance(section, dict) else None
        if not isinstance(section, dict) or not str(section.get("title", "")).strip():
            errors.append(f"Section {s} needs a title.")
        if not isinstance(questions, list) or not questions:
            errors.append(f"Section {s} needs a non-empty list of questions.")
            continue
        for q, question in enumerate(questions, 1):
            code = question.get("code") if isinstance(question, dict) else None
            if not isinstance(code, str) or not code or code in codes:
                errors.append(f"Section {s}, question {q} needs a code of its own.")
            else:
                codes.add(code)
            if not isinstance(question, dict) or not str(question.get("text", "")).strip():
                errors.append(f"Section {s}, question {q} needs its text.")
    return errors


def create_tool(data: dict, *, models: dict, current: bool = True):
    """Create a tool version and its sections and questions. `models` are the model classes (the
    migration passes its historical ones)."""
    errors = validate(data)
    if errors:
        raise ValueError("; ".join(errors))
    Tool, Section, Question = models["AuditTool"], models["AuditSection"], models["AuditQuestion"]
    if current:
        Tool.objects.filter(is_current=True).update(is_current=False)
    tool = Tool.objects.create(
        name=data["name"], version=data["version"], description=data.get("description", ""), is_current=current
    )
    for s, section in enumerate(data["sections"]):
        row = Section.objects.create(tool=tool, title=section["title"], guidance=section.get("guidance", ""), order=s)
        Question.objects.bulk_create(
            Question(section=row, code=q["code"], text=q["text"], guidance=q.get("guidance", ""), order=n)
            for n, q in enumerate(section["questions"])
        )
    return tool
