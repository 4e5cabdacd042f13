"""Send what is due: deliveries whose retry time has come (or whose queueing failed), and
with --digest the daily summaries. Run by a timer beside `db_worker` (docs/deploy)."""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.module_loading import import_string

from council.notifications.service import send_digests, send_due


class Command(BaseCommand):
    help = "Envoie les notifications en attente ; avec --digest, les résumés du jour."

    def add_arguments(self, parser):
        parser.add_argument("--digest", action="store_true", help="Envoyer aussi les résumés.")

    def handle(self, *args, digest: bool = False, **options):
        # Clock-driven notices (e.g. a consultation about to close) are hooks named in the
        # settings, so that this app needs no import of the apps that raise them.
        for path in settings.NOTIFICATION_PERIODIC:
            import_string(path)()
        counts = send_due()
        self.stdout.write(
            ", ".join(f"{status}: {n}" for status, n in sorted(counts.items())) or "rien à envoyer"
        )
        if digest:
            self.stdout.write(f"résumés envoyés : {send_digests()}")
