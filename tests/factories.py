"""Test data builders. They write through the same actions the platform uses."""

from __future__ import annotations

import datetime
import itertools

from allauth.account.models import EmailAddress

from council.actions import do_add_membership
from council.models import Council, Membership, User

PASSWORD = "un-mot-de-passe-solide-42"
_counter = itertools.count(1)


def make_user(email: str | None = None, *, verified: bool = True, **fields) -> User:
    n = next(_counter)
    email = email or f"personne{n}@example.net"
    user = User(email=email, username=fields.pop("username", f"personne{n}"), **fields)
    user.set_password(PASSWORD)
    user.save()
    EmailAddress.objects.create(user=user, email=email, verified=verified, primary=True)
    return user


def make_council(**fields) -> Council:
    n = next(_counter)
    defaults = {"name": f"Conseil {n}", "slug": f"conseil-{n}", "commune": "Orneval"}
    return Council.objects.create(**{**defaults, **fields})


def make_membership(
    role: str,
    council: Council | None = None,
    user: User | None = None,
    *,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
    **fields,
) -> Membership:
    return do_add_membership(
        user or make_user(),
        council or make_council(),
        role,
        start=start or datetime.date(2020, 1, 1),
        end=end,
        acting_user=None,
        **fields,
    )
