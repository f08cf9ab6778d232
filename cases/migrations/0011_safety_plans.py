# Reserved for issue 16: the helper building this part fills in its operations.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("cases", "0010_documents")]

    operations = []
