from django.urls import path

from deliberation import consultation_views, mediation_views, video_views, views

app_name = "deliberation"

urlpatterns = [
    path("seances/<int:meeting_id>/direct/", views.meeting_live, name="live"),
    path(
        "seances/<int:meeting_id>/direct/fragments/",
        views.meeting_fragments,
        name="fragments",
    ),
    path("seances/<int:meeting_id>/salle/", views.meeting_room, name="room"),
    path("seances/<int:meeting_id>/presidence/", views.meeting_chair, name="chair"),
    path("seances/<int:meeting_id>/secretariat/", views.meeting_secretariat, name="secretariat"),
    path("seances/<int:meeting_id>/ecran/", views.meeting_screen, name="screen"),
    path("seances/<int:meeting_id>/visio/", video_views.conference, name="conference"),
    path("seances/<int:meeting_id>/enregistrement/", video_views.recording, name="recording"),
    path(
        "seances/<int:meeting_id>/enregistrement/chapitres.vtt",
        video_views.chapters,
        name="recording_chapters",
    ),
    path("guichet/", mediation_views.desk, name="mediation_desk"),
    path("guichet/recu/<str:code>/", mediation_views.slip, name="mediation_slip"),
    path("suivi/", mediation_views.followup, name="followup"),
    path("consultations/", consultation_views.consultation_list, name="consultations"),
    path(
        "consultations/<int:consultation_id>/",
        consultation_views.consultation_detail,
        name="consultation",
    ),
    path(
        "consultations/<int:consultation_id>/commenter/",
        consultation_views.consultation_comment,
        name="consultation_comment",
    ),
    path(
        "consultations/<int:consultation_id>/signaler/<int:comment_id>/",
        consultation_views.consultation_flag,
        name="consultation_flag",
    ),
    path(
        "points/<int:item_id>/contributions/",
        mediation_views.item_contributions,
        name="item_contributions",
    ),
]
