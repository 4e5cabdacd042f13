from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils.html import format_html
from django.utils.translation import get_language
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
