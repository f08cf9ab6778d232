# Issue 18: every case belongs to an area; the ones made before areas existed, to the installation's one area.

import django.db.models.deletion
from django.db import migrations, models

import met.areas


def to_the_first_area(apps, schema_editor):
    Area = apps.get_model("met", "Area")
    Model = apps.get_model("cases", "case")
    first = Area.objects.order_by("pk").first()
    if first is not None:
        Model.objects.filter(area__isnull=True).update(area=first)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0014_turning_18"),
        ("met", "0008_areas"),
    ]

    operations = [
        migrations.AddField(
            model_name="case",
            name="area",
            field=models.ForeignKey(
                null=True,
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="cases",
                to="met.area",
            ),
        ),
        migrations.RunPython(to_the_first_area, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="case",
            name="area",
            field=models.ForeignKey(
                default=met.areas.default_area_id,
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="cases",
                to="met.area",
            ),
        ),
    ]
