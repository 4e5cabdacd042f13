from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = _("Site public")

    def ready(self):
        from cms.archive import search_index
        from cms.minutes import minutes
        from deliberation.actions import decision_recorded

        decision_recorded.connect(
            minutes.approve_minutes_for_decision, dispatch_uid="cms.minutes.approval"
        )
        decision_recorded.connect(
            search_index.index_recorded_decision, dispatch_uid="cms.search_index.decision"
        )
