# Reserved for issue 16 part 5 (merging duplicate children); its operations are added by that work.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("cases", "0012_national_referral_mechanism")]

    operations = []
