"""RSS feeds of news and recommendations, one per language (the tree of the active locale)."""

from __future__ import annotations

import datetime

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.models import Locale

from cms.models.news import NewsPage
from cms.models.recommendations import RecommendationPage

FEED_SIZE = 20


class _PageFeed(Feed):
    model: type = NewsPage
    url_name = ""

    def link(self):
        return reverse(f"cms:{self.url_name}")

    def items(self):
        return (
            self.model.objects.live()
            .public()
            .filter(locale=Locale.get_active())
            .order_by("-date", "-pk")[:FEED_SIZE]
        )

    def item_title(self, item):
        return item.title

    def item_link(self, item):
        # Relative; the feed makes it absolute from the request's host. (A Feed instance
        # serves every request: it must not keep one.)
        return item.get_url()

    def item_pubdate(self, item):
        return timezone.make_aware(datetime.datetime.combine(item.date, datetime.time(9)))

    def item_updateddate(self, item):
        return item.last_published_at


class NewsFeed(_PageFeed):
    model = NewsPage
    url_name = "news_feed"
    title = _("Conseil consultatif du numérique — actualités")
    description = _("Les actualités du conseil consultatif du numérique.")

    def item_description(self, item):
        return item.intro


class RecommendationFeed(_PageFeed):
    model = RecommendationPage
    url_name = "recommendations_feed"
    title = _("Conseil consultatif du numérique — recommandations")
    description = _("Les recommandations du conseil au collège communal, avec leur résumé.")

    def item_description(self, item):
        return item.summary
