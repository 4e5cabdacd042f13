from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from council.actions import sync_staff_groups
from council.models import Council, Membership, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("email", "username", "first_name", "last_name", "is_active", "is_superuser")
    search_fields = ("email", "username", "first_name", "last_name")
    ordering = ("email",)
    inlines = [MembershipInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Editor groups follow mandates, whichever screen changed them.
        sync_staff_groups(form.instance)


@admin.register(Council)
class CouncilAdmin(admin.ModelAdmin):
    list_display = ("name", "commune", "slug")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "council", "role", "has_voting_right", "start", "end")
    list_filter = ("council", "role", "has_voting_right")
    search_fields = ("user__email", "user__last_name", "organisation")
    autocomplete_fields = ("user",)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        sync_staff_groups(obj.user)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        sync_staff_groups(obj.user)
