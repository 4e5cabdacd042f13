"""Schemathesis against the OParl API's OpenAPI document, in process over WSGI: for every
operation, generated requests never get a 500, and every response conforms to the document
(status, content type, body schema)."""

from __future__ import annotations

import datetime

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck, given, settings

from cms.demo import seed_people, seed_site
from cms.models import RecommendationIndexPage
from deliberation.actions import do_create_meeting
from deliberation.models import AgendaItem
from tests.cms.conftest import add_recommendation, publish

# Per operation; about two dozen operations keep the whole run well under a minute.
EXAMPLES = 12


@pytest.fixture
def api(db):
    council = seed_people()
    for n in range(3):
        do_create_meeting(
            council,
            title=f"Séance {n}",
            start=timezone.now() + datetime.timedelta(days=n),
            place="Salle du conseil",
            items=[(f"Point {n}", AgendaItem.Kind.DEBATE, "Texte.")],
            acting_user=None,
        )
    index = publish(seed_site(), RecommendationIndexPage(title="Recommandations", slug="reco"))
    add_recommendation(index, 1)
    # As Django's test client does: a request's end must not close the test's connection.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/oparl/v1.1/openapi.json", get_wsgi_application())
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def test_the_document_describes_every_list_and_object(api):
    paths = {op.ok().path for op in api.get_all_operations()}
    assert "/oparl/v1.1/body/{body_id}/meeting" in paths
    assert "/oparl/v1.1/agendaItem/{pk}" in paths
    assert len(paths) == 23


def test_generated_requests_get_conforming_responses(api):
    operations = [op.ok() for op in api.get_all_operations()]
    calls = 0
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def check(case) -> None:
            nonlocal calls
            # Generated ids mostly miss: aim some at the objects that exist.
            if case.path_parameters and "body_id" in case.path_parameters and calls % 2:
                case.path_parameters["body_id"] = "1"
            # The WSGI transport hands back the body as served; the site gzips on request.
            response = case.call_and_validate(headers={"Accept-Encoding": "identity"})
            assert response.status_code < 500
            calls += 1

        check()
    assert calls >= len(operations)
