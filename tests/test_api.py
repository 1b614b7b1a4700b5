"""The JSON API on the tiny store, through FastAPI's TestClient (lifespan included)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from fastapi import FastAPI, Request
from fastapi.testclient import TestClient
from pyoxigraph import Store

from graph.errors import StoreError
from graph.store import FixedStore, LiveStore, active_version
from service import problems
from service.app import create_app
from service.routes import sparql
from service.routes.sparql import MAX_BODY, MAX_URL
from service.settings import Settings
from tests import tiny


@pytest.fixture(scope="module")
def client(tiny_root_shared: Path) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(store=tiny_root_shared))) as test_client:
        yield test_client


def uuid(uri: str) -> str:
    return uri.rsplit("/", 1)[1]


def test_health_reports_the_store(client: TestClient, tiny_root_shared: Path) -> None:
    body = client.get("/health").json()
    assert body["status"] == "ok"
    assert body["occupations"] == 6 and body["skills"] == 9 and body["isco_groups"] == 16
    assert body["occupation_skill_relations"] == 17
    assert body["triples"] > 100
    assert body["store"] == active_version(tiny_root_shared).name


def test_search_returns_summaries_best_first(client: TestClient) -> None:
    body = client.get("/occupations", params={"q": "producer", "limit": 5}).json()
    assert [i["label"] for i in body["items"]] == ["producer", "sound designer"]
    first = body["items"][0]
    score = first.pop("score")
    assert first == {
        "id": uuid(tiny.PRODUCER),
        "uri": tiny.PRODUCER,
        "label": "producer",
        "language": "en",
        "isco_group": "2654",
        "skill_level": 4,
        "matched_label": "preferred",
        "matched_text": "producer",
        "matched_language": "en",
        "match": "exact",
    }
    assert score > body["items"][1]["score"] > 0
    assert body["total"] == 2
    assert len(client.get("/occupations", params={"limit": 3}).json()["items"]) == 3


def test_profile_by_uuid_and_by_full_uri_agree(client: TestClient) -> None:
    by_id = client.get(f"/occupations/{uuid(tiny.PRODUCER)}")
    by_uri = client.get(f"/occupations/{quote(tiny.PRODUCER, safe='')}")
    assert by_id.status_code == by_uri.status_code == 200
    assert by_id.json() == by_uri.json()
    body = by_id.json()
    assert set(body) == {
        "id",
        "uri",
        "label",
        "language",
        "alt_labels",
        "description",
        "description_language",
        "translations",
        "code",
        "isco_group",
        "skill_level",
        "essential_skills",
        "optional_skills",
        "onet",
        "interests",
        "holland_code",
        "preparation",
    }
    # The tiny bundle has no O*NET beside it: its fields are null, not an error.
    assert body["onet"] is body["interests"] is body["holland_code"] is None
    assert body["preparation"] is None
    assert body["alt_labels"] == ["executive producer", "film producer"]
    assert [s["label"] for s in body["essential_skills"]] == ["manage budgets", "script writing"]
    assert body["essential_skills"][1] == {
        "id": uuid(tiny.SCRIPT),
        "uri": tiny.SCRIPT,
        "label": "script writing",
        "language": "en",
        "skill_type": "knowledge",
    }


def test_similar_and_prospects(client: TestClient) -> None:
    body = client.get(f"/occupations/{uuid(tiny.PRODUCER)}/similar", params={"limit": 1}).json()
    assert body["occupation"]["label"] == "producer"
    (item,) = body["items"]
    assert item["label"] == "director" and item["score"] == pytest.approx(0.75)
    assert set(item) == {
        "id",
        "uri",
        "label",
        "language",
        "isco_group",
        "skill_level",
        "score",
        "shared_essential",
        "shared_optional",
    }
    body = client.get(f"/occupations/{uuid(tiny.INSTRUMENT_MAKER)}/prospects").json()
    assert [i["skill_level"] for i in body["items"]] == [4, 3, 4]


def test_skill_gap_names_from_and_to(client: TestClient) -> None:
    body = client.get(f"/occupations/{uuid(tiny.PRODUCER)}/skill-gap/{uuid(tiny.DIRECTOR)}").json()
    assert body["from"]["label"] == "producer" and body["to"]["label"] == "director"
    assert [s["label"] for s in body["missing_essential"]] == ["direct actors"]
    assert body["coverage"] == pytest.approx(0.666667)
    full = client.get(
        f"/occupations/{quote(tiny.PRODUCER, safe='')}/skill-gap/{quote(tiny.DIRECTOR, safe='')}"
    ).json()
    assert full == body


def test_skill_and_isco_group(client: TestClient) -> None:
    skill = client.get(f"/skills/{uuid(tiny.MUSIC)}").json()
    assert skill["label"] == "music theory" and skill["reuse_level"] == "transversal"
    assert [o["label"] for o in skill["essential_for"]] == ["sound designer"]
    group = client.get("/isco/2654").json()
    assert group["code"] == "2654" and group["parent"]["code"] == "265"
    assert group["occupation_count"] == 3
    assert client.get("/isco/C2654").json() == group
    assert client.get("/isco/0110").json()["code"] == "0110"


def test_openapi_documents_every_endpoint(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    paths = set(spec["paths"])
    for path in [
        "/health",
        "/occupations",
        "/occupations/{id}",
        "/occupations/{id}/similar",
        "/occupations/{id}/prospects",
        "/occupations/{id}/skill-gap/{target}",
        "/occupations/{id}/paths/{target}",
        "/match",
        "/skills/{id}",
        "/isco/{code}",
        "/sparql",
    ]:
        assert path in paths, path
    assert client.get("/docs").status_code == 200


def test_a_pyoxigraph_store_can_be_served_directly(tiny_root_shared: Path) -> None:
    store = Store()
    store.bulk_extend(Store.read_only(str(active_version(tiny_root_shared))))
    with TestClient(create_app(store=store)) as direct:
        assert direct.get(f"/occupations/{uuid(tiny.PRODUCER)}").json()["label"] == "producer"


# --- Every error, one shape -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "kwargs", "status", "slug"),
    [
        ("GET", "/occupations/00000000-0000-4000-8000-000000000000", {}, 404, "not-found"),
        ("GET", "/occupations/producer", {}, 422, "invalid-identifier"),
        (
            "GET",
            f"/occupations/{tiny.PRODUCER.rsplit('/', 1)[1]}/skill-gap/nope",
            {},
            422,
            "invalid-identifier",
        ),
        ("GET", "/occupations", {"params": {"limit": 0}}, 422, "invalid-parameter"),
        ("GET", "/occupations", {"params": {"limit": "many"}}, 422, "invalid-parameter"),
        ("GET", "/skills/00000000-0000-4000-8000-000000000000", {}, 404, "not-found"),
        ("GET", "/isco/12345", {}, 422, "invalid-identifier"),
        ("GET", "/isco/9999", {}, 404, "not-found"),
        ("GET", "/no/such/path", {}, 404, "not-found"),
        ("DELETE", "/health", {}, 405, "method-not-allowed"),
        ("GET", "/sparql", {"params": {"query": "SELECT ?x WHERE { ?x }"}}, 400, "malformed-query"),
        (
            "GET",
            "/sparql",
            {"params": {"query": "ASK {" + "{" * 2000 + "}" * 2001}},
            400,
            "too-deep",
        ),
        (
            "GET",
            "/sparql",
            {"params": {"query": "ASK { SERVICE <http://127.0.0.1:9/s> { ?s ?p ?o } }"}},
            400,
            "service-not-allowed",
        ),
        ("GET", "/sparql", {"params": {"query": "ASK {}" + " " * MAX_URL}}, 414, "uri-too-long"),
        (
            "POST",
            "/sparql",
            {
                "content": "ASK {}",
                "headers": {"content-type": "application/sparql-query; charset=klingon"},
            },
            415,
            "unsupported-charset",
        ),
        (
            "POST",
            "/sparql",
            {"content": "DROP ALL", "headers": {"content-type": "application/sparql-update"}},
            403,
            "read-only",
        ),
        (
            "POST",
            "/sparql",
            {"content": "SELECT * {}", "headers": {"content-type": "text/plain"}},
            415,
            "unsupported-media-type",
        ),
        (
            "GET",
            "/sparql",
            {"params": {"query": "ASK {}"}, "headers": {"accept": "image/png"}},
            406,
            "not-acceptable",
        ),
        (
            "POST",
            "/sparql",
            {
                "content": "update=DROP%20ALL",
                "headers": {"content-type": "application/x-www-form-urlencoded"},
            },
            403,
            "read-only",
        ),
        (
            "POST",
            "/sparql",
            {
                "content": "ASK {} #" + "x" * MAX_BODY,
                "headers": {"content-type": "application/sparql-query"},
            },
            413,
            "too-large",
        ),
        ("DELETE", "/sparql", {}, 405, "method-not-allowed"),
    ],
)
def test_every_error_is_a_problem_document(
    client: TestClient, method: str, path: str, kwargs: dict[str, object], status: int, slug: str
) -> None:
    response = client.request(method, path, **kwargs)  # type: ignore[arg-type]
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status
    assert body["type"] == f"https://w3id.org/skillgraph/problems/{slug}"
    assert body["title"] and body["detail"]
    assert body["instance"] == path


class BrokenSource:
    """A store source whose store directory has gone away."""

    def get(self) -> object:
        raise StoreError("cannot open the store at /gone: No such file or directory")


def test_a_store_fault_is_503_not_the_clients_fault(caplog: pytest.LogCaptureFixture) -> None:
    with TestClient(create_app(store=BrokenSource())) as broken:  # type: ignore[arg-type]
        response = broken.get(f"/occupations/{uuid(tiny.PRODUCER)}")
    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"].endswith("/store-unavailable")
    assert "cannot open the store" in caplog.text
    with TestClient(create_app(store=BrokenSource())) as broken:  # type: ignore[arg-type]
        response = broken.get("/sparql", params={"query": "ASK {}"})
    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["instance"] == "/sparql"


class FailingSource:
    """A store source that works at start-up, then fails as no store source should."""

    def __init__(self, root: Path) -> None:
        self.live = LiveStore(root)
        self.failing = False

    def get(self) -> object:
        if self.failing:
            raise RuntimeError("a bug, not a store fault")
        return self.live.get()


def test_a_server_fault_in_sparql_is_a_logged_500_problem(
    tiny_root_shared: Path, caplog: pytest.LogCaptureFixture
) -> None:
    source = FailingSource(tiny_root_shared)
    app = create_app(store=source)  # type: ignore[arg-type]
    with TestClient(app, raise_server_exceptions=False) as c:
        source.failing = True
        response = c.get("/sparql", params={"query": "ASK {}"})
    assert response.status_code == 500
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"].endswith("/internal-error")
    assert "a bug, not a store fault" in caplog.text


def test_the_sparql_routes_answer_as_the_endpoint_does(tiny_root_shared: Path) -> None:
    # create_app answers /sparql in SparqlEndpoint, before routing; an app made of the
    # router alone (or one the middleware does not sit in front of) answers the same.
    store = Store.read_only(str(active_version(tiny_root_shared)))
    routed = FastAPI()
    routed.state.store_source = FixedStore(store)
    problems.install(routed)
    routed.include_router(sparql.router)
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    with TestClient(routed) as bare, TestClient(create_app(store=store)) as full:
        for c in (bare, full):
            got = c.get("/sparql", params={"query": query})
            assert got.headers["content-type"] == "application/sparql-results+json; charset=utf-8"
            posted = c.post(
                "/sparql", content=query, headers={"content-type": "application/sparql-query"}
            )
            assert posted.json() == got.json()
            bad = c.get("/sparql", params={"query": "SELECT ?x WHERE { ?x }"})
            assert bad.status_code == 400
            assert bad.json()["type"].endswith("/malformed-query")
        assert bare.get("/sparql", params={"query": query}).json() == got.json()
        assert int(got.json()["results"]["bindings"][0]["n"]["value"]) == len(store)


def test_the_app_serves_sparql_again_after_a_restart(tiny_root_shared: Path) -> None:
    # Each run of the app (lifespan) has its own query threads, released when it stops.
    app = create_app(Settings(store=tiny_root_shared))
    for _ in range(2):
        with TestClient(app) as c:
            assert c.get("/sparql", params={"query": "ASK {}"}).json()["boolean"] is True


def test_a_damaged_active_link_keeps_the_open_store_serving(tiny_root: Path) -> None:
    with TestClient(create_app(Settings(store=tiny_root, reload_check_seconds=0))) as c:
        before = c.get("/health").json()
        (tiny_root / "active").unlink()
        (tiny_root / "active").symlink_to("v-missing")
        after = c.get("/health").json()
        assert after == before
        assert c.get(f"/occupations/{uuid(tiny.PRODUCER)}").status_code == 200


SPARQL_REQUESTS: list[tuple[str, dict[str, Any]]] = [
    ("GET", {"params": {"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"}}),
    ("GET", {"params": {"query": "SELECT ?x WHERE { ?x }"}}),  # 400
    ("GET", {"params": {"query": "ASK {}"}, "headers": {"accept": "text/csv"}}),
    ("GET", {"params": {"query": "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 2"}}),
    ("GET", {"params": {"query": "ASK {}"}, "headers": {"accept": "image/png"}}),  # 406
    ("POST", {"content": "ASK {}", "headers": {"content-type": "application/sparql-query"}}),
    ("POST", {"data": {"query": "ASK {}"}}),
    ("POST", {"data": {"update": "CLEAR ALL"}}),  # 403
    ("POST", {"content": "ASK {}", "headers": {"content-type": "text/plain"}}),  # 415
    (
        "POST",
        {"content": "#" * (MAX_BODY + 1), "headers": {"content-type": "application/sparql-query"}},
    ),
    ("DELETE", {}),  # 405, from the router
]


def test_scripts_and_browsers_get_the_same_sparql_answers(tiny_root_shared: Path) -> None:
    # Browsers' requests carry Origin, and CORS dresses the endpoint's answers to them;
    # otherwise both must answer alike.
    app = create_app(Settings(store=tiny_root_shared))
    statuses = set()
    with TestClient(app) as c:
        for method, options in SPARQL_REQUESTS:
            script = c.request(method, "/sparql", **options)
            headers = {**options.get("headers", {}), "origin": "https://yasgui.example"}
            page = c.request(method, "/sparql", **{**options, "headers": headers})
            assert script.status_code == page.status_code, (method, options)
            assert script.headers["content-type"] == page.headers["content-type"]
            assert script.content == page.content
            assert "access-control-allow-origin" not in script.headers
            assert page.headers["access-control-allow-origin"] == "*"
            statuses.add(script.status_code)
    assert statuses == {200, 400, 403, 405, 406, 413, 415}


def test_a_middleware_added_later_sees_every_sparql_request(tiny_root_shared: Path) -> None:
    app = create_app(Settings(store=tiny_root_shared))
    seen: list[str] = []

    @app.middleware("http")
    async def record(request: Request, call_next: Any) -> Any:
        seen.append(request.url.path)
        return await call_next(request)

    with TestClient(app) as c:
        assert c.get("/sparql", params={"query": "ASK {}"}).json()["boolean"] is True
    assert seen == ["/sparql"]
