# Reserved for issue 16: the helper building this part fills in its operations.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("cases", "0009_review_due_index")]

    operations = []
