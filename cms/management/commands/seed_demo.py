from django.core.management.base import BaseCommand

from cms.demo import seed_demo


class Command(BaseCommand):
    help = "Crée (ou complète) les données de démonstration. Sans effet si elles existent."

    def handle(self, *args, **options):
        seed_demo()
        self.stdout.write(self.style.SUCCESS("Données de démonstration prêtes."))
