"""The W3C Reconciliation Service (API 0.2) at /reconcile, on a real server over the bundled
sample, asked as OpenRefine asks (form-encoded batches keyed q0, q1...; JSONP for the
manifest), every answer validated against the JSON schemas the W3C group publishes
(tests/reconcile-schemas/)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import jsonschema_rs
import pytest

from tests.conftest import LiveServer

SCHEMAS = Path(__file__).parent / "reconcile-schemas"
BASE = "https://reconciliation-api.github.io/specs/0.2/schemas/"
PRODUCER = "http://data.europa.eu/esco/occupation/52b9e8dc-de6c-41dd-b29a-e1291c273f6f"
OCCUPATION = "http://data.europa.eu/esco/model#Occupation"
SKILL = "http://data.europa.eu/esco/model#Skill"


def _resources() -> list[tuple[str, Any]]:
    found = []
    for path in sorted(SCHEMAS.glob("*.json")):
        schema = json.loads(path.read_text(encoding="utf-8"))
        found.append((schema.get("$id", BASE + path.name), schema))
    return found


REGISTRY = jsonschema_rs.Registry(_resources())


def valid(name: str, document: Any) -> None:
    schema = json.loads((SCHEMAS / name).read_text(encoding="utf-8"))
    validator = jsonschema_rs.Draft7Validator(schema, registry=REGISTRY)
    errors = [str(e) for e in validator.iter_errors(document)]
    assert errors == [], errors[:3]


def test_the_schemas_refuse_what_they_should() -> None:
    # The validation below can fail: the schemas are loaded and strict where the spec is.
    with pytest.raises(AssertionError):
        valid("manifest.json", {"versions": ["0.1"], "name": "x"})
    with pytest.raises(AssertionError):
        valid("reconciliation-result-batch.json", {"q0": {"result": [{"id": "x"}]}})


def test_the_manifest_and_its_jsonp_form(sample_http: httpx.Client) -> None:
    answer = sample_http.get("/reconcile")
    assert answer.status_code == 200 and answer.headers["content-type"] == "application/json"
    manifest = answer.json()
    valid("manifest.json", manifest)
    assert manifest["identifierSpace"] == "http://data.europa.eu/esco/"
    assert {t["name"] for t in manifest["defaultTypes"]} == {"Occupation", "Skill"}
    # OpenRefine retries as JSONP when a plain request fails: callback and _ only.
    jsonp = sample_http.get("/reconcile", params={"callback": "jQuery123_456", "_": "17"})
    assert jsonp.headers["content-type"].startswith("application/javascript")
    body = jsonp.text.removeprefix("/**/jQuery123_456(").removesuffix(");")
    assert json.loads(body) == manifest
    bad = sample_http.get("/reconcile", params={"callback": "alert(1)//"})
    assert bad.status_code == 422  # a callback is a JavaScript name, nothing more
    assert bad.headers["content-type"].startswith("application/problem+json")
    cors = sample_http.get("/reconcile", headers={"Origin": "https://openrefine.example"})
    assert cors.headers["access-control-allow-origin"] == "*"


TITLES = {
    "q0": {"query": "music producer", "type": OCCUPATION},
    "q1": {"query": "Senior Sound Engineers", "type": OCCUPATION, "limit": 3},
    "q2": {"query": "composr", "type": OCCUPATION},  # a typo
    "q6": {"query": "composer"},  # no type: occupations and skills
    "q3": {"query": "manage budgets", "type": "Skill"},
    "q4": {
        "query": "director",
        "type": OCCUPATION,
        "properties": [{"pid": "isco_group", "v": "2654"}],
    },
    "q5": {"query": "zzqx qqzz", "type": OCCUPATION},
}


def test_a_column_of_job_titles_reconciles_in_one_batch(sample_http: httpx.Client) -> None:
    answer = sample_http.post("/reconcile", data={"queries": json.dumps(TITLES)})
    assert answer.status_code == 200
    batch = answer.json()
    valid("reconciliation-result-batch.json", batch)
    assert set(batch) == set(TITLES)  # the client's keys come back as they were
    first = batch["q0"]["result"][0]
    assert first["name"] == "music producer" and first["match"] is True
    assert first["id"].startswith("http://data.europa.eu/esco/occupation/")
    assert first["type"] == [{"id": OCCUPATION, "name": "Occupation"}]
    assert [c["match"] for c in batch["q0"]["result"][1:]] == [False] * (
        len(batch["q0"]["result"]) - 1
    )
    scores = [c["score"] for c in batch["q0"]["result"]]
    assert scores == sorted(scores, reverse=True)
    assert len(batch["q1"]["result"]) == 3
    assert any("sound" in c["name"] for c in batch["q1"]["result"])
    assert batch["q2"]["result"][0]["name"] == "composer"
    assert {c["type"][0]["name"] for c in batch["q6"]["result"]} == {"Occupation", "Skill"}
    assert batch["q3"]["result"][0]["name"] == "manage budgets"
    assert batch["q3"]["result"][0]["type"][0]["id"] == SKILL
    assert batch["q4"]["result"] and all(
        c["description"] == "ISCO-08 2654" for c in batch["q4"]["result"]
    )
    assert batch["q5"] == {"result": []}
    # The same batch by GET, as the spec also allows.
    again = sample_http.get("/reconcile", params={"queries": json.dumps(TITLES)})
    assert again.json() == batch


def test_a_constraint_changes_the_candidates(sample_http: httpx.Client) -> None:
    def names(group: str) -> set[str]:
        query = {"q": {"query": "director", "properties": [{"pid": "isco_group", "v": group}]}}
        answer = sample_http.post("/reconcile", data={"queries": json.dumps(query)}).json()
        return {c["name"] for c in answer["q"]["result"]}

    assert names("2654") and names("2652")
    assert names("2654").isdisjoint(names("2652"))
    only = {"q": {"properties": [{"pid": "isco_group", "v": "7312"}], "type": OCCUPATION}}
    listed = sample_http.post("/reconcile", data={"queries": json.dumps(only)}).json()
    valid("reconciliation-result-batch.json", listed)
    assert listed["q"]["result"] and all(c["match"] for c in listed["q"]["result"])


def test_a_batch_of_constraints_alone_is_an_index_lookup(sample_http: httpx.Client) -> None:
    # 100 queries of 10 constraints of 50 values each: answered from the facets' index.
    many = [{"pid": "reuse_level", "v": [f"level {n}" for n in range(50)]}] * 10
    batch = {f"q{n}": {"type": "Skill", "properties": many} for n in range(100)}
    answer = sample_http.post("/reconcile", data={"queries": json.dumps(batch)}, timeout=10)
    assert answer.status_code == 200
    assert all(v == {"result": []} for v in answer.json().values())
    fits = {"q": {"type": "Skill", "properties": [{"pid": "skill_type", "v": "knowledge"}]}}
    listed = sample_http.post("/reconcile", data={"queries": json.dumps(fits)}).json()["q"]
    assert len(listed["result"]) == 10
    assert all(c["description"] == "knowledge" for c in listed["result"])


def test_an_id_as_the_query_is_that_entity(sample_http: httpx.Client) -> None:
    batch = {"q0": {"query": PRODUCER}}
    (hit,) = sample_http.post("/reconcile", data={"queries": json.dumps(batch)}).json()["q0"][
        "result"
    ]
    assert (hit["id"], hit["name"], hit["match"]) == (PRODUCER, "producer", True)


def test_preview_suggest_and_property_proposals(sample_http: httpx.Client) -> None:
    page = sample_http.get("/reconcile/preview", params={"id": PRODUCER})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "<b>producer</b>" in page.text and "2654" in page.text
    missing = sample_http.get(
        "/reconcile/preview",
        params={"id": "http://data.europa.eu/esco/occupation/00000000-0000-4000-8000-000000000000"},
    )
    assert missing.status_code == 404
    entities = sample_http.get("/reconcile/suggest/entity", params={"prefix": "prod"}).json()
    valid("suggest-entities-response.json", entities)
    assert "producer" in [e["name"] for e in entities["result"]]
    types = sample_http.get("/reconcile/suggest/type", params={"prefix": "occ"}).json()
    valid("suggest-types-response.json", types)
    assert [t["name"] for t in types["result"]] == ["Occupation"]
    props = sample_http.get("/reconcile/suggest/property", params={"prefix": "isco"}).json()
    valid("suggest-properties-response.json", props)
    assert [p["id"] for p in props["result"]] == ["isco_group", "skill_level"]  # "ISCO skill level"
    proposal = sample_http.get("/reconcile/properties", params={"type": OCCUPATION}).json()
    valid("data-extension-property-proposal.json", proposal)
    assert {"isco_group", "essential_skills", "onet_code", "holland_code"} <= {
        p["id"] for p in proposal["properties"]
    }


def test_data_extension_gives_isco_skills_and_o_net(sample_http: httpx.Client) -> None:
    skill = sample_http.get("/skills", params={"q": "manage budgets", "limit": 1}).json()
    skill_uri = skill["items"][0]["uri"]
    request = {
        "ids": [PRODUCER, skill_uri],
        "properties": [
            {"id": p}
            for p in (
                "isco_group",
                "skill_level",
                "essential_skills",
                "onet_code",
                "holland_code",
                "skill_type",
            )
        ],
    }
    valid("data-extension-query.json", request)
    answer = sample_http.post("/reconcile", data={"extend": json.dumps(request)}).json()
    valid("data-extension-response.json", answer)
    producer = answer["rows"][PRODUCER]
    assert producer["isco_group"] == [{"str": "2654"}]
    assert producer["skill_level"] == [{"int": 4}]
    assert producer["onet_code"] == [{"str": "27-2012.00"}]
    assert producer["holland_code"] == [{"str": "AE"}]
    assert producer["essential_skills"] and all("id" in s for s in producer["essential_skills"])
    assert producer["skill_type"] == []  # not an occupation's property
    assert answer["rows"][skill_uri]["skill_type"] == [{"str": "skill"}]
    meta = {m["id"]: m for m in answer["meta"]}
    assert meta["essential_skills"]["type"]["id"] == SKILL


@pytest.mark.parametrize(
    ("form", "status"),
    [
        ({"queries": "{not json"}, 400),
        ({"queries": "[1, 2]"}, 400),
        ({"queries": json.dumps({"q0": "producer"})}, 400),
        ({"queries": json.dumps({"q0": {"query": "x", "limit": "ten"}})}, 400),
        ({"queries": json.dumps({"q0": {"query": "x", "properties": [{"p": "a"}]}})}, 400),
        ({"queries": json.dumps({"q0": {}})}, 400),
        ({"queries": json.dumps({f"q{n}": {"query": "producer"} for n in range(101)})}, 413),
        ({"queries": json.dumps({"q0": {"properties": [{"pid": "a", "v": "b"}] * 11}})}, 400),
        ({"queries": json.dumps({"q0": {"properties": [{"pid": "a", "v": ["b"] * 51}]}})}, 400),
        ({"extend": json.dumps({"ids": "producer"})}, 400),
        ({"extend": json.dumps({"ids": [], "properties": [1]})}, 400),
        ({}, 415),  # no form at all
    ],
)
def test_bad_input_is_a_clear_problem(sample_http: httpx.Client, form: dict, status: int) -> None:
    answer = sample_http.post("/reconcile", data=form)
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert answer.json()["status"] == status


def test_an_unknown_type_has_no_candidates(sample_http: httpx.Client) -> None:
    batch = {"q0": {"query": "producer", "type": "http://example.org/Person"}}
    answer = sample_http.post("/reconcile", data={"queries": json.dumps(batch)}).json()
    assert answer == {"q0": {"result": []}}


def test_a_real_client_reconciles_a_spreadsheet_column(sample_server: LiveServer) -> None:
    # reconciler (PyPI) reconciles a pandas column in chunks of 10, keyed "0", "1"...
    import pandas as pd
    from reconciler import reconcile as reconcile_column

    sheet = pd.DataFrame(
        {
            "title": ["Music Producers", "composr", "Sound Engineer", "radio producer"],
            "isco": ["2654", "2652", "3521", "2654"],
        }
    )
    found = reconcile_column(
        sheet["title"],
        type_id=OCCUPATION,
        property_mapping={"isco_group": sheet["isco"]},
        reconciliation_endpoint=f"{sample_server.url}/reconcile",
    )
    best = dict(zip(found["input_value"], found["name"], strict=True))
    assert best["Music Producers"] == "music producer"
    assert best["composr"] == "composer"
    assert best["radio producer"] == "radio producer"
    assert "sound" in best["Sound Engineer"]
    assert set(found["type_id"]) == {OCCUPATION}
    matched = dict(zip(found["input_value"], found["match"], strict=True))
    assert matched["radio producer"] and matched["Music Producers"]
