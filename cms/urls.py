from django.urls import path

from cms.archive import search_view, votes
from cms.archive import views as archive
from cms.exports import feeds
from cms.minutes import follow_up

app_name = "cms"

urlpatterns = [
    path("recherche/", search_view.search, name="search"),
    path("decisions/", archive.index, name="archive"),
    path("decisions/export.csv", archive.export_csv, name="archive_csv"),
    path("decisions/votes.csv", votes.votes_csv, name="votes_csv"),
    path("membres/<int:user_id>/", votes.member, name="member"),
    path(
        "decisions/<slug:council>/<int:year>/<int:number>/",
        archive.detail,
        name="decision",
    ),
    path("suivi-des-recommandations/", follow_up.index, name="follow_up"),
    path("flux/actualites.rss", feeds.NewsFeed(), name="news_feed"),
    path("flux/recommandations.rss", feeds.RecommendationFeed(), name="recommendations_feed"),
]
