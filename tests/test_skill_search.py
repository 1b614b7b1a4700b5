"""Finding skills by name (GET /skills?q=), autocomplete (GET /suggest), and the in-memory
answers of /skills/{id}, /isco/{code} and the skills of /occupations/{id} held to the named
queries they replace."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from pyoxigraph import Store

from graph import suggest
from graph import terms as t
from graph.catalog import Catalog, by_label
from graph.queries import QueryRunner
from graph.store import LiveStore
from service import answers

RUNNER = QueryRunner()


def occupation_summary(row: dict[str, object], *, uri_key: str = "uri") -> dict[str, object]:
    """An occupation in a list, as the JSON API shapes it, from a named query's row (the
    stores here answer in English, their main language)."""
    uri = str(row[uri_key])
    return {
        "id": t.concept_id(uri),
        "uri": uri,
        "label": row.get("label"),
        "language": "en",
        "isco_group": row.get("isco_group"),
        "skill_level": row.get("skill_level"),
    }


def skill_summary(row: dict[str, object], *, uri_key: str = "skill") -> dict[str, object]:
    """A skill in a list, as the JSON API shapes it, from a named query's row."""
    uri = str(row[uri_key])
    return {
        "id": t.concept_id(uri),
        "uri": uri,
        "label": row.get("label"),
        "language": "en",
        "skill_type": row.get("skill_type") or None,
    }


def by_score(rows: list[dict[str, object]]) -> list[dict[str, object]]:
    """Matches best first: score, then label, then URI (as the load-time ranking)."""
    return sorted(
        rows,
        key=lambda r: (-float(r["score"] or 0.0), str(r.get("label") or "").lower(), str(r["uri"])),  # type: ignore[arg-type]
    )


BOTH = frozenset({"occupation", "skill"})


@pytest.fixture(scope="module")
def full_catalog(full_root: Path) -> tuple[Catalog, LiveStore]:
    live = LiveStore(full_root)
    catalog = Catalog()
    catalog.prepare(live.get())
    return catalog, live


# --- GET /skills?q= --------------------------------------------------------------------------


def test_skill_search_ranks_the_exact_label_first_and_says_how_it_matched(
    sample_http: httpx.Client,
) -> None:
    everything = sample_http.get("/skills", params={"limit": 100}).json()
    assert everything["total"] > len(everything["items"]) == 100
    labels = [s["label"] for s in everything["items"]]
    assert labels == sorted(labels, key=str.lower)  # label order without q
    label = labels[len(labels) // 2]
    found = sample_http.get("/skills", params={"q": "  " + label.upper() + " "}).json()
    first = found["items"][0]
    assert (first["label"], first["matched_label"], first["match"]) == (label, "preferred", "exact")
    assert first["skill_type"] in ("skill", "knowledge")
    assert "reuse_level" in first
    word = label.split()[0].lower()
    by_word = sample_http.get("/skills", params={"q": word, "limit": 100}).json()
    assert by_word["total"] >= 1
    assert all(
        word in s["label"].lower() or s["matched_label"] != "preferred" for s in by_word["items"]
    )


def test_skill_search_pages_and_refuses_bad_parameters(sample_http: httpx.Client) -> None:
    whole = sample_http.get("/skills", params={"limit": 6}).json()["items"]
    pages = [
        sample_http.get("/skills", params={"limit": 2, "offset": n}).json()["items"]
        for n in (0, 2, 4)
    ]
    assert [s["id"] for page in pages for s in page] == [s["id"] for s in whole]
    for bad in ({"limit": 0}, {"limit": 101}, {"offset": -1}, {"q": "x" * 201}):
        answer = sample_http.get("/skills", params=bad)
        assert answer.status_code == 422
        assert answer.headers["content-type"].startswith("application/problem+json")
    nothing = sample_http.get("/skills", params={"q": "zzqx qqzz"}).json()
    assert nothing == {"total": 0, "items": []}


@pytest.mark.fulldata
def test_manage_budgets_is_first_for_manage_budgets(
    full_catalog: tuple[Catalog, LiveStore],
) -> None:
    catalog, live = full_catalog
    found = answers.skill_hits(catalog.search_skills(live.get().store, "manage budgets", limit=5))
    assert found["items"][0]["label"] == "manage budgets"
    assert found["items"][0]["match"] == "exact"
    # Word order and inflections aside: the same label comes first, as an exact match.
    reordered = answers.skill_hits(
        catalog.search_skills(live.get().store, "budget managing", limit=50)
    )["items"]
    assert reordered[0]["label"] == "manage budgets" and reordered[0]["match"] == "exact"
    assert {s["match"] for s in reordered[1:]} == {"words"}


# --- GET /suggest ----------------------------------------------------------------------------


def test_suggest_completes_a_word_of_occupations_and_skills(sample_http: httpx.Client) -> None:
    occupation = sample_http.get("/occupations", params={"limit": 1}).json()["items"][0]
    prefix = occupation["label"].split()[0][:4]
    found = sample_http.get("/suggest", params={"q": prefix, "limit": 50}).json()["items"]
    assert occupation["uri"] in [s["uri"] for s in found]
    for item in found:
        assert any(word.lower().startswith(prefix.lower()) for word in item["label"].split()) or (
            item["matched_label"] != "preferred" or item["matched_language"] != "en"
        )
        # The label that matched has a word starting with the text.
        assert any(w.startswith(prefix.lower()) for w in item["matched_text"].split()), item
    only = sample_http.get("/suggest", params={"q": prefix, "type": "occupation"}).json()
    assert {s["type"] for s in only["items"]} == {"occupation"}
    for bad in ({"q": ""}, {"q": "a", "limit": 51}, {"q": "a", "type": "isco"}):
        assert sample_http.get("/suggest", params=bad).status_code == 422


def test_suggest_puts_labels_starting_with_the_text_before_later_words() -> None:
    concepts = [
        suggest.Concept("skill", "http://example.org/s/1", "stage production"),
        suggest.Concept("occupation", "http://example.org/o/1", "producer"),
        suggest.Concept("skill", "http://example.org/s/2", "produce samples"),
        suggest.Concept("occupation", "http://example.org/o/2", "film producer"),
    ]
    labels = [("stage production", 0, 0), ("producer", 0, 1), ("produce samples", 0, 2)]
    labels += [("film producer", 0, 3), ("producer", 1, 3)]  # an alternative label too
    index = suggest.Suggester(concepts, labels)
    found = index.suggest("PROD", limit=10, types=BOTH)
    assert [s.concept.label for s in found] == [
        "producer",
        "produce samples",
        "film producer",  # by its alternative label, which starts with the text
        "stage production",
    ]
    assert [s.kind for s in found] == [0, 0, 1, 0]
    assert [s.at_start for s in found] == [True, True, True, False]
    assert index.suggest("prod", limit=2, types=frozenset({"skill"}))[1].concept.label == (
        "stage production"
    )


@pytest.mark.fulldata
def test_suggest_reads_a_range_or_the_ranked_lists_to_the_same_answers(
    full_catalog: tuple[Catalog, LiveStore], monkeypatch: pytest.MonkeyPatch
) -> None:
    catalog, live = full_catalog
    index = catalog.indexes(live.get().store).suggester
    prefixes = ["e", "ma", "man", "prod", "q", "nurse", "manage b", "zz", "data an"]
    for types in (BOTH, frozenset({"occupation"}), frozenset({"skill"})):
        for prefix in prefixes:
            monkeypatch.setattr(suggest, "DIRECT", 10**9)
            whole = index.suggest(prefix, limit=20, types=types)
            monkeypatch.setattr(suggest, "DIRECT", 0)
            ranked = index.suggest(prefix, limit=20, types=types)
            assert whole == ranked, (prefix, types)
    assert answers.suggestions(catalog.suggest(live.get().store, "produc", limit=1, types=BOTH))[
        "items"
    ][0]["label"] == ("producer")


# --- /skills/{id} and /isco/{code} from the career index ------------------------------------


def _named(store: object, query: str, params: dict[str, str]) -> list[dict[str, object]]:
    return RUNNER.select(store, query, params)  # type: ignore[arg-type]


def test_a_skills_occupations_are_those_of_the_named_query(sample_root: Path) -> None:
    live = LiveStore(sample_root)
    store = live.get().store
    catalog = Catalog()
    skills = [r["uri"] for r in RUNNER.select(store, "skill_labels") if r["kind"] == 0]
    checked = 0
    for uri in skills:
        rows = by_label(_named(store, "skill_occupations", {"skill": str(uri)}))
        profile = answers.skill_profile(catalog.skill(store, str(uri)))
        for relation in ("essential", "optional"):
            expected = [occupation_summary(r) for r in rows if r["relation"] == relation]
            assert profile[f"{relation}_for"] == expected, uri
            checked += len(expected)
    assert checked > 0


def _isco_groups_match_the_named_queries(catalog: Catalog, store: Store) -> int:
    """Every ISCO group's answer (head, parent, children, descriptions in every language, its
    occupations) against isco_group, isco_parent, isco_children, concept_description and
    isco_occupations: how many occupations were checked."""
    languages = catalog.translations(store).languages
    groups = store.query(
        "SELECT ?g WHERE { ?g <http://www.w3.org/2004/02/skos/core#inScheme> "
        "<http://data.europa.eu/esco/concept-scheme/isco> }",
        use_default_graph_as_union=True,
    )
    checked = 0
    for row in groups:  # type: ignore[union-attr]
        uri = row["g"].value
        code = uri.rsplit("/C", 1)[1]
        rows = sorted(
            by_label(_named(store, "isco_occupations", {"group": uri})),
            key=lambda r: str(r["isco_group"]),
        )
        group = answers.isco_group(catalog.isco_group(store, code, limit=5000, languages=languages))
        assert group["occupations"] == [occupation_summary(r) for r in rows], code
        assert group["occupation_count"] == len(rows)
        head = _named(store, "isco_group", {"group": uri})[0]
        assert (group["code"], group["label"], group["skill_level"]) == (
            head["code"],
            head["label"],
            head["skill_level"],
        ), code
        assert group["description"] == head["description"], code
        notes: dict[str, str] = {}
        for note in _named(store, "concept_description", {"concept": uri}):
            notes.setdefault(str(note["description_language"]), str(note["description"]))
        assert {k: v["description"] for k, v in group["translations"].items()} == {
            tag: notes.get(tag) for tag in languages
        }, code
        parents = _named(store, "isco_parent", {"group": uri})
        assert group["parent"] == (
            {
                "code": parents[0]["parent_code"],
                "uri": parents[0]["parent"],
                "label": parents[0]["parent_label"],
                "language": "en",
            }
            if parents
            else None
        ), code
        assert group["children"] == [
            {
                "code": r["code"],
                "uri": r["uri"],
                "label": r["label"],
                "language": "en",
                "skill_level": r["skill_level"],
            }
            for r in _named(store, "isco_children", {"group": uri})
        ], code
        checked += len(rows)
    return checked


def test_an_isco_groups_answer_is_that_of_the_named_queries(sample_root: Path) -> None:
    assert _isco_groups_match_the_named_queries(Catalog(), LiveStore(sample_root).get().store) > 0


@pytest.mark.fulldata
def test_every_isco_groups_answer_is_that_of_the_named_queries_in_full(
    full_catalog: tuple[Catalog, LiveStore],
) -> None:
    catalog, live = full_catalog
    assert _isco_groups_match_the_named_queries(catalog, live.get().store) > 3_000


def _occupations_skills_match_the_named_query(catalog: Catalog, store: object) -> int:
    """Every occupation's profile skills against occupation_skills: how many skills ESCO
    lists as both essential and optional for one occupation (they are under both)."""
    occupations = [str(r["uri"]) for r in _named(store, "occupation_list", {})]
    assert occupations
    both = 0
    for uri in occupations:
        rows = by_label(_named(store, "occupation_skills", {"occupation": uri}), uri_key="skill")
        profile = answers.occupation_profile(catalog.occupation(store, uri))  # type: ignore[arg-type]
        for relation in ("essential", "optional"):
            expected = [skill_summary(r) for r in rows if r["relation"] == relation]
            assert profile[f"{relation}_skills"] == expected, (uri, relation)
        both += len(
            {s["uri"] for s in profile["essential_skills"]}
            & {s["uri"] for s in profile["optional_skills"]}
        )
    return both


def test_an_occupations_skills_are_those_of_the_named_query(sample_root: Path) -> None:
    live = LiveStore(sample_root)
    _occupations_skills_match_the_named_query(Catalog(), live.get().store)


@pytest.mark.fulldata
def test_every_occupations_skills_are_those_of_the_named_query_in_full(
    full_catalog: tuple[Catalog, LiveStore],
) -> None:
    catalog, live = full_catalog
    # ESCO v1.2.0 lists a few skills as both essential and optional for one occupation.
    assert _occupations_skills_match_the_named_query(catalog, live.get().store) > 0


def _skill_gaps_match_the_named_query(catalog: Catalog, store: object, step: int) -> int:
    """The skill gaps between every ``step``-th occupation and the next few against the
    skill_gap query: how many pairs were checked."""
    occupations = [str(r["uri"]) for r in _named(store, "occupation_list", {})][::step]
    pairs = [(a, b) for n, a in enumerate(occupations) for b in occupations[n : n + 6]]
    for source, target in pairs:
        rows = by_label(_named(store, "skill_gap", {"from": source, "to": target}), uri_key="skill")
        gap = answers.skill_gap(catalog.skill_gap(store, source, target))  # type: ignore[arg-type]
        missing = [r for r in rows if not r["held"]]
        essential = [r for r in rows if r["relation"] == "essential"]
        assert gap["shared_skills"] == [skill_summary(r) for r in rows if r["held"]]
        assert gap["missing_essential"] == [
            skill_summary(r) for r in missing if r["relation"] == "essential"
        ]
        assert gap["missing_optional"] == [
            skill_summary(r) for r in missing if r["relation"] == "optional"
        ]
        held = sum(1 for r in essential if r["held"])
        assert gap["coverage"] == (round(held / len(essential), 6) if essential else 1.0)
    return len(pairs)


def test_skill_gaps_are_those_of_the_named_query(sample_root: Path) -> None:
    live = LiveStore(sample_root)
    assert _skill_gaps_match_the_named_query(Catalog(), live.get().store, 1) > 200


@pytest.mark.fulldata
def test_skill_gaps_are_those_of_the_named_query_in_full(
    full_catalog: tuple[Catalog, LiveStore],
) -> None:
    catalog, live = full_catalog
    assert _skill_gaps_match_the_named_query(catalog, live.get().store, 30) > 500


# --- Profiles, similar occupations and prospects from the version's indexes -----------------


def _related_match_the_named_queries(catalog: Catalog, store: object) -> int:
    """Every occupation's similar occupations and prospects against the named queries that
    read the stored matches (similar_occupations, occupation_prospects): how many items."""
    checked = 0
    for row in _named(store, "occupation_list", {}):
        uri = str(row["uri"])
        for kind, query in (
            ("similar", "similar_occupations"),
            ("prospects", "occupation_prospects"),
        ):
            rows = by_score(_named(store, query, {"occupation": uri}))
            answer = answers.related_occupations(
                catalog.related_occupations(store, uri, kind=kind, limit=20)
            )  # type: ignore[arg-type]
            assert [i["uri"] for i in answer["items"]] == [str(r["uri"]) for r in rows], (uri, kind)
            for item, expected in zip(answer["items"], rows, strict=True):
                assert item == {
                    **occupation_summary(expected),
                    "score": round(float(expected["score"] or 0.0), 6),
                    "shared_essential": expected["shared_essential"],
                    "shared_optional": expected["shared_optional"],
                }, (uri, kind)
                checked += 1
    return checked


def test_similar_occupations_and_prospects_are_those_of_the_named_queries(
    sample_root: Path,
) -> None:
    live = LiveStore(sample_root)
    assert _related_match_the_named_queries(Catalog(), live.get().store) > 500


@pytest.mark.fulldata
def test_similar_occupations_and_prospects_are_those_of_the_named_queries_in_full(
    full_catalog: tuple[Catalog, LiveStore],
) -> None:
    catalog, live = full_catalog
    assert _related_match_the_named_queries(catalog, live.get().store) > 50_000


def _profiles_match_the_named_queries(catalog: Catalog, store: object, step: int) -> int:
    """Every ``step``-th occupation's and skill's texts (labels, alternative labels,
    description, code, ISCO group) against the named queries a profile used to run per
    request (occupation, skill, concept_alt_labels, concept_description), in every
    language of the store: how many were checked."""
    languages = catalog.translations(store).languages  # type: ignore[arg-type]
    checked = 0
    concepts = [("occupation", str(r["uri"])) for r in _named(store, "occupation_list", {})]
    concepts += [("skill", str(r["uri"])) for r in _named(store, "skill_labels", {})]
    for kind, uri in list(dict.fromkeys(concepts))[::step]:
        alternatives: dict[str, list[str]] = {}
        for row in _named(store, "concept_alt_labels", {"concept": uri}):
            # Single-spaced, as the answers give them (ESCO writes a few with two spaces).
            alternatives.setdefault(str(row["alt_language"]), []).append(
                " ".join(str(row["alt_label"]).split())
            )
        notes: dict[str, str] = {}
        for row in _named(store, "concept_description", {"concept": uri}):
            notes.setdefault(str(row["description_language"]), str(row["description"]))
        if kind == "occupation":
            profile = answers.occupation_profile(
                catalog.occupation(store, uri, languages=languages)
            )  # type: ignore[arg-type]
            head = _named(store, "occupation", {"occupation": uri})[0]
            assert profile["code"] == head["code"], uri
            group = profile["isco_group"]
            assert (group and group["uri"]) == head["isco_group"], uri
            if group:
                assert (group["code"], group["label"]) == (head["isco_code"], head["isco_label"])
        else:
            profile = answers.skill_profile(catalog.skill(store, uri, languages=languages))  # type: ignore[arg-type]
            head = _named(store, "skill", {"skill": uri})[0]
            assert (profile["skill_type"], profile["reuse_level"]) == (
                head["skill_type"] or None,
                head["reuse_level"] or None,
            ), uri
            hierarchy = by_label(_named(store, "concept_hierarchy", {"concept": uri}))
            for direction in ("broader", "narrower"):
                expected = [
                    {
                        "id": t.concept_id(str(r["uri"])),
                        "uri": r["uri"],
                        "label": r["label"],
                        "language": "en",
                    }
                    for r in hierarchy
                    if r["direction"] == direction
                ]
                assert profile[direction] == expected, (uri, direction)
        # Single-spaced, as the answers give labels (ESCO writes a few with two spaces).
        assert profile["label"] == " ".join(str(head["label"]).split()), uri
        assert profile["description"] == head["description"], uri
        assert profile["alt_labels"] == sorted(
            alternatives.get(profile["language"], []), key=lambda a: (a.lower(), a)
        ), uri
        for tag, texts in profile["translations"].items():
            assert texts["description"] == notes.get(tag), (uri, tag)
            assert texts["alt_labels"] == sorted(
                alternatives.get(tag, []), key=lambda a: (a.lower(), a)
            ), (uri, tag)
        checked += 1
    return checked


def test_profiles_texts_are_those_of_the_named_queries(sample_root: Path) -> None:
    live = LiveStore(sample_root)
    assert _profiles_match_the_named_queries(Catalog(), live.get().store, 1) > 800


@pytest.mark.fulldata
def test_profiles_texts_are_those_of_the_named_queries_in_full(
    full_catalog: tuple[Catalog, LiveStore],
) -> None:
    catalog, live = full_catalog
    assert _profiles_match_the_named_queries(catalog, live.get().store, 10) > 1_500


# --- POST /match: what a CV's words are read as (full classification) ----------------------

ISSUE_PHRASES = {
    # phrase: the skills a recruiter would pick (benchmarks/cv_phrases.csv)
    "Excel": {"use spreadsheets software", "use microsoft office"},
    "time management": {"manage time"},
    "social media": {
        "social media management",
        "apply social media marketing",
        "social media marketing techniques",
    },
    "driving": {"drive vehicles"},
    "problem solving": {"solve problems"},
    "budgeting": {"manage budgets", "budget for financial needs"},
    "cash handling": {"operate cash register", "handle petty cash", "manage cash desk"},
}


@pytest.mark.fulldata
def test_everyday_cv_phrases_are_never_silently_misread(
    full_catalog: tuple[Catalog, LiveStore],
) -> None:
    catalog, live = full_catalog
    result = answers.match_result(
        catalog.match(live.get().store, list(ISSUE_PHRASES), language="en")
    )
    for skill in result["skills"]:  # resolved: to a skill the recruiter would pick
        assert skill["label"] in ISSUE_PHRASES[skill["given"]], skill
        assert skill["resolved_by"] == "relevance" and skill["matched_text"]
    for unsure in result["ambiguous"]:  # or said to be unsure, the right skill a candidate
        labels = {c["label"] for c in unsure["candidates"]}
        assert labels & ISSUE_PHRASES[unsure["given"]], unsure
    assert result["unknown"] == []
    assert len(result["skills"]) >= 4  # most of them are read, not all left ambiguous


@pytest.mark.fulldata
def test_a_one_letter_typo_resolves_in_match_as_search_corrects_it(
    full_catalog: tuple[Catalog, LiveStore],
) -> None:
    catalog, live = full_catalog
    skills = catalog.indexes(live.get().store).skills
    preferred = [
        (text, skill)
        for text, kind, skill in skills.labels
        if kind == 0 and len(max(text.split(), key=len)) >= 5
    ][::97]
    searched = resolved = 0
    for text, skill in preferred:
        longest = max(text.split(), key=len)
        typo = text.replace(longest, longest[:2] + longest[3:], 1)
        hits, _ = skills.search(typo, limit=1)
        searched += bool(hits) and hits[0].skill == skill
        resolved += skills.resolve(typo, "en").skill == skill
    assert searched >= 0.9 * len(preferred)
    assert resolved >= 0.85 * len(preferred), (resolved, searched, len(preferred))
