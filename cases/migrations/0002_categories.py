from django.db import migrations

# The exploitation categories, with definitions after the Pan-Hampshire MET Information Guide
# (paragraph references in brackets) and the national guidance it follows. Shown as help text.
CATEGORIES = [
    (
        "missing",
        "Missing",
        "A child whose whereabouts cannot be established, where the circumstances are out of character or the context suggests they may be the victim of a crime or at risk of harm to themselves or others (MET Information Guide, paras 11–12). ‘Absent’ is recorded separately: not where they should be, but no apparent risk.",
    ),
    (
        "cse",
        "Child sexual exploitation",
        "A form of child sexual abuse where a person or group takes advantage of an imbalance of power to coerce, manipulate or deceive a child under 18 into sexual activity in exchange for something the victim needs or wants, and/or for the financial advantage or increased status of the perpetrator. It can happen even when the activity appears consensual, and can happen online (paras 14–19).",
    ),
    (
        "cce",
        "Child criminal exploitation",
        "Where a person or group takes advantage of an imbalance of power to coerce, control, manipulate or deceive a child under 18 into any criminal activity, in exchange for something the victim needs or wants, and/or for the financial or other advantage of the perpetrator, or through violence or the threat of violence (para 20).",
    ),
    (
        "county_lines",
        "County lines",
        "Gangs and organised criminal networks exporting illegal drugs into one or more areas, using dedicated mobile phone ‘lines’, and likely to exploit children and vulnerable adults to move and store the drugs and money, often using coercion, intimidation, violence and weapons (paras 21–24).",
    ),
    (
        "trafficking",
        "Trafficking",
        "The recruitment, transport, transfer, harbouring or receipt of a child for the purpose of exploitation. A child cannot consent to being trafficked; movement may be across borders or within the UK, even within one town (paras 25–26).",
    ),
    (
        "modern_slavery",
        "Modern slavery",
        "Holding a person in slavery, servitude or forced or compulsory labour, or arranging or facilitating their travel for exploitation (Modern Slavery Act 2015). For children this includes forced criminality, domestic servitude and labour exploitation (paras 27–35).",
    ),
]


def load(apps, schema_editor):
    Category = apps.get_model("cases", "Category")
    for order, (code, name, definition) in enumerate(CATEGORIES):
        Category.objects.update_or_create(code=code, defaults={"name": name, "definition": definition, "order": order})


def unload(apps, schema_editor):
    apps.get_model("cases", "Category").objects.filter(code__in=[c[0] for c in CATEGORIES]).delete()


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
