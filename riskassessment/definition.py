"""A risk tool version as data: validate a definition, create a version from it, export one.

The same definition format ships SERAF v1 (riskassessment/tools/seraf_v1.json, loaded by a
migration) and lets a system admin publish a new version (for example CERAF) from the app.
"""

import json
from pathlib import Path

from riskassessment.scoring import Band

SERAF_V1 = Path(__file__).with_name("tools") / "seraf_v1.json"
KINDS = {"vulnerability", "moderate", "significant"}
LEVELS = {"none", "low", "medium", "high"}


def seraf_v1() -> dict:
    return json.loads(SERAF_V1.read_text(encoding="utf-8"))


def _int(value, where: str, errors: list[str], *, minimum: int = 0, maximum: int = 100) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not minimum <= value <= maximum:
        errors.append(f"{where} must be a whole number from {minimum} to {maximum}.")
        return 0
    return value


def validate(data) -> list[str]:
    """Every problem with a definition, in words a system admin can act on. Empty when it is sound."""
    errors: list[str] = []
    if not isinstance(data, dict):
        return ["The definition must be a JSON object with name, version, sections and bands."]
    for key in ("name", "version"):
        if (
            not isinstance(data.get(key), str)
            or not data[key].strip()
            or len(data[key]) > (60 if key == "name" else 20)
        ):
            errors.append(f"“{key}” must be text (name up to 60 characters, version up to 20).")
    current = _int(data.get("current_months", 6), "current_months", errors, minimum=1, maximum=60)
    previous = _int(data.get("previous_months", 12), "previous_months", errors, minimum=1, maximum=120)
    if current and previous and previous < current:
        errors.append("previous_months must be at least current_months.")
    sections = data.get("sections")
    codes: set[str] = set()
    if not isinstance(sections, list) or not sections:
        errors.append("“sections” must be a non-empty list.")
        sections = []
    for s, section in enumerate(sections, 1):
        where = f"Section {s}"
        if not isinstance(section, dict) or not isinstance(section.get("title"), str) or not section["title"].strip():
            errors.append(f"{where} needs a title.")
            continue
        indicators = section.get("indicators")
        if not isinstance(indicators, list) or not indicators:
            errors.append(f"{where} (“{section['title']}”) needs a non-empty list of indicators.")
            continue
        for i, indicator in enumerate(indicators, 1):
            at = f"{where}, indicator {i}"
            if not isinstance(indicator, dict):
                errors.append(f"{at} must be an object.")
                continue
            code, text = indicator.get("code"), indicator.get("text")
            if (
                not isinstance(code, str)
                or not code
                or len(code) > 60
                or not code.replace("-", "").replace("_", "").isalnum()
            ):
                errors.append(f"{at} needs a code of letters, digits and hyphens (up to 60).")
            elif code in codes:
                errors.append(f"{at}: the code “{code}” is used twice.")
            else:
                codes.add(code)
            if not isinstance(text, str) or not text.strip() or len(text) > 300:
                errors.append(f"{at} needs its text (up to 300 characters).")
            if indicator.get("kind") not in KINDS:
                errors.append(f"{at}: kind must be one of {', '.join(sorted(KINDS))}.")
            _int(indicator.get("points_current", 1), f"{at} points_current", errors)
            _int(indicator.get("points_previous", 0), f"{at} points_previous", errors)
            if not isinstance(indicator.get("time_limited", True), bool):
                errors.append(f"{at}: time_limited must be true or false.")
    errors += _validate_bands(data.get("bands"))
    return errors


def _validate_bands(bands) -> list[str]:
    errors: list[str] = []
    if not isinstance(bands, list) or not bands:
        return ["“bands” must be a non-empty list of score bands."]
    expected_min = 0
    for b, band in enumerate(bands, 1):
        at = f"Band {b}"
        if not isinstance(band, dict):
            errors.append(f"{at} must be an object.")
            continue
        low = _int(band.get("min_score"), f"{at} min_score", errors, maximum=1000)
        high = band.get("max_score")
        last = b == len(bands)
        if high is None and not last:
            errors.append(f"{at}: only the top band may leave max_score empty.")
        elif high is not None and _int(high, f"{at} max_score", errors, maximum=1000) < low:
            errors.append(f"{at}: max_score is below min_score.")
        if low != expected_min:
            errors.append(
                f"{at} must start at {expected_min}, so that bands cover every score without gaps or overlaps."
            )
        expected_min = (high + 1) if isinstance(high, int) else expected_min
        if last and high is not None:
            errors.append("The top band must leave max_score empty, so that every high score has a category.")
        _int(band.get("category"), f"{at} category", errors, minimum=1, maximum=20)
        if not isinstance(band.get("label"), str) or not band["label"].strip():
            errors.append(f"{at} needs a label.")
        if band.get("suggested_level") not in LEVELS:
            errors.append(f"{at}: suggested_level must be one of {', '.join(sorted(LEVELS))}.")
    return errors


def create_tool(data: dict, *, models: dict, published_by=None, make_current: bool = True):
    """Create a tool version from a validated definition. `models` lets a migration pass historical models."""
    ToolVersion, Section, Indicator, ScoreBand = (
        models[k] for k in ("ToolVersion", "Section", "Indicator", "ScoreBand")
    )
    if make_current:
        ToolVersion.objects.filter(is_current=True).update(is_current=False)
    tool = ToolVersion.objects.create(
        name=data["name"].strip(),
        version=data["version"].strip(),
        description=data.get("description", ""),
        current_months=data.get("current_months", 6),
        previous_months=data.get("previous_months", 12),
        is_current=make_current,
        published_by=published_by,
    )
    for s, section in enumerate(data["sections"]):
        row = Section.objects.create(tool=tool, title=section["title"], guidance=section.get("guidance", ""), order=s)
        Indicator.objects.bulk_create(
            Indicator(
                section=row,
                code=item["code"],
                text=item["text"],
                kind=item["kind"],
                points_current=item.get("points_current", 1),
                points_previous=item.get("points_previous", 0),
                time_limited=item.get("time_limited", True),
                order=i,
            )
            for i, item in enumerate(section["indicators"])
        )
    ScoreBand.objects.bulk_create(
        ScoreBand(
            tool=tool,
            min_score=b["min_score"],
            max_score=b.get("max_score"),
            category=b["category"],
            label=b["label"],
            suggested_level=b["suggested_level"],
        )
        for b in data["bands"]
    )
    return tool


def export(tool) -> dict:
    return {
        "name": tool.name,
        "version": tool.version,
        "description": tool.description,
        "current_months": tool.current_months,
        "previous_months": tool.previous_months,
        "sections": [
            {
                "title": section.title,
                "guidance": section.guidance,
                "indicators": [
                    {
                        "code": i.code,
                        "text": i.text,
                        "kind": i.kind,
                        "points_current": i.points_current,
                        "points_previous": i.points_previous,
                        "time_limited": i.time_limited,
                    }
                    for i in section.indicators.all()
                ],
            }
            for section in tool.sections.prefetch_related("indicators")
        ],
        "bands": [
            {
                "min_score": b.min_score,
                "max_score": b.max_score,
                "category": b.category,
                "label": b.label,
                "suggested_level": b.suggested_level,
            }
            for b in tool.bands.all()
        ],
    }


def bands_of(tool) -> list[Band]:
    return [Band(b.min_score, b.max_score, b.category, b.label, b.suggested_level) for b in tool.bands.all()]
