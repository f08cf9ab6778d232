from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("meetings", "0005_one_agenda_item_per_child")]

    operations = [
        migrations.RemoveField(model_name="agendaitem", name="auto_key"),
        migrations.AddConstraint(
            model_name="agendaitem",
            constraint=models.UniqueConstraint(
                condition=models.Q(("case__isnull", False)),
                fields=("meeting", "case"),
                name="meetings_item_once_per_case",
            ),
        ),
        migrations.AddConstraint(
            model_name="agendaitem",
            constraint=models.UniqueConstraint(
                condition=models.Q(("place__isnull", False)),
                fields=("meeting", "place"),
                name="meetings_item_once_per_place",
            ),
        ),
        migrations.AddConstraint(
            model_name="agendaitem",
            constraint=models.UniqueConstraint(
                condition=models.Q(("person__isnull", False)),
                fields=("meeting", "person"),
                name="meetings_item_once_per_person",
            ),
        ),
    ]
