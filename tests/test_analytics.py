"""Similar occupations, prospects and skill gaps on the tiny graph, against scores worked out
by hand (see tests/tiny.py)."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from pyoxigraph import Store

from graph.catalog import Catalog
from graph.errors import InvalidIdentifierError, NotFoundError
from graph.store import LiveStore
from service import answers
from tests import tiny


@pytest.fixture(scope="module")
def store(tiny_root_shared: Path) -> Store:
    return LiveStore(tiny_root_shared).get().store


CATALOG = Catalog()


def uris(items: list[dict[str, object]]) -> list[object]:
    return [item["uri"] for item in items]


def test_similar_occupations_rank_by_cosine_at_the_same_level(store: Store) -> None:
    result = answers.related_occupations(
        CATALOG.related_occupations(store, tiny.PRODUCER, kind="similar", limit=10)
    )
    assert result["occupation"]["uri"] == tiny.PRODUCER
    assert uris(result["items"]) == [tiny.DIRECTOR, tiny.SOUND_DESIGNER]
    director, sound = result["items"]
    assert director["score"] == pytest.approx(3 / math.sqrt(4 * 4), abs=1e-6)
    assert (director["shared_essential"], director["shared_optional"]) == (2, 1)
    assert sound["score"] == pytest.approx(1 / math.sqrt(4 * 2), abs=1e-6)
    assert (sound["shared_essential"], sound["shared_optional"]) == (1, 0)


def test_similar_occupations_exclude_the_occupation_and_other_levels(store: Store) -> None:
    for occupation, level in tiny.SKILL_LEVELS.items():
        items = answers.related_occupations(
            CATALOG.related_occupations(store, occupation, kind="similar", limit=100)
        )["items"]
        assert occupation not in uris(items)
        assert all(item["skill_level"] == level for item in items)


def test_an_occupation_sharing_nothing_has_no_similar_occupations(store: Store) -> None:
    assert (
        answers.related_occupations(
            CATALOG.related_occupations(store, tiny.ARMY_OFFICER, kind="similar", limit=10)
        )["items"]
        == []
    )


def test_prospects_are_at_a_higher_level_ranked_by_cosine(store: Store) -> None:
    items = answers.related_occupations(
        CATALOG.related_occupations(store, tiny.INSTRUMENT_MAKER, kind="prospects", limit=10)
    )["items"]
    assert uris(items) == [tiny.SOUND_DESIGNER, tiny.CAMERA_OPERATOR, tiny.PRODUCER]
    assert [i["score"] for i in items] == pytest.approx(
        [1 / math.sqrt(2 * 2), 1 / math.sqrt(2 * 3), 1 / math.sqrt(2 * 4)], abs=1e-6
    )
    items = answers.related_occupations(
        CATALOG.related_occupations(store, tiny.CAMERA_OPERATOR, kind="prospects", limit=10)
    )["items"]
    assert uris(items) == [tiny.PRODUCER, tiny.SOUND_DESIGNER, tiny.DIRECTOR]
    producer = items[0]
    assert (producer["shared_essential"], producer["shared_optional"]) == (0, 2)


def test_an_occupation_at_level_4_has_no_prospects(store: Store) -> None:
    assert (
        answers.related_occupations(
            CATALOG.related_occupations(store, tiny.PRODUCER, kind="prospects", limit=10)
        )["items"]
        == []
    )


def test_limit_cuts_the_ranking(store: Store) -> None:
    items = answers.related_occupations(
        CATALOG.related_occupations(store, tiny.INSTRUMENT_MAKER, kind="prospects", limit=1)
    )["items"]
    assert uris(items) == [tiny.SOUND_DESIGNER]


def labels(items: list[dict[str, object]]) -> list[object]:
    return [item["label"] for item in items]


def test_skill_gap_counts_held_shared_and_missing(store: Store) -> None:
    gap = answers.skill_gap(CATALOG.skill_gap(store, tiny.CAMERA_OPERATOR, tiny.PRODUCER))
    assert gap["from"]["uri"] == tiny.CAMERA_OPERATOR and gap["to"]["uri"] == tiny.PRODUCER
    assert labels(gap["shared_skills"]) == ["music theory", "operate camera"]
    assert labels(gap["missing_essential"]) == ["manage budgets", "script writing"]
    assert gap["missing_optional"] == []
    assert gap["coverage"] == 0.0


def test_skill_gap_treats_a_skill_listed_twice_as_essential(store: Store) -> None:
    gap = answers.skill_gap(CATALOG.skill_gap(store, tiny.PRODUCER, tiny.DIRECTOR))
    assert labels(gap["missing_essential"]) == ["direct actors"]
    assert gap["missing_optional"] == []
    assert sorted(labels(gap["shared_skills"])) == [
        "manage budgets",
        "operate camera",
        "script writing",
    ]
    assert gap["coverage"] == pytest.approx(2 / 3, abs=1e-6)


def test_a_skill_gap_to_itself_is_empty_with_full_coverage(store: Store) -> None:
    for occupation in tiny.SKILL_LEVELS:
        gap = answers.skill_gap(CATALOG.skill_gap(store, occupation, occupation))
        assert gap["missing_essential"] == [] and gap["missing_optional"] == []
        assert gap["coverage"] == 1.0


def test_optional_skills_held_count_as_held(store: Store) -> None:
    # The instrument maker has music theory as optional; it is the sound designer's essential one.
    gap = answers.skill_gap(CATALOG.skill_gap(store, tiny.INSTRUMENT_MAKER, tiny.SOUND_DESIGNER))
    assert gap["coverage"] == 1.0
    assert labels(gap["missing_optional"]) == ["mix sound"]


def test_profile_lists_skills_as_esco_does(store: Store) -> None:
    profile = answers.occupation_profile(CATALOG.occupation(store, tiny.DIRECTOR))
    assert profile["skill_level"] == 4
    assert profile["isco_group"] == {
        "code": "2654",
        "uri": "http://data.europa.eu/esco/isco/C2654",
        "label": "Film, stage and related directors and producers",
        "language": "en",
    }
    assert labels(profile["essential_skills"]) == [
        "direct actors",
        "operate camera",
        "script writing",
    ]
    assert labels(profile["optional_skills"]) == ["direct actors", "manage budgets"]
    assert {s["skill_type"] for s in profile["essential_skills"]} == {"skill", "knowledge"}


def test_unknown_and_malformed_occupations_raise(store: Store) -> None:
    with pytest.raises(NotFoundError):
        answers.occupation_profile(
            CATALOG.occupation(store, "99999999-9999-4999-8999-999999999999")
        )
    with pytest.raises(InvalidIdentifierError):
        answers.skill_gap(CATALOG.skill_gap(store, tiny.PRODUCER, "director"))
    with pytest.raises(NotFoundError):
        answers.occupation_profile(
            CATALOG.occupation(store, tiny.BUDGET)
        )  # a skill is not an occupation


def found(store: Store, text: str, **page: int) -> list[object]:
    return labels(
        answers.occupation_hits(
            CATALOG.search_occupations(
                store, text, limit=page.get("limit", 10), offset=page.get("offset", 0)
            )
        )["items"]
    )


def test_search_ranks_by_relevance_over_every_kind_of_label(store: Store) -> None:
    # the preferred label first, then the occupation with "music producer" as alternative
    assert found(store, "Producer") == ["producer", "sound designer"]
    # an alternative label that is exactly the text ("film director") beats one that only
    # shares a word with it ("film producer")
    assert found(store, "film director")[0] == "director"
    assert set(found(store, "film")) == {"director", "producer"}
    assert found(store, "camera") == ["camera operator"]
    assert found(store, "prodcuer") == ["producer"]  # a hidden label, as people misspell it
    assert found(store, "producers")[0] == "producer"  # and a typo or plural of the label
    assert answers.occupation_hits(CATALOG.search_occupations(store, "zzz", limit=10)) == {
        "total": 0,
        "items": [],
    }
    everything = found(store, "", limit=100)
    assert everything == sorted(everything)
    assert len(everything) == 6
    assert found(store, "", limit=2, offset=1) == everything[1:3]


def test_isco_group_lists_parent_children_and_occupations(store: Store) -> None:
    group = answers.isco_group(CATALOG.isco_group(store, "265", limit=10))
    assert group["parent"]["code"] == "26"
    assert [c["code"] for c in group["children"]] == ["2654"]
    assert group["skill_level"] == 4
    assert group["occupation_count"] == 3
    assert labels(group["occupations"]) == ["director", "producer", "sound designer"]
    armed = answers.isco_group(CATALOG.isco_group(store, "C0110", limit=10))
    assert armed["code"] == "0110" and armed["skill_level"] == 4
    assert labels(armed["occupations"]) == ["army officer"]


def test_skill_profile_lists_occupations_and_hierarchy(store: Store) -> None:
    music = answers.skill_profile(CATALOG.skill(store, tiny.MUSIC))
    assert music["skill_type"] == "knowledge" and music["reuse_level"] == "transversal"
    assert labels(music["essential_for"]) == ["sound designer"]
    assert labels(music["optional_for"]) == ["camera operator", "instrument maker", "producer"]
    assert labels(music["broader"]) == ["artistic skills"]
    assert labels(music["narrower"]) == ["mix sound"]
