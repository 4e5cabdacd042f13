from django.urls import path

from cms import archive, feeds, follow_up, views

app_name = "cms"

urlpatterns = [
    path("recherche/", views.search, name="search"),
    path("decisions/", archive.index, name="archive"),
    path("decisions/export.csv", archive.export_csv, name="archive_csv"),
    path(
        "decisions/<slug:council>/<int:year>/<int:number>/",
        archive.detail,
        name="decision",
    ),
    path("suivi-des-recommandations/", follow_up.index, name="follow_up"),
    path("flux/actualites.rss", feeds.NewsFeed(), name="news_feed"),
    path("flux/recommandations.rss", feeds.RecommendationFeed(), name="recommendations_feed"),
]
