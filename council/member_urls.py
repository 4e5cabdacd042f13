from django.urls import path

from council import data_rights, views

urlpatterns = [
    path("", views.member_home, name="member_home"),
    path("inviter/", views.invite_member, name="invite_member"),
    path("mes-donnees/", data_rights.my_data, name="my_data"),
    path("mes-donnees/export.json", data_rights.download_my_data, name="my_data_download"),
    path(
        "invitation/<uidb64>/<token>/",
        views.AcceptInvitationView.as_view(),
        name="accept_invitation",
    ),
]
