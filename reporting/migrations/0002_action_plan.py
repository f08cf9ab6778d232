import json
from datetime import date
from pathlib import Path

from django.db import migrations

# The Southampton MET strategic action plan (seed 002): five priorities, their actions, and the
# progress rating each carried when the plan was last reviewed (March 2016).
PLAN = Path(__file__).resolve().parent.parent / "data" / "action_plan.json"


def load(apps, schema_editor):
    Priority, PlanAction, RagUpdate = (
        apps.get_model("reporting", name) for name in ("Priority", "PlanAction", "RagUpdate")
    )
    data = json.loads(PLAN.read_text(encoding="utf-8"))
    priorities = {
        p["number"]: Priority.objects.get_or_create(
            number=p["number"], defaults={"title": p["title"], "lead": p["lead"]}
        )[0]
        for p in data["priorities"]
    }
    for item in data["actions"]:
        action, created = PlanAction.objects.get_or_create(
            ref=item["ref"],
            defaults={k: item[k] for k in ("what", "how", "who", "when", "difference")}
            | {"priority": priorities[item["priority"]]},
        )
        if created:
            RagUpdate.objects.create(
                action=action, rating=item["rating"], commentary=item["commentary"], dated=date(2016, 3, 1)
            )


class Migration(migrations.Migration):
    dependencies = [("reporting", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
