"""Public pages of the council app: first login with a letter, notification subscriptions."""

from django.urls import path

from council import letter_views
from council.notifications import views as notification_views

urlpatterns = [
    path("connexion-courrier/", letter_views.letter_login, name="letter_login"),
    path("notifications/", notification_views.subscribe, name="notification_subscribe"),
    path(
        "notifications/envoye/",
        notification_views.subscribe_sent,
        name="notification_subscribe_sent",
    ),
    path(
        "notifications/confirmer/<str:token>/",
        notification_views.confirm,
        name="notification_confirm",
    ),
    path(
        "notifications/desabonnement/<str:token>/",
        notification_views.unsubscribe,
        name="notification_unsubscribe",
    ),
    path(
        "notifications/membre/<int:member_id>/",
        notification_views.follow_member,
        name="notification_follow_member",
    ),
    path("n/<str:key>/", notification_views.short_link, name="notification_short"),
]
