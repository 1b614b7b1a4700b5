"""O*NET linked beside ESCO (issue 16, second part): the loader's URIs, interests and
Holland codes, the crosswalk's 2010→2019 rules (the same title where O*NET renumbered, else
the .00 fallback; issue 25) and inheritance down the ESCO hierarchy,
and what the occupation profile and the mappings endpoint show, on the bundled sample (as a
newcomer sees it) and on the full files."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import httpx
import pytest
from pyoxigraph import RdfFormat, Store

from graph import terms as t
from graph.analytics import ClassificationFacts
from graph.errors import BundleError
from graph.store import LiveStore, active_version
from loaders import datasets, onet
from skillgraph.pipeline import load_bundle, sample_onet_path, sample_path, sources
from tests.conftest import FULL_ONET, REPO, running

PRODUCER = "52b9e8dc-de6c-41dd-b29a-e1291c273f6f"
ONET_GRAPH = t.GRAPH_BASE + "onet"


def _profile(client: httpx.Client, label: str) -> dict:
    (hit,) = [
        item
        for item in client.get("/occupations", params={"q": label, "limit": 50}).json()["items"]
        if item["label"] == label
    ]
    answer = client.get(f"/occupations/{hit['id']}")
    assert answer.status_code == 200
    return answer.json()


def test_the_sample_shows_producers_holland_code_and_interests(sample_http: httpx.Client) -> None:
    profile = sample_http.get(f"/occupations/{PRODUCER}").json()
    assert profile["holland_code"] == ["Artistic", "Enterprising"]
    # O*NET 28 rates Producers and Directors Artistic 6.15, Enterprising 5.78 (its file).
    assert profile["interests"]["artistic"] == 6.15
    assert profile["interests"]["enterprising"] == 5.78
    assert list(profile["interests"]) == list(t.RIASEC)
    (link,) = profile["onet"]
    assert link["code"] == "27-2012.00" and link["title"] == "Producers and Directors"
    assert link["uri"] == "https://w3id.org/skillgraph/id/onet-soc/2019/27-2012.00"
    # The crosswalk names the 2010 code 27-2012.01, which 2019 merged into its .00.
    assert link["crosswalk_code"] == "27-2012.01"
    assert link["match"] == "close" and link["inherited"] is False
    assert link["confidence"] == 1.0 and 0.8 < link["similarity"] < 0.81


def test_an_occupation_below_another_inherits_its_mapping(sample_http: httpx.Client) -> None:
    profile = _profile(sample_http, "music producer")
    (link,) = profile["onet"]
    producer = f"http://data.europa.eu/esco/occupation/{PRODUCER}"
    assert link["inherited"] is True and link["inherited_from"] == producer
    assert link["match"] == "broad" and link["code"] == "27-2012.00"
    assert profile["holland_code"] == ["Artistic", "Enterprising"]
    mappings = sample_http.get(f"/occupations/{profile['id']}/mappings").json()["items"]
    assert [(m["match"], m["inherited_from"], m["graph"]) for m in mappings] == [
        ("broad", producer, ONET_GRAPH)
    ]


def test_an_occupation_without_o_net_has_null_fields(sample_http: httpx.Client) -> None:
    # disc jockey is neither in the crosswalk nor below an occupation that is.
    profile = _profile(sample_http, "disc jockey")
    assert profile["onet"] is profile["interests"] is profile["holland_code"] is None


def _folder(
    tmp_path: Path, crosswalk: str, *, interests: str | None = None, more: str = ""
) -> Path:
    folder = tmp_path / "onet"
    folder.mkdir()
    (folder / "occupation_data.csv").write_text(
        "\ufeffPK,O*NET-SOC Code,Title,Description\n"
        '1,27-2012.00,Producers and Directors,"Produce or direct stage, television, radio."\n'
        "2,27-4012.00,Broadcast Technicians,Set up equipment.\n" + more,
        encoding="utf-8",
    )
    if interests is not None:
        (folder / "interests.csv").write_text(
            "\ufeffPK,O*NET-SOC Code,Title,Interests Element ID,Interests Element Name,"
            "Scale ID,Scale Name,Data Value,Date,Domain Source\n" + interests,
            encoding="utf-8",
        )
    (folder / "esco_onet_crosswalk_Nov2020.csv").write_text(
        "id,esco_occupation,isco_code,onet_code,onet_occupation,matching_job_titles,"
        "semantic_similarity,confidence,concept_uri\n" + crosswalk,
        encoding="utf-8",
    )
    return folder


def _facts() -> ClassificationFacts:
    facts = ClassificationFacts()
    for name in ("a", "b", "c", "d"):
        facts.add_occupation(f"{t.OCCUPATION_BASE}{name}", name, "2654")
    facts.add_broader(f"{t.OCCUPATION_BASE}c", f"{t.OCCUPATION_BASE}a")  # c below a
    facts.add_broader(f"{t.OCCUPATION_BASE}d", f"{t.OCCUPATION_BASE}c")  # d below c
    facts.add_broader(f"{t.OCCUPATION_BASE}a", f"{t.ISCO_BASE}2654")
    return facts


def _graph(folder: Path, facts: ClassificationFacts) -> tuple[Store, onet.OnetReport]:
    report = onet.OnetReport()
    store = Store()
    text = "".join(onet.onet_ntriples(folder, facts, report))
    store.load(text.encode(), format=RdfFormat.N_TRIPLES)
    return store, report


def test_the_crosswalk_falls_back_to_dot_00_reports_the_rest_and_inherits_down(
    tmp_path: Path,
) -> None:
    base = t.OCCUPATION_BASE
    folder = _folder(
        tmp_path,
        f"1,a,2654,27-2012.01,producers,na,0.8,1.0,{base}a\n"  # 2010 code: .00 fallback
        f"2,b,2654,15-1132.00,software developers,na,0.7,2.0,{base}b\n"  # absent in 2019
        f"3,x,2654,27-4012.00,broadcast technicians,na,0.7,0.5,{base}gone\n",  # not in bundle
    )
    store, report = _graph(folder, _facts())
    assert report.crosswalk_rows == 3
    assert report.mapped == {".00 fallback": 1}
    assert report.unmapped == [(f"{base}b", "15-1132.00")]
    assert report.not_in_bundle == 1
    assert report.inherited == 2  # c and d, both from a
    producers = f"<{onet.occupation_iri('27-2012.00')}>"

    def ask(where: str) -> bool:
        return bool(store.query(f"ASK {{ {where} }}"))

    skos = t.SKOS
    assert ask(f"<{base}a> <{skos}closeMatch> {producers}")
    assert ask(f"<{base}c> <{skos}broadMatch> {producers}")
    assert ask(f"<{base}d> <{skos}broadMatch> {producers}")
    assert not ask(f"<{base}b> ?p ?o")
    # d inherits from its nearest mapped ancestor (a, through c, which has none of its own).
    assert ask(
        f"?r <{t.OWL}annotatedSource> <{base}d> ; <{t.SG}inheritedFrom> <{base}a> ; "
        f'<{t.SG}crosswalkCode> "27-2012.01"'
    )


def test_a_renumbered_code_maps_to_the_2019_occupation_of_the_same_title(tmp_path: Path) -> None:
    base = t.OCCUPATION_BASE
    folder = _folder(
        tmp_path,
        # 2010's IT project managers are 2019's 15-1299.09: the same title, another code.
        f"1,a,1330,15-1199.09,information technology project managers,na,0.9,1.0,{base}a\n"
        # The same title, spelt with "&" and other punctuation and case.
        f"2,b,2654,27-2012.03,PRODUCERS & DIRECTORS!,na,0.8,1.0,{base}b\n"
        # The same title comes before the .00 fallback (27-2012.00 exists).
        f"3,c,3521,27-2012.07,broadcast technicians,na,0.7,1.0,{base}c\n"
        # No 2019 occupation has this title and 15-1132.00 has no .00 either: unmapped.
        f'4,d,2512,15-1132.00,"software developers, applications",na,0.7,2.0,{base}d\n',
        more="3,15-1299.09,Information Technology Project Managers,Plan projects.\n",
    )
    store, report = _graph(folder, _facts())
    assert report.mapped == {"same title": 3}
    assert report.unmapped == [(f"{base}d", "15-1132.00")]
    summary = report.summary().splitlines()
    assert (
        "3 by the same title (renumbered in 2019), 0 by the .00 fallback, 1 unmapped"
        in (summary[0])
    )
    assert summary[1] == (
        "unmapped: 1 2010 codes (rows): 15-1132.00 software developers, applications (1)"
    )

    def target(esco: str) -> tuple[str, str]:
        rows = store.query(
            f"SELECT ?onet ?code WHERE {{ <{base}{esco}> <{t.SKOS}closeMatch> ?onet . "
            f"?r <{t.OWL}annotatedSource> <{base}{esco}> ; <{t.SG}crosswalkCode> ?code }}"
        )
        ((onet_uri, code),) = [(r[0].value, r[1].value) for r in rows]  # type: ignore[index]
        return onet_uri.rsplit("/", 1)[1], code

    assert target("a") == ("15-1299.09", "15-1199.09")  # the crosswalk's code is kept
    assert target("b") == ("27-2012.00", "27-2012.03")
    assert target("c") == ("27-4012.00", "27-2012.07")
    assert onet.title_key("Producers & Directors!") == onet.title_key("producers and directors")


def test_interests_give_scores_high_points_and_the_holland_code(tmp_path: Path) -> None:
    rows = "".join(
        f"{n},27-2012.00,Producers and Directors,1.B.1.{c},{name},OI,Occupational Interests,"
        f"{score},Nov-23,Machine Learning\n"
        for n, (c, name, score) in enumerate(
            zip("abcdef", onet.RIASEC, (2.14, 2.23, 6.15, 3.13, 5.78, 3.55), strict=True)
        )
    ) + "".join(
        f"{7 + n},27-2012.00,Producers and Directors,1.B.1.{c},{name},IH,High-Point,{value},"
        "Nov-23,Machine Learning\n"
        for n, (c, name, value) in enumerate(zip("ghi", onet.HIGH_POINTS, (3, 5, 0), strict=True))
    )
    store, report = _graph(_folder(tmp_path, "", interests=rows), _facts())
    assert report.interests == 1
    code = list(store.query(f"SELECT ?h WHERE {{ ?o <{t.SG}hollandCode> ?h }}"))
    assert [row[0].value for row in code] == ["AE"]  # type: ignore[index]
    points = store.query(
        f"SELECT ?name ?n WHERE {{ ?s <{t.SG}highPoint> ?n ; <{t.SG}interestArea> ?a . "
        f"?a <{t.SKOS}prefLabel> ?name }} ORDER BY ?n"
    )
    assert [(r[0].value, r[1].value) for r in points] == [  # type: ignore[index]
        ("Artistic", "1"),
        ("Enterprising", "2"),
    ]


@pytest.mark.parametrize(
    ("crosswalk", "interests", "file", "line", "reason"),
    [
        ("1,a,2654,27-2012,p,na,0.8,1.0,{base}a\n", None, "esco_onet", 2, "not an O*NET-SOC code"),
        ("1,a,2654,27-2012.00,p,na,high,1.0,{base}a\n", None, "esco_onet", 2, "not a number"),
        ("1,a,2654,27-2012.00,p,na,0.8,1.0,http://x.org/a\n", None, "esco_onet", 2, "not an ESCO"),
        ("", "1,99-0000.00,T,1.B.1.a,Realistic,OI,OI,1,N,M\n", "interests", 2, "not in occupation"),
        (
            "",
            "1,27-2012.00,T,1.B.1.g,First Interest High-Point,IH,IH,9,N,M\n",
            "interests",
            2,
            "0-6",
        ),
        ("", "1,27-2012.00,T,1.B.1.z,Curiosity,OI,OI,1,N,M\n", "interests", 2, "unknown interest"),
    ],
)
def test_a_bad_o_net_row_stops_the_load_naming_file_and_line(
    tmp_path: Path, crosswalk: str, interests: str | None, file: str, line: int, reason: str
) -> None:
    folder = _folder(tmp_path, crosswalk.format(base=t.OCCUPATION_BASE), interests=interests)
    with pytest.raises(BundleError) as caught:
        _graph(folder, _facts())
    assert caught.value.file is not None and caught.value.file.startswith(file)
    assert caught.value.line == line and reason in str(caught.value)


def test_a_failed_o_net_load_keeps_the_previous_version(sample_copy: Path, tmp_path: Path) -> None:
    root = sample_copy
    before = active_version(root)
    folder = _folder(tmp_path, f"1,a,2654,27-2012.00,p,na,0.8,1.0,{t.OCCUPATION_BASE}a\n")
    (folder / "occupation_data.csv").write_text("PK,O*NET-SOC Code,Title,Description\n1,bad,T,D\n")
    with pytest.raises(BundleError, match=r"occupation_data\.csv, line 2"):
        load_bundle(sample_path(), root, datasets=[datasets.parse(str(folder))])
    assert active_version(root) == before


def test_a_folder_that_is_not_o_net_is_refused(tmp_path: Path) -> None:
    with pytest.raises(BundleError, match="must be O\\*NET's"):
        datasets.parse(str(tmp_path))
    assert datasets.parse(str(sample_onet_path())).graph.value == ONET_GRAPH


@pytest.mark.fulldata
def test_the_full_files_map_as_the_readme_says(full_root: Path) -> None:
    note = sources(active_version(full_root))[ONET_GRAPH]["note"]
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    shown = re.search(r"```text\n(1,016 O\*NET occupations.*?)```", readme, re.S)
    assert shown is not None
    assert " ".join(shown.group(1).split()) == " ".join(note.split())
    # What stays unmapped: 64 rows of 30 codes that 2019 retitled or split.
    counts, unmapped = note.splitlines()
    assert "130 by the same title (renumbered in 2019)" in counts
    assert "64 unmapped (2010 codes 2019 lacks)" in counts
    assert unmapped.startswith("unmapped: 30 2010 codes (rows): ")
    assert "29-1062.00 family and general practitioners (1)" in unmapped


@pytest.mark.fulldata
def test_every_unmapped_code_is_absent_from_2019_as_it_is_by_title_and_as_dot_00(
    full_root: Path,
) -> None:
    with (FULL_ONET / "occupation_data.csv").open(encoding="utf-8-sig", newline="") as handle:
        codes = {row["O*NET-SOC Code"] for row in csv.DictReader(handle)}
    with (FULL_ONET / "esco_onet_crosswalk_Nov2020.csv").open(encoding="utf-8", newline="") as f:
        crosswalk = list(csv.DictReader(f))
    store = LiveStore(full_root).get().store
    mapped = {
        row[0].value  # type: ignore[index]
        for row in store.query(
            f"SELECT DISTINCT ?o WHERE {{ GRAPH <{ONET_GRAPH}> {{ ?o <{t.SKOS}closeMatch> ?x }} }}"
        )
    }
    with (FULL_ONET / "occupation_data.csv").open(encoding="utf-8-sig", newline="") as handle:
        titles = {onet.title_key(row["Title"]) for row in csv.DictReader(handle)}
    for row in crosswalk:
        given = row["onet_code"]
        reachable = (
            given in codes
            or onet.title_key(row["onet_occupation"]) in titles
            or given[:-3] + ".00" in codes
        )
        if row["concept_uri"] in mapped:
            assert reachable, row
        else:
            assert not reachable or row["concept_uri"] not in _occupations(store), row


def _occupations(store: Store) -> set[str]:
    return {
        row[0].value  # type: ignore[index]
        for row in store.query(
            "SELECT ?o WHERE { ?o a <http://data.europa.eu/esco/model#Occupation> }",
            use_default_graph_as_union=True,
        )
    }


@pytest.mark.fulldata
def test_every_inherited_mapping_comes_from_a_mapped_ancestor(full_root: Path) -> None:
    store = LiveStore(full_root).get().store
    broken = list(
        store.query(
            f"""SELECT ?o ?a WHERE {{
              ?r <{t.SG}inheritedFrom> ?a ; <{t.OWL}annotatedSource> ?o ;
                 <{t.OWL}annotatedTarget> ?onet .
              FILTER NOT EXISTS {{
                ?o <{t.SKOS}broaderTransitive> ?a . ?a <{t.SKOS}closeMatch> ?onet
              }}
            }}""",
            use_default_graph_as_union=True,
        )
    )
    assert broken == []
    (row,) = store.query(
        f"SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE {{ ?o <{t.SKOS}broadMatch> ?x }}",
        use_default_graph_as_union=True,
    )
    assert int(row[0].value) == 1_196  # type: ignore[index]


@pytest.mark.fulldata
def test_the_full_profile_of_producer_has_its_o_net_fields(full_root: Path) -> None:
    with running(full_root) as server, httpx.Client(base_url=server.url, timeout=60) as client:
        profile = client.get(f"/occupations/{PRODUCER}").json()
    assert profile["holland_code"] == ["Artistic", "Enterprising"]
    assert profile["onet"][0]["code"] == "27-2012.00"


@pytest.mark.fulldata
def test_renumbered_occupations_now_have_their_o_net_link_and_holland_code(
    full_root: Path,
) -> None:
    store = LiveStore(full_root).get().store
    found = {
        row[0].value: (row[1].value, row[2].value, row[3].value)  # type: ignore[index]
        for row in store.query(
            f"""SELECT ?label ?code ?given ?holland WHERE {{
              VALUES ?label {{ "ICT project manager"@en "biologist"@en }}
              ?o <{t.SKOS}prefLabel> ?label .
              GRAPH <{ONET_GRAPH}> {{
                ?o <{t.SKOS}closeMatch> ?onet . ?onet <{t.SKOS}notation> ?code ;
                   <{t.SG}hollandCode> ?holland .
                ?r <{t.OWL}annotatedSource> ?o ; <{t.SG}crosswalkCode> ?given .
              }}
            }}""",
            use_default_graph_as_union=True,
        )
    }
    # Both were unmapped before the same-title rule (their 2010 codes are gone in 2019).
    assert found["ICT project manager"][:2] == ("15-1299.09", "15-1199.09")
    assert found["biologist"][:2] == ("19-1029.04", "19-1020.01")
    assert all(holland for _, _, holland in found.values())
