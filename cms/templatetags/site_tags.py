from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from wagtail.models import Page, Site

register = template.Library()


@register.simple_tag(takes_context=True)
def language_links(context):
    """One link per interface language: to this page's translation when it has one,
    else to the same view (or, for a page, the home page) in that language."""
    request = context["request"]
    page = context.get("page")
    translations = {}
    fallback_path = request.path
    if isinstance(page, Page):
        translations = {
            p.locale.language_code: p.get_url(request)
            for p in page.get_translations(inclusive=True).live().select_related("locale")
        }
        fallback_path = "/"
    current = get_language()
    return [
        {
            "code": code,
            "name": name,
            "url": translations.get(code) or translate_url(fallback_path, code),
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
        alternates = {
            p.locale.language_code: p.get_url(request)
            for p in page.get_translations(inclusive=True)
            .live()
            .filter(alias_of__isnull=True)
            .select_related("locale")
        }
        if page.alias_of_id:
            original = Page.objects.filter(pk=page.alias_of_id).first()
            canonical = (original.get_url(request) if original else None) or canonical
        # A page shown inside another language's interface is the same page: its own
        # address is the canonical one. A routable page's sub-pages keep their path.
        elif page.locale.language_code != current:
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
    site = Site.find_for_request(context["request"])
    if site is None:
        return []
    root = site.root_page.localized
    return [root, *root.get_children().live().in_menu()]


@register.simple_tag(takes_context=True)
def localized_slugurl(context, slug):
    """Like Wagtail's slugurl (the site's page with this slug), but to its translation in
    the active language when it has one."""
    request = context["request"]
    site = Site.find_for_request(request)
    if site is None:
        return ""
    page = Page.objects.in_site(site).filter(slug=slug).first()
    return page.localized.get_url(request) if page else ""


@register.simple_tag
def record_lang():
    """` lang="fr"` on what comes from the council's record (meetings, agendas, decisions),
    which is written in the default language, when the page around it is in another."""
    if get_language() == settings.LANGUAGE_CODE:
        return ""
    return format_html(' lang="{}"', settings.LANGUAGE_CODE)
