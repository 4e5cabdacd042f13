from django.urls import path

from . import api, openapi

app_name = "oparl"

OBJECT_KINDS = (
    "organization",
    "person",
    "membership",
    "meeting",
    "agendaItem",
    "paper",
    "consultation",
    "file",
    "location",
    "legislativeTerm",
)

urlpatterns = [
    path("", api.system, name="system"),
    path("openapi.json", openapi.document, name="openapi"),
    path("body", api.body_list, name="body-list"),
    path("body/<str:body_id>", api.body, name="body"),
    path("body/<str:body_id>/<str:kind>", api.object_list, name="list"),
    *(path(f"{kind}/<str:pk>", api.detail, {"kind": kind}, name=kind) for kind in OBJECT_KINDS),
]
