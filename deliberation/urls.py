from django.urls import path

from deliberation import views

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
]
