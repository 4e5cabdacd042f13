from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from council.actions import sync_staff_groups
from council.models import Council, Delivery, LoginLetter, Membership, Subscription, User


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


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    """Every notification and what became of it: failures stay here, with their last error."""

    list_display = ("created_at", "event", "channel", "recipient", "status", "attempts")
    list_filter = ("status", "channel", "event")
    search_fields = ("recipient", "subject")
    readonly_fields = [f.name for f in Delivery._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    list_display = ("__str__", "channel", "digest", "confirmed_at", "unsubscribed_at")
    list_filter = ("channel", "digest")
    search_fields = ("email", "phone", "user__email", "user__username")
    raw_id_fields = ("user",)


@admin.register(LoginLetter)
class LoginLetterAdmin(admin.ModelAdmin):
    list_display = ("user", "created_at", "expires_at", "used_at", "created_by")
    readonly_fields = ("user", "code_hash", "created_at", "expires_at", "used_at", "created_by")

    def has_add_permission(self, request):
        return False
