"""The secretariat edits and submits; the chair also publishes (approves)."""

from django.db import migrations

EDIT = ["add_page", "change_page", "lock_page", "unlock_page"]
PUBLISH = ["publish_page"]
COLLECTION = ["add_document", "change_document", "choose_document",
              "add_image", "change_image", "choose_image"]
GROUPS = {
    "Secrétariat": {"page": EDIT + PUBLISH, "collection": COLLECTION},
    "Présidence": {"page": EDIT + PUBLISH, "collection": ["choose_document", "choose_image"]},
}


def create_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    Page = apps.get_model("wagtailcore", "Page")
    Collection = apps.get_model("wagtailcore", "Collection")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    root_page = Page.objects.filter(depth=1).first()
    root_collection = Collection.objects.filter(depth=1).first()
    for name, grants in GROUPS.items():
        group, _ = Group.objects.get_or_create(name=name)
        for codename in grants["page"]:
            permission = Permission.objects.get(
                content_type__app_label="wagtailcore", codename=codename
            )
            if root_page:
                GroupPagePermission.objects.get_or_create(
                    group=group, page=root_page, permission=permission
                )
        for codename in grants["collection"]:
            app_label = "wagtaildocs" if codename.endswith("document") else "wagtailimages"
            permission = Permission.objects.get(content_type__app_label=app_label,
                                                codename=codename)
            if root_collection:
                GroupCollectionPermission.objects.get_or_create(
                    group=group, collection=root_collection, permission=permission
                )


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0001_initial"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtaildocs", "0014_alter_document_file_size"),
        ("wagtailimages", "0027_image_description"),
    ]

    operations = [migrations.RunPython(create_groups, migrations.RunPython.noop)]
