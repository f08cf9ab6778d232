# Reserved for issue 16 part 6 (turning 18: transition plans); its operations are added by that work.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("cases", "0013_child_merge")]

    operations = []
