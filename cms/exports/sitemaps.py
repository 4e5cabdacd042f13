from django.contrib.sitemaps import Sitemap as DjangoSitemap
from django.db.models import Q
from django.urls import reverse
from wagtail.contrib.sitemaps import Sitemap
from wagtail.models import Page

from cms.archive import views as archive
from deliberation.selectors.consultations import public_consultations


class AllLanguagesSitemap(Sitemap):
    """Wagtail's sitemap lists the site root's tree only; with one tree per language the
    Dutch and English pages sit beside it, under the root page's translations."""

    def items(self):
        roots = self.get_wagtail_site().root_page.get_translations(inclusive=True)
        in_a_tree = Q()
        for root in roots:
            in_a_tree |= Q(path__startswith=root.path)
        return (
            Page.objects.filter(in_a_tree)
            .live()
            .public()
            .order_by("path")
            .defer_streamfields()
            .specific()
        )


class PublicRecordSitemap(DjangoSitemap):
    """Public pages that are views, not Wagtail pages: the decision archive and each
    decision's permanent page, the follow-up of recommendations, the consultations."""

    def items(self) -> list[str]:
        decisions = archive.public_decisions().select_related("council").order_by("pk")
        return [
            reverse("cms:archive"),
            reverse("cms:follow_up"),
            reverse("deliberation:consultations"),
            *(archive.decision_url(d) for d in decisions),
            *(reverse("deliberation:consultation", args=[c.pk]) for c in public_consultations()),
        ]

    def location(self, item: str) -> str:
        return item
