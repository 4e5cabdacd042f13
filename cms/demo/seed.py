"""Demo content: the Conseil consultatif du numérique of Orneval, a fictitious Walloon
commune. Every function here is idempotent: running it twice changes nothing."""

from __future__ import annotations

import datetime

from allauth.account.models import EmailAddress
from django.conf import settings
from django.db import transaction
from wagtail.models import Locale, Page, Site

from cms.demo.pages import seed_publications
from cms.models.base import ContactSettings
from cms.models.home import HomePage, StandardPage
from council.actions import do_add_membership
from council.demo import seed_mandate_changes, seed_member_followers
from council.models import Council, Membership, Role, User
from council.notifications.demo import seed_subscriptions
from deliberation.consultation_demo import seed_consultations
from deliberation.demo import seed_deliberation
from deliberation.election_demo import seed_elections
from deliberation.mediation_demo import seed_mediation

DEMO_PASSWORD = "conseil-ouvert-demo"  # noqa: S105 — published in the README on purpose
COUNCIL_SLUG = "numerique"

# (e-mail, first name, last name, role, organisation)
PEOPLE = [
    ("president@example.org", "Marie", "Lambert", Role.CHAIR, "Ligue des familles"),
    ("membre1@example.org", "Jean", "Dubois", Role.VICE_CHAIR, "CPAS d'Orneval"),
    ("membre2@example.org", "Fatima", "El Amrani", Role.MEMBER, "EPN de la bibliothèque"),
    ("membre3@example.org", "Luc", "Peeters", Role.MEMBER, "Association des seniors"),
    ("membre4@example.org", "Sophie", "Martin", Role.MEMBER, "Lire et Écrire"),
    ("membre5@example.org", "Karim", "Benali", Role.MEMBER, ""),
    ("membre6@example.org", "Anne", "Dupont", Role.MEMBER, "Maison de jeunes"),
    ("membre7@example.org", "Pierre", "Lejeune", Role.MEMBER, ""),
    ("membre8@example.org", "Nathalie", "Renard", Role.MEMBER, "Groupe de parents"),
    ("membre9@example.org", "Thomas", "Collin", Role.MEMBER, "Université populaire"),
    ("membre10@example.org", "Aïcha", "Diallo", Role.MEMBER, ""),
    ("membre11@example.org", "Paul", "Wauters", Role.SUBSTITUTE, ""),
    ("membre12@example.org", "Claire", "Hermans", Role.SUBSTITUTE, ""),
    ("secretariat@example.org", "Isabelle", "Moreau", Role.SECRETARY, "Administration communale"),
    ("observatrice@example.org", "Julie", "Leclercq", Role.OBSERVER, "Échevinat du numérique"),
    ("guichet@example.org", "Nadia", "Servais", Role.MEDIATOR, "Accueil de l'hôtel de ville"),
]
RESIDENTS = [
    ("habitant@example.org", "Marc", "Jacobs"),
    ("habitante@example.org", "Léa", "Simon"),
]
MANDATE_START = datetime.date(2025, 1, 1)


def _account(email: str, first_name: str, last_name: str) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User(
            email=email, username=email.split("@")[0], first_name=first_name, last_name=last_name
        )
        user.set_password(DEMO_PASSWORD)
        user.save()
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


def seed_people() -> Council:
    council, _ = Council.objects.get_or_create(
        slug=COUNCIL_SLUG,
        defaults={
            "name": "Conseil consultatif du numérique",
            "commune": "Orneval",
            "mission": (
                "Mener une réflexion sur les conséquences du numérique pour la commune et "
                "ses habitant·es, et faire des recommandations au collège communal pour "
                "qu'aucune démarche ne soit exclusivement numérique."
            ),
        },
    )
    for email, first_name, last_name, role, organisation in PEOPLE:
        user = _account(email, first_name, last_name)
        if not Membership.objects.filter(user=user, council=council, role=role).exists():
            do_add_membership(
                user,
                council,
                role,
                start=MANDATE_START,
                end=datetime.date(2030, 12, 31),
                organisation=organisation,
                acting_user=None,
            )
    for email, first_name, last_name in RESIDENTS:
        _account(email, first_name, last_name)
    return council


def _paragraphs(*texts: str) -> list[tuple[str, str]]:
    return [("paragraph", f"<p>{text}</p>") for text in texts]


HOME_INTRO = (
    "Le conseil consultatif du numérique réunit des habitant·es, des associations et des "
    "services de la commune. Il conseille le collège communal pour que le numérique "
    "inclue au lieu d'exclure : près d'une personne sur deux en Belgique est en situation "
    "de vulnérabilité numérique."
)
HOME_BODY = [
    ("heading", {"text": "Ce que le conseil défend", "level": "h2"}),
    *_paragraphs(
        "Aucune démarche communale ne doit être exclusivement praticable par voie numérique. "
        "Le conseil demande de maintenir des guichets physiques ouverts à des heures "
        "accessibles et des lignes téléphoniques où répond une personne.",
        "Dans les villages, des <b>maisons multiservices</b> peuvent regrouper des services "
        "publics et privés essentiels, avec un espace public numérique (EPN) et des "
        "aidant·es numériques formé·es.",
        "Les nouveaux services en ligne de la commune doivent être <b>co-conçus</b> avec des "
        "usager·ères aux profils variés, et éco-conçus : légers, durables, sobres.",
    ),
    (
        "quote",
        {
            "text": "Il y aura toujours des personnes pour qui seul le contact humain permettra "
            "de s'en sortir dans les démarches administratives.",
            "source": "Campagne « Numérisation des services », CIEP",
        },
    ),
]

STANDARD_PAGES = [
    (
        "accessibilite",
        "Déclaration d'accessibilité",
        "La commune d'Orneval s'engage à rendre ce site accessible conformément à la loi du "
        "19 juillet 2018 relative à l'accessibilité des sites internet et des applications "
        "mobiles des organismes du secteur public.",
        [
            ("heading", {"text": "État de conformité", "level": "h2"}),
            *_paragraphs(
                "Ce site est partiellement conforme à la norme EN 301 549 et aux règles "
                "WCAG 2.1 de niveau AA. Chaque page est vérifiée automatiquement avec l'outil "
                "axe, avec et sans JavaScript, et manuellement au clavier.",
            ),
            ("heading", {"text": "Contenus non accessibles", "level": "h2"}),
            *_paragraphs(
                "Certains documents PDF anciens, déposés avant 2025, ne sont pas balisés. "
                "Sur demande, le secrétariat vous en fournit une version accessible ou "
                "imprimée.",
            ),
            ("heading", {"text": "Retour d'information et contact", "level": "h2"}),
            *_paragraphs(
                "Si vous rencontrez un obstacle, appelez le secrétariat ou écrivez-nous : "
                "nous vous répondons dans les quinze jours et vous donnons l'information "
                "sous une autre forme.",
            ),
            ("heading", {"text": "Voie de recours", "level": "h2"}),
            *_paragraphs(
                "Si notre réponse ne vous satisfait pas, vous pouvez introduire une plainte "
                "auprès du Médiateur de la Wallonie et de la Fédération Wallonie-Bruxelles, "
                "rue Lucien Namêche 54, 5000 Namur, téléphone gratuit 0800 19 199.",
            ),
        ],
    ),
    (
        "contact",
        "Contact",
        "Vous pouvez joindre le secrétariat du conseil par téléphone, au guichet, par courrier "
        "ou par e-mail. Une personne vous répond.",
        _paragraphs(
            "Courrier : Secrétariat du conseil consultatif du numérique, Hôtel de ville, "
            "place Communale 1, 5999 Orneval.",
            "EPN de la bibliothèque : rue de l'École 3, le mardi et le jeudi de 14 h à 18 h, "
            "le samedi de 9 h à 12 h. Accès de plain-pied.",
        ),
    ),
    (
        "mentions-legales",
        "Mentions légales",
        "Ce site est édité par la commune d'Orneval. Il ne dépose aucun cookie de mesure "
        "d'audience ; seuls des cookies de session servent à la connexion.",
        _paragraphs(
            "Responsable du traitement : le collège communal d'Orneval. Vous pouvez exporter "
            "ou supprimer vos données depuis votre espace, ou en faire la demande au guichet.",
        ),
    ),
]


def seed_site() -> HomePage:
    locale = Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)[0]
    for code, _name in settings.LANGUAGES:
        Locale.objects.get_or_create(language_code=code)
    home = HomePage.objects.filter(locale=locale).first()
    if home is None:
        root = Page.get_first_root_node()
        home = root.add_child(
            instance=HomePage(
                title="Bienvenue au conseil consultatif du numérique",
                slug="accueil",
                locale=locale,
                intro=HOME_INTRO,
                body=HOME_BODY,
                show_in_menus=False,
            )
        )
        home.save_revision().publish()
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        site = Site.objects.create(
            hostname="localhost",
            port=80,
            root_page=home,
            is_default_site=True,
            site_name="Conseil ouvert",
        )
    elif site.root_page_id != home.pk:
        old_root = site.root_page
        site.root_page = home
        site.site_name = "Conseil ouvert"
        site.save()
        # Wagtail's placeholder "Welcome" page has no place in the council's site.
        if old_root.specific_class is Page and not old_root.get_children().exists():
            old_root.delete()
    ContactSettings.for_site(site)
    for slug, title, intro, body in STANDARD_PAGES:
        if not StandardPage.objects.filter(slug=slug, locale=locale).exists():
            page = home.add_child(
                instance=StandardPage(
                    title=title,
                    slug=slug,
                    intro=intro,
                    body=body,
                    show_in_menus=slug == "contact",
                )
            )
            page.save_revision().publish()
    return home


@transaction.atomic
def seed_demo() -> None:
    council = seed_people()
    seed_mandate_changes(council)
    home = seed_site()
    seed_elections(council)
    seed_deliberation(council)
    seed_mediation(council)
    seed_consultations(council)
    seed_publications(home, council)
    seed_subscriptions()
    seed_member_followers()
