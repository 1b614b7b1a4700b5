"""The skillgraph command: load, query, serve's start-up checks; one-line errors."""

from __future__ import annotations

import json
import shutil
import socket
from pathlib import Path

import pytest
from click.testing import CliRunner

from graph.store import active_version
from skillgraph.cli import main
from tests import tiny


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def test_load_prints_counts_per_kind(runner: CliRunner, tiny_bundle: Path, tmp_path: Path) -> None:
    result = runner.invoke(main, ["load", str(tiny_bundle), "--store", str(tmp_path / "store")])
    assert result.exit_code == 0, result.output
    assert "        6  occupations" in result.output
    assert "        9  skills and knowledge" in result.output
    assert "       17  occupation-skill relations" in result.output
    assert "triples in the store, loaded in" in result.output
    active_version(tmp_path / "store")


def test_a_malformed_bundle_is_one_line_and_exit_1(
    runner: CliRunner, tiny_bundle: Path, tmp_path: Path
) -> None:
    line = tiny.append_line(
        tiny_bundle / "occupationSkillRelations_en.csv", f"{tiny.PRODUCER},maybe,,{tiny.BUDGET}"
    )
    result = runner.invoke(main, ["load", str(tiny_bundle), "--store", str(tmp_path / "store")])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert lines == [
        f"Error: occupationSkillRelations_en.csv, line {line}: "
        "relationType 'maybe' is not 'essential' or 'optional'"
    ]
    assert "Traceback" not in result.output


def test_query_lists_and_runs_named_queries(runner: CliRunner, tiny_root: Path) -> None:
    listing = runner.invoke(main, ["query"])
    assert listing.exit_code == 0
    assert "similar_occupations occupation=<IRI>" in listing.output
    result = runner.invoke(
        main,
        [
            "query",
            "similar_occupations",
            "--param",
            f"occupation={tiny.PRODUCER}",
            "--store",
            str(tiny_root),
            "--format",
            "json",
        ],
    )
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert [r["label"] for r in rows] == ["director", "sound designer"]
    table = runner.invoke(
        main, ["query", "occupation_search", "-p", "q=camera", "--store", str(tiny_root)]
    )
    assert "camera operator" in table.output and "(1 row)" in table.output
    as_csv = runner.invoke(
        main,
        [
            "query",
            "skill_gap",
            "-p",
            f"from={tiny.PRODUCER}",
            "-p",
            f"to={tiny.DIRECTOR}",
            "--store",
            str(tiny_root),
            "--format",
            "csv",
        ],
    )
    assert as_csv.output.splitlines()[0] == "from,to,skill,label,skill_type,relation,held,language"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["query", "nope"], "no named query 'nope'"),
        (["query", "occupation"], "occupation needs ?occupation"),
        (["query", "occupation", "-p", "occupation=not an iri"], "is not an occupation id"),
        (["query", "occupation", "-p", "occupation"], "is not NAME=VALUE"),
    ],
)
def test_query_errors_are_one_line(
    runner: CliRunner, args: list[str], message: str, tiny_root: Path
) -> None:
    result = runner.invoke(main, [*args, "--store", str(tiny_root)])
    assert result.exit_code == 1
    assert len(result.output.strip().splitlines()) == 1
    assert message in result.output


UNKNOWN = "00000000-0000-4000-8000-000000000000"
"""A well-formed ESCO UUID that names nothing in the tiny store."""


@pytest.mark.parametrize(
    ("args", "missing"),
    [
        (["similar_occupations", "-p", f"occupation={UNKNOWN}"], f"occupation {UNKNOWN}"),
        (
            ["skill_gap", "-p", f"from={UNKNOWN}", "-p", f"to={tiny.DIRECTOR}"],
            f"occupation {UNKNOWN}",
        ),
        (["skill_occupations", "-p", f"skill={UNKNOWN}"], f"skill {UNKNOWN}"),
        # A concept of another kind is not one of this kind (/skills/<an occupation> is 404).
        (["skill_occupations", "-p", f"skill={tiny.PRODUCER}"], f"skill {tiny.PRODUCER}"),
        (["isco_group", "-p", "group=9999"], "ISCO group 9999"),
        (
            ["concept_hierarchy", "-p", f"concept={tiny.OCC}{UNKNOWN}"],
            f"concept {tiny.OCC}{UNKNOWN}",
        ),
    ],
)
def test_query_of_an_unknown_concept_is_one_line_and_exit_1(
    runner: CliRunner, args: list[str], missing: str, tiny_root_shared: Path
) -> None:
    """As the API answers 404, not "(no results)", which would say the concept has none."""
    result = runner.invoke(main, ["query", *args, "--store", str(tiny_root_shared)])
    assert result.exit_code == 1, result.output
    assert result.output.strip().splitlines() == [f"Error: no {missing} in this store"]


def test_query_with_no_rows_about_a_known_concept_prints_no_results(
    runner: CliRunner, tiny_root_shared: Path
) -> None:
    store = ["--store", str(tiny_root_shared)]
    nothing = runner.invoke(main, ["query", "occupation_search", "-p", "q=zzzz", *store])
    assert nothing.exit_code == 0, nothing.output
    assert nothing.output.strip() == "(no results)"
    # A known occupation asked about an empty relation: exit 0, no rows.
    onet = runner.invoke(
        main, ["query", "occupation_mappings", "-p", f"occupation={tiny.PRODUCER}", *store]
    )
    assert onet.exit_code == 0, onet.output
    assert onet.output.strip() == "(no results)"


def test_serve_refuses_a_missing_store_in_one_line(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(main, ["serve", "--store", str(tmp_path / "none"), "--port", "0"])
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        f"Error: no store at {tmp_path / 'none'}: "
        f"create one with 'skillgraph load BUNDLE --store {tmp_path / 'none'}'"
    ]


def test_load_then_serve_need_no_store_option(
    runner: CliRunner, tiny_bundle: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("SKILLGRAPH_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("SKILLGRAPH_STORE", raising=False)
    loaded = runner.invoke(main, ["load", str(tiny_bundle)])
    assert loaded.exit_code == 0, loaded.output
    assert str(tmp_path / "data" / "skillgraph" / "store") in loaded.output
    result = runner.invoke(main, ["query", "store_summary", "--format", "json"])
    assert "made by 'skillgraph load'" in result.output
    assert json.loads(result.output.split("\n", 1)[1])[0]["occupations"] == 6
    assert not (tmp_path / "cache").exists()  # the sample was not needed


def test_query_without_store_uses_the_bundled_sample(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SKILLGRAPH_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.delenv("SKILLGRAPH_STORE", raising=False)
    result = runner.invoke(main, ["query", "store_summary", "--format", "json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output.split("\n", 1)[1])  # after the note on stderr
    assert summary == [
        {
            "occupations": 53,
            "skills": 813,
            "isco_groups": 13,
            "essential_relations": summary[0]["essential_relations"],
            "optional_relations": 2105 - summary[0]["essential_relations"],
        }
    ]
    # The second run reuses the cached store.
    assert len(list((tmp_path / "cache").iterdir())) == 1
    runner.invoke(main, ["query", "store_summary"])
    assert len(list((tmp_path / "cache").iterdir())) == 1


def test_bare_skillgraph_prints_its_help_and_exits_0(runner: CliRunner) -> None:
    result = runner.invoke(main, [])
    assert result.exit_code == 0
    assert "Commands:" in result.output
    commands = result.output.split("Commands:")[1]
    assert "..." not in commands  # no description cut short
    serve_help = runner.invoke(main, ["serve", "--help"]).output
    assert "TCP port to listen on" in serve_help


def test_query_takes_uuids_and_isco_codes_and_limits_every_format(
    runner: CliRunner, tiny_root: Path
) -> None:
    uuid = tiny.PRODUCER.rsplit("/", 1)[1]
    base = ["query", "occupation_skills", "-p", f"occupation={uuid}", "--store", str(tiny_root)]
    whole = runner.invoke(main, [*base, "--format", "json"])
    assert whole.exit_code == 0, whole.output
    assert len(json.loads(whole.output)) > 2
    for output, header in (("csv", "occupation,"), ("tsv", "?occupation\t")):
        cut = runner.invoke(main, [*base, "--format", output, "--limit", "2"])
        assert cut.exit_code == 0, cut.output
        lines = cut.output.splitlines()
        assert lines[0].startswith(header) and len(lines) == 3
    table = runner.invoke(main, [*base, "--limit", "1"]).output
    assert tiny.PRODUCER in table  # a URI is never cut
    group = runner.invoke(
        main, ["query", "isco_group", "-p", "group=2654", "--store", str(tiny_root)]
    )
    assert group.exit_code == 0 and "C2654" in group.output
    refused = runner.invoke(main, ["query", "concept_hierarchy", "-p", f"concept={uuid}"])
    assert refused.exit_code == 1 and "full URI" in refused.output


def test_serve_refuses_a_busy_port_and_a_download_folder_at_once(
    runner: CliRunner, tiny_root: Path, tiny_bundle: Path
) -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]
        busy = runner.invoke(main, ["serve", "--store", str(tiny_root), "--port", str(port)])
    assert busy.exit_code == 1
    assert f"127.0.0.1:{port}" in busy.output and "--port" in busy.output
    download = runner.invoke(main, ["serve", "--store", str(tiny_bundle), "--port", "0"])
    assert download.exit_code == 1
    assert "is an ESCO download, not a store" in download.output
    assert f"skillgraph load {tiny_bundle}" in download.output


def test_changes_counts_and_lists_what_changed_between_two_stores(
    runner: CliRunner, tiny_root_shared: Path, tiny_bundle: Path, tmp_path: Path
) -> None:
    # The next "release": producer relabelled, director's essential skills as they were.
    occupations = tiny_bundle / "occupations_en.csv"
    occupations.write_text(
        occupations.read_text(encoding="utf-8").replace(",producer,", ",film and TV producer,"),
        encoding="utf-8",
    )
    newer = tmp_path / "newer"
    assert runner.invoke(main, ["load", str(tiny_bundle), "--store", str(newer)]).exit_code == 0
    listing = tmp_path / "changes.csv"
    result = runner.invoke(
        main, ["changes", str(tiny_root_shared), str(newer), "--csv", str(listing)]
    )
    assert result.exit_code == 0, result.output
    counts = {
        " ".join(line.split()[1:]): int(line.split()[0].replace(",", ""))
        for line in result.output.splitlines()
        if line.strip()[:1].isdigit()
    }
    assert counts["occupations relabelled"] == 1
    assert sum(counts.values()) == 1  # nothing else changed
    rows = listing.read_text(encoding="utf-8").splitlines()
    assert rows[0] == "change,kind,uri,label,before,after,skill,skill_label,isco_group"
    assert rows[1:] == [
        "relabelled,occupation,http://data.europa.eu/esco/occupation/"
        "11111111-1111-4111-8111-000000000001,film and TV producer,producer,"
        "film and TV producer,,,2654"
    ]
    # A file of one's own, tagged with the older release: what became of each URI in it.
    mine = tmp_path / "mine.csv"
    mine.write_text(
        "title,esco\nProducer,http://data.europa.eu/esco/occupation/"
        "11111111-1111-4111-8111-000000000001\nDirector,http://data.europa.eu/esco/occupation/"
        "11111111-1111-4111-8111-000000000002\nGone,http://data.europa.eu/esco/occupation/"
        "11111111-1111-4111-8111-999999999999\n",
        encoding="utf-8",
    )
    checked = runner.invoke(
        main, ["changes", str(tiny_root_shared), str(newer), "--check", str(mine)]
    )
    assert checked.exit_code == 0, checked.output
    assert checked.output.splitlines() == [
        "uri,status",
        "http://data.europa.eu/esco/occupation/11111111-1111-4111-8111-000000000001,relabelled",
        "http://data.europa.eu/esco/occupation/11111111-1111-4111-8111-000000000002,unchanged",
        "http://data.europa.eu/esco/occupation/11111111-1111-4111-8111-999999999999,unknown",
    ]
    same = runner.invoke(main, ["changes", str(tiny_root_shared), str(tiny_root_shared)])
    assert all(line.split()[0] == "0" for line in same.output.splitlines() if line.strip())
    missing = runner.invoke(main, ["changes", str(tmp_path / "nothing"), str(newer)])
    assert missing.exit_code == 1 and len(missing.output.strip().splitlines()) == 1
    # Two releases of one store, by name: the same changes.
    both = tmp_path / "both"
    older_bundle = tmp_path / "older"
    shutil.copytree(tiny_bundle, older_bundle)
    older_csv = older_bundle / "occupations_en.csv"
    older_csv.write_text(
        older_csv.read_text(encoding="utf-8").replace(",film and TV producer,", ",producer,"),
        encoding="utf-8",
    )
    for folder, release in ((older_bundle, "v1"), (tiny_bundle, "v2")):
        loaded = runner.invoke(
            main, ["load", str(folder), "--release", release, "--store", str(both)]
        )
        assert loaded.exit_code == 0, loaded.output
        assert f"release {release}:" in loaded.output
    named = runner.invoke(main, ["changes", "v1", "v2", "--store", str(both)])
    assert named.exit_code == 0, named.output
    assert named.output == result.output.replace(f"every change written to {listing}\n", "")
    unknown = runner.invoke(main, ["changes", "v1", "v9", "--store", str(both)])
    assert unknown.exit_code == 1
    assert unknown.output.strip().splitlines() == [
        "Error: no release v9 in this store; it holds v1, v2"
    ]
