"""Several languages in one store: language packs loaded beside the bundle, answers in the
language asked for (with a fallback that says so), search in any language, SPARQL."""

from __future__ import annotations

import csv
import zipfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from pyoxigraph import Literal, NamedNode

from graph import releases
from graph import terms as t
from graph.catalog import Catalog
from graph.errors import BundleError
from graph.languages import Translations
from graph.store import LiveStore, active_version
from service.examples import PRODUCER
from service.language import choose
from service.problems import ProblemError
from skillgraph.pipeline import load_bundle, sample_path
from tests import tiny
from tests.conftest import FULL_BUNDLE, FULL_LABELS, LiveServer, running

PACK_HEADERS = {
    # An earlier release's columns: no hiddenLabels, scopeNote, status or modifiedDate.
    "occupations": [
        "conceptType",
        "conceptUri",
        "iscoGroup",
        "preferredLabel",
        "altLabels",
        "description",
    ],
    "skills": [
        "conceptType",
        "conceptUri",
        "skillType",
        "reuseLevel",
        "preferredLabel",
        "altLabels",
        "description",
    ],
}
UNKNOWN = tiny.OCC + "99999999-9999-4999-8999-000000000001"


def write_pack(folder: Path, language: str, rows: dict[str, list[dict[str, str]]]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for kind, items in rows.items():
        with open(folder / f"{kind}_{language}.csv", "w", newline="", encoding="utf-8") as out:
            writer = csv.DictWriter(out, fieldnames=PACK_HEADERS[kind], restval="")
            writer.writeheader()
            writer.writerows(items)
    return folder


FRENCH = {
    "occupations": [
        {
            "conceptUri": tiny.PRODUCER,
            "iscoGroup": "2654",
            "preferredLabel": "producteur/productrice",
            "altLabels": "producteur\nproductrice",
            "description": "Les producteurs gèrent des productions.",
        },
        {"conceptUri": UNKNOWN, "iscoGroup": "2654", "preferredLabel": "obsolète"},
    ],
    "skills": [{"conceptUri": tiny.BUDGET, "preferredLabel": "gérer des budgets"}],
}


def _labels(root: Path, subject: str) -> set[Literal]:
    store = LiveStore(root).get().store
    return {q.object for q in store.quads_for_pattern(NamedNode(subject), t.PREF_LABEL, None)}  # type: ignore[misc]


# --- Loading ----------------------------------------------------------------------------


def test_a_pack_adds_labels_in_its_language_and_counts_what_it_cannot_load(
    tiny_bundle: Path, tmp_path: Path
) -> None:
    pack = write_pack(tmp_path / "fr", "fr", FRENCH)
    result = load_bundle(tiny_bundle, tmp_path / "store", packs=[pack])
    french = result.report.languages["fr"]
    assert list(result.report.languages) == ["en", "fr"]
    assert french.concepts == {"occupations": 1, "skills": 1}
    assert french.unknown == {"occupations": 1}  # counted, not loaded as a concept
    assert french.labels == 4 and french.notes == 1
    assert result.report.languages["en"].concepts["occupations"] == 6
    root = tmp_path / "store"
    assert _labels(root, tiny.PRODUCER) == {
        Literal("producer", language="en"),
        Literal("producteur/productrice", language="fr"),
    }
    store = LiveStore(root).get().store
    assert not list(store.quads_for_pattern(NamedNode(UNKNOWN), None, None))
    # Each language has its own SKOS-XL label nodes and description node literal.
    nodes = list(store.quads_for_pattern(NamedNode(tiny.PRODUCER), t.DESCRIPTION, None))
    languages = {
        q.object.value
        for node in nodes
        for q in store.quads_for_pattern(node.object, t.LANGUAGE, None)  # type: ignore[arg-type]
    }
    assert languages == {"en", "fr"}
    assert len(list(store.quads_for_pattern(NamedNode(tiny.PRODUCER), t.XL_PREF_LABEL, None))) == 2
    # The graph says which languages it holds, and the main one.
    graph = releases.esco_graph(releases.UNNAMED)
    main = store.quads_for_pattern(graph, t.MAIN_LANGUAGE, None)
    assert [q.object.value for q in main] == ["en"]
    tags = {q.object.value for q in store.quads_for_pattern(graph, t.DCT_LANGUAGE, None)}
    assert tags == {"en", "fr"}


def test_a_pack_may_be_a_zip_and_the_bundles_folder_may_hold_other_languages(
    tiny_bundle: Path, tmp_path: Path
) -> None:
    spanish = write_pack(tmp_path / "es", "es", {"occupations": [FRENCH["occupations"][0]]})
    archive = tmp_path / "es.zip"
    with zipfile.ZipFile(archive, "w") as out:
        out.write(spanish / "occupations_es.csv", "labels/occupations_es.csv")
    write_pack(tiny_bundle, "fr", FRENCH)  # beside the English files
    result = load_bundle(tiny_bundle, tmp_path / "store", packs=[archive])
    assert list(result.report.languages) == ["en", "fr", "es"]
    assert result.report.languages["es"].concepts == {"occupations": 1}


def test_a_language_comes_once_and_a_pack_must_hold_labels(
    tiny_bundle: Path, tmp_path: Path
) -> None:
    english = write_pack(tmp_path / "en", "en", FRENCH)
    with pytest.raises(BundleError, match="holds labels in 'en'"):
        load_bundle(tiny_bundle, tmp_path / "store", packs=[english])
    one, two = write_pack(tmp_path / "a", "fr", FRENCH), write_pack(tmp_path / "b", "fr", FRENCH)
    with pytest.raises(BundleError, match="holds labels in 'fr'"):
        load_bundle(tiny_bundle, tmp_path / "store", packs=[one, two])
    relations = tmp_path / "relations"
    relations.mkdir()
    (relations / "occupationSkillRelations_de.csv").write_text("occupationUri\n")
    with pytest.raises(BundleError, match="no label files in 'de'"):
        load_bundle(tiny_bundle, tmp_path / "store", packs=[relations])
    assert not (tmp_path / "store").exists() or not list((tmp_path / "store").glob("v-*"))


def test_a_bad_pack_stops_the_load_and_the_store_keeps_serving_what_it_had(
    tiny_root: Path, tiny_bundle: Path, tmp_path: Path
) -> None:
    before = active_version(tiny_root)
    pack = write_pack(tmp_path / "fr", "fr", FRENCH)
    with open(pack / "skills_fr.csv", "a", encoding="utf-8") as out:
        out.write("KnowledgeSkillCompetence,not an iri,,,budget,,\n")
    with pytest.raises(BundleError, match=r"skills_fr\.csv.*line 3.*not a valid IRI"):
        load_bundle(tiny_bundle, tiny_root, packs=[pack])
    assert active_version(tiny_root) == before
    assert _labels(tiny_root, tiny.PRODUCER) == {Literal("producer", language="en")}


def test_the_cli_prints_the_counts_per_language(tiny_bundle: Path, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from skillgraph.cli import main

    pack = write_pack(tmp_path / "fr", "fr", FRENCH)
    result = CliRunner().invoke(
        main, ["load", str(tiny_bundle), str(pack), "--store", str(tmp_path / "store")]
    )
    assert result.exit_code == 0, result.output
    assert "2 languages:" in result.output
    assert "fr  4 labels, 1 descriptions; 1 occupations, 1 skills" in result.output
    assert "1 rows of" in result.output
    assert "(fr: 1 occupations) name a concept the download does not describe" in result.output


# --- Choosing the language --------------------------------------------------------------


TRANSLATIONS = Translations(
    "en", {"en": {"u": "a"}, "fr": {"u": "b"}, "es": {}, "en-us": {"u": "c"}}
)


def test_a_language_variant_falls_back_to_its_base_language() -> None:
    translations = Translations(
        "fr", {"fr": {"u": "f", "v": "g"}, "en": {"u": "a", "v": "b"}, "en-us": {"u": "c"}}
    )
    assert translations.fallbacks("en-us") == ["en-us", "en", "fr"]
    assert translations.fallbacks("en") == ["en", "fr"]
    assert translations.label("u", "en-us") == ("c", "en-us")
    assert translations.label("v", "en-us") == ("b", "en")  # English before the main French
    assert translations.label("w", "en-us") == (None, "fr")


@pytest.mark.parametrize(
    ("parameter", "header", "language", "languages"),
    [
        (None, None, "en", ()),
        ("fr", None, "fr", ()),
        ("FR", "es", "fr", ()),  # the parameter wins
        ("en-GB", None, "en", ()),  # RFC 4647 lookup: en-gb falls back to en
        ("en-US", None, "en-us", ()),
        ("fr,es", None, "fr", ("fr", "es")),
        ("*", None, "en", ("en", "en-us", "fr", "es")),
        (None, "de, fr;q=0.8, es;q=0.9", "es", ()),
        (None, "de", "en", ()),  # no loaded language: the main one (documented)
        (None, "fr;q=0, es;q=0.1", "es", ()),  # q=0 is "not acceptable"
        (None, "*;q=0.5, fr;q=0.4", "en", ()),
        (None, "fr;q=nonsense, es", "es", ()),
    ],
)
def test_the_language_parameter_then_accept_language_choose(
    parameter: str | None, header: str | None, language: str, languages: tuple[str, ...]
) -> None:
    chosen = choose(TRANSLATIONS, parameter, header)
    assert (chosen.language, chosen.languages) == (language, languages)


def test_a_language_the_store_lacks_is_refused_with_the_ones_it_has() -> None:
    with pytest.raises(ProblemError) as error:
        choose(TRANSLATIONS, "de", None)
    assert error.value.status == 422
    assert error.value.extra["languages"] == ["en", "en-us", "fr", "es"]


def test_answers_name_concepts_in_the_language_asked_and_say_where_they_fell_back(
    sample_root: Path,
) -> None:
    store = LiveStore(sample_root).get().store
    catalog = Catalog()
    french = catalog.occupation(store, PRODUCER, language="fr")
    english = catalog.occupation(store, PRODUCER)
    labels = catalog.translations(store).labels["fr"]
    assert french.texts.language == "fr" and french.texts.label == labels[french.uri]
    pairs = list(zip(french.essential_skills, english.essential_skills, strict=True))
    for translated, original in pairs:
        assert translated.uri == original.uri and original.language == "en"
        if translated.uri in labels:  # a French label: in French, and says so
            assert (translated.label, translated.language) == (labels[translated.uri], "fr")
        else:  # none: the English one, and says so
            assert (translated.label, translated.language) == (original.label, "en")
    assert any(s.language == "fr" for s in french.essential_skills)


# --- Answers from a real server on the bundled sample (English, French, Spanish) --------


def test_a_profile_in_french_names_its_skills_and_group_in_french(
    sample_http: httpx.Client,
) -> None:
    response = sample_http.get(f"/occupations/{PRODUCER}", params={"language": "fr"})
    assert response.status_code == 200
    assert response.headers["content-language"] == "fr"
    assert "accept-language" in response.headers["vary"].lower()
    body = response.json()
    assert (body["label"], body["language"]) == ("producteur/productrice", "fr")
    assert body["alt_labels"] == ["producteur", "productrice"]
    # The French labels have no descriptions: the English one, and it says so.
    assert body["description_language"] == "en" and body["description"]
    assert body["isco_group"]["language"] == "fr"
    assert body["isco_group"]["label"].startswith("Metteurs en scène")
    skills = body["essential_skills"]
    assert {s["language"] for s in skills} <= {"fr", "en"}
    assert sum(s["language"] == "fr" for s in skills) > len(skills) / 2
    english = sample_http.get(f"/occupations/{PRODUCER}").json()
    assert [s["uri"] for s in english["essential_skills"]] == [s["uri"] for s in skills]
    assert english["label"] == "producer" and english["language"] == "en"


def test_a_concept_without_a_label_in_the_language_falls_back_and_says_so(
    sample_http: httpx.Client,
) -> None:
    with open(sample_path() / "occupations_fr.csv", encoding="utf-8") as labels:
        french = {row["conceptUri"] for row in csv.DictReader(labels)}
    listing = sample_http.get("/occupations", params={"limit": 100, "language": "fr"}).json()
    missing = [o for o in listing["items"] if o["uri"] not in french]
    assert len(missing) == 2  # 51 of the sample's 53 occupations have French labels
    assert all(o["language"] == "en" for o in missing)
    profile = sample_http.get(f"/occupations/{missing[0]['id']}", params={"language": "fr"})
    assert profile.headers["content-language"] == "fr"
    assert profile.json()["language"] == "en" and profile.json()["alt_labels"] is not None


def test_several_languages_translate_a_profile_in_one_call(sample_http: httpx.Client) -> None:
    body = sample_http.get(f"/occupations/{PRODUCER}", params={"language": "fr,es"}).json()
    assert body["label"] == "producteur/productrice"
    assert body["translations"]["es"]["label"] == "productor/productora"
    assert body["translations"]["es"]["alt_labels"] == ["productor", "productora"]
    assert body["translations"]["fr"]["description"] is None
    every = sample_http.get(f"/skills/{tiny_sample_budget(sample_http)}", params={"language": "*"})
    assert set(every.json()["translations"]) == {"en", "es", "fr"}
    assert every.headers["content-language"] == "en"


def tiny_sample_budget(client: httpx.Client) -> str:
    hit = client.get("/skills", params={"q": "manage budgets", "limit": 1}).json()["items"][0]
    return str(hit["id"])


def test_search_suggest_and_match_in_any_language(sample_http: httpx.Client) -> None:
    found = sample_http.get("/occupations", params={"q": "productrice", "language": "fr"}).json()
    first = found["items"][0]
    assert first["id"] == PRODUCER and first["label"] == "producteur/productrice"
    assert (first["matched_text"], first["matched_language"]) == ("productrice", "fr")
    # Without a language the search still finds it, and answers in English.
    plain = sample_http.get("/occupations", params={"q": "productrice"}).json()["items"][0]
    assert (plain["id"], plain["label"], plain["language"]) == (PRODUCER, "producer", "en")
    suggested = sample_http.get("/suggest", params={"q": "product", "language": "es"}).json()
    assert suggested["items"][0]["label"] == "productor/productora"
    # Its labels in French and Spanish both start so: the Spanish one asked for comes first,
    # and the answer names it, so a person sees why it is there.
    first = suggested["items"][0]
    assert first["matched_language"] == "es"
    assert first["matched_text"].startswith("product")
    # Labels of the language asked for first: a match through another language's label
    # ranks below every match through one of its own.
    english = sample_http.get("/suggest", params={"q": "compo", "limit": 50}).json()["items"]
    languages = [item["matched_language"].split("-")[0] for item in english]
    assert "en" in languages and set(languages) - {"en"}
    assert languages == sorted(languages, key=lambda tag: tag != "en")
    spanish = sample_http.get("/suggest", params={"q": "productora", "language": "es"}).json()
    assert spanish["items"][0]["matched_language"] == "es"
    matched = sample_http.post(
        "/match", params={"language": "fr"}, json={"skills": ["gérer des budgets"]}
    ).json()
    (skill,) = matched["skills"]
    assert (skill["resolved_by"], skill["resolved_language"]) == ("preferred label", "fr")
    assert skill["label"] == "gérer des budgets" and matched["items"]


def test_accept_language_chooses_and_the_cache_keeps_languages_apart(
    sample_http: httpx.Client,
) -> None:
    path = f"/occupations/{PRODUCER}/similar"
    french = sample_http.get(path, headers={"Accept-Language": "de, fr;q=0.8, es;q=0.5"})
    spanish = sample_http.get(path, headers={"Accept-Language": "es"})
    again = sample_http.get(path, headers={"Accept-Language": "de, fr;q=0.8, es;q=0.5"})
    assert french.headers["content-language"] == again.headers["content-language"] == "fr"
    assert spanish.headers["content-language"] == "es"
    assert french.json()["occupation"]["label"] == "producteur/productrice"
    assert spanish.json()["occupation"]["label"] == "productor/productora"
    assert again.json() == french.json()
    assert french.headers["etag"] != spanish.headers["etag"]
    revalidated = sample_http.get(
        path, headers={"Accept-Language": "es", "If-None-Match": spanish.headers["etag"]}
    )
    assert revalidated.status_code == 304
    other = sample_http.get(
        path, headers={"Accept-Language": "fr", "If-None-Match": spanish.headers["etag"]}
    )
    assert other.status_code == 200 and other.headers["content-language"] == "fr"


def test_an_unknown_language_is_a_problem_listing_the_languages(
    sample_http: httpx.Client,
) -> None:
    for params in ({"language": "de"}, {"language": "fr,xx"}):
        response = sample_http.get(f"/occupations/{PRODUCER}", params=params)
        assert response.status_code == 422
        assert response.headers["content-type"].startswith("application/problem+json")
        assert response.json()["languages"] == ["en", "es", "fr"]
    malformed = sample_http.get("/occupations", params={"language": "fr;drop"})
    assert malformed.status_code == 422


def test_the_service_description_lists_the_languages(sample_server: LiveServer) -> None:
    import rdflib

    response = httpx.get(sample_server.url + "/sparql", headers={"Accept": "text/turtle"})
    graph = rdflib.Graph().parse(data=response.text, format="turtle")
    dct = rdflib.Namespace("http://purl.org/dc/terms/")
    tags = {str(o) for o in graph.objects(None, dct.language)}
    assert tags == {"en", "es", "fr"}
    main = set(graph.objects(None, rdflib.URIRef(t.MAIN_LANGUAGE.value)))
    assert {str(m) for m in main} == {"en"}


def test_sparql_picks_a_language_with_a_fallback(sample_http: httpx.Client) -> None:
    producer = f"<{t.OCCUPATION_BASE}{PRODUCER}>"
    query = f"""
    PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
    SELECT ?label WHERE {{
      OPTIONAL {{ {producer} skos:prefLabel ?asked FILTER(LANG(?asked) = "fr") }}
      OPTIONAL {{ {producer} skos:prefLabel ?main FILTER(LANG(?main) = "en") }}
      BIND(COALESCE(?asked, ?main) AS ?label)
    }}"""
    response = sample_http.post(
        "/sparql", data={"query": query}, headers={"Accept": "application/sparql-results+json"}
    )
    rows = response.json()["results"]["bindings"]
    assert [(r["label"]["value"], r["label"]["xml:lang"]) for r in rows] == [
        ("producteur/productrice", "fr")
    ]


# --- The full classification with French, Spanish and US English (../shared) -------------


@pytest.fixture(scope="module")
def full_languages(tmp_path_factory: pytest.TempPathFactory) -> Iterator[httpx.Client]:
    """A real server on ESCO v1.2.0 loaded with the label files of three more languages."""
    root = tmp_path_factory.mktemp("languages") / "store"
    result = load_bundle(FULL_BUNDLE, root, packs=[FULL_LABELS])
    assert list(result.report.languages) == ["en", "en-us", "es", "fr"]
    with running(root) as server, httpx.Client(base_url=server.url, timeout=60) as client:
        yield client


FULL_PRODUCER = "52b9e8dc-de6c-41dd-b29a-e1291c273f6f"


@pytest.mark.fulldata
def test_the_full_classification_answers_in_french(full_languages: httpx.Client) -> None:
    profile = full_languages.get(f"/occupations/{FULL_PRODUCER}", params={"language": "fr"})
    body = profile.json()
    assert body["label"] == "producteur/productrice" and body["language"] == "fr"
    skills = body["essential_skills"] + body["optional_skills"]
    french = [s for s in skills if s["language"] == "fr"]
    assert len(french) >= 0.9 * len(skills) and "gérer des budgets" in {s["label"] for s in french}
    found = full_languages.get("/occupations", params={"q": "productrice", "language": "fr"})
    assert FULL_PRODUCER in [item["id"] for item in found.json()["items"][:5]]
    american = full_languages.get(
        f"/occupations/{FULL_PRODUCER}", headers={"Accept-Language": "en-US"}
    )
    assert american.headers["content-language"] == "en-us"
    assert american.json()["description_language"] == "en-us"
    # The US pack has no alternative labels: English's stand in; its labels' stray double
    # spaces ("analyze  a script") are gone.
    assert "film producer" in american.json()["alt_labels"]
    american_skills = american.json()["essential_skills"] + american.json()["optional_skills"]
    assert all("  " not in skill["label"] for skill in american_skills)
    every = full_languages.get(f"/occupations/{FULL_PRODUCER}", params={"language": "*"}).json()
    assert set(every["translations"]) == {"en", "en-us", "es", "fr"}
    assert every["translations"]["es"]["label"] == "productor/productora"


@pytest.mark.fulldata
def test_the_full_classification_lists_its_languages_in_sparql(
    full_languages: httpx.Client,
) -> None:
    query = """SELECT ?language (COUNT(*) AS ?labels) WHERE {
      ?o a <http://data.europa.eu/esco/model#Occupation> ;
         <http://www.w3.org/2004/02/skos/core#prefLabel> ?l
      BIND(LANG(?l) AS ?language) } GROUP BY ?language ORDER BY ?language"""
    rows = full_languages.post(
        "/sparql", data={"query": query}, headers={"Accept": "application/sparql-results+json"}
    ).json()["results"]["bindings"]
    counts = {r["language"]["value"]: int(r["labels"]["value"]) for r in rows}
    assert counts == {"en": 3039, "en-us": 2937, "es": 2937, "fr": 2937}


def test_reconciliation_finds_a_title_written_in_another_language(
    sample_http: httpx.Client,
) -> None:
    import json

    queries = {"q0": {"query": "productrice", "type": t.ESCO_OCCUPATION.value}}
    batch = sample_http.post("/reconcile", data={"queries": json.dumps(queries)}).json()
    first = batch["q0"]["result"][0]
    assert first["id"] == t.OCCUPATION_BASE + PRODUCER
