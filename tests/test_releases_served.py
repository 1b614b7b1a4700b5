"""Two releases in one store, served: every answer for the release asked for, what changed,
the migration check, a concept's history, SPARQL across releases.

The older release is made from the bundled sample (v1.2.0) by changes a release makes: one
occupation absent (so v1.2.0 adds it), the producer with another label and ISCO group, one
of its relations optional instead of essential and one missing. Both are loaded into one
store with the O*NET and attributes samples, by the real loader, and served by a real
server; the changes the service finds are those made, no more."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess
import sys
import typing
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from pyoxigraph import NamedNode
from SPARQLWrapper import JSON, SPARQLWrapper

from graph import changes, prepare, releases
from graph.store import LiveStore, active_version
from service.models import ChangeName
from skillgraph.pipeline import load_bundle, sample_datasets, sample_onet_path, sample_path
from tests.conftest import LiveServer, running
from tests.test_readme import COMPARE_QUERY, _block, _shell

ESCO = "http://data.europa.eu/esco/"
PRODUCER = ESCO + "occupation/52b9e8dc-de6c-41dd-b29a-e1291c273f6f"
OLD_LABEL = "film and television producer"


def _rows(path: Path) -> tuple[list[str], list[list[str]]]:
    with path.open(newline="", encoding="utf-8") as f:
        header, *rows = list(csv.reader(f))
    return header, rows


def _write(path: Path, header: list[str], rows: list[list[str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)


class Older:
    """What the older release was made with."""

    absent: str = ""
    """the occupation it lacks"""
    switched: str = ""
    """the producer's skill that is optional in it"""
    missing: str = ""
    """the producer's skill it lacks"""
    absent_relations: int = 0


def make_older(folder: Path) -> Older:
    """The sample as an older release ``v1.1.1`` at ``folder`` (see the module)."""
    shutil.copytree(sample_path(), folder, ignore=shutil.ignore_patterns("*.py", "*.md"))
    made = Older()
    header, rows = _rows(folder / "occupations_en.csv")
    uri, label, group = header.index("conceptUri"), header.index("preferredLabel"), 2
    # An occupation no other one sits below: the last by URI that is nobody's broader one.
    _, broader = _rows(folder / "broaderRelationsOccPillar_en.csv")
    parents = {row[3] for row in broader}
    made.absent = sorted(r[uri] for r in rows if r[uri] not in parents and r[uri] != PRODUCER)[-1]
    for row in rows:
        if row[uri] == PRODUCER:
            row[label] = OLD_LABEL
            assert header[group] == "iscoGroup" and row[group] == "2654"
            row[group] = "2652"
    _write(folder / "occupations_en.csv", header, rows)
    header, rows = _rows(folder / "occupationSkillRelations_en.csv")
    mine = [r for r in rows if r[0] == PRODUCER and r[1] == "essential"]
    made.switched, made.missing = mine[0][3], mine[1][3]
    made.absent_relations = sum(1 for r in rows if r[0] == made.absent)
    kept = []
    for row in rows:
        if row[0] == PRODUCER and row[3] == made.switched:
            row[1] = "optional"
        if not (row[0] == PRODUCER and row[3] == made.missing):
            kept.append(row)
    _write(folder / "occupationSkillRelations_en.csv", header, kept)
    for path in folder.glob("*.csv"):  # the absent occupation, wherever it is named
        header, rows = _rows(path)
        _write(path, header, [r for r in rows if made.absent not in r])
    return made


@pytest.fixture(scope="module")
def older(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Older]:
    folder = tmp_path_factory.mktemp("releases") / "esco-v1.1.1"
    return folder, make_older(folder)


@pytest.fixture(scope="module")
def two_root(older: tuple[Path, Older], tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("two") / "store"
    load_bundle([sample_path(), older[0]], root, datasets=sample_datasets())
    return root


@pytest.fixture(scope="module")
def two(two_root: Path) -> Iterator[httpx.Client]:
    server: LiveServer
    with running(two_root) as server, httpx.Client(base_url=server.url, timeout=60) as client:
        yield client


def test_one_load_gives_one_store_with_both_releases(
    two_root: Path, older: tuple[Path, Older]
) -> None:
    opened = LiveStore(two_root).get()
    assert list(opened.releases) == ["v1.1.1", "v1.2.0"]
    assert opened.latest.name == "v1.2.0"
    store = opened.store
    graphs = {g.value for g in store.named_graphs()}
    for name in ("v1.1.1", "v1.2.0"):
        assert releases.esco_graph(name).value in graphs
        assert releases.derived_graph(name).value in graphs
    assert opened.releases["v1.2.0"].holds(older[1].absent)
    assert not opened.releases["v1.1.1"].holds(older[1].absent)


def test_releases_lists_each_with_its_counts(two: httpx.Client) -> None:
    answer = two.get("/releases")
    assert answer.status_code == 200
    body = answer.json()
    assert body["latest"] == "v1.2.0"
    old, new = body["items"]
    assert (old["name"], old["latest"], new["name"], new["latest"]) == (
        "v1.1.1",
        False,
        "v1.2.0",
        True,
    )
    assert new["counts"]["occupations"] == old["counts"]["occupations"] + 1
    assert new["graphs"] == [
        "https://w3id.org/skillgraph/graph/esco/v1.2.0",
        "https://w3id.org/skillgraph/graph/derived/v1.2.0",
    ]
    assert new["languages"][0] == "en" and new["loaded"]
    health = two.get("/health").json()
    assert health["release"] == "v1.2.0"
    assert health["occupations"] == new["counts"]["occupations"]


def test_each_release_answers_for_itself(two: httpx.Client) -> None:
    new = two.get(f"/occupations/{PRODUCER.rsplit('/', 1)[1]}")
    old = two.get(
        f"/occupations/{PRODUCER.rsplit('/', 1)[1]}", params={"selectedVersion": "v1.1.1"}
    )
    also = two.get(f"/occupations/{PRODUCER.rsplit('/', 1)[1]}", params={"release": "v1.1.1"})
    assert new.status_code == old.status_code == 200
    assert new.headers["esco-release"] == "v1.2.0" and old.headers["esco-release"] == "v1.1.1"
    assert old.json() == also.json()
    assert (new.json()["label"], old.json()["label"]) == ("producer", OLD_LABEL)
    assert (new.json()["isco_group"]["code"], old.json()["isco_group"]["code"]) == ("2654", "2652")
    essentials = [len(a.json()["essential_skills"]) for a in (new, old)]
    assert essentials[0] == essentials[1] + 2  # one switched to optional, one absent
    # Search, similar occupations and pages answer for the release asked for too.
    hits = two.get("/occupations", params={"q": OLD_LABEL, "selectedVersion": "v1.1.1"}).json()
    assert hits["items"][0]["uri"] == PRODUCER
    assert hits["items"][0]["label"] == OLD_LABEL
    similar = two.get(
        f"/occupations/{PRODUCER.rsplit('/', 1)[1]}/similar", params={"selectedVersion": "v1.1.1"}
    )
    assert similar.status_code == 200 and similar.headers["esco-release"] == "v1.1.1"
    page = two.get(
        f"/esco/occupation/{PRODUCER.rsplit('/', 1)[1]}",
        params={"selectedVersion": "v1.1.1"},
        headers={"accept": "text/html"},
    )
    assert page.status_code == 200 and OLD_LABEL in page.text
    # A person sees which release this is, and its links stay in it.
    assert "You are looking at ESCO v1.1.1" in page.text
    assert 'href="/esco/skill/' in page.text and "selectedVersion=v1.1.1" in page.text
    internal = [
        link
        for link in re.findall(r'href="(/[^"]*)"', page.text)
        if not link.startswith(("/static/", "/docs"))
    ]
    assert len(internal) > 20
    assert all("selectedVersion=" in link for link in internal), internal
    assert sum("selectedVersion=v1.1.1" in link for link in internal) == len(internal) - 1
    assert 'name="selectedVersion" value="v1.1.1"' in page.text  # the search form
    newest = two.get(
        f"/esco/occupation/{PRODUCER.rsplit('/', 1)[1]}", headers={"accept": "text/html"}
    )
    assert "You are looking at" not in newest.text and ">ESCO v1.1.1</a>" in newest.text


def test_a_concept_absent_from_the_release_asked_for_says_where_it_is(
    two: httpx.Client, older: tuple[Path, Older]
) -> None:
    absent = older[1].absent.rsplit("/", 1)[1]
    assert two.get(f"/occupations/{absent}").status_code == 200
    answer = two.get(f"/occupations/{absent}", params={"selectedVersion": "v1.1.1"})
    assert answer.status_code == 404
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert answer.json()["releases"] == ["v1.2.0"]
    assert "in release v1.2.0" in answer.json()["detail"]
    unknown = two.get("/occupations", params={"selectedVersion": "v9.9.9"})
    assert unknown.status_code == 404
    assert "it holds v1.1.1, v1.2.0" in unknown.json()["detail"]
    clash = two.get("/occupations", params={"selectedVersion": "v1.1.1", "release": "v1.2.0"})
    assert clash.status_code == 404 and "give one" in clash.json()["detail"]
    hostile = two.get("/occupations", params={"selectedVersion": "../../etc"})
    assert hostile.status_code == 422


def test_changes_are_those_made(two: httpx.Client, older: tuple[Path, Older]) -> None:
    made = older[1]
    answer = two.get("/changes", params={"from": "v1.1.1", "to": "v1.2.0", "limit": 1000})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    counts = body["counts"]
    assert counts["occupations added"] == 1 and counts["occupations removed"] == 0
    assert counts["occupations relabelled"] == 1 and counts["occupations regrouped"] == 1
    assert counts["skills added"] == counts["skills removed"] == counts["skills relabelled"] == 0
    assert counts["relations switched"] == 1
    assert counts["relations added"] == made.absent_relations + 1
    assert counts["relations removed"] == 0
    assert body["total"] == sum(counts.values()) == len(body["items"])
    (regrouped,) = [i for i in body["items"] if i["change"] == "regrouped"]
    assert (regrouped["uri"], regrouped["before"], regrouped["after"]) == (PRODUCER, "2652", "2654")
    (relabelled,) = [i for i in body["items"] if i["change"] == "relabelled"]
    assert (relabelled["before"], relabelled["after"]) == (OLD_LABEL, "producer")
    (switched,) = [i for i in body["items"] if i["change"] == "relation_switched"]
    assert (switched["skill"], switched["before"], switched["after"]) == (
        made.switched,
        "optional",
        "essential",
    )
    # Filters and pages.
    relations = two.get(
        "/changes", params={"from": "v1.1.1", "kind": "relation", "change": "relation_added"}
    ).json()
    assert relations["total"] == made.absent_relations + 1
    assert {i["kind"] for i in relations["items"]} == {"relation"}
    page = two.get("/changes", params={"from": "v1.1.1", "limit": 2, "offset": 1}).json()
    assert page["items"] == body["items"][1:3]
    group = two.get("/changes", params={"from": "v1.1.1", "isco_group": "2652"}).json()
    assert group["total"] == 0  # the producer is in 2654 now, where its changes are listed
    in_group = two.get("/changes", params={"from": "v1.1.1", "isco_group": "265"}).json()
    assert {i["isco_group"][:3] for i in in_group["items"]} == {"265"}
    # CSV: every change kept, the same rows.
    text = two.get("/changes", params={"from": "v1.1.1", "format": "csv"})
    assert text.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(text.text)))
    assert len(rows) == body["total"]
    assert rows[0]["change"] == body["items"][0]["change"]
    assert rows[0]["uri"] == body["items"][0]["uri"]
    bad = two.get("/changes", params={"from": "v1.1.1", "kind": "nothing"})
    assert bad.status_code == 422


def test_ones_own_uris_are_checked_before_upgrading(
    two: httpx.Client, older: tuple[Path, Older]
) -> None:
    made = older[1]
    skill = ESCO + "skill/" + "00000000-0000-0000-0000-000000000000"
    unchanged = two.get("/skills", params={"limit": 1}).json()["items"][0]["uri"]
    text = f"id,uri\n1,{PRODUCER}\n2,{made.absent}\n3,{skill}\n4,{unchanged}\n"
    answer = two.post(
        "/changes/check",
        params={"from": "v1.1.1", "to": "v1.2.0"},
        content=text,
        headers={"content-type": "text/csv"},
    )
    assert answer.status_code == 200, answer.text
    statuses = {i["uri"]: i["status"] for i in answer.json()["items"]}
    assert list(statuses) == [PRODUCER, made.absent, skill, unchanged]
    assert statuses[PRODUCER] == "relabelled; regrouped; skills changed"
    assert statuses[made.absent] == "added"
    assert statuses[skill] == "unknown"
    # The skills of the producer changed, so did the relations of those skills.
    assert statuses[unchanged] in ("unchanged", "skills changed")
    producer = answer.json()["items"][0]
    assert (producer["label_before"], producer["label_after"]) == (OLD_LABEL, "producer")
    as_json = two.post("/changes/check", params={"from": "v1.1.1"}, json={"uris": [PRODUCER]})
    assert as_json.json()["items"][0]["status"] == statuses[PRODUCER]
    assert (
        two.post("/changes/check", params={"from": "v1.1.1"}, content=b"nothing").status_code == 422
    )
    assert (
        two.post(
            "/changes/check",
            params={"from": "v1.1.1"},
            content=b"x",
            headers={"content-type": "image/png"},
        ).status_code
        == 415
    )


def test_an_occupation_through_every_release(two: httpx.Client, older: tuple[Path, Older]) -> None:
    answer = two.get(f"/occupations/{PRODUCER.rsplit('/', 1)[1]}/history")
    assert answer.status_code == 200, answer.text
    old, new = answer.json()["releases"]
    assert (old["release"], old["label"], old["isco_group"]) == ("v1.1.1", OLD_LABEL, "2652")
    assert (new["release"], new["label"], new["isco_group"]) == ("v1.2.0", "producer", "2654")
    assert old["changes"] == []
    assert new["changes"] == [
        "relabelled",
        "regrouped",
        "skills added: 1",
        "switched essential/optional: 1",
    ]
    assert new["skills_added"] == [older[1].missing]
    absent = two.get(f"/occupations/{older[1].absent.rsplit('/', 1)[1]}/history").json()
    assert [(e["present"], e["changes"]) for e in absent["releases"]] == [
        (False, []),
        (True, ["added"]),
    ]
    skill = two.get(f"/skills/{older[1].missing.rsplit('/', 1)[1]}/history").json()
    assert "occupations added: 1" in skill["releases"][1]["changes"]


def test_sparql_answers_for_the_newest_release_and_compares_two(
    two: httpx.Client, older: tuple[Path, Older]
) -> None:
    count = (
        "PREFIX esco: <http://data.europa.eu/esco/model#> "
        "SELECT (COUNT(?o) AS ?n) WHERE { ?o a esco:Occupation }"
    )

    def n(**params: str) -> int:
        answer = two.post("/sparql", data={"query": count}, params=params)
        assert answer.status_code == 200, answer.text
        return int(answer.json()["results"]["bindings"][0]["n"]["value"])

    assert n() == n(selectedVersion="v1.2.0") == n(selectedVersion="v1.1.1") + 1
    # The answer says which release its default graph is, as every other answer does.
    for params, release in (({}, "v1.2.0"), ({"selectedVersion": "v1.1.1"}, "v1.1.1")):
        answer = two.get("/sparql", params={"query": count, **params})
        assert answer.headers["esco-release"] == release
        assert two.get("/sparql", params=params).headers["esco-release"] == release
    # A query naming its own dataset is answered for no release.
    own = two.get(
        "/sparql",
        params={"query": count, "default-graph-uri": "https://w3id.org/skillgraph/graph/model"},
    )
    assert own.status_code == 200 and "esco-release" not in own.headers
    # The README's query: occupations whose preferred label changed from one release to the next.
    client = SPARQLWrapper(str(two.base_url).rstrip("/") + "/sparql")
    client.setQuery(_block(COMPARE_QUERY))
    client.setReturnFormat(JSON)
    rows = client.queryAndConvert()["results"]["bindings"]  # type: ignore[index,call-overload]
    assert [
        (r["occupation"]["value"], r["before"]["value"], r["after"]["value"]) for r in rows
    ] == [(PRODUCER, OLD_LABEL, "producer")]


def test_a_later_load_replaces_one_release_and_keeps_the_rest(
    two_root: Path, older: tuple[Path, Older], tmp_path: Path
) -> None:
    root = tmp_path / "store"
    shutil.copytree(two_root, root, symlinks=True)
    before = LiveStore(root).get().store
    sizes = {
        g.value: len(list(before.quads_for_pattern(None, None, None, g)))
        for g in before.named_graphs()
    }
    del before
    previous = active_version(root)
    result = load_bundle(older[0], root)  # v1.1.1 again, alone
    assert set(result.kept) == {
        "https://w3id.org/skillgraph/graph/esco/v1.2.0",
        "https://w3id.org/skillgraph/graph/derived/v1.2.0",
        "https://w3id.org/skillgraph/graph/onet",
        "https://w3id.org/skillgraph/graph/career-causeways",
    }
    after = LiveStore(root).get()
    assert list(after.releases) == ["v1.1.1", "v1.2.0"]
    for graph, size in result.kept.items():
        assert size == sizes[graph]
        assert len(list(after.store.quads_for_pattern(None, None, None, NamedNode(graph)))) == size
    # The kept release's indexes are the previous version's file, linked; the replaced
    # release's are new.
    index = prepare.index_file("v1.2.0")
    assert (previous / index).stat().st_ino == (after.path / index).stat().st_ino
    replaced = prepare.index_file("v1.1.1")
    assert (previous / replaced).stat().st_ino != (after.path / replaced).stat().st_ino
    # A load that brings a dataset builds every release's indexes: they read the datasets.
    with_data = load_bundle(older[0], root, datasets=sample_datasets())
    assert (after.path / index).stat().st_ino != (with_data.version / index).stat().st_ino
    fresh = load_bundle(older[0], root, fresh=True)
    assert fresh.kept == {}
    assert list(LiveStore(root).get().releases) == ["v1.1.1"]


def test_the_readmes_curls_on_two_releases(two: httpx.Client) -> None:
    block = _block("curl -s 'http://127.0.0.1:8000/changes?from=v1.1.1")
    host = str(two.base_url).removeprefix("http://").rstrip("/")
    text = _shell(block.replace("127.0.0.1:8000", host))
    decoder = json.JSONDecoder()
    changes, end = decoder.raw_decode(text)
    check, _ = decoder.raw_decode(text[end:].lstrip())
    assert [i["uri"] for i in changes["items"]] == [PRODUCER]
    assert check["items"][0]["status"] == "relabelled; regrouped; skills changed"


def test_the_api_names_the_changes_the_comparison_makes() -> None:
    assert typing.get_args(ChangeName) == changes.CHANGE_NAMES


def _load(*arguments: Path, store: Path) -> list[str]:
    """``skillgraph load ARGUMENTS --store STORE`` as a user runs it: the lines it prints."""
    binary = str(Path(sys.executable).with_name("skillgraph"))
    done = subprocess.run(
        [binary, "load", *map(str, arguments), "--store", str(store)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


def test_one_command_loads_several_downloads(older: tuple[Path, Older], tmp_path: Path) -> None:
    root = tmp_path / "store"
    lines = _load(sample_path(), older[0], sample_onet_path(), store=root)
    # Each release's counts, the older first; the O*NET folder is a dataset, not a release.
    assert lines.index("  release v1.1.1:") < lines.index("  release v1.2.0:")
    assert any("(O*NET) into <https://w3id.org/skillgraph/graph/onet>" in line for line in lines)
    assert list(LiveStore(root).get().releases) == ["v1.1.1", "v1.2.0"]
    kept = [line for line in _load(older[0], store=root) if "triples kept in" in line]
    assert [line.rsplit("<", 1)[1] for line in kept] == [
        "https://w3id.org/skillgraph/graph/derived/v1.2.0>",
        "https://w3id.org/skillgraph/graph/esco/v1.2.0>",
        "https://w3id.org/skillgraph/graph/onet>",
    ]


def test_the_esco_api_answers_for_the_release_asked_for(
    two: httpx.Client, older: tuple[Path, Older]
) -> None:
    api = "/esco/api/resource/occupation"
    new = two.get(api, params={"uri": PRODUCER})
    old = two.get(api, params={"uri": PRODUCER, "selectedVersion": "v1.1.1"})
    assert new.headers["esco-release"] == new.json()["release"] == "v1.2.0"
    assert old.headers["esco-release"] == old.json()["release"] == "v1.1.1"
    assert (new.json()["title"], old.json()["title"]) == ("producer", OLD_LABEL)
    skills = {link["uri"] for link in old.json()["_links"]["hasEssentialSkill"]}
    assert older[1].missing not in skills and older[1].switched not in skills
    assert older[1].switched in {link["uri"] for link in old.json()["_links"]["hasOptionalSkill"]}
    # A crawler following the older release's links stays in it.
    link = old.json()["_links"]["hasOptionalSkill"][0]
    skill = two.get(link["href"]).json()
    assert skill["release"] == "v1.1.1" and skill["uri"] == link["uri"]
    assert "selectedVersion=v1.1.1" in skill["_links"]["self"]["href"]
    absent = two.get(api, params={"uri": older[1].absent, "selectedVersion": "v1.1.1"})
    assert absent.status_code == 404
    assert absent.json()["releases"] == ["v1.2.0"]
    assert absent.json()["logref"] == "NotFoundException"
    assert "in release v1.2.0" in absent.json()["message"]
    listing = two.get(
        api,
        params={
            "isInScheme": "http://data.europa.eu/esco/concept-scheme/occupations",
            "selectedVersion": "v1.1.1",
            "limit": 1000,
        },
    ).json()
    assert older[1].absent not in listing["_embedded"] and PRODUCER in listing["_embedded"]
    newest = two.get(
        api,
        params={
            "isInScheme": "http://data.europa.eu/esco/concept-scheme/occupations",
            "limit": 1000,
        },
    ).json()
    assert newest["total"] == listing["total"] + 1
