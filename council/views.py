from allauth.account.utils import perform_login
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import INTERNAL_RESET_SESSION_TOKEN, PasswordResetConfirmView
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from council.actions import check_invite_member, do_accept_invitation
from council.forms import InviteMemberForm
from council.invitations import invitation_token_generator
from council.rules import current_memberships
from council.selectors import councils_where


@login_required
def member_home(request):
    return render(
        request,
        "council/member_home.html",
        {
            "memberships": current_memberships(request.user),
            "can_invite": request.user.has_perm("council.invite_member"),
        },
    )


def _councils_for_inviter(user):
    return councils_where(user, "council.invite_member")


@login_required
def invite_member(request):
    councils = _councils_for_inviter(request.user)
    if not councils:
        raise PermissionDenied(_("Seul le secrétariat d’un conseil peut inviter des membres."))
    form = InviteMemberForm(request.POST or None, councils=councils)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            membership = check_invite_member(
                email=data["email"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                council=data["council"],
                role=data["role"],
                start=data["start"],
                end=data["end"],
                organisation=data["organisation"],
                has_voting_right=form.has_voting_right,
                base_url=request.build_absolute_uri("/"),
                acting_user=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Invitation envoyée à %(email)s pour le %(council)s.")
                % {"email": membership.user.email, "council": membership.council},
            )
            return redirect("invite_member")
    return render(request, "council/invite_member.html", {"form": form})


class AcceptInvitationView(PasswordResetConfirmView):
    """The invitation link: check the token (kept in the session, off the URL), then set
    the first password, verify the address and log in."""

    token_generator = invitation_token_generator
    reset_url_token = "definir"  # noqa: S105 — a URL segment, not a secret
    template_name = "council/invitation_accept.html"

    def form_valid(self, form):
        user = do_accept_invitation(self.user, form.cleaned_data["new_password1"])
        del self.request.session[INTERNAL_RESET_SESSION_TOKEN]
        messages.success(self.request, _("Votre mot de passe est enregistré. Bienvenue !"))
        return perform_login(self.request, user, redirect_url=reverse("member_home"))
