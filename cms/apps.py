from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = _("Site public")

    def ready(self):
        # Once a ballot's close has committed (deliberation.events.DecisionRecorded): the
        # minutes it approves, and the archive's index. Each runs on its own after the
        # commit: a failure is logged and cannot undo the decision.
        from cms import page_cache, site_cache
        from cms.archive import search_index
        from cms.minutes import minutes
        from deliberation import events

        events.subscribe(minutes.approve_minutes_for_decision, events.DecisionRecorded)
        events.subscribe(search_index.index_recorded_decision, events.DecisionRecorded)
        # Anonymous readers' pages: what invalidates them (cms.page_cache's map).
        page_cache.connect()
        # The site of each host, kept in the cache (cms.site_cache).
        site_cache.connect()
