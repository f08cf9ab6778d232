from django.db import migrations

# SERAF v1 exactly as DESIGN §4 describes, plus the default review intervals and intervention
# providers (seed 003). All three are data a system admin can change later in the app.
REVIEW_WEEKS = {"high": 4, "medium": 8, "low": 12}
PROVIDERS = [
    ("Asphaleia", "Support for children at low or medium risk.", ["low", "medium"]),
    ("Barnardo's", "Specialist exploitation service for children at medium or high risk.", ["medium", "high"]),
    ("Lifecentre", "Specialist support after a high-risk event such as a sexual assault.", ["high_post_event"]),
]


def load(apps, schema_editor):
    from riskassessment.definition import create_tool, seraf_v1

    models = {
        name: apps.get_model("riskassessment", name) for name in ("ToolVersion", "Section", "Indicator", "ScoreBand")
    }
    if not models["ToolVersion"].objects.filter(name="SERAF", version="1").exists():
        create_tool(seraf_v1(), models=models)
    ReviewInterval = apps.get_model("riskassessment", "ReviewInterval")
    for level, weeks in REVIEW_WEEKS.items():
        ReviewInterval.objects.get_or_create(level=level, defaults={"weeks": weeks})
    Provider = apps.get_model("riskassessment", "Provider")
    for name, description, levels in PROVIDERS:
        Provider.objects.get_or_create(name=name, defaults={"description": description, "levels": levels})


class Migration(migrations.Migration):
    dependencies = [("riskassessment", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
