"""cms's models, one module per kind of page; Wagtail and Django find them all here."""

from cms.models.base import PAGE_SIZE, BasePage, ChairPublishesTester, ContactSettings, paginate
from cms.models.follow_up import FollowUpStep
from cms.models.home import CouncilPage, HomePage, StandardPage
from cms.models.meetings import MeetingIndexPage, MeetingPage
from cms.models.minutes import MinutesApproval, MinutesPage, MinutesPermissionTester
from cms.models.news import NewsIndexPage, NewsPage
from cms.models.recommendations import RecommendationIndexPage, RecommendationPage
from cms.models.search import DecisionSearch

__all__ = [
    "PAGE_SIZE",
    "BasePage",
    "ChairPublishesTester",
    "ContactSettings",
    "CouncilPage",
    "DecisionSearch",
    "FollowUpStep",
    "HomePage",
    "MeetingIndexPage",
    "MeetingPage",
    "MinutesApproval",
    "MinutesPage",
    "MinutesPermissionTester",
    "NewsIndexPage",
    "NewsPage",
    "RecommendationIndexPage",
    "RecommendationPage",
    "StandardPage",
    "paginate",
]
