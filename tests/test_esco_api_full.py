"""Clients of the ESCO Web Service API against /esco/api on a real server holding ESCO
v1.1.1 as downloaded (../shared/esco-v1.1.1): what they read equals what they read from the
official ESCO local API v1.1.1 (tests/esco-api-reference), and a crawl by href reaches every
occupation and every skill an occupation names.

The generator itself (TypeScript, run by ts-node) runs where a checkout of its repository is
given in ``ESCO_API_GENERATOR`` (a folder holding ``data-generation/`` and ``api/data/``);
its one change is the host, which its ``EscoAPI`` class takes as a parameter whose default is
``http://localhost:8080``, in a copy. Without the checkout that test skips, CI included:
CI reaches npm but not GitHub. The same client, restated in Python
(:func:`tests.esco_api_clients.generator_outputs`), runs everywhere.
"""

from __future__ import annotations

import csv
import gzip
import json
import os
import shutil
import subprocess
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from skillgraph.pipeline import load_bundle
from tests.conftest import REPO, LiveServer, running, unavailable
from tests.esco_api_clients import SCHEMES, crawl_taxonomy, generator_outputs

RELEASE = REPO.parent / "shared" / "esco-v1.1.1"
REFERENCE = REPO / "tests" / "esco-api-reference" / "official-v1.1.1.csv.gz"
HOST_DEFAULT = '"http://localhost:8080"'

pytestmark = pytest.mark.fulldata


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    if not RELEASE.is_dir():
        unavailable(f"ESCO v1.1.1 is not at {RELEASE} (see README, Test it)")
    root = tmp_path_factory.mktemp("v111") / "store"
    load_bundle(RELEASE, root)
    with running(root) as live:
        yield live


@pytest.fixture(scope="module")
def http(server: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=120) as client:
        yield client


def _reference() -> dict[str, dict[str, dict[str, Any]]]:
    """The official rows, by file and URI."""
    rows: dict[str, dict[str, dict[str, Any]]] = {"skills": {}, "occupations": {}}
    with gzip.open(REFERENCE, "rt", encoding="utf-8", newline="") as text:
        for row in csv.DictReader(text):
            rows[row["file"]][row["uri"]] = {
                "label": row["label_en"],
                "notation": row["notation"] or None,
                "broader": row["broader"].split(),
            }
    return rows


def _compare(
    ours: list[dict[str, Any]], official: dict[str, dict[str, Any]], *, hierarchy: bool
) -> list[str]:
    """Every difference between our rows and the official ones, but a label's trailing
    whitespace (which the official API keeps and the loader trims); the labels that differ
    only so are returned."""
    by_uri = {row["uri"]: row for row in ours}
    assert len(by_uri) == len(ours), "each URI once"
    assert set(by_uri) == set(official)
    trimmed = []
    for uri, expected in official.items():
        row = by_uri[uri]
        label = row["prefLabel"]["en"]
        if label != expected["label"]:
            assert label == expected["label"].strip(), (uri, label, expected["label"])
            trimmed.append(uri)
        if hierarchy:
            assert row["notation"] == expected["notation"], uri
            assert Counter(row["broader"]) == Counter(expected["broader"]), uri
    return trimmed


def test_the_generator_reads_what_the_official_api_gave(http: httpx.Client) -> None:
    base = str(http.base_url).rstrip("/") + "/esco/api"
    skills, occupations = generator_outputs(http, base)
    official = _reference()
    assert len(skills) == len(official["skills"]) == 13_896
    assert len(occupations) == len(official["occupations"]) == 3_626
    assert len(_compare(skills, official["skills"], hierarchy=False)) == 78
    assert len(_compare(occupations, official["occupations"], hierarchy=True)) == 7


def test_the_generator_itself(http: httpx.Client, tmp_path: Path) -> None:
    checkout = os.environ.get("ESCO_API_GENERATOR")
    if not checkout:
        pytest.skip(
            "ESCO_API_GENERATOR is not set: give a checkout of "
            "Virtual-Finland-Development/esco-api to run its generator"
        )
    if shutil.which("npm") is None:
        unavailable("npm is not installed (apt-get install npm); it runs the generator")
    source = Path(checkout)
    work = tmp_path / "data-generation"
    shutil.copytree(source / "data-generation", work, ignore=shutil.ignore_patterns("node_modules"))
    client = work / "src" / "services" / "EscoDataServer.ts"
    code = client.read_text()
    assert code.count(HOST_DEFAULT) == 1, "the generator's host default moved"
    client.write_text(code.replace(HOST_DEFAULT, "process.env.ESCO_HOST ?? " + HOST_DEFAULT))
    env = {**os.environ, "ESCO_HOST": str(http.base_url).rstrip("/") + "/esco/api"}
    run = {"cwd": work, "env": env, "capture_output": True, "text": True, "timeout": 900}
    installed = subprocess.run(["npm", "ci", "--ignore-scripts", "--no-audit"], **run)
    assert installed.returncode == 0, installed.stderr
    for script in ("build-skills.ts", "build-occupations.ts"):
        done = subprocess.run(["npx", "ts-node", f"src/{script}"], **run)
        assert done.returncode == 0, done.stdout + done.stderr
    for name in ("skills", "occupations"):
        ours = json.loads((work / "dist" / f"{name}.json").read_text())
        theirs = json.loads((source / "api" / "data" / f"{name}.json").read_text())
        official = {
            row["uri"]: {
                "label": row["prefLabel"]["en"],
                "notation": row.get("notation"),
                "broader": row.get("broader", []),
            }
            for row in theirs
        }
        trimmed = _compare(ours, official, hierarchy=name == "occupations")
        assert len(trimmed) == {"skills": 78, "occupations": 7}[name]


def test_a_crawl_by_href_reaches_every_occupation(http: httpx.Client) -> None:
    base = str(http.base_url).rstrip("/") + "/esco/api"
    crawl = crawl_taxonomy(http, base, SCHEMES + "isco")
    assert crawl.foreign_hrefs == []
    kinds = Counter(doc["className"] for doc in crawl.concepts.values())
    assert kinds == {"Occupation": 3_007, "Concept": 619}
    official = _reference()["occupations"]
    assert set(crawl.concepts) == set(official)
    # Every skill an occupation names, each a document.
    related = http.get(
        "/sparql",
        params={
            "query": "PREFIX esco: <http://data.europa.eu/esco/model#> SELECT (COUNT(DISTINCT ?s) "
            "AS ?n) WHERE { ?o a esco:Occupation . { ?o esco:relatedEssentialSkill ?s } UNION "
            "{ ?o esco:relatedOptionalSkill ?s } }"
        },
        headers={"Accept": "text/csv"},
    )
    count = int(related.text.splitlines()[1])
    assert len(crawl.skills) == count
    assert all(
        doc["className"] == "Skill" and doc["description"]["en"] for doc in crawl.skills.values()
    )
