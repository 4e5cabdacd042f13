from django.urls import path

from cms import views

app_name = "cms"

urlpatterns = [
    path("recherche/", views.search, name="search"),
]
