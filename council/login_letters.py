"""Accounts without e-mail: the secretariat prints a login letter with a one-time code.

The person types their username and the code at /connexion-courrier/, then chooses a
password; from then on they log in by username like anyone else. Only the code's hash is
stored (Django's password hashers), it expires after LOGIN_LETTER_DAYS and serves once.
Like invitations (council.invitations), the first password is the proof of possession; unlike
them there is no address to mail a link to, so the code travels on paper.
"""

from __future__ import annotations

import datetime
import re
import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from council.actions import do_add_membership
from council.models import Council, LoginLetter, User

# No 0/O, 1/I/L, U: read from paper and typed by someone not used to keyboards.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 12
# One message for every refusal: no telling a wrong username from a wrong or spent code.
REFUSED = gettext_lazy(
    "Ce nom d’utilisateur et ce code ne permettent pas de se connecter. Vérifiez-les ; si la "
    "lettre date de plus de %(days)s jours ou a déjà servi, demandez-en une nouvelle au "
    "secrétariat du conseil."
)
# A fixed hash to compare against when the username is unknown, so both take the same time.
_DUMMY_HASH = make_password("not-a-letter-code")


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def format_code(code: str) -> str:
    """K7M4QX2P9TAB → K7M4-QX2P-9TAB."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def normalise_code(raw: Any) -> str:
    return re.sub(r"[\s\-.]", "", raw).upper() if isinstance(raw, str) else ""


def refused() -> ValidationError:
    return ValidationError(str(REFUSED) % {"days": settings.LOGIN_LETTER_DAYS}, code="refused")


# --- The secretariat ---------------------------------------------------------------------


def check_create_letter_account(
    *,
    username: str,
    first_name: str,
    last_name: str,
    council: Council,
    role: str,
    acting_user: User,
) -> tuple[User, str]:
    """Create an account without e-mail (a mandate when `role` is given, else a resident)
    and its first letter; return the account and the code to print."""
    if not acting_user.has_perm("council.create_letter_account", council):
        raise PermissionDenied(_("Seul le secrétariat de ce conseil peut créer ces comptes."))
    username = username.strip()
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError(
            {"username": _("Ce nom d’utilisateur est déjà pris : choisissez-en un autre.")},
            code="username_taken",
        )
    return do_create_letter_account(
        username=username,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        council=council,
        role=role,
        acting_user=acting_user,
    )


@transaction.atomic
def do_create_letter_account(
    *,
    username: str,
    first_name: str,
    last_name: str,
    council: Council,
    role: str,
    acting_user: User | None,
) -> tuple[User, str]:
    user = User(username=username, first_name=first_name, last_name=last_name, email=None)
    user.set_unusable_password()
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as error:
        raise ValidationError(
            {"username": _("Ce nom d’utilisateur est déjà pris : choisissez-en un autre.")},
            code="username_taken",
        ) from error
    if role:
        do_add_membership(user, council, role, acting_user=acting_user)
    _letter, code = do_issue_login_letter(user, acting_user=acting_user)
    return user, code


def may_issue_letter(acting_user: User, person: User) -> bool:
    """The secretariat of a council the person sits in; any secretariat for a resident."""
    councils = Council.objects.filter(memberships__user=person).distinct()
    if not councils:
        return acting_user.has_perm("council.create_letter_account")
    return any(acting_user.has_perm("council.create_letter_account", c) for c in councils)


def check_issue_login_letter(user: User, *, acting_user: User) -> tuple[LoginLetter, str]:
    """A new letter for an account without e-mail (lost letter, forgotten password)."""
    if not may_issue_letter(acting_user, user):
        raise PermissionDenied(_("Seul le secrétariat du conseil peut émettre cette lettre."))
    if user.email:
        raise ValidationError(
            _("Ce compte a une adresse e-mail : la personne peut réinitialiser son mot de passe."),
            code="has_email",
        )
    return do_issue_login_letter(user, acting_user=acting_user)


@transaction.atomic
def do_issue_login_letter(user: User, *, acting_user: User | None) -> tuple[LoginLetter, str]:
    """A fresh code; any earlier letter still unused stops working."""
    now = timezone.now()
    LoginLetter.objects.filter(user=user, used_at__isnull=True).update(used_at=now)
    code = new_code()
    letter = LoginLetter.objects.create(
        user=user,
        code_hash=make_password(code),
        created_at=now,
        expires_at=now + datetime.timedelta(days=settings.LOGIN_LETTER_DAYS),
        created_by=acting_user,
    )
    return letter, code


# --- The person with the letter ----------------------------------------------------------


def check_letter_code(username: Any, code: Any) -> LoginLetter:
    """The valid letter this username and code open, or the one refusal message."""
    name = username.strip() if isinstance(username, str) else ""
    typed = normalise_code(code)
    letter = (
        LoginLetter.objects.select_related("user")
        .filter(user__username__iexact=name, used_at__isnull=True)
        .order_by("-created_at", "-pk")
        .first()
        if name and typed
        else None
    )
    matches = check_password(typed, letter.code_hash if letter else _DUMMY_HASH)
    if letter is None or not matches or not letter.is_valid() or not letter.user.is_active:
        raise refused()
    return letter


@transaction.atomic
def do_redeem_login_letter(letter_id: int, password: str) -> User:
    """Spend the letter and set the first password, once: a second try finds it used."""
    letter = (
        LoginLetter.objects.select_for_update().select_related("user").filter(pk=letter_id).first()
    )
    if letter is None or not letter.is_valid():
        raise refused()
    letter.used_at = timezone.now()
    letter.save(update_fields=["used_at"])
    user = letter.user
    user.set_password(password)
    user.save(update_fields=["password"])
    return user
