"""Schemathesis over the OpenAPI schema, against a real server on the bundled sample: every
documented operation answers what its schema says, to requests generated from it."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from service.app import create_app
from service.language import LANGUAGES_PATTERN
from service.settings import Settings
from tests.conftest import LiveServer


@schemathesis.serializer("application/sparql-query")
def _sparql_query(ctx: schemathesis.SerializationContext, value: Any) -> bytes:
    return str(value).encode()


# The schema is the app's own (no store is opened to make it); requests go to a real server.
SCHEMA = schemathesis.openapi.from_dict(create_app(Settings(store=Path("unused"))).openapi())
OPERATIONS = [result.ok() for result in SCHEMA.get_all_operations()]


# Invalid requests, too, for every operation that takes anything (GET /health takes nothing).
CASES = [
    (operation, mode)
    for operation in OPERATIONS
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
    if mode is GenerationMode.POSITIVE
    or {"parameters", "requestBody"} & set(operation.definition.raw)
]


def _loaded_language(case: schemathesis.Case) -> schemathesis.Case:
    """A well-formed language tag the sample has no labels in is refused (422, with the
    languages it has): valid requests ask for one it has."""
    query = case.query or {}
    if "language" in query and re.fullmatch(LANGUAGES_PATTERN, str(query["language"])):
        query["language"] = "fr"
    return case


@pytest.mark.parametrize(
    ("operation", "mode"), CASES, ids=[f"{op.label} {mode.value}" for op, mode in CASES]
)
def test_every_operation_answers_as_documented(
    sample_server: LiveServer, operation: schemathesis.APIOperation, mode: GenerationMode
) -> None:
    # A SPARQL query's grammar is no JSON Schema: any string fits the schema, and most are
    # not SPARQL, so a 400 there is the right answer to schema-valid input. The same holds
    # for a reconciliation batch, JSON in a text field (and a JSONP callback's name). The
    # ESCO API's /resource/{kind} needs one of uri, uris and isInScheme, which a query's
    # parameters in OpenAPI cannot say (each is optional alone): without any, a 400.
    free_text = operation.path in ("/sparql", "/reconcile", "/esco/api/resource/{kind}")
    excluded = [positive_data_acceptance] if free_text else []

    @given(case=operation.as_strategy(generation_mode=mode).map(_loaded_language))
    @settings(
        max_examples=25,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def check(case: schemathesis.Case) -> None:
        case.call_and_validate(base_url=sample_server.url, excluded_checks=excluded)

    check()
