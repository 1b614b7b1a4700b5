"""The query page for analysts: GET /sparql in a browser, its examples, and the endpoint
unchanged for SPARQL clients."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest

from service.pages.examples import EXAMPLES

README = Path(__file__).resolve().parent.parent / "README.md"
BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


def readme_queries() -> list[str]:
    return re.findall(r"```sparql\n(.*?)```", README.read_text(encoding="utf-8"), re.S)


def test_every_query_of_the_readme_is_an_example_of_the_page() -> None:
    found = readme_queries()
    assert len(found) >= 3
    examples = {query.strip() for _, query in EXAMPLES}
    for query in found:
        assert query.strip() in examples, query


def test_a_browser_gets_the_query_page_with_the_examples(sample_http: httpx.Client) -> None:
    page = sample_http.get("/sparql", headers=BROWSER)
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    text = page.text
    assert '<textarea id="query" name="query"' in text
    assert "relatedEssentialSkill" in text  # the first example is in the form
    for number, (name, _) in enumerate(EXAMPLES, start=1):
        assert f"/sparql?example={number}" in text and name.replace("'", "&#39;") in text
    third = sample_http.get("/sparql", params={"example": 3}, headers=BROWSER).text
    assert "GROUP BY ?label" in third
    bad = sample_http.get("/sparql", params={"example": 99}, headers=BROWSER)
    assert bad.status_code == 422 and bad.headers["content-type"].startswith("text/html")


def test_sparql_clients_still_get_the_service_description(sample_http: httpx.Client) -> None:
    for accept in ("", "text/turtle", "application/ld+json", "*/*"):
        answer = sample_http.get("/sparql", headers={"Accept": accept} if accept else {})
        assert answer.status_code == 200
        assert not answer.headers["content-type"].startswith("text/html"), accept


@pytest.mark.parametrize(("name", "query"), EXAMPLES, ids=[name for name, _ in EXAMPLES])
def test_each_example_runs(sample_http: httpx.Client, name: str, query: str) -> None:
    # As the page's form sends it, without JavaScript: GET with a format.
    answer = sample_http.get("/sparql", params={"query": query, "format": "json"}, headers=BROWSER)
    assert answer.status_code == 200, answer.text
    assert "results" in answer.json()


def test_the_producer_example_answers_its_essential_skills(sample_http: httpx.Client) -> None:
    answer = sample_http.get("/sparql", params={"query": EXAMPLES[0][1], "format": "json"})
    labels = {row["label"]["value"] for row in answer.json()["results"]["bindings"]}
    profile = sample_http.get("/occupations/52b9e8dc-de6c-41dd-b29a-e1291c273f6f").json()
    assert labels == {skill["label"] for skill in profile["essential_skills"]}
