"""The chair approves what the secretariat submits.

One workflow, "Approbation par la présidence", with one group-approval task for the
"Présidence" group, assigned to the root page so that every page inherits it (the nearest
assignment up the tree wins, so another workflow can still be set on a subtree). Wagtail's
default "Moderators approval" workflow had that place: it is deactivated, since this
project has no "Moderators" group members."""

from django.db import migrations

WORKFLOW = "Approbation par la présidence"
TASK = "Validation par la présidence"
CHAIR_GROUP = "Présidence"


def create_workflow(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Group = apps.get_model("auth", "Group")
    Page = apps.get_model("wagtailcore", "Page")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    WorkflowPage = apps.get_model("wagtailcore", "WorkflowPage")
    GroupApprovalTask = apps.get_model("wagtailcore", "GroupApprovalTask")

    chair_group, _ = Group.objects.get_or_create(name=CHAIR_GROUP)
    content_type, _ = ContentType.objects.get_or_create(
        app_label="wagtailcore", model="groupapprovaltask"
    )
    task = GroupApprovalTask.objects.filter(name=TASK).first()
    if task is None:
        task = GroupApprovalTask.objects.create(name=TASK, content_type=content_type, active=True)
    task.groups.set([chair_group])
    workflow, _ = Workflow.objects.get_or_create(name=WORKFLOW, defaults={"active": True})
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})

    for root in Page.objects.filter(depth=1):
        previous = WorkflowPage.objects.filter(page=root).first()
        if previous is not None and previous.workflow_id != workflow.pk:
            old = previous.workflow
            previous.delete()
            if old.name == "Moderators approval" and not WorkflowPage.objects.filter(
                workflow=old
            ).exists():
                old.active = False
                old.save(update_fields=["active"])
        WorkflowPage.objects.get_or_create(page=root, defaults={"workflow": workflow})


def remove_workflow(apps, schema_editor):
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowPage = apps.get_model("wagtailcore", "WorkflowPage")
    WorkflowPage.objects.filter(workflow__name=WORKFLOW).delete()
    Workflow.objects.filter(name=WORKFLOW).update(active=False)


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0003_publishing_pages"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(create_workflow, remove_workflow)]
