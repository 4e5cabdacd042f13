from django.urls import path

from council import views

urlpatterns = [
    path("", views.member_home, name="member_home"),
    path("inviter/", views.invite_member, name="invite_member"),
    path(
        "invitation/<uidb64>/<token>/",
        views.AcceptInvitationView.as_view(),
        name="accept_invitation",
    ),
]
