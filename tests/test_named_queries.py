"""The named queries: headers, parameters, binding safety."""

from __future__ import annotations

from pathlib import Path

import pytest
from pyoxigraph import QuerySolutions, Store

from graph.errors import ParameterError, QueryError
from graph.queries import QueryRunner, load_queries, parse_named_query, projected_variables
from graph.store import LiveStore
from tests import tiny

QUERIES = load_queries()


def test_every_query_file_is_loaded_and_named_for_its_file() -> None:
    folder = Path(__file__).resolve().parent.parent / "queries"
    files = sorted(p.stem for p in folder.glob("*.rq"))
    assert sorted(QUERIES) == files
    assert len(files) >= 10


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_every_query_parses_and_projects_its_params(name: str) -> None:
    query = QUERIES[name]
    assert query.summary, f"{name} has no summary line"
    projection = projected_variables(query.text)
    for param in query.params:
        assert param in projection
    # Self-contained: runs as pasted into /sparql, on an empty store (no PREFIX missing).
    result = Store().query(query.text)
    assert isinstance(result, QuerySolutions)


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_every_query_runs_on_the_tiny_store(name: str, tiny_root_shared: Path) -> None:
    store = LiveStore(tiny_root_shared).get().store
    values = {"IRI": tiny.PRODUCER, "string": "prod", "integer": 1, "language": "en"}
    params = {p: values[spec.kind] for p, spec in QUERIES[name].params.items()}
    rows = QueryRunner(QUERIES).select(store, name, params)
    assert isinstance(rows, list)


def test_sparql_variables_are_snake_case() -> None:
    for query in QUERIES.values():
        for variable in projected_variables(query.text):
            assert variable == variable.lower(), f"{query.name}: ?{variable}"


def test_a_header_without_name_is_refused() -> None:
    with pytest.raises(QueryError, match="name"):
        parse_named_query("# just a comment\nSELECT ?x WHERE { ?x ?p ?o }")


def test_a_param_outside_the_projection_is_refused() -> None:
    text = "# name: q\n# Something.\n# param: ?s IRI\nSELECT ?o WHERE { ?s ?p ?o }"
    with pytest.raises(QueryError, match="SELECT list"):
        parse_named_query(text)


def test_an_unknown_param_kind_is_refused() -> None:
    with pytest.raises(QueryError, match="kind"):
        parse_named_query(
            "# name: q\n# Something.\n# param: ?s thing\nSELECT ?s WHERE { ?s ?p ?o }"
        )


def test_missing_and_unknown_params_are_refused() -> None:
    runner = QueryRunner(QUERIES)
    with pytest.raises(ParameterError, match="needs"):
        runner.bind("occupation", {})
    with pytest.raises(ParameterError, match="no parameter"):
        runner.bind("occupation", {"occupation": tiny.PRODUCER, "extra": "1"})


@pytest.mark.parametrize(
    "hostile",
    [
        "http://x> } ; DROP ALL ; SELECT * { <http://y",
        "http://x/a b",
        "not an iri",
    ],
)
def test_an_iri_param_cannot_smuggle_query_text(hostile: str) -> None:
    with pytest.raises(ParameterError):
        QueryRunner(QUERIES).bind("occupation", {"occupation": hostile})


def test_a_string_param_is_a_value_not_text(tiny_root_shared: Path) -> None:
    store = LiveStore(tiny_root_shared).get().store
    hostile = 'x")) } UNION { ?uri ?p ?o } #'
    rows = QueryRunner(QUERIES).select(store, "occupation_search", {"q": hostile})
    assert rows == []


def test_unknown_query_name_lists_the_known_ones() -> None:
    with pytest.raises(QueryError, match="similar_occupations"):
        QueryRunner(QUERIES).get("no_such_query")
