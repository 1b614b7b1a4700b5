"""Career moves on the full classification, with O*NET and Nesta's preparation table beside
it: what issue 25 asks a counsellor would sign (the moves are benchmarks/career_moves.csv,
their reasons written down before any result was seen)."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from loaders import datasets
from service.app import create_app
from service.settings import Settings
from skillgraph.pipeline import load_bundle
from tests.conftest import FULL_BUNDLE, FULL_ONET, REPO, loaded_once

pytestmark = pytest.mark.fulldata

CAREER_CAUSEWAYS = REPO.parent / "shared" / "career-causeways" / "occupations.csv"
MOVES = REPO / "benchmarks" / "career_moves.csv"


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    root = loaded_once(
        tmp_path_factory,
        "full-preparation",
        lambda root: load_bundle(
            FULL_BUNDLE,
            root,
            datasets=[datasets.parse(str(FULL_ONET)), datasets.parse(str(CAREER_CAUSEWAYS))],
        ),
    )
    with TestClient(create_app(Settings(store=root))) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def ids(client: TestClient) -> dict[str, str]:
    """Occupation label -> id, for every occupation."""
    found: dict[str, str] = {}
    offset = 0
    while True:
        page = client.get("/occupations", params={"limit": 100, "offset": offset}).json()
        found.update({item["label"]: item["id"] for item in page["items"]})
        offset += 100
        if offset >= page["total"]:
            return found


def get(client: TestClient, path: str, **params: object) -> dict[str, Any]:
    response = client.get(path, params=params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def moves(verdict: str) -> list[tuple[str, str]]:
    with MOVES.open(newline="") as file:
        return [(r["source"], r["target"]) for r in csv.DictReader(file) if r["verdict"] == verdict]


def test_no_absurd_move_is_rated_viable_or_given_a_path_without_its_reasons(
    client: TestClient, ids: dict[str, str]
) -> None:
    absurd = moves("absurd")
    assert len(absurd) >= 20
    for source, target in absurd:
        body = get(client, f"/occupations/{ids[source]}/paths/{ids[target]}", max_steps=5)
        judged = body["assessment"]
        assert judged["rating"] != "viable", (source, target)
        assert judged["reasons"] and judged["summary"], (source, target)
        if judged["rating"] == "unrealistic":
            assert [r for r in judged["reasons"] if r["effect"] == "blocks"], (source, target)
        if body["paths"] and judged["rating"] == "unrealistic":
            assert "unrealistic" in body["note"], (source, target)
        for path in body["paths"]:
            assert all(step["assessment"]["reasons"] for step in path["steps"])


def test_the_listed_realistic_moves_are_rated_from_their_facts(
    client: TestClient, ids: dict[str, str]
) -> None:
    realistic = moves("realistic")
    unrealistic = [
        (source, target)
        for source, target in realistic
        if get(client, f"/occupations/{ids[source]}/transition/{ids[target]}")["assessment"][
            "rating"
        ]
        == "unrealistic"
    ]
    # Two of 57 today (docs/careers.md): warehouse worker -> warehouse manager (Job Zone
    # 2 -> 4) and stagehand -> performance production manager (none of its skills); both
    # have paths.
    assert len(unrealistic) <= 3, unrealistic
    for source, target in unrealistic:
        assert get(client, f"/occupations/{ids[source]}/paths/{ids[target]}", max_steps=5)[
            "paths"
        ], (source, target)


@pytest.mark.parametrize(
    ("source", "target"),
    [
        ("secondary school teacher", "secondary school head teacher"),
        ("shop assistant", "shop supervisor"),
        ("stagehand", "performance production manager"),
        ("waiter/waitress", "restaurant manager"),
    ],
)
def test_promotions_are_reachable(
    client: TestClient, ids: dict[str, str], source: str, target: str
) -> None:
    body = get(client, f"/occupations/{ids[source]}/paths/{ids[target]}", max_steps=5)
    assert body["paths"], body["note"]
    best = body["paths"][0]
    assert best["rating"] in ("viable", "stretch")
    assert best["steps"][-1]["occupation"]["label"] == target
    assert best["steps"][-1]["coverage"] == 1.0


def hardness(path: dict[str, Any]) -> float:
    """A path's hardest step as paths are ranked: 1000 x (1 - score), plus 50 a step after the
    first."""
    steps = path["steps"]
    return max(1000 * (1 - s["assessment"]["score"]) for s in steps) + 50 * (len(steps) - 1)


def test_a_direct_promotion_comes_first_when_it_is_the_most_feasible(
    client: TestClient, ids: dict[str, str]
) -> None:
    body = get(
        client,
        f"/occupations/{ids['secondary school teacher']}/paths/"
        f"{ids['secondary school head teacher']}",
        max_steps=5,
        limit=20,
    )
    assert body["assessment"]["rating"] in ("viable", "stretch")
    first = body["paths"][0]
    assert [s["occupation"]["label"] for s in first["steps"]] == ["secondary school head teacher"]
    # ... even before five steps of viable moves: the hardest step ranks, then the rating
    assert any(p["rating"] == "viable" and len(p["steps"]) > 1 for p in body["paths"])
    assert all(hardness(first) <= hardness(p) + 1 for p in body["paths"])


def test_the_best_path_into_nursing_has_the_easiest_hardest_step(
    client: TestClient, ids: dict[str, str]
) -> None:
    """nurse assistant -> nurse: ESCO has no occupation between the two, and every longer path
    passes through a harder step (a specialist biomedical scientist or a physiotherapist) once
    a step change counts: the direct move comes first, as a stretch with its reasons, and the
    paths of smaller steps follow."""
    body = get(
        client,
        f"/occupations/{ids['nurse assistant']}/paths/{ids['nurse responsible for general care']}",
        max_steps=5,
        limit=5,
    )
    first = body["paths"][0]
    assert all(hardness(first) <= hardness(p) + 1 for p in body["paths"])
    assert first["rating"] == "stretch"
    reasons = {r["code"] for r in first["steps"][0]["assessment"]["reasons"]}
    assert {"skill_level", "regulated"} <= reasons
    assert any(p["largest_step"] < first["largest_step"] for p in body["paths"][1:])


def test_max_learn_bounds_every_step(client: TestClient, ids: dict[str, str]) -> None:
    body = get(
        client,
        f"/occupations/{ids['nurse assistant']}/paths/{ids['nurse responsible for general care']}",
        max_steps=5,
        limit=5,
        max_learn=35,
    )
    assert body["paths"]
    for path in body["paths"]:
        assert path["largest_step"] <= 35


# ISCO-08 unit groups of film, stage and broadcasting: directors and producers, actors,
# graphic and multimedia designers, other artistic and cultural associate professionals,
# broadcasting and audio-visual technicians
STAGE_AND_SCREEN = {"2654", "2655", "2166", "3435", "3521"}


@pytest.mark.parametrize("steps", [3, 4])
def test_routes_in_from_entry_level_jobs_go_through_the_trade(
    client: TestClient, ids: dict[str, str], steps: int
) -> None:
    body = get(
        client,
        f"/occupations/{ids['performance production manager']}/routes-in",
        max_level=2,
        max_steps=steps,
        limit=10,
    )
    assert len(body["items"]) == 10
    for item in body["items"]:
        assert item["from"]["skill_level"] <= 2
        assert item["path"]["steps"][-1]["occupation"]["label"] == (
            "performance production manager"
        )
        assert all(step["learn"] is not None for step in item["path"]["steps"])
    shares = [item["trade_share"] for item in body["items"]]
    assert shares == sorted(shares, reverse=True)
    through = [
        item
        for item in body["items"]
        if any(
            (s["occupation"]["isco_group"] or "")[:4] in STAGE_AND_SCREEN
            for s in item["path"]["steps"][:-1]
        )
    ]
    labels = [item["from"]["label"] for item in body["items"]]
    if steps == 4:  # from stagehand through stage lighting and art direction, first
        assert body["items"][0] in through and len(through) >= 5, labels
    else:  # riggers, instrument and radio technicians among the first ten
        assert len(through) >= 3 and (body["items"][0] in through or body["items"][1] in through)
    # Routes alike after their first step are one route: no way on is listed twice.
    ways_on = [
        tuple(s["occupation"]["id"] for s in item["path"]["steps"]) for item in body["items"]
    ]
    assert len(set(ways_on)) == len(ways_on)
    assert any(item["also_from"] for item in body["items"])


def test_the_profile_shows_preparation_inherited_down_the_hierarchy(
    client: TestClient, ids: dict[str, str]
) -> None:
    judge = get(client, f"/occupations/{ids['judge']}")["preparation"]
    assert judge["job_zone"]["value"] == 5.0
    assert "extensive" in judge["job_zone"]["text"].lower()
    assert judge["inherited_from"] is None
    head = get(client, f"/occupations/{ids['secondary school head teacher']}")["preparation"]
    assert head["inherited_from"] is not None


def test_prospects_of_a_level_4_occupation_say_why_they_are_empty(
    client: TestClient, ids: dict[str, str]
) -> None:
    body = get(client, f"/occupations/{ids['producer']}/prospects")
    assert body["items"] == [] and "highest ISCO skill level" in body["note"]


def test_paths_at_their_largest_options_answer(client: TestClient, ids: dict[str, str]) -> None:
    body = get(
        client,
        f"/occupations/{ids['waiter/waitress']}/paths/{ids['judge']}",
        max_steps=5,
        limit=20,
    )
    assert body["assessment"]["rating"] == "unrealistic"
    assert body["complete"] or body["outcome"] == "stopped"
