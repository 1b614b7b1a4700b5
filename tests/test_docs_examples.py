"""Every example of the API docs gives a real answer on the bundled sample, as a newcomer
pressing "Try it out" on /docs would see it; every documented error shows its own example."""

from __future__ import annotations

from typing import Any

import httpx

from service import examples


def _schema(http: httpx.Client) -> dict[str, Any]:
    answer = http.get("/openapi.json")
    assert answer.status_code == 200
    return answer.json()  # type: ignore[no-any-return]


def _filled(path: str, parameters: list[dict[str, Any]]) -> tuple[str, dict[str, Any]]:
    query: dict[str, Any] = {}
    for parameter in parameters:
        if parameter["in"] == "path":
            assert "example" in parameter, f"{path}: no example for {parameter['name']}"
            path = path.replace("{" + parameter["name"] + "}", str(parameter["example"]))
        elif "example" in parameter:
            query[parameter["name"]] = parameter["example"]
        else:
            assert not parameter.get("required"), f"{path}: no example for {parameter['name']}"
    return path, query


def _has_content(value: Any) -> bool:
    """Something in the answer: a list of items is not empty, a list of paths neither."""
    if not isinstance(value, dict) or not value:
        return False
    return all(bool(value[key]) for key in ("items", "paths") if key in value)


def test_every_operation_answers_its_examples_on_the_sample(sample_http: httpx.Client) -> None:
    schema = _schema(sample_http)
    called = []
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            url, query = _filled(path, operation.get("parameters", []))
            if method == "get":
                answer = sample_http.get(url, params=query)
            elif path == "/match":
                body_schema = schema["components"]["schemas"]["MatchRequest"]["properties"]
                body = {k: v["examples"][0] for k, v in body_schema.items() if "examples" in v}
                assert body, "the /match body has no example"
                answer = sample_http.post(url, json=body)
            elif path == "/changes/check":
                answer = sample_http.post(url, params=query, json={"uris": examples.CHECKED_URIS})
            elif path == "/reconcile":  # a batch, as OpenRefine sends it
                answer = sample_http.post(url, data={"queries": examples.RECONCILE_QUERIES})
            else:  # POST /sparql: the GET example's query, as a form
                query = examples.PARAMETERS["get", "/sparql"]
                answer = sample_http.post(url, data=query)
            assert answer.status_code == 200, f"{method.upper()} {url}: {answer.text[:300]}"
            if path == "/changes":  # the sample is one release: nothing changed
                assert answer.json()["total"] == 0 and answer.json()["counts"]
            elif answer.headers["content-type"].startswith("application/json"):
                assert _has_content(answer.json()), f"{method.upper()} {url}: {answer.text[:300]}"
            else:
                assert len(answer.content) > 100, f"{method.upper()} {url}"
            called.append((method, path))
    assert len(called) >= 14
    assert set(examples.PARAMETERS) <= set(called)


def test_prospects_and_paths_examples_have_some(sample_http: httpx.Client) -> None:
    prospects = sample_http.get(f"/occupations/{examples.CAMERA_OPERATOR}/prospects").json()
    assert examples.PRODUCER in [o["id"] for o in prospects["items"]]
    paths = sample_http.get(
        f"/occupations/{examples.CAMERA_OPERATOR}/paths/{examples.PRODUCER}"
    ).json()
    assert paths["paths"]


def test_every_documented_error_shows_an_example_of_its_own_status(
    sample_http: httpx.Client,
) -> None:
    schema = _schema(sample_http)
    seen = set()
    for path, item in schema["paths"].items():
        for operation in item.values():
            for status, response in operation["responses"].items():
                content = response.get("content", {}).get("application/problem+json")
                if content is None:
                    continue
                example = content["example"]
                assert example["status"] == int(status), (path, status)
                assert example["type"].startswith("https://w3id.org/skillgraph/problems/")
                seen.add(int(status))
    assert {404, 422, 503} <= seen


def test_the_profile_comes_first_among_an_occupations_operations(
    sample_http: httpx.Client,
) -> None:
    paths = [p for p in _schema(sample_http)["paths"] if p.startswith("/occupations/")]
    assert paths[0] == "/occupations/{id}"
