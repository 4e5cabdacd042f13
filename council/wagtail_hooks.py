"""The secretariat's shortcuts from the Wagtail admin to the invitation and mandates pages."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem


class InviteMemberMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("council.invite_member")


@hooks.register("register_admin_menu_item")
def register_invite_member_menu_item():
    return InviteMemberMenuItem(
        _("Inviter un membre"), reverse("invite_member"), icon_name="user", order=9000
    )


class MandatesMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("council.manage_members")


@hooks.register("register_admin_menu_item")
def register_mandates_menu_item():
    return MandatesMenuItem(
        _("Mandats du conseil"), reverse("mandates"), icon_name="group", order=9001
    )
