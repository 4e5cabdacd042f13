from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeliberationConfig(AppConfig):
    name = "deliberation"
    verbose_name = _("Délibération")

    def ready(self):
        # What leaves after an action commits (deliberation.events): the pages' pushes, then
        # the notifications and e-mails. cms subscribes its own in CmsConfig.ready.
        from deliberation import events, push
        from deliberation.actions import notices
        from deliberation.live import audience

        events.subscribe(push.push)
        events.subscribe(audience.forget_meeting, *audience.STATE_EVENTS)
        notices.subscribe()
