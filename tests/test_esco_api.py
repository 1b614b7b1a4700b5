"""The ESCO Web Service API under /esco/api, against a real server on the bundled sample:
its documents and listings checked against skillgraph's own JSON API and SPARQL endpoint
(the same release, read another way), its links followed, its errors and its paging."""

from __future__ import annotations

import csv
import io
from collections import Counter
from typing import Any

import httpx
import pytest

from tests.conftest import LiveServer
from tests.esco_api_clients import SCHEMES, crawl_taxonomy, generator_outputs, pages

PRODUCER = "http://data.europa.eu/esco/occupation/52b9e8dc-de6c-41dd-b29a-e1291c273f6f"
API = "/esco/api"


@pytest.fixture
def base(sample_server: LiveServer) -> str:
    return sample_server.url + API


def _sparql_rows(http: httpx.Client, query: str) -> list[list[str]]:
    answer = http.get("/sparql", params={"query": query}, headers={"Accept": "text/csv"})
    assert answer.status_code == 200, answer.text
    return list(csv.reader(io.StringIO(answer.text)))[1:]


def _sparql_column(http: httpx.Client, query: str) -> list[str]:
    return [row[0] for row in _sparql_rows(http, query)]


def test_an_occupation_as_the_esco_api_gives_it(sample_http: httpx.Client, base: str) -> None:
    answer = sample_http.get(f"{base}/resource/occupation", params={"uri": PRODUCER})
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("application/json")
    doc = answer.json()
    native = sample_http.get("/occupations/52b9e8dc-de6c-41dd-b29a-e1291c273f6f").json()
    release = answer.headers["esco-release"]
    assert doc["release"] == release
    assert doc["className"] == "Occupation"
    assert doc["classId"] == "http://data.europa.eu/esco/model#Occupation"
    assert doc["uri"] == PRODUCER
    assert doc["title"] == doc["preferredLabel"]["en"] == native["label"]
    assert doc["status"] == "released"
    assert doc["code"].startswith(native["isco_group"]["code"] + ".")
    assert doc["description"]["en"] == {"literal": native["description"], "mimetype": "plain/text"}
    assert isinstance(doc["alternativeLabel"]["en"], list) and doc["alternativeLabel"]["en"]
    links = doc["_links"]
    assert links["self"]["uri"] == PRODUCER
    assert links["broaderIscoGroup"][0]["uri"] == native["isco_group"]["uri"]
    for relation, kind in (("hasEssentialSkill", "essential"), ("hasOptionalSkill", "optional")):
        expected = {s["uri"] for s in native[f"{kind}_skills"]}
        assert {link["uri"] for link in links[relation]} == expected
        for link in links[relation]:
            assert set(link) == {"href", "uri", "title", "skillType"}
            assert link["skillType"].startswith("http://data.europa.eu/esco/skill-type/")
    # Every link leads back to this service, in the same release and language.
    every = [links["self"], *(e for name, v in links.items() if name != "self" for e in v)]
    for link in every:
        assert link["href"].startswith(base + "/resource/"), link
        assert f"selectedVersion={release}" in link["href"]
        assert "language=en" in link["href"]


def test_following_a_skill_link_leads_back(sample_http: httpx.Client, base: str) -> None:
    doc = sample_http.get(f"{base}/resource/occupation", params={"uri": PRODUCER}).json()
    link = doc["_links"]["hasEssentialSkill"][0]
    skill = sample_http.get(link["href"]).json()
    assert skill["className"] == "Skill"
    assert skill["uri"] == link["uri"] and skill["title"] == link["title"]
    assert skill["_links"]["self"]["skillType"] == link["skillType"]
    assert skill["_links"]["hasSkillType"][0]["uri"] == link["skillType"]
    assert PRODUCER in {o["uri"] for o in skill["_links"]["isEssentialForOccupation"]}
    group = sample_http.get(doc["_links"]["broaderIscoGroup"][0]["href"]).json()
    assert group["className"] == "Concept"
    assert PRODUCER in {o["uri"] for o in group["_links"]["narrowerOccupation"]}
    assert group["_links"]["broaderConcept"][0]["uri"].startswith(
        "http://data.europa.eu/esco/isco/C"
    )


def test_a_scheme_lists_page_by_page(sample_http: httpx.Client, base: str) -> None:
    scheme = SCHEMES + "member-skills"
    members = set(
        _sparql_column(
            sample_http,
            f"SELECT ?s WHERE {{ ?s <http://www.w3.org/2004/02/skos/core#inScheme> <{scheme}> }}",
        )
    )
    assert len(members) > 20
    seen: list[str] = []
    page = 0
    while True:
        body = sample_http.get(
            f"{base}/resource/skill",
            params={"isInScheme": scheme, "offset": page, "limit": 7},
        ).json()
        assert body["total"] == len(members)
        assert all(key == doc["uri"] for key, doc in body["_embedded"].items())
        seen += body["_embedded"]
        if "next" not in body["_links"]:
            assert body["_links"]["self"] == body["_links"]["last"]
            break
        assert body["_links"]["next"]["href"].endswith(f"offset={page + 1}&limit=7")
        page += 1
    assert len(seen) == len(set(seen)) == len(members)
    assert set(seen) == members
    # The generator's way (offset a page number, 100 a page) gets the same.
    assert {
        item["uri"] for item in pages(sample_http, base, f"resource/skill?isInScheme={scheme}")
    } == members


def test_a_page_past_the_end_is_empty(sample_http: httpx.Client, base: str) -> None:
    body = sample_http.get(
        f"{base}/resource/occupation",
        params={"isInScheme": SCHEMES + "isco", "offset": 999, "limit": 100},
    ).json()
    assert body["_embedded"] == {} and body["total"] > 0
    assert "next" not in body["_links"] and "prev" in body["_links"]


def test_the_generator_reads_what_sparql_reads(sample_http: httpx.Client, base: str) -> None:
    skills, occupations = generator_outputs(sample_http, base)
    expected = dict(
        _sparql_rows(
            sample_http,
            "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> SELECT ?s ?label WHERE { "
            f"?s skos:inScheme <{SCHEMES}member-skills> ; skos:prefLabel ?label "
            'FILTER(LANG(?label) = "en") }',
        )
    )
    assert expected
    assert {s["uri"]: s["prefLabel"]["en"] for s in skills} == expected
    rows = {row["uri"]: row for row in occupations}
    broader = _sparql_rows(
        sample_http,
        "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> SELECT ?o ?b ?code WHERE { "
        "?o a <http://data.europa.eu/esco/model#Occupation> ; skos:broader ?b ; "
        "skos:notation ?code }",
    )
    assert broader
    expected_broader: dict[str, Counter[str]] = {}
    for occupation, parent, code in broader:
        assert rows[occupation]["notation"] == code
        # An ISCO group comes twice (the occupation's own link, and the group's narrower
        # link read backwards), as the generator writes it; an occupation once.
        twice = 2 if "/isco/C" in parent else 1
        expected_broader.setdefault(occupation, Counter())[parent] += twice
    for occupation, parents in expected_broader.items():
        assert Counter(rows[occupation]["broader"]) == parents
    groups = [row for row in occupations if "/isco/C" in row["uri"]]
    assert groups and all(row["notation"] == row["uri"].rsplit("/C", 1)[1] for row in groups)
    top = [row for row in groups if len(row["notation"]) == 1]
    assert top and all(row["broader"] == [] for row in top)


def test_a_crawl_by_href_reaches_every_occupation(sample_http: httpx.Client, base: str) -> None:
    crawl = crawl_taxonomy(sample_http, base, SCHEMES + "isco")
    assert crawl.foreign_hrefs == []
    occupations = set(
        _sparql_column(
            sample_http,
            "SELECT ?o WHERE { ?o a <http://data.europa.eu/esco/model#Occupation> }",
        )
    )
    reached = {uri for uri, doc in crawl.concepts.items() if doc["className"] == "Occupation"}
    assert reached == occupations
    related = set(
        _sparql_column(
            sample_http,
            "PREFIX esco: <http://data.europa.eu/esco/model#> SELECT DISTINCT ?s WHERE { "
            "?o a esco:Occupation . { ?o esco:relatedEssentialSkill ?s } UNION "
            "{ ?o esco:relatedOptionalSkill ?s } }",
        )
    )
    assert set(crawl.skills) == related
    assert all(doc["className"] == "Skill" for doc in crawl.skills.values())


def test_several_by_uris(sample_http: httpx.Client, base: str) -> None:
    doc = sample_http.get(f"{base}/resource/occupation", params={"uri": PRODUCER}).json()
    skill = doc["_links"]["hasEssentialSkill"][0]["uri"]
    unknown = "http://data.europa.eu/esco/skill/00000000-0000-0000-0000-000000000000"
    body = sample_http.get(
        f"{base}/resource/concept", params=[("uris", PRODUCER), ("uris", skill), ("uris", unknown)]
    ).json()
    assert body["total"] == 2
    assert list(body["_embedded"]) == [PRODUCER, skill]
    assert body["missing"] == [unknown]


def test_related_gives_the_linked_documents(sample_http: httpx.Client, base: str) -> None:
    doc = sample_http.get(f"{base}/resource/occupation", params={"uri": PRODUCER}).json()
    expected = [link["uri"] for link in doc["_links"]["hasOptionalSkill"]]
    body = sample_http.get(
        f"{base}/resource/related",
        params={"uri": PRODUCER, "relation": "hasOptionalSkill", "limit": 100},
    ).json()
    assert body["total"] == len(expected)
    assert [d["uri"] for d in body["_embedded"]["hasOptionalSkill"]] == expected
    assert all("preferredLabel" in d for d in body["_embedded"]["hasOptionalSkill"])


def test_a_taxonomy_has_its_top_concepts(sample_http: httpx.Client, base: str) -> None:
    body = sample_http.get(f"{base}/resource/taxonomy", params={"uri": SCHEMES + "isco"}).json()
    assert body["className"] == "ConceptScheme"
    tops = {link["uri"] for link in body["_links"]["hasTopConcept"]}
    expected = set(
        _sparql_column(
            sample_http,
            f"SELECT ?c WHERE {{ <{SCHEMES}isco> "
            "<http://www.w3.org/2004/02/skos/core#hasTopConcept> ?c }",
        )
    )
    assert tops == expected and tops


def test_search_says_how_each_hit_matched(sample_http: httpx.Client, base: str) -> None:
    body = sample_http.get(f"{base}/search", params={"text": "producer", "limit": 5}).json()
    results = body["_embedded"]["results"]
    assert results[0]["uri"] == PRODUCER and results[0]["title"] == "producer"
    assert results[0]["searchHit"] == "producer"
    assert results[0]["matchedLabel"] == "preferred" and results[0]["matchType"] == "exact"
    scores = [r["score"] for r in results]
    assert scores == sorted(scores, reverse=True)
    assert body["total"] >= len(results)
    assert results[0]["_links"]["self"]["href"].startswith(base + "/resource/occupation?uri=")
    native = sample_http.get("/occupations", params={"q": "producer", "limit": 5}).json()
    occupations = [r["uri"] for r in results if r["className"] == "Occupation"]
    assert occupations == [o["uri"] for o in native["items"]][: len(occupations)]
    # The next page continues the ranking.
    second = sample_http.get(
        f"{base}/search", params={"text": "producer", "limit": 5, "offset": 1}
    ).json()["_embedded"]["results"]
    assert not {r["uri"] for r in second} & {r["uri"] for r in results}


def test_search_by_type_and_full(sample_http: httpx.Client, base: str) -> None:
    body = sample_http.get(
        f"{base}/search", params={"text": "film", "type": "skill", "full": "true"}
    ).json()
    results = body["_embedded"]["results"]
    assert results and all(r["className"] == "Skill" for r in results)
    for result in results:
        assert result["preferredLabel"]["en"] == result["title"]
        assert all(isinstance(u, str) for u in result["broaderHierarchyConcept"])
    native = sample_http.get("/skills", params={"q": "film", "limit": 100}).json()
    assert body["total"] == native["total"]


def test_suggest2_completes_a_word(sample_http: httpx.Client, base: str) -> None:
    body = sample_http.get(f"{base}/suggest2", params={"text": "prod", "limit": 5}).json()
    results = body["_embedded"]["results"]
    assert PRODUCER in {r["uri"] for r in results}
    native = sample_http.get("/suggest", params={"q": "prod", "limit": 5}).json()
    assert [r["uri"] for r in results] == [s["uri"] for s in native["items"]]


def test_another_language(sample_http: httpx.Client, base: str) -> None:
    doc = sample_http.get(
        f"{base}/resource/occupation", params={"uri": PRODUCER, "language": "fr"}
    ).json()
    assert doc["title"] == doc["preferredLabel"]["fr"] != doc["preferredLabel"]["en"]
    assert "language=fr" in doc["_links"]["self"]["href"]


@pytest.mark.parametrize(
    ("path", "params", "status", "logref"),
    [
        ("/resource/taxonom", {"uri": SCHEMES + "isco"}, 400, "BadInputException"),
        ("/resource/skill", {}, 400, "BadInputException"),
        ("/resource/skill", {"isInScheme": SCHEMES + "isco", "limit": 0}, 400, "BadInputException"),
        ("/resource/skill", {"uri": PRODUCER}, 404, "NotFoundException"),
        ("/resource/concept", {"uri": "not an IRI"}, 404, "NotFoundException"),
        (
            "/resource/occupation",
            {"uri": PRODUCER, "selectedVersion": "v0.1"},
            404,
            "NotFoundException",
        ),
        ("/resource/occupation", {"uri": PRODUCER, "language": "xx"}, 400, "BadInputException"),
        ("/resource/skill", {"isInScheme": SCHEMES + "nothing"}, 404, "NotFoundException"),
        ("/resource/related", {"uri": PRODUCER, "relation": "likes"}, 400, "BadInputException"),
        ("/search", {}, 400, "BadInputException"),
        ("/search", {"text": "officers", "type": "concept"}, 400, "BadInputException"),
        ("/suggest2", {"text": "offi", "type": "concept"}, 400, "BadInputException"),
        ("/nothing/here", {}, 400, "BadInputException"),
    ],
)
def test_errors_as_the_esco_api_gives_them(
    sample_http: httpx.Client,
    base: str,
    path: str,
    params: dict[str, Any],
    status: int,
    logref: str,
) -> None:
    answer = sample_http.get(base + path, params=params)
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    body = answer.json()
    assert body["logref"] == logref and body["status"] == status
    assert body["message"] == body["detail"] and body["message"]
    assert body["_links"] is None
    assert body["type"].startswith("https://") and body["title"]


def test_the_openapi_schema_documents_the_paths(sample_http: httpx.Client) -> None:
    paths = sample_http.get("/openapi.json").json()["paths"]
    for path in ("resource/{kind}", "resource/related", "search", "suggest2"):
        assert f"{API}/{path}" in paths
