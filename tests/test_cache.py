"""Answers kept per store version, with ETags, and forgotten when a load makes a new one."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import httpx

from skillgraph.pipeline import load_bundle
from tests.conftest import LiveServer, eventually

PRODUCER = "/occupations/11111111-1111-4111-8111-000000000001"


def test_a_repeated_answer_is_the_same_and_carries_the_store_version(
    tiny_root: Path, serve: Callable[..., LiveServer]
) -> None:
    server = serve(tiny_root)
    with httpx.Client(base_url=server.url) as http:
        first = http.get(PRODUCER)
        second = http.get(PRODUCER)
        assert first.status_code == second.status_code == 200
        assert first.content == second.content
        assert first.headers["etag"] == second.headers["etag"]
        assert first.headers["etag"].startswith('W/"v-')
        assert second.headers["content-type"] == "application/json"
        assert (
            http.get(PRODUCER + "/similar", params={"limit": 1}).json()["items"][0]["label"]
            == "director"
        )
        assert len(http.get(PRODUCER + "/similar", params={"limit": 2}).json()["items"]) == 2


def test_if_none_match_gets_304(tiny_root: Path, serve: Callable[..., LiveServer]) -> None:
    server = serve(tiny_root)
    with httpx.Client(base_url=server.url) as http:
        etag = http.get(PRODUCER).headers["etag"]
        again = http.get(PRODUCER, headers={"if-none-match": etag})
        assert again.status_code == 304 and again.content == b""
        assert http.get(PRODUCER, headers={"if-none-match": 'W/"v-other"'}).status_code == 200


def test_errors_are_not_kept(tiny_root: Path, serve: Callable[..., LiveServer]) -> None:
    server = serve(tiny_root)
    with httpx.Client(base_url=server.url) as http:
        missing = "/occupations/99999999-9999-4999-8999-999999999999"
        assert http.get(missing).status_code == 404
        response = http.get(missing)
        assert response.status_code == 404 and "etag" not in response.headers
        assert response.headers["content-type"] == "application/problem+json"


def test_a_new_store_version_is_not_answered_from_the_old_one(
    tiny_root: Path, tiny_bundle: Path, serve: Callable[..., LiveServer]
) -> None:
    server = serve(tiny_root, reload_check_seconds=0.05)
    with httpx.Client(base_url=server.url) as http:
        before = http.get(PRODUCER)
        assert before.json()["label"] == "producer"
        text = (
            (tiny_bundle / "occupations_en.csv")
            .read_text()
            .replace(",producer,", ",film producer,")
        )
        (tiny_bundle / "occupations_en.csv").write_text(text)
        load_bundle(tiny_bundle, tiny_root)
        eventually(
            lambda: http.get(PRODUCER).json()["label"] == "film producer",
            "still answering from the old store version",
        )
        after = http.get(PRODUCER)
        assert after.headers["etag"] != before.headers["etag"]
        assert (
            http.get(PRODUCER, headers={"if-none-match": before.headers["etag"]}).status_code == 200
        )


def test_cors_headers_dress_cached_answers(
    tiny_root: Path, serve: Callable[..., LiveServer]
) -> None:
    server = serve(tiny_root)
    with httpx.Client(base_url=server.url) as http:
        for _ in range(2):
            response = http.get(PRODUCER, headers={"origin": "https://app.example"})
            assert response.headers["access-control-allow-origin"] == "*"


# --- 304 only for a resource that exists (RFC 9110: even * matches only a representation) --

UNKNOWN = "/occupations/99999999-9999-4999-8999-999999999999"


def test_if_none_match_on_what_does_not_exist_is_its_404_or_422(
    tiny_root: Path, serve: Callable[..., LiveServer]
) -> None:
    server = serve(tiny_root)
    with httpx.Client(base_url=server.url) as http:
        version = http.get(PRODUCER).headers["etag"]  # the store version's ETag
        for condition in ("*", version, f'W/"other", {version}'):
            for path, status in (
                (UNKNOWN, 404),
                (UNKNOWN + "/similar", 404),
                ("/occupations/not-an-id", 422),
                ("/skills/not-an-id", 422),
            ):
                answer = http.get(path, headers={"if-none-match": condition})
                assert answer.status_code == status, (path, condition)
                assert answer.headers["content-type"] == "application/problem+json"
                assert "etag" not in answer.headers


def test_a_known_resource_is_304_whether_or_not_its_200_is_kept_yet(
    tiny_root: Path, serve: Callable[..., LiveServer]
) -> None:
    server = serve(tiny_root)
    with httpx.Client(base_url=server.url) as http:
        # Nothing kept yet: the request is routed, and its 200 turned into a 304.
        first = http.get(PRODUCER, headers={"if-none-match": "*"})
        assert first.status_code == 304 and first.content == b""
        etag = first.headers["etag"]
        assert etag.startswith('W/"v-')
        assert "accept-language" in first.headers["vary"].lower()
        assert "content-type" not in first.headers
        # The 200 behind it was kept: asked plainly, it is the whole answer, same tag.
        whole = http.get(PRODUCER)
        assert whole.status_code == 200 and whole.json()["label"] == "producer"
        assert whole.headers["etag"] == etag
        # Kept now: the version's tag, alone or in a list, and * are all 304.
        for condition in (etag, "*", f'W/"other", {etag}', etag.removeprefix("W/")):
            again = http.get(PRODUCER, headers={"if-none-match": condition})
            assert again.status_code == 304, condition
            assert again.headers["etag"] == etag
        other = http.get(PRODUCER + "/similar", headers={"if-none-match": etag})
        assert other.status_code == 304  # routed, then 304: the same version's tag
        assert http.get(PRODUCER + "/similar").json()["items"]
