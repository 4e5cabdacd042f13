"""The demo site's Dutch tree, made as the English one (cms/demo/english.py): the home, the
council's page, the section pages, the accessibility statement, the contact page and the
legal notice translated into Dutch; recommendations, news, meetings and minutes stand in
the Dutch tree as aliases of the French pages, which say that they are not translated."""

from __future__ import annotations

from typing import Any

from cms.demo.english import seed_tree
from cms.models.home import HomePage


def _paragraphs(*texts: str) -> list[tuple[str, str]]:
    return [("paragraph", f"<p>{text}</p>") for text in texts]


def _heading(text: str) -> tuple[str, dict[str, str]]:
    return ("heading", {"text": text, "level": "h2"})


HOME: dict[str, Any] = {
    "title": "Welkom bij de adviesraad voor digitalisering",
    "intro": (
        "De adviesraad voor digitalisering brengt inwoners, verenigingen en gemeentediensten "
        "samen. Hij adviseert het college zodat digitalisering niemand uitsluit. Agenda's, "
        "notulen en beslissingen worden in het Frans opgesteld; het secretariaat helpt u "
        "graag in het Nederlands, telefonisch of aan het loket."
    ),
    "body": [
        _heading("Waar de raad voor staat"),
        *_paragraphs(
            "Geen enkele gemeentelijke procedure mag alleen online mogelijk zijn. De raad "
            "vraagt loketten die op geschikte uren open blijven, en telefoonlijnen waar een "
            "mens opneemt.",
            "In de dorpen kunnen <b>multidienstenhuizen</b> essentiële openbare en private "
            "diensten onder één dak brengen, met een openbare computerruimte (EPN) en "
            "opgeleide digitale helpers.",
            "De nieuwe onlinediensten van de gemeente moeten <b>samen met</b> gebruikers van "
            "elk profiel ontworpen worden, en met zorg voor het milieu: licht, duurzaam, "
            "zuinig.",
        ),
        (
            "quote",
            {
                "text": "Er zullen altijd mensen zijn voor wie alleen menselijk contact het "
                "mogelijk maakt om administratieve procedures te doorlopen.",
                "source": "Campagne „Digitalisering van de diensten”, CIEP",
            },
        ),
    ],
}

# French slug → the Dutch page's fields. Pages not listed stay aliases of the French.
PAGES: dict[str, dict[str, Any]] = {
    "conseil": {
        "slug": "raad",
        "title": "De raad",
        "intro": (
            "De adviesraad voor digitalisering van Orneval adviseert het college zodat "
            "digitalisering mensen insluit in plaats van uitsluit."
        ),
        "charter": [
            _heading("Wat de raad doet"),
            *_paragraphs(
                "De raad geeft het college adviezen en aanbevelingen, op eigen initiatief of "
                "op vraag. Hij beslist niet in de plaats van de gemeenteraad: hij licht zijn "
                "keuzes toe.",
                "Hij vergadert minstens vier keer per jaar, in het openbaar. Elke vergadering "
                "wordt op deze site aangekondigd met haar agenda, minstens tien dagen vooraf.",
            ),
            _heading("Wie erin zetelt"),
            *_paragraphs(
                "Twaalf effectieve leden en hun plaatsvervangers, aangesteld voor de "
                "legislatuur: inwoners die onder de vrijwilligers zijn uitgeloot, verenigingen "
                "die rond digitale inclusie werken, en gemeentediensten. De schepen voor "
                "digitale zaken woont de vergaderingen bij zonder stemrecht.",
            ),
            _heading("Hoe hij beraadslaagt"),
            *_paragraphs(
                "De raad kan beraadslagen wanneer de meerderheid van zijn stemgerechtigde "
                "leden aanwezig is, in de zaal of op afstand. Bij een tweede oproeping "
                "beraadslaagt hij ongeacht het aantal aanwezigen.",
                "Elk lid kan een volmacht geven aan een ander lid, dat er maar één mag "
                "houden. Stemmingen over personen zijn geheim; alle andere zijn openbaar.",
            ),
        ],
    },
    "seances": {
        "slug": "vergaderingen",
        "title": "Vergaderingen",
        "intro": (
            "De vergaderingen van de raad zijn openbaar: kom naar de zaal of volg ze live. De "
            "agenda verschijnt minstens tien dagen voor elke vergadering. Agenda's en notulen "
            "worden in het Frans opgesteld."
        ),
    },
    "recommandations": {
        "slug": "aanbevelingen",
        "title": "Aanbevelingen",
        "intro": (
            "De aanbevelingen van de raad aan het college, elk met een samenvatting in "
            "eenvoudige taal (in het Frans)."
        ),
    },
    "actualites": {
        "slug": "nieuws",
        "title": "Nieuws",
        "intro": "Nieuws van de raad en over digitale inclusie in Orneval.",
    },
    "accessibilite": {
        "slug": "toegankelijkheid",
        "title": "Toegankelijkheidsverklaring",
        "intro": (
            "De gemeente Orneval verbindt zich ertoe deze site toegankelijk te maken, "
            "overeenkomstig de Belgische wet van 19 juli 2018 betreffende de toegankelijkheid "
            "van de websites en mobiele applicaties van overheidsinstanties."
        ),
        "body": [
            _heading("Nalevingsstatus"),
            *_paragraphs(
                "Deze site voldoet gedeeltelijk aan de norm EN 301 549 en aan de regels van "
                "WCAG 2.1 niveau AA. Elke pagina wordt automatisch gecontroleerd met axe, met "
                "en zonder JavaScript, en met de hand met het toetsenbord.",
            ),
            _heading("Niet-toegankelijke inhoud"),
            *_paragraphs(
                "Sommige oudere pdf-documenten, van vóór 2025, zijn niet getagd. Op verzoek "
                "geeft het secretariaat u een toegankelijke of gedrukte versie.",
                "Agenda's, notulen en beslissingen van de vergaderingen verschijnen alleen in "
                "het Frans. Het secretariaat licht ze u in het Nederlands toe, telefonisch of "
                "aan het loket.",
            ),
            _heading("Feedback en contact"),
            *_paragraphs(
                "Stuit u op een hindernis, bel dan het secretariaat of schrijf ons: we "
                "antwoorden binnen vijftien dagen en bezorgen u de informatie in een andere "
                "vorm.",
            ),
            _heading("Handhavingsprocedure"),
            *_paragraphs(
                "Bent u niet tevreden met ons antwoord, dan kunt u klacht indienen bij de "
                "Ombudsman van Wallonië en de Federatie Wallonië-Brussel, rue Lucien "
                "Namêche 54, 5000 Namen, gratis nummer 0800 19 199.",
            ),
        ],
    },
    "contact": {
        "title": "Contact",
        "intro": (
            "U bereikt het secretariaat van de raad per telefoon, aan het loket, per post of "
            "per e-mail. Een mens antwoordt u."
        ),
        "body": _paragraphs(
            "Post: Secretariaat van de adviesraad voor digitalisering, Gemeentehuis, place "
            "Communale 1, 5999 Orneval.",
            "De EPN van de bibliotheek: rue de l'École 3, dinsdag en donderdag van 14 tot 18 "
            "uur, zaterdag van 9 tot 12 uur. Toegankelijk zonder trappen.",
        ),
    },
    "mentions-legales": {
        "slug": "wettelijke-vermeldingen",
        "title": "Wettelijke vermeldingen",
        "intro": (
            "Deze site wordt uitgegeven door de gemeente Orneval. Hij plaatst geen cookies om "
            "bezoekers te meten; alleen sessiecookies worden gebruikt, om u aan te melden."
        ),
        "body": _paragraphs(
            "Verwerkingsverantwoordelijke: het college van burgemeester en schepenen van "
            "Orneval. U kunt uw gegevens exporteren of wissen vanuit uw ruimte, of erom vragen "
            "aan het loket.",
        ),
    },
}


def seed_dutch_tree(home: HomePage) -> HomePage:
    return seed_tree(home, "nl", HOME, PAGES)
