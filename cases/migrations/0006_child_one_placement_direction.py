# Its own migration (and transaction), after 0005 has resolved the rows that contradicted it.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0005_resolve_contradicting_placements"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="child",
            constraint=models.CheckConstraint(
                condition=models.Q(("placed_by_other_authority", True), ("placed_out_of_area", True), _negated=True),
                name="cases_child_one_placement_direction",
                violation_error_message=(
                    "A child cannot be both placed out of area and placed here by another local authority."
                ),
            ),
        ),
    ]
