"""Career paths and matching from skills on the tiny bundle, where every path and every
coverage can be worked out by hand (see tests/tiny.py for the skills).

Moves on the tiny classification (similar: same level, sharing a skill; prospect: higher):
    producer <-> director, producer <-> sound designer        similar (level 4)
    camera operator -> producer, director, sound designer      prospects (3 -> 4)
    instrument maker -> camera operator, producer, sound designer   prospects (2 -> 3, 4)
    army officer: shares no skill with anyone, so no moves
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from graph.careers import CareerIndex
from graph.catalog import Catalog
from graph.queries import QueryRunner
from graph.search import SkillIndex
from graph.store import LiveStore
from service import answers
from service.app import create_app
from service.settings import Settings
from tests import tiny

RUNNER = QueryRunner()


def uuid(uri: str) -> str:
    return uri.rsplit("/", 1)[1]


@pytest.fixture(scope="module")
def client(tiny_root_shared: Path) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(store=tiny_root_shared))) as test_client:
        yield test_client


def route(path: dict[str, Any]) -> list[str]:
    return [step["occupation"]["label"] for step in path["steps"]]


def learned(path: dict[str, Any]) -> list[list[str]]:
    return [[skill["label"] for skill in step["learn"]] for step in path["steps"]]


def paths(client: TestClient, source: str, target: str, **params: object) -> dict[str, Any]:
    response = client.get(f"/occupations/{uuid(source)}/paths/{uuid(target)}", params=params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


# --- Career paths ---------------------------------------------------------------------------


def test_the_moves_are_the_stored_similar_occupations_and_prospects(
    tiny_root_shared: Path,
) -> None:
    index = CareerIndex.build(LiveStore(tiny_root_shared).get().store, RUNNER)
    label = {i: o.label for i, o in enumerate(index.occupations)}
    moves = {
        (label[a], label[b], kind)
        for a, targets in enumerate(index.moves)
        for b, kind in targets.items()
    }
    assert moves == {
        ("producer", "director", "similar"),
        ("director", "producer", "similar"),
        ("producer", "sound designer", "similar"),
        ("sound designer", "producer", "similar"),
        ("camera operator", "producer", "prospect"),
        ("camera operator", "director", "prospect"),
        ("camera operator", "sound designer", "prospect"),
        ("instrument maker", "camera operator", "prospect"),
        ("instrument maker", "producer", "prospect"),
        ("instrument maker", "sound designer", "prospect"),
    }


def test_paths_from_camera_operator_to_director_rank_by_skills_learned_then_steps(
    client: TestClient,
) -> None:
    body = paths(client, tiny.CAMERA_OPERATOR, tiny.DIRECTOR)
    # The camera operator holds camera, lighting and music; the director needs script,
    # camera and direct actors: a third of it at the start.
    assert body["start_coverage"] == pytest.approx(1 / 3, abs=1e-6)
    assert body["target_essential_skills"] == 3
    assert [route(p) for p in body["paths"]] == [
        ["director"],
        ["producer", "director"],
        ["sound designer", "producer", "director"],
    ]
    assert [learned(p) for p in body["paths"]] == [
        [["direct actors", "script writing"]],
        [["manage budgets", "script writing"], ["direct actors"]],
        [[], ["manage budgets", "script writing"], ["direct actors"]],
    ]
    assert [(p["new_essential_skills"], p["step_count"]) for p in body["paths"]] == [
        (2, 1),
        (3, 2),
        (3, 3),
    ]
    direct, via_producer, _ = body["paths"]
    assert direct["steps"][0]["move"] == "prospect"
    assert direct["steps"][0]["score"] == pytest.approx(1 / 12**0.5, abs=1e-6)
    assert [s["move"] for s in via_producer["steps"]] == ["prospect", "similar"]
    # After the producer step the person holds script as well: two thirds of the director.
    assert [s["coverage"] for s in via_producer["steps"]] == [pytest.approx(2 / 3, abs=1e-6), 1.0]
    assert via_producer["largest_step"] == 2
    assert body["complete"] is True and body["note"] is None


def test_max_steps_and_limit_bound_the_answer(client: TestClient) -> None:
    two = paths(client, tiny.CAMERA_OPERATOR, tiny.DIRECTOR, max_steps=2)
    assert [route(p) for p in two["paths"]] == [["director"], ["producer", "director"]]
    one = paths(client, tiny.CAMERA_OPERATOR, tiny.DIRECTOR, max_steps=3, limit=1)
    assert [route(p) for p in one["paths"]] == [["director"]]


def test_without_a_direct_move_ties_break_on_the_labels_on_the_way(client: TestClient) -> None:
    # The instrument maker cannot move to the director directly (no shared skill).
    body = paths(client, tiny.INSTRUMENT_MAKER, tiny.DIRECTOR)
    assert [(route(p), p["new_essential_skills"]) for p in body["paths"]] == [
        (["camera operator", "director"], 4),
        (["producer", "director"], 4),
        (["sound designer", "producer", "director"], 4),
        (["camera operator", "producer", "director"], 5),
    ]
    for path in body["paths"]:
        assert sum(len(step["learn"]) for step in path["steps"]) == path["new_essential_skills"]
        assert path["steps"][-1]["coverage"] == 1.0


def test_no_path_is_an_empty_answer_that_says_why(client: TestClient) -> None:
    # Moves never go down a skill level: nothing leads from the director to the camera operator.
    down = paths(client, tiny.DIRECTOR, tiny.CAMERA_OPERATOR, max_steps=5)
    assert down["paths"] == []
    assert "No path of at most 5 steps" in down["note"]
    assert down["complete"] is True
    # The army officer shares no skill with anyone.
    assert paths(client, tiny.ARMY_OFFICER, tiny.PRODUCER)["paths"] == []
    same = paths(client, tiny.PRODUCER, tiny.PRODUCER)
    assert same["paths"] == [] and "same" in same["note"]
    assert same["start_coverage"] == 1.0


def test_paths_name_from_and_to_and_accept_full_uris(client: TestClient) -> None:
    by_uri = client.get(
        f"/occupations/{tiny.CAMERA_OPERATOR}/paths/{tiny.DIRECTOR}", params={"limit": 1}
    ).json()
    assert by_uri["from"]["label"] == "camera operator"
    assert by_uri["to"]["label"] == "director"
    assert by_uri["max_steps"] == 3
    assert route(by_uri["paths"][0]) == ["director"]


@pytest.mark.parametrize(
    ("path", "status"),
    [
        (f"/occupations/{uuid(tiny.PRODUCER)}/paths/{uuid(tiny.DIRECTOR)}?max_steps=0", 422),
        (f"/occupations/{uuid(tiny.PRODUCER)}/paths/{uuid(tiny.DIRECTOR)}?max_steps=6", 422),
        (f"/occupations/{uuid(tiny.PRODUCER)}/paths/{uuid(tiny.DIRECTOR)}?limit=21", 422),
        (f"/occupations/{uuid(tiny.PRODUCER)}/paths/director", 422),
        (f"/occupations/{uuid(tiny.PRODUCER)}/paths/00000000-0000-4000-8000-000000000000", 404),
    ],
)
def test_bad_path_requests_are_problems(client: TestClient, path: str, status: int) -> None:
    response = client.get(path)
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"


# --- Matching from skills -------------------------------------------------------------------


def match(client: TestClient, **body: object) -> dict[str, Any]:
    response = client.post("/match", json=body)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def test_exactly_an_occupations_essential_skills_rank_it_first_with_coverage_1(
    client: TestClient,
) -> None:
    body = match(client, skills=[tiny.SCRIPT, tiny.CAMERA, tiny.ACTING])
    ranked = [(i["label"], i["coverage"], i["matched_essential"]) for i in body["items"]]
    assert ranked == [
        ("director", 1.0, 3),
        # Half of each; the producer also has camera among its optional skills.
        ("producer", 0.5, 1),
        ("camera operator", 0.5, 1),
    ]
    assert body["items"][0]["missing_essential"] == []
    assert [s["label"] for s in body["items"][1]["missing_essential"]] == ["manage budgets"]
    assert body["items"][1]["matched_optional"] == 1
    assert body["total"] == 3
    assert body["unknown"] == []
    assert [s["resolved_by"] for s in body["skills"]] == ["uri", "uri", "uri"]


def test_skills_given_as_ids_and_labels_are_resolved_and_the_resolution_shown(
    client: TestClient,
) -> None:
    body = match(
        client,
        skills=[
            uuid(tiny.MUSIC),
            "  Manage   BUDGETS ",
            "budgeting",
            "camera",
            "wood shape",
        ],
    )
    resolved = [(s["given"], s["label"], s["resolved_by"]) for s in body["skills"]]
    assert resolved == [
        (uuid(tiny.MUSIC), "music theory", "id"),
        ("  Manage   BUDGETS ", "manage budgets", "preferred label"),
        ("budgeting", "manage budgets", "alternative label"),
        # "use a camera" and "handle cameras" contain it too, but a preferred label wins.
        ("camera", "operate camera", "label containing the text"),
        ("wood shape", "shape wood", "label containing every word"),
    ]
    # The same skill given twice counts once.
    producer = next(i for i in body["items"] if i["label"] == "producer")
    assert producer["matched_essential"] == 1 and producer["coverage"] == 0.5


def test_unknown_skills_are_reported_back_not_dropped(client: TestClient) -> None:
    body = match(
        client,
        skills=[
            "juggling",
            tiny.SKILL + "00000000-0000-4000-8000-000000000000",
            "00000000-0000-4000-8000-000000000000",
            tiny.PRODUCER,  # an occupation, not a skill
            tiny.BUDGET,
        ],
    )
    assert [(u["given"], u["reason"]) for u in body["unknown"]] == [
        ("juggling", "no skill label contains these words"),
        (tiny.SKILL + "00000000-0000-4000-8000-000000000000", "no skill has this URI"),
        ("00000000-0000-4000-8000-000000000000", "no skill has this id"),
        (tiny.PRODUCER, "no skill has this URI"),
    ]
    assert [s["label"] for s in body["skills"]] == ["manage budgets"]
    assert [i["label"] for i in body["items"]] == ["producer"]
    nothing = match(client, skills=["juggling"])
    assert nothing["items"] == [] and nothing["total"] == 0 and len(nothing["unknown"]) == 1


def test_filters_by_skill_level_and_isco_group_and_pages(client: TestClient) -> None:
    skills = [tiny.CAMERA, tiny.MUSIC, tiny.SCRIPT]
    everything = [i["label"] for i in match(client, skills=skills)["items"]]
    assert set(everything) == {"director", "producer", "sound designer", "camera operator"}
    assert [i["label"] for i in match(client, skills=skills, skill_level=3)["items"]] == [
        "camera operator"
    ]
    in_2654 = match(client, skills=skills, isco_group="26")["items"]
    assert {i["isco_group"] for i in in_2654} == {"2654"} and len(in_2654) == 3
    assert match(client, skills=skills, isco_group="0")["items"] == []
    page = match(client, skills=skills, limit=2, offset=1)
    assert [i["label"] for i in page["items"]] == everything[1:3]
    assert page["total"] == len(everything)


@pytest.mark.parametrize(
    "body",
    [
        {"skills": []},
        {"skills": ["manage budgets"], "skill_level": 5},
        {"skills": ["manage budgets"], "isco_group": "26x"},
        {"skills": ["manage budgets"], "limit": 0},
        {"skill": ["manage budgets"]},
        {"skills": "manage budgets"},
    ],
)
def test_bad_match_requests_are_problems(client: TestClient, body: dict[str, object]) -> None:
    response = client.post("/match", json=body)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"] == "https://w3id.org/skillgraph/problems/invalid-parameter"


def test_a_body_that_is_not_json_is_a_problem(client: TestClient) -> None:
    response = client.post(
        "/match", content=b"skills=manage", headers={"content-type": "application/json"}
    )
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"


def test_the_catalog_rebuilds_the_career_index_for_a_new_store_version(
    tiny_root: Path, tiny_bundle: Path
) -> None:
    from skillgraph.pipeline import load_bundle

    catalog = Catalog(RUNNER)
    live = LiveStore(tiny_root, check_every=0)
    before = answers.match_result(catalog.match(live.get().store, [tiny.WOODWORK]))
    assert [i["label"] for i in before["items"]] == ["instrument maker"]
    tiny.append_line(
        tiny_bundle / "occupationSkillRelations_en.csv",
        f"{tiny.ARMY_OFFICER},essential,,{tiny.WOODWORK}",
    )
    load_bundle(tiny_bundle, tiny_root)
    after = answers.match_result(catalog.match(live.get().store, [tiny.WOODWORK]))
    assert [i["label"] for i in after["items"]] == ["instrument maker", "army officer"]


def best_label(index: SkillIndex, parts: list[str]) -> int | None:
    """The skill with a label containing every one of ``parts``, by a plain scan of every
    label: preferred labels first, then the shortest, then alphabetical."""
    best: tuple[int, int, str, int] | None = None
    for label, kind, skill in index.labels:
        if all(part in label for part in parts):
            key = (kind, len(label), label, skill)
            if best is None or key < best:
                best = key
    return None if best is None else best[3]


def test_label_lookups_agree_with_a_plain_scan(sample_root: Path) -> None:
    # resolve() finds labels with str.find over one text; a plain scan of every label
    # with the same preference order must name the same skill.
    index = SkillIndex.build(LiveStore(sample_root).get().store, QueryRunner())
    probes = ["budget", "manage", "script", "a", "film", "zzz", "music produc", "ing"]
    probes += [label[1:-1] for label, _, _ in index.labels[::97]]
    for text in probes:
        assert index._first_containing(text) == best_label(index, [text])
    combos = [["budget", "manage"], ["film", "edit"], ["a", "the"], ["zq", "unknown"]]
    combos += [["and", "of"], ["manag", "budg"], ["e"], ["ing", "ion", "s"]]
    combos += [label.split()[::2] for label, _, _ in index.labels[::53] if label.split()]
    for words in combos:
        assert index._first_with_words(words) == best_label(index, words)
