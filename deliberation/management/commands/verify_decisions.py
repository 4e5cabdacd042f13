"""Check the decisions' hash chain: exit 0 when it holds, 1 naming where it breaks."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from deliberation import chain


class Command(BaseCommand):
    help = "Vérifie la chaîne d'empreintes des décisions."

    def handle(self, *args: Any, **options: Any) -> None:
        result = chain.verify_database()
        if not result.ok:
            assert result.problem is not None
            raise CommandError(result.problem.message, returncode=1)
        self.stdout.write(
            f"{result.count} décision(s), chaîne intacte. Empreinte de tête : {result.head}"
        )
