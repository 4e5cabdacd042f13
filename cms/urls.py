from django.urls import path

from cms import feeds, views

app_name = "cms"

urlpatterns = [
    path("recherche/", views.search, name="search"),
    path("flux/actualites.rss", feeds.NewsFeed(), name="news_feed"),
    path("flux/recommandations.rss", feeds.RecommendationFeed(), name="recommendations_feed"),
]
