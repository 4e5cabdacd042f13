"""The OpenAPI 3.1 document of the OParl API, built from the OParl 1.1 object schemas.

The views are plain Django views (OParl's shapes are fixed by its schemas, not by Python
types), so the document is assembled here: one component per OParl schema, with their
nested-object references turned into `$ref`s, and a path per list and per object.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

SCHEMA_DIR = Path(__file__).resolve().parent / "schema"
# Keywords of the OParl schemas that JSON Schema does not know; they document relations.
_OPARL_ONLY = {"references", "backreference", "cardinality", "schema", "description"}

LISTS = {
    "organization": "Organization",
    "person": "Person",
    "membership": "Membership",
    "meeting": "Meeting",
    "agendaItem": "AgendaItem",
    "paper": "Paper",
    "consultation": "Consultation",
    "file": "File",
    "location": "Location",
    "legislativeTerm": "LegislativeTerm",
}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _property(spec: dict[str, Any]) -> dict[str, Any]:
    nested = spec.get("schema")
    if spec.get("type") == "object" and nested:
        return _ref(nested.removesuffix(".json"))
    out = {k: v for k, v in spec.items() if k not in _OPARL_ONLY}
    if out.get("format") == "url":
        out["format"] = "uri"
    if "items" in spec:
        out["items"] = _property(spec["items"])
    return out


def _component(name: str) -> dict[str, Any]:
    raw = json.loads((SCHEMA_DIR / f"{name}.json").read_text())
    return {
        "type": "object",
        "required": raw.get("required", []),
        "properties": {k: _property(v) for k, v in raw["properties"].items()},
    }


def _json_response(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


_ERRORS = {
    "400": _json_response(_ref("Error"), "Paramètre invalide"),
    "404": _json_response(_ref("Error"), "Objet ou page inexistant"),
}

_WHEN = "Date et heure ISO 8601 avec fuseau horaire."
_FILTERS = [
    {
        "name": name,
        "in": "query",
        "schema": {"type": "string", "format": "date-time"},
        "description": _WHEN,
    }
    for name in ("created_since", "created_until", "modified_since", "modified_until")
]
_PAGING = [
    {
        "name": "page",
        "in": "query",
        "schema": {"type": "integer", "minimum": 1, "maximum": 10**9},
    },
    {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 100}},
]


def _list_schema(item: str) -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["data", "pagination", "links"],
        "properties": {
            "data": {"type": "array", "items": _ref(item)},
            "pagination": _ref("Pagination"),
            "links": _ref("Links"),
        },
    }


def _get(summary: str, ok: dict[str, Any], parameters: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "get": {
            "summary": summary,
            "parameters": parameters,
            "responses": {"200": _json_response(ok, "OK"), **_ERRORS},
        }
    }


@cache
def build() -> dict[str, Any]:
    body_id = {"name": "body_id", "in": "path", "required": True, "schema": {"type": "string"}}
    pk = {"name": "pk", "in": "path", "required": True, "schema": {"type": "string"}}
    paths: dict[str, Any] = {
        "/oparl/v1.1/": _get("Système OParl", _ref("System"), []),
        "/oparl/v1.1/body": _get(
            "Liste des collectivités", _list_schema("Body"), [*_FILTERS, *_PAGING]
        ),
        "/oparl/v1.1/body/{body_id}": _get("Collectivité", _ref("Body"), [body_id]),
    }
    for kind, name in LISTS.items():
        paths[f"/oparl/v1.1/body/{{body_id}}/{kind}"] = _get(
            f"Liste : {name}", _list_schema(name), [body_id, *_FILTERS, *_PAGING]
        )
        paths[f"/oparl/v1.1/{kind}/{{pk}}"] = _get(name, _ref(name), [pk])
    schemas = {name: _component(name) for name in (*LISTS.values(), "System", "Body")}
    schemas["Pagination"] = {
        "type": "object",
        "required": ["totalElements", "elementsPerPage", "currentPage", "totalPages"],
        "properties": {
            k: {"type": "integer", "minimum": 0}
            for k in ("totalElements", "elementsPerPage", "currentPage", "totalPages")
        },
    }
    schemas["Links"] = {
        "type": "object",
        "required": ["first", "last"],
        "properties": {
            k: {"type": "string", "format": "uri"} for k in ("first", "prev", "next", "last")
        },
    }
    schemas["Error"] = {
        "type": "object",
        "required": ["type", "status", "message"],
        "properties": {
            "type": {"const": "error"},
            "status": {"type": "integer"},
            "message": {"type": "string"},
        },
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Conseil ouvert — données ouvertes OParl 1.1",
            "version": "1.1",
            "description": (
                "Lecture seule. Les identifiants sont des URL. Les listes sont paginées "
                "(data, pagination, links) et filtrables par created_since, created_until, "
                "modified_since et modified_until. Les objets supprimés portent deleted: true."
            ),
            "license": {"name": "CC0 1.0", "identifier": "CC0-1.0"},
        },
        "paths": paths,
        "components": {"schemas": schemas},
    }


@csrf_exempt
@require_safe
def document(request: HttpRequest) -> JsonResponse:
    return JsonResponse(build(), json_dumps_params={"ensure_ascii": False})
