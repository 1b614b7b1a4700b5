"""Preparation beside ESCO (issue 25, part 5): an occupation attributes table (Job Zone,
education, experience, training, earnings) loaded through the real CLI into a store on disk,
inherited down the ESCO hierarchy, read back by the named query and by graph.preparation; what
the load reports; a bad value stopping it with the served version unchanged; the bundled
sample's table; and the whole of Mapping Career Causeways' table beside the full
classification."""

from __future__ import annotations

import dataclasses
import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from graph import indexfile, preparation
from graph import terms as t
from graph.errors import BundleError
from graph.preparation import Preparation
from graph.queries import QueryRunner
from graph.store import LiveStore, active_version
from loaders import datasets
from skillgraph.pipeline import load_bundle, sample_attributes_path, sources
from tests import tiny
from tests.conftest import FULL_BUNDLE, REPO, LiveServer

SKILLGRAPH = str(Path(sys.executable).with_name("skillgraph"))
CAREER_CAUSEWAYS = REPO.parent / "shared" / "career-causeways" / "occupations.csv"
GONE = t.OCCUPATION_BASE + "00000000-0000-4000-8000-000000000000"
HEADER = (
    "id,occupation,job_zone,education_level,related_work_experience,on_the_job_training,"
    "annual_earnings,risk_category,concept_uri\n"
)
PRODUCER_ROW = f"1,producer,4.0,5.8324,6.5546,3.7019,41855.682373,Lower risk,{tiny.PRODUCER}\n"
SAMPLE_PRODUCER = t.OCCUPATION_BASE + "52b9e8dc-de6c-41dd-b29a-e1291c273f6f"
SAMPLE_GRAPH = t.GRAPH_BASE + "career-causeways"


def _load(bundle: Path, root: Path, *datasets: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [SKILLGRAPH, "load", str(bundle), *datasets, "--store", str(root)],
        capture_output=True,
        text=True,
        timeout=300,
    )


def _read(root: Path) -> dict[str, Preparation]:
    return preparation.read(LiveStore(root).get().store, QueryRunner())


def test_a_table_loads_its_values_inherits_them_down_and_reports_the_rest(
    tiny_bundle: Path, tmp_path: Path
) -> None:
    table = tmp_path / "attributes.csv"
    table.write_text(
        HEADER
        + PRODUCER_ROW
        + f"2,director,5,,,,,High risk,{tiny.DIRECTOR}\n"  # empty cells: no value
        + f"3,gone,2,2,2,2,20000,,{GONE}\n"  # not in the bundle: reported, not loaded
        + f"4,camera operator,,,,,,Lower risk,{tiny.CAMERA_OPERATOR}\n"  # no value at all
    )
    root = tmp_path / "store"
    done = _load(tiny_bundle, root, str(table))
    assert done.returncode == 0, done.stderr
    graph = t.GRAPH_BASE + "attributes"
    lines = [line.strip() for line in done.stdout.splitlines()]
    at = lines.index(f"attributes.csv (attributes table) into <{graph}>")
    assert lines[at + 1 : at + 3] == [
        "4 rows: 2 occupations with values of their own (job_zone, education_level, "
        "related_work_experience, on_the_job_training, annual_earnings), 1 inheriting a "
        f"broader occupation's; 1 row with no value; 1 row naming no occupation of the "
        f"bundle, not loaded ({GONE})",
        "columns not loaded: id, occupation, risk_category",
    ]
    assert sources(active_version(root))[graph]["kind"] == "attributes table"

    values = _read(root)
    assert values[tiny.PRODUCER] == Preparation(
        job_zone=4.0,
        education_level=5.8324,
        related_work_experience=6.5546,
        on_the_job_training=3.7019,
        annual_earnings=41855.682373,
        inherited_from=None,
        source=graph,
    )
    # The sound designer sits below the producer and has no row: it inherits the producer's.
    assert values[tiny.SOUND_DESIGNER] == dataclasses.replace(
        values[tiny.PRODUCER], inherited_from=tiny.PRODUCER
    )
    assert values[tiny.DIRECTOR] == Preparation(5.0, None, None, None, None, None, graph)
    assert set(values) == {tiny.PRODUCER, tiny.SOUND_DESIGNER, tiny.DIRECTOR}

    # The named query answers the same, through the CLI, one row per occupation.
    query = subprocess.run(
        [SKILLGRAPH, "query", "occupation_preparation", "--format", "json", "--store", str(root)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert query.returncode == 0, query.stderr
    rows = {row["occupation"]: row for row in json.loads(query.stdout)}
    assert set(rows) == set(values)
    assert rows[tiny.SOUND_DESIGNER] == {
        "occupation": tiny.SOUND_DESIGNER,
        "job_zone": 4.0,
        "education_level": 5.8324,
        "related_work_experience": 6.5546,
        "on_the_job_training": 3.7019,
        "annual_earnings": 41855.682373,
        "inherited_from": tiny.PRODUCER,
        "graph": graph,
    }
    assert rows[tiny.DIRECTOR]["education_level"] is None


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (f"2,d,high,,,,,,{tiny.DIRECTOR}\n", "line 3: job_zone 'high' is not a number"),
        (f"2,d,NaN,,,,,,{tiny.DIRECTOR}\n", "line 3: job_zone 'NaN' is not a number"),
        (f"2,d,6,,,,,,{tiny.DIRECTOR}\n", "line 3: job_zone 6 is out of its scale (from 1 to 5)"),
        (f"2,d,,0,,,,,{tiny.DIRECTOR}\n", "line 3: education_level 0 is out of its scale"),
        (f"2,d,,,,10,,,{tiny.DIRECTOR}\n", "line 3: on_the_job_training 10 is out of its scale"),
        (f"2,d,,,,,-5,,{tiny.DIRECTOR}\n", "line 3: annual_earnings -5 is out of its scale (0 or"),
        (f"2,d,3,,,,,,{tiny.PRODUCER}\n", f"line 3: {tiny.PRODUCER} has a row already (line 2)"),
        ("2,d,3,,,,,,not an iri\n", "line 3: concept_uri 'not an iri' is not a valid IRI"),
        ("2,d,3,,,,,,\n", "line 3: no concept_uri"),
    ],
)
def test_a_bad_value_stops_the_load_with_file_and_line_and_keeps_the_store(
    tiny_root: Path, tiny_bundle: Path, tmp_path: Path, rows: str, message: str
) -> None:
    before, triples = active_version(tiny_root), LiveStore(tiny_root).get().triples
    table = tmp_path / "bad.csv"
    table.write_text(HEADER + PRODUCER_ROW + rows)
    done = _load(tiny_bundle, tiny_root, str(table))
    assert done.returncode == 1
    assert done.stderr.strip().startswith(f"Error: bad.csv, {message}"), done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert active_version(tiny_root) == before
    assert LiveStore(tiny_root).get().triples == triples


def test_a_failed_load_leaves_the_served_store_answering_as_before(
    tiny_bundle: Path, tmp_path: Path, serve: Callable[[Path], LiveServer]
) -> None:
    root = tmp_path / "store"
    good = tmp_path / "good.csv"
    good.write_text(HEADER + PRODUCER_ROW)
    assert _load(tiny_bundle, root, str(good)).returncode == 0
    server = serve(root)
    with httpx.Client(base_url=server.url, timeout=30) as client:
        served = client.get("/health").json()["store"]
        good.write_text(HEADER + PRODUCER_ROW.replace("4.0", "9"))  # a bad value now
        done = _load(tiny_bundle, root, str(good))
        assert done.returncode == 1 and "job_zone 9 is out of its scale" in done.stderr
        assert client.get("/health").json()["store"] == served
    assert _read(root)[tiny.PRODUCER].job_zone == 4.0


def test_several_datasets_pick_an_occupations_own_row_then_the_first_graph(
    tiny_bundle: Path, tmp_path: Path
) -> None:
    first, second = "https://example.org/graph/a", "https://example.org/graph/z"
    (tmp_path / "a.csv").write_text(HEADER + PRODUCER_ROW.replace("4.0", "3.0"))
    (tmp_path / "z.csv").write_text(
        HEADER + PRODUCER_ROW + f"2,sound designer,5,,,,,,{tiny.SOUND_DESIGNER}\n"
    )
    root = tmp_path / "store"
    linked = [f"{first}={tmp_path / 'a.csv'}", f"{second}={tmp_path / 'z.csv'}"]
    assert _load(tiny_bundle, root, *linked).returncode == 0
    values = _read(root)
    # Both give the producer a row of its own: the first graph by IRI.
    assert (values[tiny.PRODUCER].source, values[tiny.PRODUCER].job_zone) == (first, 3.0)
    # a.csv's sound designer inherits; z.csv has its own row, which comes first.
    assert values[tiny.SOUND_DESIGNER] == Preparation(5.0, None, None, None, None, None, second)


def test_an_attributes_table_is_told_from_a_mapping_table(tmp_path: Path) -> None:
    def kind(name: str, header: str) -> str:
        (tmp_path / name).write_text(header + "\n")
        return datasets.parse(str(tmp_path / name)).kind

    assert kind("a.csv", "concept_uri,job_zone") == "attributes table"
    assert kind("b.csv", "esco_uri;annual_earnings;note") == "attributes table"
    assert kind("c.tsv", "esco_uri\teducation_level") == "attributes table"
    assert kind("d.csv", "esco_uri,external_uri,match") == "mapping table"
    # A mapping table's columns make it one, even beside attribute columns.
    assert kind("e.csv", "esco_uri,external_uri,match,job_zone") == "mapping table"
    assert kind("f.csv", "concept_uri,risk") == "mapping table"  # no attribute column
    assert sample_attributes_path().name == "career-causeways.csv"
    assert datasets.parse(str(sample_attributes_path())).graph.value == SAMPLE_GRAPH


def test_a_header_with_both_keys_is_refused(tiny_bundle: Path, tmp_path: Path) -> None:
    table = tmp_path / "both.csv"
    table.write_text(f"concept_uri,esco_uri,job_zone\n{tiny.PRODUCER},{tiny.PRODUCER},2\n")
    with pytest.raises(BundleError, match="line 1: an attributes table names its occupations"):
        load_bundle(tiny_bundle, tmp_path / "store", datasets=[datasets.parse(str(table))])


def test_the_sample_shows_preparation_out_of_the_box(sample_root: Path) -> None:
    values = _read(sample_root)
    producer = values[SAMPLE_PRODUCER]
    # Mapping Career Causeways' row for producer (loaders/sample_attributes).
    assert (producer.job_zone, producer.education_level, producer.annual_earnings) == (
        4.0,
        5.8324,
        41855.682373,
    )
    assert producer.inherited_from is None and producer.source == SAMPLE_GRAPH
    labels = {
        str(row["uri"]): str(row["label"])
        for row in QueryRunner().select(LiveStore(sample_root).get().store, "occupation_list")
    }
    by_label = {label: uri for uri, label in labels.items()}
    music_producer = values[by_label["music producer"]]
    assert music_producer.inherited_from == SAMPLE_PRODUCER
    assert dataclasses.replace(music_producer, inherited_from=None) == producer
    assert by_label["disc jockey"] not in values  # neither a row nor a broader one with one
    assert sum(v.inherited_from is None for v in values.values()) == 18
    note = sources(active_version(sample_root))[SAMPLE_GRAPH]["note"]
    assert note.startswith("18 rows: 18 occupations with values of their own")


def test_the_readings_of_the_scales() -> None:
    assert preparation.describe_job_zone(4).startswith("considerable preparation: most need a")
    assert "bachelor's degree" in preparation.describe_job_zone(4.2)
    assert preparation.describe_job_zone(2.5).startswith("medium preparation")  # rounds up
    assert preparation.describe_job_zone(0.2).startswith("little or no preparation")
    assert preparation.describe_job_zone(5).startswith("extensive preparation")
    assert preparation.describe_education(6) == "a bachelor's degree"
    assert preparation.describe_education(11.4) == "a doctoral degree"
    assert preparation.describe_education(1) == "less than a high school diploma"
    assert preparation.describe_experience(1) == "no related work experience"
    assert preparation.describe_experience(6) == "1 to 2 years of related work experience"
    assert preparation.describe_experience(11) == "over 10 years of related work experience"
    assert preparation.describe_training(1).startswith("no on-the-job training")
    assert preparation.describe_training(8) == "4 to 10 years of on-the-job training"
    assert preparation.describe_training(9) == "over 10 years of on-the-job training"
    assert len(preparation.EDUCATION_LEVELS) == 12
    assert len(preparation.EXPERIENCE_LEVELS) == 11
    assert len(preparation.TRAINING_LEVELS) == 9


def test_preparation_is_stored_in_an_index_file(tmp_path: Path) -> None:
    values = {
        SAMPLE_PRODUCER: Preparation(4.0, 5.8324, None, 3.7, 41855.68, None, SAMPLE_GRAPH),
        "x": Preparation(None, None, None, None, None, SAMPLE_PRODUCER, SAMPLE_GRAPH),
    }
    indexfile.write(tmp_path / "index", values, fingerprint="f")
    assert indexfile.read(tmp_path / "index", fingerprint="f") == values


def test_every_attribute_property_is_declared_in_the_ontology() -> None:
    import rdflib

    graph = rdflib.Graph().parse(REPO / "ontology" / "esco.ttl", format="turtle")
    for attribute in preparation.ATTRIBUTES:
        subject = rdflib.URIRef(attribute.property)
        assert (subject, rdflib.RDF.type, rdflib.OWL.DatatypeProperty) in graph
        assert graph.value(subject, rdflib.RDFS.label) is not None
        assert graph.value(subject, rdflib.RDFS.range) == rdflib.XSD.decimal
    assert (rdflib.URIRef(preparation.INHERITED_FROM), None, None) in graph


@pytest.fixture(scope="module")
def full_attributes(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The full classification with Mapping Career Causeways' table, loaded by the README's
    command (into a store of the test's own), and what it printed."""
    if not CAREER_CAUSEWAYS.is_file():
        reason = f"Mapping Career Causeways' table is not at {CAREER_CAUSEWAYS}"
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(f"{reason}; CI must have it", pytrace=False)
        pytest.skip(reason)
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    command = re.search(
        r"```sh\n(\.venv/bin/skillgraph load \.\./shared/esco-v1\.2\.0 \.\./shared/career-"
        r"causeways/occupations\.csv)\n```",
        readme,
    )
    assert command is not None
    root = tmp_path_factory.mktemp("full-attributes") / "store"
    arguments = command.group(1).split()[1:]
    assert arguments[0] == "load"
    bundle, *linked = ((REPO / a).resolve() for a in arguments[1:])
    assert bundle == FULL_BUNDLE.resolve()
    done = _load(bundle, root, *map(str, linked))
    assert done.returncode == 0, done.stderr
    return root, done.stdout


@pytest.mark.fulldata
def test_the_full_table_beside_full_esco_as_the_readme_says(
    full_attributes: tuple[Path, str],
) -> None:
    root, output = full_attributes
    values = _read(root)
    own = [uri for uri, v in values.items() if v.inherited_from is None]
    inherited = [uri for uri, v in values.items() if v.inherited_from is not None]
    assert (len(own), len(inherited)) == (1_625, 1_232)
    # An inheriting occupation's values are its ancestor's own.
    for uri in inherited[:200]:
        ancestor = values[values[uri].inherited_from or ""]
        assert ancestor.inherited_from is None
        assert dataclasses.replace(values[uri], inherited_from=None) == ancestor
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    shown = re.search(r"```text\n(1,627 rows: .*?)```", readme, re.S)
    assert shown is not None
    printed = output.split("(attributes table) into <", 1)[1].split("\n", 1)[1]
    printed = printed.split("triples in the store")[0].rsplit("\n", 1)[0]
    assert " ".join(printed.split()) == " ".join(shown.group(1).split())
    assert "2 rows naming no occupation of the bundle, not loaded" in printed
