"""Occupation search: the in-memory label index answers as occupation_search.rq does."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from graph.catalog import Catalog
from graph.queries import QueryRunner
from graph.search import LabelIndex
from graph.store import LiveStore, PerVersion

RUNNER = QueryRunner()
SEARCHES = [
    "producer",
    "music",
    "sound",
    "camera operator",
    "tech",
    "a",
    "é",
    "zzz",
    "Director",
    "op",
]


def sparql_search(store: object, text: str, limit: int) -> list[tuple[object, ...]]:
    name, params = ("occupation_search", {"q": text}) if text else ("occupation_list", {})
    rows = RUNNER.select(store, name, params, limit=limit)  # type: ignore[arg-type]
    return [(r["uri"], r["label"], r["isco_group"], r["skill_level"]) for r in rows]


def index_search(
    index: LabelIndex, text: str, limit: int, offset: int = 0
) -> list[tuple[object, ...]]:
    rows = index.search(text, limit=limit, offset=offset)
    return [(r["uri"], r["label"], r["isco_group"], r["skill_level"]) for r in rows]


@pytest.mark.parametrize("text", [*SEARCHES, ""])
def test_the_index_ranks_as_the_sparql_query_on_real_data(sample_root: Path, text: str) -> None:
    store = LiveStore(sample_root).get().store
    index = LabelIndex.build(store, RUNNER)
    query = text.lower()
    assert index_search(index, query, 1000) == sparql_search(store, query, 1000)


def test_offset_and_limit_page_through_the_ranking(sample_root: Path) -> None:
    store = LiveStore(sample_root).get().store
    index = LabelIndex.build(store, RUNNER)
    everything = index_search(index, "", 1000)
    assert len(everything) == 53
    assert index_search(index, "", 5, offset=10) == everything[10:15]
    music = index_search(index, "music", 1000)
    assert index_search(index, "music", 3, offset=2) == music[2:5]


def test_the_cache_rebuilds_for_a_new_store_version(tiny_root: Path, sample_root: Path) -> None:
    cache = PerVersion(lambda store: LabelIndex.build(store, RUNNER))
    tiny_store = LiveStore(tiny_root).get().store
    sample_store = LiveStore(sample_root).get().store
    first = cache.get(tiny_store)
    assert cache.get(tiny_store) is first
    assert len(index_search(cache.get(sample_store), "", 1000)) == 53
    assert len(index_search(cache.get(tiny_store), "", 1000)) == 6


def test_the_catalog_searches_through_the_index(sample_root: Path) -> None:
    store = LiveStore(sample_root).get().store
    items = Catalog(RUNNER).search_occupations(store, "  Producer ", limit=3)
    assert [i["label"] for i in items] == ["producer", "music producer", "radio producer"]


def test_the_search_quality_benchmark_counts_every_left_out_label(sample_root: Path) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
    import search_quality

    figures = search_quality.measure(sample_root, sample=30)
    assert figures["labels"] == 30
    shares = ("first", "top 5", "lower", "no answer")
    assert sum(figures[kind] for kind in shares) == pytest.approx(1.0)
    # A label left out is still found where another label holds it (say "music producer"
    # inside "senior music producer"), so not every title goes unanswered.
    assert figures["no answer"] < 1.0
