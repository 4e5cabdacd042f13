from django import template
from django.conf import settings
from django.urls import reverse, translate_url
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import get_language, override
from django.utils.translation import gettext as _
from wagtail.models import Page

from cms import site_cache
from cms.site_cache import FOOTER_SLUGS
from cms.translation import content_language

register = template.Library()


class Frame:
    """What the frame around every page reads from the page tree (the menu, the footer's
    pages, the shown page's translations): the site's rows from the cache
    (cms.site_cache), and the shown page's translations, in one query, unless it is the
    home page, whose translations are among the site's rows."""

    def __init__(self, request, page: Page | None) -> None:
        self.site = site_cache.find_for_request(request)
        root = self.site.root_page if self.site else None
        rows = site_cache.frame_rows(self.site) if self.site else []
        # The home page in any language: its translations are the site's rows.
        home = root.translation_key if root is not None else None
        is_home = isinstance(page, Page) and page.translation_key == home
        if isinstance(page, Page) and not is_home:
            read = {p.pk for p in rows}
            translations = Page.objects.filter(translation_key=page.translation_key)
            rows = [*rows, *(p for p in translations.select_related("locale") if p.pk not in read)]
            rows.sort(key=lambda p: p.path)
        self.root = root
        self.rows = rows

    def translations(self, page: Page) -> list[Page]:
        return [p for p in self.rows if p.translation_key == page.translation_key]

    def localized(self, page: Page) -> Page:
        """Wagtail's `page.localized`: its live translation in the active language."""
        current = get_language()
        if page.locale.language_code == current:
            return page
        for other in self.translations(page):
            if other.locale.language_code == current:
                return other if other.live else page
        return page

    def navigation(self) -> list[Page]:
        if self.root is None:
            return []
        row = next((p for p in self.rows if p.pk == self.root.pk), self.root)
        root = self.localized(row)
        children = [
            p
            for p in self.rows
            if p.depth == root.depth + 1
            and p.path.startswith(root.path)
            and p.live
            and p.show_in_menus
        ]
        return [root, *children]

    def slug_page(self, slug: str) -> Page | None:
        """The site's first page with this slug, in its translation to the active language."""
        assert self.root is not None
        page = next(
            (p for p in self.rows if p.slug == slug and p.path.startswith(self.root.path)),
            None,
        )
        return self.localized(page) if page else None


def own_language(page: Page, rows: list[Page]) -> str:
    """The page's language, from its row among its translations when it has one."""
    row = next((p for p in rows if p.pk == page.pk), None)
    return (row or page).locale.language_code


def frame(context) -> Frame:
    request = context["request"]
    page = context.get("page")
    key = page.pk if isinstance(page, Page) else None
    cached = getattr(request, "_site_frame", None)
    if cached is None or cached[0] != key:
        cached = request._site_frame = (key, Frame(request, page))
    return cached[1]


def home_path(language: str) -> str:
    """The home page's address in a language (`/`, `/nl/`, `/en/`)."""
    with override(language):
        return reverse("wagtail_serve", args=[""])


@register.simple_tag(takes_context=True)
def language_links(context):
    """One link per interface language: to this page's translation when it has one,
    else to the same view (or, for a page, the home page) in that language."""
    request = context["request"]
    page = context.get("page")
    translations = {}
    is_page = isinstance(page, Page)
    if is_page:
        translations = {
            p.locale.language_code: p.get_url(request)
            for p in frame(context).translations(page)
            if p.live
        }
    current = get_language()
    return [
        {
            "code": code,
            "name": name,
            "url": translations.get(code)
            or (home_path(code) if is_page else translate_url(request.path, code)),
            "current": code == current,
            "translated": code in translations,
        }
        for code, name in settings.LANGUAGES
    ]


# Search engines show about this much of a description.
DESCRIPTION_LENGTH = 160
# A page's own words for search results, first found first.
DESCRIPTION_FIELDS = ("search_description", "summary", "intro")


def page_description(page: Page) -> str:
    for field in DESCRIPTION_FIELDS:
        text = (getattr(page, field, "") or "").strip()
        if text:
            return text
    return ""


@register.simple_tag(takes_context=True)
def page_meta(context):
    """What a page says about itself to search engines: its description (a view gives its
    own in the template's `description` block), its canonical address and its addresses
    in the other languages (hreflang), all absolute, on the host the request came to."""
    request = context["request"]
    page = context.get("page")
    current = get_language()
    description = ""
    alternates: dict[str, str] = {}
    canonical = request.path
    if isinstance(page, Page):
        description = page_description(page)
        # An alias (a page not yet translated, copied from the original) is no version of
        # its own: it is left out of the alternates and names the original as canonical.
        rows = frame(context).translations(page)
        alternates = {
            p.locale.language_code: p.get_url(request)
            for p in rows
            if p.live and p.alias_of_id is None
        }
        if page.alias_of_id:
            original = Page.objects.filter(pk=page.alias_of_id).first()
            canonical = (original.get_url(request) if original else None) or canonical
        # A page shown inside another language's interface is the same page: its own
        # address is the canonical one. A routable page's sub-pages keep their path.
        elif own_language(page, rows) != current:
            canonical = page.get_url(request) or canonical
    else:
        alternates = {code: translate_url(request.path, code) for code, _name in settings.LANGUAGES}
    if not description:
        description = _(
            "Le conseil consultatif du numérique de la commune : séances publiques, "
            "recommandations au collège communal, décisions et consultations."
        )
    links = [
        {"code": code, "url": request.build_absolute_uri(alternates[code])}
        for code, _name in settings.LANGUAGES
        if alternates.get(code)
    ]
    if len(links) < 2:
        links = []  # a page in one language alone has no alternates
    elif alternates.get(settings.LANGUAGE_CODE):
        links.append(
            {
                "code": "x-default",
                "url": request.build_absolute_uri(alternates[settings.LANGUAGE_CODE]),
            }
        )
    return {
        "description": Truncator(" ".join(description.split())).chars(DESCRIPTION_LENGTH),
        "canonical": request.build_absolute_uri(canonical),
        "alternates": links,
    }


@register.simple_tag(takes_context=True)
def main_navigation(context):
    """The home page of the current language and its children shown in menus."""
    return frame(context).navigation()


@register.simple_tag(takes_context=True)
def localized_slugurl(context, slug):
    """Like Wagtail's slugurl (the site's page with this slug), but to its translation in
    the active language when it has one."""
    request = context["request"]
    if slug in FOOTER_SLUGS:
        found = frame(context)
        if found.site is None:
            return ""
        page = found.slug_page(slug)
        return page.get_url(request) if page else ""
    site = site_cache.find_for_request(request)
    if site is None:
        return ""
    page = Page.objects.in_site(site).filter(slug=slug).first()
    return page.localized.get_url(request) if page else ""


@register.simple_tag
def page_lang(page: Page) -> str:
    """` lang="fr"` on a listed page whose text is in another language than the page around
    it: an alias of a page nobody translated (read with `alias_of__locale`)."""
    language = content_language(page)
    if language == get_language():
        return ""
    return format_html(' lang="{}"', language)


@register.simple_tag
def record_lang():
    """` lang="fr"` on what comes from the council's record (meetings, agendas, decisions),
    which is written in the default language, when the page around it is in another."""
    if get_language() == settings.LANGUAGE_CODE:
        return ""
    return format_html(' lang="{}"', settings.LANGUAGE_CODE)
