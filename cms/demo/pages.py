"""Demo publication for Orneval's council: the site tree around the home page.

Idempotent like cms.demo.seed: a page whose slug already exists under its parent is left as it is.
The five recommendations take up the demands of the CIEP campaign "Numérisation des services".
"""

from __future__ import annotations

import datetime

from django.utils import timezone
from wagtail.models import Page

from cms.demo.dutch import seed_dutch_tree
from cms.demo.english import seed_english_tree
from cms.minutes import minutes
from cms.minutes.publishing import ensure_meeting_page
from cms.models import (
    CouncilPage,
    FollowUpStep,
    HomePage,
    MeetingIndexPage,
    MinutesApproval,
    NewsIndexPage,
    NewsPage,
    RecommendationIndexPage,
    RecommendationPage,
)
from council.models import Council
from deliberation.models import Decision, Meeting


def _paragraphs(*texts: str) -> list[tuple[str, str]]:
    return [("paragraph", f"<p>{text}</p>") for text in texts]


def _heading(text: str) -> tuple[str, dict[str, str]]:
    return ("heading", {"text": text, "level": "h2"})


def _child(parent: Page, model: type[Page], slug: str, **fields) -> Page:
    existing = model.objects.child_of(parent).filter(slug=slug).first()
    if existing is not None:
        return existing
    page = model(slug=slug, **fields)
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


COUNCIL_CHARTER = [
    _heading("Ce que fait le conseil"),
    *_paragraphs(
        "Le conseil rend des avis et des recommandations au collège communal, de sa propre "
        "initiative ou à sa demande. Il ne décide pas à la place du conseil communal : il "
        "éclaire ses choix.",
        "Il se réunit au moins quatre fois par an, en séance publique. Chaque séance est "
        "annoncée sur ce site avec son ordre du jour, au moins dix jours à l'avance.",
    ),
    _heading("Sa composition"),
    *_paragraphs(
        "Douze membres effectifs et leurs suppléant·es, désigné·es pour la législature : des "
        "habitant·es tiré·es au sort parmi les volontaires, des associations actives dans "
        "l'inclusion numérique et des services de la commune. L'échevinat du numérique y "
        "assiste sans voix délibérative.",
    ),
    _heading("Comment il délibère"),
    *_paragraphs(
        "Le conseil délibère valablement quand la majorité de ses membres avec droit de vote "
        "est présente, dans la salle ou à distance. Sur seconde convocation, il délibère quel "
        "que soit le nombre de présent·es.",
        "Chaque membre peut donner procuration à un·e autre membre, qui ne peut en porter "
        "qu'une. Les votes sur des personnes sont secrets ; les autres sont publics.",
    ),
]

# (slug, title, days ago, summary, body paragraphs, agenda item title of the source decision)
RECOMMENDATIONS = [
    (
        "guichets-et-lignes-telephoniques",
        "Maintenir des guichets physiques et des lignes téléphoniques",
        20,
        "Toute démarche communale doit rester possible sans ordinateur : au guichet, par "
        "téléphone ou par courrier. Une personne doit vous répondre.",
        [
            "Le conseil recommande au collège communal qu'aucune démarche ne soit "
            "exclusivement praticable par voie numérique.",
            "Les guichets de l'administration restent ouverts au moins quatre demi-journées "
            "par semaine, dont une en soirée ou le samedi matin, sans rendez-vous obligatoire.",
            "Une ligne téléphonique répond du lundi au vendredi : on y parle à une personne, "
            "sans menu automatique. Les demandes par courrier postal restent acceptées.",
        ],
        None,
    ),
    (
        "maisons-multiservices",
        "Ouvrir des maisons multiservices dans les villages",
        70,
        "Dans chaque village, un lieu ouvert regroupe des services publics et privés "
        "essentiels, avec un accueil humain et un ordinateur en accès libre.",
        [
            "Dans les villages, les services publics disparaissent et la voie numérique "
            "prédomine plus qu'ailleurs.",
            "Le conseil recommande d'ouvrir une maison multiservices dans chaque village de "
            "l'entité : un accueil humain, une aide aux démarches et un espace public "
            "numérique.",
            "Les horaires comprennent au moins une soirée par semaine et le samedi matin.",
        ],
        "Maisons multiservices au public",
    ),
    (
        "epn-de-qualite-et-accessibles",
        "Des espaces publics numériques de qualité et accessibles",
        115,
        "Les EPN doivent être faciles à joindre et à rejoindre : horaires élargis, accès de "
        "plain-pied, rendez-vous par téléphone, accompagnement gratuit.",
        [
            "L'espace public numérique (EPN) est un lieu d'apprentissage et d'entraide. Il doit "
            "être accessible à toutes et tous.",
            "Le conseil recommande d'ouvrir l'EPN de la bibliothèque deux soirs par semaine et "
            "le samedi matin, de garantir l'accès aux personnes à mobilité réduite et de "
            "permettre la prise de rendez-vous par téléphone.",
            "L'accompagnement individuel reste gratuit pour les personnes qui en ont besoin, "
            "et le matériel est renouvelé régulièrement.",
        ],
        "Espaces publics numériques : horaires et accessibilité",
    ),
    (
        "un-conseil-consultatif-du-numerique",
        "Un conseil consultatif du numérique, ouvert et public",
        150,
        "Le numérique change nos vies et nos services : il mérite un débat public. Le "
        "conseil se réunit en public et publie ses avis.",
        [
            "La numérisation de la société a des conséquences sociales, environnementales et "
            "politiques qui doivent pouvoir être débattues publiquement.",
            "Le conseil recommande de pérenniser le conseil consultatif du numérique, de "
            "publier ses ordres du jour, ses avis et les suites qui leur sont données, et de "
            "permettre aux habitant·es d'y participer en ligne, par téléphone ou au guichet.",
        ],
        None,
    ),
    (
        "participation-au-coeur-de-la-numerisation",
        "Mettre la participation au cœur de la numérisation",
        25,
        "Les nouveaux services en ligne de la commune sont conçus avec des habitant·es aux "
        "profils variés, et testés avec eux avant leur mise en service.",
        [
            "Conçues dans l'urgence, beaucoup de plateformes en ligne ne tiennent pas compte "
            "des usages réels : par exemple, la réponse n'y est possible que par e-mail.",
            "Le conseil recommande d'associer des usager·ères aux profils variés et leurs "
            "représentant·es à la conception de chaque nouveau service numérique communal, "
            "aux côtés des professionnel·les.",
            "Chaque service est testé avec elles et eux avant sa mise en service, et reste "
            "léger, durable et sobre.",
        ],
        "Co-conception des services numériques communaux",
    ),
]

NEWS = [
    (
        "nouvel-horaire-epn",
        "L'EPN de la bibliothèque ouvre le samedi matin",
        12,
        "Suite à l'avis du conseil, l'espace public numérique accueille désormais le public "
        "le samedi de 9 h à 12 h.",
        [
            "Une animatrice vous aide à utiliser un ordinateur, à faire une démarche en ligne "
            "ou à donner votre avis sur les propositions du conseil.",
            "L'accès est gratuit et de plain-pied. Vous pouvez prendre rendez-vous par "
            "téléphone au secrétariat.",
        ],
    ),
    (
        "appel-a-candidatures",
        "Rejoindre le conseil : appel à candidatures",
        40,
        "Le conseil cherche deux membres suppléant·es parmi les habitant·es. Aucune "
        "compétence en informatique n'est demandée.",
        [
            "Vous pouvez poser votre candidature en ligne, par téléphone, par courrier ou au "
            "guichet de l'hôtel de ville, jusqu'à la fin du mois.",
            "Les séances ont lieu en soirée ; on peut y participer dans la salle ou à distance.",
        ],
    ),
]

# slug → [(days ago, kind, status after the step, text)]: several stages of follow-up.
FOLLOW_UPS = {
    "un-conseil-consultatif-du-numerique": [
        (146, "sent", "pending", ""),
        (
            104,
            "response",
            "accepted",
            "Le collège communal accepte la recommandation : le conseil consultatif du "
            "numérique sera installé au début de l'année, et ses séances seront publiques.",
        ),
        (
            35,
            "update",
            "implemented",
            "Le conseil est installé ; ses séances, ses décisions et ses procès-verbaux sont "
            "publiés sur ce site.",
        ),
    ],
    "epn-de-qualite-et-accessibles": [
        (112, "sent", "pending", ""),
    ],
    "maisons-multiservices": [
        (66, "sent", "pending", ""),
        (
            21,
            "response",
            "partly_accepted",
            "Le collège ouvrira deux maisons multiservices l'an prochain, à Orneval-centre et "
            "à Bois-le-Comte ; les autres villages suivront selon le budget.",
        ),
    ],
    "participation-au-coeur-de-la-numerisation": [
        (22, "sent", "pending", ""),
        (
            5,
            "response",
            "answered",
            "Le collège a bien reçu la recommandation et demande à l'administration un plan "
            "pour associer des usager·ères au prochain formulaire en ligne.",
        ),
    ],
}


def seed_follow_ups(index: Page) -> None:

    today = timezone.localdate()
    for slug, steps in FOLLOW_UPS.items():
        page = RecommendationPage.objects.child_of(index).filter(slug=slug).first()
        if page is None or page.follow_up_steps.exists():
            continue
        page.follow_up_steps = [
            FollowUpStep(
                date=today - datetime.timedelta(days=days),
                kind=kind,
                status=status,
                text=text,
                sort_order=i,
            )
            for i, (days, kind, status, text) in enumerate(steps)
        ]
        page.save_revision().publish()


def seed_minutes(council: Council) -> None:
    """Published minutes for every closed meeting; each approved by the next meeting's
    "approval of minutes" vote, as the ballot would have done had the page existed."""

    closed = Meeting.objects.filter(council=council, state=Meeting.State.CLOSED).order_by("start")
    for meeting in closed:
        if minutes.minutes_for(meeting) is None:
            page = minutes.do_generate_minutes(meeting, acting_user=None)
            page.save_revision().publish()
    approvals = Decision.objects.filter(
        meeting__council=council,
        agenda_item__kind="minutes_approval",
        outcome=Decision.Outcome.ADOPTED,
    ).order_by("position")
    used = set(MinutesApproval.objects.values_list("decision_id", flat=True))
    for decision in approvals:
        if decision.pk not in used:
            minutes.approve_minutes_of(decision)


def _source_decision(council: Council, item_title: str | None) -> Decision | None:
    if item_title is None:
        return None
    return (
        Decision.objects.filter(
            meeting__council=council,
            agenda_item__title=item_title,
            outcome=Decision.Outcome.ADOPTED,
            agenda_item__is_public=True,
        )
        .order_by("-closed_at")
        .first()
    )


def seed_publications(home: HomePage, council: Council) -> None:
    today = timezone.localdate()
    _child(
        home,
        CouncilPage,
        "conseil",
        title="Le conseil",
        council=council,
        intro=(
            "Le conseil consultatif du numérique d'Orneval conseille le collège communal pour "
            "que le numérique inclue au lieu d'exclure."
        ),
        charter=COUNCIL_CHARTER,
        show_in_menus=True,
    )
    _child(
        home,
        MeetingIndexPage,
        "seances",
        title="Séances",
        intro=(
            "Les séances du conseil sont publiques : venez dans la salle ou suivez-les en "
            "direct. L'ordre du jour est publié au moins dix jours avant chaque séance."
        ),
        show_in_menus=True,
    )
    for meeting in Meeting.objects.filter(council=council).exclude(state=Meeting.State.DRAFT):
        ensure_meeting_page(meeting, publish=True)
    seed_minutes(council)
    recommendations = _child(
        home,
        RecommendationIndexPage,
        "recommandations",
        title="Recommandations",
        intro=(
            "Les recommandations que le conseil adresse au collège communal, chacune avec un "
            "résumé en langage clair."
        ),
        show_in_menus=True,
    )
    for slug, title, days_ago, summary, body, source in RECOMMENDATIONS:
        _child(
            recommendations,
            RecommendationPage,
            slug,
            title=title,
            date=today - datetime.timedelta(days=days_ago),
            summary=summary,
            body=_paragraphs(*body),
            decision=_source_decision(council, source),
        )
    seed_follow_ups(recommendations)
    news = _child(
        home,
        NewsIndexPage,
        "actualites",
        title="Actualités",
        intro="Les nouvelles du conseil et de l'inclusion numérique à Orneval.",
        show_in_menus=True,
    )
    for slug, title, days_ago, intro, body in NEWS:
        _child(
            news,
            NewsPage,
            slug,
            title=title,
            date=today - datetime.timedelta(days=days_ago),
            intro=intro,
            body=_paragraphs(*body),
        )
    seed_dutch_tree(home)
    seed_english_tree(home)
