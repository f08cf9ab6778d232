from django.db import migrations


def load(apps, schema_editor):
    """The MET multi-agency case audit tool, version 1 (quality/tools/met_case_audit_v1.json), as data."""
    from quality.tool import create_tool, met_case_audit_v1

    models = {name: apps.get_model("quality", name) for name in ("AuditTool", "AuditSection", "AuditQuestion")}
    data = met_case_audit_v1()
    if not models["AuditTool"].objects.filter(name=data["name"], version=data["version"]).exists():
        create_tool(data, models=models)


class Migration(migrations.Migration):
    dependencies = [("quality", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
