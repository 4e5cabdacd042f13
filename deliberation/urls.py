from django.urls import path

from deliberation.web import consultations, elections, mediation, meetings, video

app_name = "deliberation"

urlpatterns = [
    path("seances/<int:meeting_id>/direct/", meetings.meeting_live, name="live"),
    path(
        "seances/<int:meeting_id>/direct/fragments/",
        meetings.meeting_fragments,
        name="fragments",
    ),
    path("seances/<int:meeting_id>/salle/", meetings.meeting_room, name="room"),
    path("seances/<int:meeting_id>/presidence/", meetings.meeting_chair, name="chair"),
    path("seances/<int:meeting_id>/secretariat/", meetings.meeting_secretariat, name="secretariat"),
    path("seances/<int:meeting_id>/ecran/", meetings.meeting_screen, name="screen"),
    path("seances/<int:meeting_id>/visio/", video.conference, name="conference"),
    path("seances/<int:meeting_id>/enregistrement/", video.recording, name="recording"),
    path(
        "seances/<int:meeting_id>/enregistrement/chapitres.vtt",
        video.chapters,
        name="recording_chapters",
    ),
    path("guichet/", mediation.desk, name="mediation_desk"),
    path("guichet/recu/<str:code>/", mediation.slip, name="mediation_slip"),
    path("suivi/", mediation.followup, name="followup"),
    path("consultations/", consultations.consultation_list, name="consultations"),
    path(
        "consultations/<int:consultation_id>/",
        consultations.consultation_detail,
        name="consultation",
    ),
    path(
        "consultations/<int:consultation_id>/commenter/",
        consultations.consultation_comment,
        name="consultation_comment",
    ),
    path(
        "consultations/<int:consultation_id>/signaler/<int:comment_id>/",
        consultations.consultation_flag,
        name="consultation_flag",
    ),
    path("points/<int:item_id>/elections/", elections.item_elections, name="item_elections"),
    path(
        "points/<int:item_id>/contributions/",
        mediation.item_contributions,
        name="item_contributions",
    ),
]
