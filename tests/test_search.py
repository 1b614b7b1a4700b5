"""Occupation and skill search by relevance (graph.ranking): BM25 over labels and
descriptions, with word order, case, inflections and typos aside."""

from __future__ import annotations

import sys
from pathlib import Path

import httpx
import pytest

from graph import titles
from graph.catalog import Catalog
from graph.queries import QueryRunner
from graph.ranking import SUPPORT, Ranker
from graph.search import LabelIndex
from graph.store import LiveStore, PerVersion

RUNNER = QueryRunner()


def index_search(index: LabelIndex, text: str, limit: int, offset: int = 0) -> list[object]:
    rows, _ = index.search(text, limit=limit, offset=offset)
    return [r["label"] for r in rows]


@pytest.fixture(scope="module")
def index(sample_root: Path) -> LabelIndex:
    return LabelIndex.build(LiveStore(sample_root).get().store, RUNNER)


@pytest.mark.parametrize(
    "text",
    ["music producer", "Music Producer", "producer, music", "music producers", "musik producer"],
)
def test_word_order_case_plurals_and_typos_aside_the_title_comes_first(
    index: LabelIndex, text: str
) -> None:
    assert index_search(index, text, 3)[0] == "music producer"


def test_an_exact_label_is_first_and_says_so(index: LabelIndex) -> None:
    rows, total = index.search("composer", limit=5)
    assert rows[0]["label"] == "composer"
    assert (rows[0]["matched_label"], rows[0]["match"]) == ("preferred", "exact")
    assert total >= len(rows) > 1
    assert all(r["match"] == "words" for r in rows[1:] if r["label"] != "composer")
    scores = [r["score"] for r in rows]
    assert scores == sorted(scores, reverse=True)


def test_an_alternative_label_finds_its_occupation(index: LabelIndex) -> None:
    alternative = next(text for text, kind, _ in index.labels if kind == 1)
    owner = next(uri for text, kind, uri in index.labels if text == alternative and kind == 1)
    rows, _ = index.search(alternative.upper(), limit=5)
    assert owner in [r["uri"] for r in rows]


def test_descriptions_count_but_less_than_labels(sample_root: Path) -> None:
    # "orchestra" is in the piano tuner's description only, and in the conductor's label.
    ranker = Ranker(
        2,
        [(0, "piano tuner", 0), (1, "orchestra conductor", 0)],
        [(0, "Tunes pianos for an orchestra.")],
    )
    hits, total = ranker.rank("orchestra", limit=5)
    assert [h.concept for h in hits] == [1, 0] and total == 2
    assert hits[1].label == 0 and not hits[1].exact  # found by its description


def test_unknown_words_answer_nothing(index: LabelIndex) -> None:
    assert index.search("zzqx qqzz", limit=5) == ([], 0)


def test_offset_and_limit_page_through_the_ranking(index: LabelIndex) -> None:
    everything = index_search(index, "", 1000)
    assert len(everything) == 53
    assert everything == sorted(everything, key=lambda label: str(label).lower())
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
    found = Catalog(RUNNER).search_occupations(store, "  Producer ", limit=3)
    assert found.items[0].occupation.label == "producer"
    assert found.items[0].matched is not None and found.items[0].matched.match == "exact"
    assert found.total >= 3


def test_the_endpoint_answers_a_title_as_people_write_it(sample_http: httpx.Client) -> None:
    answer = sample_http.get("/occupations", params={"q": "Senior Sound Engineers", "limit": 5})
    assert answer.status_code == 200
    body = answer.json()
    assert body["total"] > 0 and body["items"]
    assert any("sound" in i["label"] for i in body["items"][:3])
    first = body["items"][0]
    assert first["match"] in ("exact", "words") and first["score"] > 0
    listed = sample_http.get("/occupations", params={"limit": 2}).json()
    assert listed["total"] == 53 and listed["items"][0]["score"] is None


def test_the_search_quality_benchmark_counts_every_left_out_label(sample_root: Path) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
    import search_quality

    results = search_quality.run(sample_root, sample=20, plain=True)
    assert {(kind, name.split(":")[0]) for kind, name, _ in results} == {
        (kind, name)
        for kind in ("occupations", "skills")
        for name in ("ours", "substring", "plain BM25 (bm25s defaults, one document per concept)")
    }
    shares = ("first", "top 5", "lower", "no answer")
    for _, _, figures in results:
        assert figures["labels"] == 20
        assert sum(figures[kind] for kind in shares) == pytest.approx(1.0)
    ours = {kind: f for kind, name, f in results if name.startswith("ours")}
    before = {kind: f for kind, name, f in results if name.startswith("substring")}
    for kind in ours:  # the ranking answers far more titles than the substring search
        assert ours[kind]["no answer"] < before[kind]["no answer"]


@pytest.mark.parametrize(
    ("title", "parts"),
    [
        (
            "Senior Producer / project manager (video production) - full-time",
            ["producer", "project manager", "video production"],
        ),
        ("Associate producer, multi-platform content", ["producer", "multi-platform content"]),
        ("Java Developer (m/f/d)", ["java developer"]),
        ("Creative producer \u2013 the studio", ["creative producer", "the studio"]),
        ("Lead", ["lead"]),  # a seniority word alone is the title
        ("(m/f/d)", []),
    ],
)
def test_a_posting_s_title_is_taken_apart(title: str, parts: list[str]) -> None:
    assert titles.segments(title) == parts


def test_a_title_with_a_team_after_it_finds_the_title(index: LabelIndex) -> None:
    # The sample's music producer, whatever the posting adds around it.
    for text in (
        "Senior music producer, multi-platform content",
        "Music Producer (m/f/d) - full-time",
        "music producer / project lead",
    ):
        assert index_search(index, text, 3)[0] == "music producer", text
    # Parts that are together exactly a label stay together.
    assert index_search(index, "producer, music", 3)[0] == "music producer"


def test_a_stem_is_not_a_word_production_is_not_product() -> None:
    # Snowball stems "production" and "product" alike: the lemma tells them apart, so the
    # label whose words are the text's comes first, and only it is exact.
    ranker = Ranker(
        3,
        [(0, "product manager", 0), (1, "production manager", 0), (2, "producers", 0)],
    )
    hits, _ = ranker.rank("production manager", limit=5)
    assert [(h.concept, h.exact) for h in hits[:2]] == [(1, True), (0, False)]
    hits, _ = ranker.rank("Product Managers", limit=5)
    assert [(h.concept, h.exact) for h in hits[:2]] == [(0, True), (1, False)]
    assert ranker.rank("producer", limit=1)[0][0].exact  # an inflection is the same word


@pytest.mark.parametrize(
    ("title", "head"),
    [
        ("registered nurse", "nurse"),
        ("video producer", "producer"),
        ("head of production", "head"),
        ("director of photography", "director"),
        ("producer", None),
    ],
)
def test_the_head_of_a_title_is_the_noun_it_names(title: str, head: str | None) -> None:
    assert titles.head(title) == head


def test_the_head_of_a_title_weighs_above_its_modifiers() -> None:
    # "registered" and "nurse" are as rare: the tie went to the registered accountant.
    ranker = Ranker(
        4,
        [
            (0, "registered accountant", 0),
            (1, "specialist nurse", 0),
            (2, "chef", 0),
            (3, "baker", 0),
        ],
    )
    plain, _ = ranker.rank("registered nurse", limit=3)
    headed, _ = ranker.rank("registered nurse", limit=3, head="nurse")
    assert [h.concept for h in plain] == [0, 1]
    assert [h.concept for h in headed] == [1, 0]


def test_labels_of_the_language_asked_for_come_first() -> None:
    ranker = Ranker(
        2,
        [(0, "producteur", 0), (1, "producteur de houblon", 0)],
        label_languages=["en", "fr"],
    )
    # The French label is found in English too, but counts half.
    fr = ranker.rank("producteur", limit=2, language="fr")[0]
    en = ranker.rank("producteur", limit=2, language="en")[0]
    assert fr[1].score > en[1].score  # the French label counts in full only in French


def test_a_title_many_labels_carry_names_its_concept() -> None:
    ranker = Ranker(
        2,
        [
            (0, "horticulture production manager", 0),
            (1, "theatre production manager", 0),
            (1, "film production manager", 1),
            (1, "live event production manager", 1),
        ],
        support=SUPPORT,
    )
    assert ranker.rank("production manager", limit=2)[0][0].concept == 1
    ranker.support = 0.0  # without it, the shorter label wins
    assert ranker.rank("production manager", limit=2)[0][0].concept == 0
