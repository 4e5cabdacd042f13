"""The demo site's English tree, made with Wagtail's translation tools as an editor would:
each French page copied for translation into English, then its text rewritten in English
(`seed_tree` makes the Dutch one, cms/demo/dutch.py, the same way).

Meeting pages and minutes are the council's record, written in French: they are not
translated, and stand in the English tree as aliases of the French pages, which say so.
Idempotent: a page that already has its English version is left as it is."""

from __future__ import annotations

from typing import Any

from wagtail.models import Locale, Page

from cms.models.home import HomePage


def _paragraphs(*texts: str) -> list[tuple[str, str]]:
    return [("paragraph", f"<p>{text}</p>") for text in texts]


def _heading(text: str) -> tuple[str, dict[str, str]]:
    return ("heading", {"text": text, "level": "h2"})


HOME: dict[str, Any] = {
    "title": "Welcome to the digital advisory council",
    "intro": (
        "The digital advisory council brings together residents, associations and municipal "
        "services. It advises the municipal executive so that digital technology includes "
        "people instead of shutting them out: nearly one person in two in Belgium is "
        "digitally vulnerable."
    ),
    "body": [
        _heading("What the council stands for"),
        *_paragraphs(
            "No municipal procedure should be possible online only. The council asks for "
            "service counters that stay open at convenient hours, and for phone lines "
            "answered by a person.",
            "In the villages, <b>multi-service centres</b> can bring essential public and "
            "private services under one roof, with a public digital space (EPN) and trained "
            "digital helpers.",
            "The municipality's new online services must be <b>co-designed</b> with users of "
            "every kind, and designed with the environment in mind: light, durable, frugal.",
        ),
        (
            "quote",
            {
                "text": "There will always be people for whom only human contact makes it "
                "possible to get through administrative procedures.",
                "source": "“Digitisation of services” campaign, CIEP",
            },
        ),
    ],
}

# French slug → the English page's fields. Pages not listed stay aliases of the French.
PAGES: dict[str, dict[str, Any]] = {
    "conseil": {
        "slug": "council",
        "title": "The council",
        "intro": (
            "Orneval's digital advisory council advises the municipal executive so that "
            "digital technology includes people instead of shutting them out."
        ),
        "charter": [
            _heading("What the council does"),
            *_paragraphs(
                "The council gives opinions and recommendations to the municipal executive, "
                "on its own initiative or when asked. It does not decide in place of the "
                "municipal council: it informs its choices.",
                "It meets at least four times a year, in public. Each meeting is announced on "
                "this site with its agenda, at least ten days in advance.",
            ),
            _heading("Who sits on it"),
            *_paragraphs(
                "Twelve full members and their substitutes, appointed for the term of office: "
                "residents drawn by lot among volunteers, associations working on digital "
                "inclusion, and municipal services. The alderman for digital affairs attends "
                "without a vote.",
            ),
            _heading("How it deliberates"),
            *_paragraphs(
                "The council may deliberate when a majority of its voting members are "
                "present, in the room or remotely. When convened a second time, it "
                "deliberates whatever the number present.",
                "Each member may give a proxy to another member, who may hold only one. Votes "
                "about people are secret; all other votes are public.",
            ),
        ],
    },
    "seances": {
        "slug": "meetings",
        "title": "Meetings",
        "intro": (
            "The council's meetings are public: come to the room or follow them live. The "
            "agenda is published at least ten days before each meeting. Agendas and minutes "
            "are written in French."
        ),
    },
    "recommandations": {
        "slug": "recommendations",
        "title": "Recommendations",
        "intro": (
            "The recommendations the council makes to the municipal executive, each with a "
            "plain-language summary."
        ),
    },
    "guichets-et-lignes-telephoniques": {
        "slug": "service-counters-and-phone-lines",
        "title": "Keep service counters and phone lines open",
        "summary": (
            "Every municipal procedure must remain possible without a computer: at the "
            "counter, by phone or by post. A person must answer you."
        ),
        "body": _paragraphs(
            "The council recommends to the municipal executive that no procedure be possible "
            "online only.",
            "The administration's counters stay open at least four half-days a week, one of "
            "them in the evening or on Saturday morning, with no appointment required.",
            "A phone line answers from Monday to Friday: you speak to a person, with no "
            "automated menu. Requests by post are still accepted.",
        ),
    },
    "maisons-multiservices": {
        "slug": "multi-service-centres",
        "title": "Open multi-service centres in the villages",
        "summary": (
            "In every village, an open place brings essential public and private services "
            "together, with someone to welcome you and a computer free to use."
        ),
        "body": _paragraphs(
            "In the villages, public services are disappearing and going online matters even "
            "more than elsewhere.",
            "The council recommends opening a multi-service centre in every village of the "
            "municipality: a person to welcome you, help with procedures, and a public "
            "digital space.",
            "Opening hours include at least one evening a week and Saturday morning.",
        ),
        "follow_up": [
            "",
            "The executive will open two multi-service centres next year, in Orneval centre "
            "and in Bois-le-Comte; the other villages will follow as the budget allows.",
        ],
    },
    "epn-de-qualite-et-accessibles": {
        "slug": "good-accessible-public-digital-spaces",
        "title": "Good, accessible public digital spaces",
        "summary": (
            "Public digital spaces (EPN) must be easy to reach and to get into: longer "
            "opening hours, step-free access, appointments by phone, free support."
        ),
        "body": _paragraphs(
            "A public digital space (EPN) is a place to learn and to help one another. It "
            "must be open to everyone.",
            "The council recommends opening the library's EPN two evenings a week and on "
            "Saturday morning, guaranteeing access for people with reduced mobility, and "
            "taking appointments by phone.",
            "One-to-one support stays free for those who need it, and the equipment is "
            "renewed regularly.",
        ),
    },
    "un-conseil-consultatif-du-numerique": {
        "slug": "a-digital-advisory-council",
        "title": "A digital advisory council, open and public",
        "summary": (
            "Digital technology is changing our lives and our services: it deserves a public "
            "debate. The council meets in public and publishes its opinions."
        ),
        "body": _paragraphs(
            "The digitisation of society has social, environmental and political "
            "consequences that must be open to public debate.",
            "The council recommends making the digital advisory council permanent, "
            "publishing its agendas, its opinions and what is done with them, and letting "
            "residents take part online, by phone or at the counter.",
        ),
        "follow_up": [
            "",
            "The municipal executive accepts the recommendation: the digital advisory "
            "council will be set up at the start of the year, and its meetings will be "
            "public.",
            "The council is in place; its meetings, decisions and minutes are published on "
            "this site.",
        ],
    },
    "participation-au-coeur-de-la-numerisation": {
        "slug": "participation-at-the-heart-of-digitisation",
        "title": "Put participation at the heart of digitisation",
        "summary": (
            "The municipality's new online services are designed with residents of every "
            "kind, and tested with them before they go live."
        ),
        "body": _paragraphs(
            "Built in a hurry, many online platforms ignore how people really use them: for "
            "instance, you can only get an answer by e-mail.",
            "The council recommends involving users of every kind and their representatives, "
            "alongside professionals, in the design of each new municipal digital service.",
            "Each service is tested with them before it goes live, and stays light, durable "
            "and frugal.",
        ),
        "follow_up": [
            "",
            "The executive has received the recommendation and has asked the administration "
            "for a plan to involve users in the next online form.",
        ],
    },
    "actualites": {
        "slug": "news",
        "title": "News",
        "intro": "News from the council and about digital inclusion in Orneval.",
    },
    "nouvel-horaire-epn": {
        "slug": "library-epn-opens-on-saturday-mornings",
        "title": "The library's EPN now opens on Saturday mornings",
        "intro": (
            "Following the council's opinion, the public digital space now welcomes the public "
            "on Saturdays from 9 am to 12 noon."
        ),
        "body": _paragraphs(
            "A facilitator helps you use a computer, complete a procedure online or give your "
            "opinion on the council's proposals.",
            "Access is free and step-free. You can book an appointment by phoning the secretariat.",
        ),
    },
    "appel-a-candidatures": {
        "slug": "join-the-council",
        "title": "Join the council: call for candidates",
        "intro": (
            "The council is looking for two substitute members among residents. No computer "
            "skills are needed."
        ),
        "body": _paragraphs(
            "You can apply online, by phone, by post or at the town hall counter, until the "
            "end of the month.",
            "Meetings take place in the evening; you can take part in the room or remotely.",
        ),
    },
    "accessibilite": {
        "slug": "accessibility",
        "title": "Accessibility statement",
        "intro": (
            "The municipality of Orneval is committed to making this site accessible in "
            "accordance with the Belgian law of 19 July 2018 on the accessibility of the "
            "websites and mobile applications of public sector bodies."
        ),
        "body": [
            _heading("Compliance status"),
            *_paragraphs(
                "This site is partially compliant with standard EN 301 549 and the WCAG 2.1 "
                "level AA rules. Every page is checked automatically with the axe tool, with "
                "and without JavaScript, and by hand with the keyboard.",
            ),
            _heading("Content that is not accessible"),
            *_paragraphs(
                "Some older PDF documents, filed before 2025, are not tagged. On request, the "
                "secretariat gives you an accessible or printed version.",
                "Meeting agendas, minutes and decisions are published in French only.",
            ),
            _heading("Feedback and contact"),
            *_paragraphs(
                "If you meet an obstacle, call the secretariat or write to us: we answer "
                "within fifteen days and give you the information in another form.",
            ),
            _heading("Enforcement procedure"),
            *_paragraphs(
                "If our answer does not satisfy you, you may lodge a complaint with the "
                "Ombudsman of Wallonia and the Wallonia-Brussels Federation, rue Lucien "
                "Namêche 54, 5000 Namur, freephone 0800 19 199.",
            ),
        ],
    },
    "contact": {
        "title": "Contact",
        "intro": (
            "You can reach the council's secretariat by phone, at the counter, by post or by "
            "e-mail. A person answers you."
        ),
        "body": _paragraphs(
            "Post: Secretariat of the digital advisory council, Town hall, place Communale 1, "
            "5999 Orneval.",
            "The library's EPN: rue de l'École 3, Tuesday and Thursday from 2 pm to 6 pm, "
            "Saturday from 9 am to 12 noon. Step-free access.",
        ),
    },
    "mentions-legales": {
        "slug": "legal-notice",
        "title": "Legal notice",
        "intro": (
            "This site is published by the municipality of Orneval. It sets no audience "
            "measurement cookies; only session cookies are used, to sign in."
        ),
        "body": _paragraphs(
            "Data controller: the municipal executive of Orneval. You can export or delete "
            "your data from your space, or ask for it at the counter.",
        ),
    },
}


def _translate(page: Page, locale: Locale, fields: dict[str, Any]) -> Page:
    translated = page.copy_for_translation(locale)
    follow_up = fields.get("follow_up")
    for name, value in fields.items():
        if name != "follow_up":
            setattr(translated, name, value)
    if follow_up is not None:
        steps = list(translated.follow_up_steps.all())
        for step, text in zip(steps, follow_up, strict=True):
            step.text = text
        translated.follow_up_steps = steps
    translated.save_revision().publish()
    return translated


def seed_tree(
    home: HomePage, language: str, home_fields: dict[str, Any], pages: dict[str, dict[str, Any]]
) -> HomePage:
    """The French tree copied into `language`: the home and the `pages` (by French slug)
    translated with their fields, the others (meetings and their minutes, what nobody
    translated) aliases of the French, which say so."""
    locale, _created = Locale.objects.get_or_create(language_code=language)
    translated_home = HomePage.objects.filter(locale=locale).first()
    if translated_home is None:
        translated_home = _translate(home, locale, home_fields)
    for page in home.get_descendants().order_by("path").specific():
        if page.has_translation(locale):
            continue
        fields = pages.get(page.slug)
        if fields is None:
            page.copy_for_translation(locale, alias=True)
        else:
            _translate(page, locale, fields)
    return translated_home


def seed_english_tree(home: HomePage) -> HomePage:
    return seed_tree(home, "en", HOME, PAGES)
