from django.urls import path

from council import views

urlpatterns = [
    path("", views.member_home, name="member_home"),
]
