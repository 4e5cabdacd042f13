from django.urls import path

from council import data_rights, letter_views, mandate_views, views
from council.notifications import views as notification_views

urlpatterns = [
    path("", views.member_home, name="member_home"),
    path("inviter/", views.invite_member, name="invite_member"),
    path("mandats/", mandate_views.mandates, name="mandates"),
    path("mandats/<int:membership_id>/fin/", mandate_views.end_mandate, name="end_mandate"),
    path("mes-donnees/", data_rights.my_data, name="my_data"),
    path("notifications/", notification_views.my_notifications, name="my_notifications"),
    path(
        "compte-sans-email/",
        letter_views.create_letter_account,
        name="create_letter_account",
    ),
    path("lettre/<int:user_id>/", letter_views.login_letter, name="login_letter"),
    path(
        "lettre/<int:user_id>/nouvelle/",
        letter_views.reissue_login_letter,
        name="reissue_login_letter",
    ),
    path("mes-donnees/export.json", data_rights.download_my_data, name="my_data_download"),
    path(
        "invitation/<uidb64>/<token>/",
        views.AcceptInvitationView.as_view(),
        name="accept_invitation",
    ),
]
