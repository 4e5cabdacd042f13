from django.conf import settings
from django.core.management.base import BaseCommand

from cms.demo import seed_demo
from deliberation import push


class Command(BaseCommand):
    help = "Crée (ou complète) les données de démonstration. Sans effet si elles existent."

    def handle(self, *args, **options):
        # The demo is recorded through the real actions, and some of them write to people
        # (a hidden comment's notice to its author): seeding writes to nobody, and pushes to
        # no page (none can be watching a demo being built).
        backend = settings.EMAIL_BACKEND
        settings.EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
        try:
            with push.muted():
                seed_demo()
        finally:
            settings.EMAIL_BACKEND = backend
        self.stdout.write(self.style.SUCCESS("Données de démonstration prêtes."))
