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


def test_the_stored_similar_occupations_and_prospects_are_read(tiny_root_shared: Path) -> None:
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


def test_the_path_graph_holds_no_unrealistic_move(tiny_root_shared: Path) -> None:
    index = CareerIndex.build(LiveStore(tiny_root_shared).get().store, RUNNER)
    label = {o.label: i for i, o in enumerate(index.occupations)}
    for source, targets in enumerate(index.feasible):
        for target in targets:
            assert index.assess(source, target).rating != "unrealistic"
    # The camera operator holds none of the producer's essential skills (budget, script):
    # the stored prospect stays a prospect, but no path takes it.
    camera, producer = label["camera operator"], label["producer"]
    assert index.assess(camera, producer).rating == "unrealistic"
    assert producer not in index.feasible[camera]
    # The sound designer is narrower than the producer: a move in the field.
    assert index.in_field(label["producer"], label["sound designer"]) == "narrower"
    assert index.in_field(label["sound designer"], label["producer"]) == "broader"
    assert index.in_field(label["producer"], label["director"]) == "same ISCO minor group"
    assert index.in_field(camera, producer) is None


def assessment(client: TestClient, source: str, target: str) -> dict[str, Any]:
    response = client.get(f"/occupations/{uuid(source)}/transition/{uuid(target)}")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_a_transition_is_rated_with_reasons_a_person_reads(client: TestClient) -> None:
    body = assessment(client, tiny.CAMERA_OPERATOR, tiny.DIRECTOR)
    judged = body["assessment"]
    # The camera operator holds camera, one of the director's three essential skills.
    assert judged["rating"] == "stretch"
    assert judged["essential_coverage"] == pytest.approx(1 / 3, abs=1e-6)
    assert (judged["essential_skills"], judged["held_essential_skills"]) == (3, 1)
    assert judged["skill_level"] == {"from": 3, "to": 4}
    assert judged["job_zone"] is None and judged["regulated"] is False
    texts = [r["text"] for r in judged["reasons"]]
    assert "You hold 1 of its 3 essential skills (33%)." in texts
    assert any("No preparation data is loaded" in text for text in texts)
    # What to learn: the director's essential skills the camera operator lacks.
    assert sorted(s["label"] for s in body["learn"]) == ["direct actors", "script writing"]
    # Asymmetric: the director holds half of the camera operator's essential skills.
    back = assessment(client, tiny.DIRECTOR, tiny.CAMERA_OPERATOR)["assessment"]
    assert back["essential_coverage"] == 0.5
    # ... but the half it holds (camera, needed by four occupations of the sample) weighs less
    # in the similarity than the half it lacks (lighting, needed by one).
    assert back["rating"] == "stretch" and back["similarity"] < 0.3
    assert back["summary"].startswith("A stretch: Counting the skills few occupations need")


def test_an_unrealistic_move_says_why(client: TestClient) -> None:
    judged = assessment(client, tiny.ARMY_OFFICER, tiny.PRODUCER)["assessment"]
    assert judged["rating"] == "unrealistic"
    first = judged["reasons"][0]
    assert first["effect"] == "blocks"
    assert (
        first["text"]
        == "None of its 2 essential skills are yours. Too few to build on outside your field."
    )
    assert judged["summary"].startswith("Unrealistic: None of its 2 essential skills")
    # Two ISCO skill levels up with none of the skills is blocked too.
    judged = assessment(client, tiny.INSTRUMENT_MAKER, tiny.DIRECTOR)["assessment"]
    assert {r["code"] for r in judged["reasons"] if r["effect"] == "blocks"} == {
        "skills",
        "skill_level",
    }


def test_paths_rank_by_their_hardest_step_and_carry_assessments(client: TestClient) -> None:
    body = paths(client, tiny.CAMERA_OPERATOR, tiny.DIRECTOR)
    assert body["start_coverage"] == pytest.approx(1 / 3, abs=1e-6)
    assert body["target_essential_skills"] == 3
    assert body["assessment"]["rating"] == "stretch"
    # Moves: camera operator -> sound designer (viable: holds its music, score 0.51), ->
    # director (stretch, 0.20); sound designer -> producer (stretch, 0.21, in the field)
    # and -> director (stretch, 0); producer -> director (viable, 0.77). Every path is a
    # stretch, so the hardest step decides, 1000 x (1 - score) plus 50 a step after the
    # first: 800 directly, 790 + 100 through the producer, 1000 + 50 the other way.
    assert [route(p) for p in body["paths"]] == [
        ["director"],
        ["sound designer", "producer", "director"],
        ["sound designer", "director"],
    ]
    assert [p["rating"] for p in body["paths"]] == ["stretch"] * 3
    assert [learned(p) for p in body["paths"]][1] == [
        [],
        ["manage budgets", "script writing"],
        ["direct actors"],
    ]
    longest = body["paths"][1]
    assert [s["move"] for s in longest["steps"]] == ["prospect", "similar", "similar"]
    assert [s["assessment"]["rating"] for s in longest["steps"]] == ["viable", "stretch", "viable"]
    assert [s["coverage"] for s in longest["steps"]] == [
        pytest.approx(1 / 3, abs=1e-6),
        pytest.approx(2 / 3, abs=1e-6),
        1.0,
    ]
    assert longest["largest_step"] == 2 and longest["new_essential_skills"] == 3
    assert body["complete"] is True and body["note"] is None and body["outcome"] == "found"


def test_max_steps_max_learn_and_limit_bound_the_answer(client: TestClient) -> None:
    two = paths(client, tiny.CAMERA_OPERATOR, tiny.DIRECTOR, max_steps=2)
    assert [route(p) for p in two["paths"]] == [["director"], ["sound designer", "director"]]
    one = paths(client, tiny.CAMERA_OPERATOR, tiny.DIRECTOR, limit=1)
    assert [route(p) for p in one["paths"]] == [["director"]]
    gentle = paths(client, tiny.CAMERA_OPERATOR, tiny.DIRECTOR, max_learn=1)
    assert gentle["paths"] == [] and gentle["max_learn"] == 1
    assert gentle["outcome"] == "none at all"
    assert "Allowing more steps will not help" in gentle["note"]


def test_an_unrealistic_target_is_answered_with_its_reasons(client: TestClient) -> None:
    # Two skill levels up with none of the director's skills: unrealistic straight there,
    # and the paths say so.
    body = paths(client, tiny.INSTRUMENT_MAKER, tiny.DIRECTOR)
    assert body["assessment"]["rating"] == "unrealistic"
    assert route(body["paths"][0]) == ["sound designer", "producer", "director"]
    assert "unrealistic" in body["note"]
    for path in body["paths"]:
        assert path["rating"] in ("viable", "stretch")
        assert sum(len(step["learn"]) for step in path["steps"]) == path["new_essential_skills"]
        assert path["steps"][-1]["coverage"] == 1.0


def test_no_path_is_an_empty_answer_that_says_why(client: TestClient) -> None:
    none = paths(client, tiny.DIRECTOR, tiny.ARMY_OFFICER, max_steps=5)
    assert none["paths"] == [] and none["outcome"] == "none at all"
    assert none["complete"] is True
    assert paths(client, tiny.ARMY_OFFICER, tiny.PRODUCER)["paths"] == []
    # A path exists, longer than asked: the answer says how long.
    short = paths(client, tiny.INSTRUMENT_MAKER, tiny.PRODUCER, max_steps=1)
    assert short["paths"] == [] and short["outcome"] == "none within"
    assert short["fewest_steps"] == 2
    assert "the fewest steps a path takes is 2" in short["note"]
    same = paths(client, tiny.PRODUCER, tiny.PRODUCER)
    assert same["paths"] == [] and "same" in same["note"]
    assert same["start_coverage"] == 1.0


def test_routes_in_list_who_leads_there_through_the_trade_first(client: TestClient) -> None:
    response = client.get(f"/occupations/{uuid(tiny.DIRECTOR)}/routes-in")
    assert response.status_code == 200, response.text
    body = response.json()
    sources = [item["from"]["label"] for item in body["items"]]
    also = [o["label"] for item in body["items"] for o in item["also_from"]]
    assert sorted(sources + also) == [
        "camera operator",
        "instrument maker",
        "producer",
        "sound designer",
    ]
    shares = [item["trade_share"] for item in body["items"]]
    assert shares == sorted(shares, reverse=True) and 0 < shares[0] <= 1
    # The producer holds two of the director's three skills: viable, learning one.
    first = body["items"][0]
    assert first["from"]["label"] == "producer"
    assert first["path"]["rating"] == "viable" and route(first["path"]) == ["director"]
    for item in body["items"]:
        assert route(item["path"])[-1] == "director"
        assert item["assessment"]["rating"] in ("viable", "stretch", "unrealistic")
    entry = client.get(
        f"/occupations/{uuid(tiny.DIRECTOR)}/routes-in", params={"max_level": 2}
    ).json()
    assert [item["from"]["label"] for item in entry["items"]] == ["instrument maker"]
    assert entry["max_level"] == 2
    nobody = client.get(f"/occupations/{uuid(tiny.ARMY_OFFICER)}/routes-in").json()
    assert nobody["items"] == [] and nobody["note"]


def test_prospects_of_the_top_level_say_why_there_are_none(client: TestClient) -> None:
    body = client.get(f"/occupations/{uuid(tiny.PRODUCER)}/prospects").json()
    assert body["items"] == []
    assert "highest ISCO skill level" in body["note"]
    assert client.get(f"/occupations/{uuid(tiny.PRODUCER)}/similar").json()["note"] is None


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
        (f"/occupations/{uuid(tiny.PRODUCER)}/paths/{uuid(tiny.DIRECTOR)}?max_learn=0", 422),
        (f"/occupations/{uuid(tiny.PRODUCER)}/paths/director", 422),
        (f"/occupations/{uuid(tiny.PRODUCER)}/paths/00000000-0000-4000-8000-000000000000", 404),
        (f"/occupations/{uuid(tiny.PRODUCER)}/transition/director", 422),
        (
            f"/occupations/{uuid(tiny.PRODUCER)}/transition/00000000-0000-4000-8000-000000000000",
            404,
        ),
        (f"/occupations/{uuid(tiny.PRODUCER)}/routes-in?max_level=5", 422),
        (f"/occupations/{uuid(tiny.PRODUCER)}/routes-in?max_job_zone=0", 422),
        ("/occupations/00000000-0000-4000-8000-000000000000/routes-in", 404),
    ],
)
def test_bad_career_requests_are_problems(client: TestClient, path: str, status: int) -> None:
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
        # No label is "camera": the ranking is sure of operate camera (every word of the
        # text in its label, one word more, well ahead of the next).
        ("camera", "operate camera", "relevance"),
        ("wood shape", "shape wood", "relevance"),
    ]
    camera = body["skills"][3]
    assert camera["matched_text"] in ("operate camera", "use a camera", "handle cameras")
    assert body["ambiguous"] == []
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
        ("juggling", "no skill label or description has these words"),
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


def test_a_text_that_may_name_several_skills_is_ambiguous_and_not_matched(
    client: TestClient,
) -> None:
    # No label holds both words: operate camera and set up lighting are both candidates,
    # and neither is matched on a guess.
    body = match(client, skills=["camera and lighting", tiny.SCRIPT])
    assert [a["given"] for a in body["ambiguous"]] == ["camera and lighting"]
    candidates = {c["label"] for c in body["ambiguous"][0]["candidates"]}
    assert {"operate camera", "set up lighting"} <= candidates
    assert [s["given"] for s in body["skills"]] == [tiny.SCRIPT]
    assert body["unknown"] == []


def test_a_one_letter_typo_resolves_as_search_corrects_it(client: TestClient) -> None:
    body = match(client, skills=["manage budgts", "operate camra"])
    assert [(s["given"], s["label"], s["resolved_by"]) for s in body["skills"]] == [
        ("manage budgts", "manage budgets", "relevance"),
        ("operate camra", "operate camera", "relevance"),
    ]
