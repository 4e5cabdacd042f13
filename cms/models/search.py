"""The archive's full-text index of decisions."""

from __future__ import annotations

from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils.translation import gettext_lazy as _


class DecisionSearch(models.Model):
    """The archive's full-text index of one decision: a French tsvector of its question, its
    agenda item's and its meeting's titles, under a GIN index (PostgreSQL; on SQLite the
    archive searches words and this table stays empty). Written by cms.archive.search_index when a
    decision is recorded; no database constraint ties it to the immutable decisions table."""

    decision = models.OneToOneField(
        "deliberation.Decision",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        primary_key=True,
        related_name="search_entry",
    )
    document = SearchVectorField(null=True)

    class Meta:
        verbose_name = _("index de recherche d'une décision")

    def __str__(self) -> str:
        return str(self.decision_id)
