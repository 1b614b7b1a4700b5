"""The career-moves benchmark (benchmarks/career_quality.py): its list of moves, its measures
on hand-made cases, and a run of every part on the bundled sample."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks import career_quality as cq
from skillgraph.pipeline import sample_onet_path
from tests.conftest import FULL_BUNDLE


def test_the_listed_moves_are_enough_of_each_and_split_by_their_hash() -> None:
    moves = cq.read_moves()
    for verdict, least in (("realistic", 40), ("absurd", 20)):
        mine = [m for m in moves if m.verdict == verdict]
        assert len(mine) >= least
        tuning = sum(m.split == "tuning" for m in mine) / len(mine)
        assert 0.3 < tuning < 0.7, verdict
    assert all(m.split == cq.split_of(f"{m.source}\t{m.target}") for m in moves)


def test_a_move_put_in_the_other_half_is_refused(tmp_path: Path) -> None:
    rows = list(csv.reader(cq.MOVES.open(encoding="utf-8", newline="")))
    rows[1][4] = "tuning" if rows[1][4] == "held-out" else "held-out"
    changed = tmp_path / "moves.csv"
    with changed.open("w", encoding="utf-8", newline="") as file:
        csv.writer(file).writerows(rows)
    with pytest.raises(ValueError, match="line 2: split"):
        cq.read_moves(changed)


@pytest.mark.fulldata
def test_every_listed_occupation_is_an_esco_1_2_0_preferred_label() -> None:
    labels = cq.reference_labels(FULL_BUNDLE)
    unknown = {x for m in cq.read_moves() for x in (m.source, m.target)} - labels
    assert not unknown


def test_a_move_to_an_occupation_of_the_own_code_is_neither_hit_nor_counted() -> None:
    # Source code X, related {Y, W}; W is no ESCO occupation's code, so recall is of Y alone.
    codes = [frozenset({"X"}), frozenset({"X"}), frozenset({"Y"}), frozenset({"Z"}), frozenset()]
    found = cq.agreement([1, 4, 2, 3], "X", codes, {"Y", "W"}, {"X", "Y", "Z"})
    # Left: 2 (a hit, first of the judged list) and 3 (a miss); 1 and 4 are taken out.
    assert found["p@5"] == pytest.approx(1 / 5)
    assert found["mrr"] == 1.0
    assert found["r@20"] == 1.0
    assert found["dropped"] == pytest.approx(2 / cq.LIST_LENGTH)
    assert cq.agreement([3, 2], "X", codes, {"Y"}, {"Y"})["mrr"] == 0.5
    assert cq.agreement([3], "X", codes, {"Y"}, {"Y"})["mrr"] == 0.0


def test_auc_counts_ties_half() -> None:
    assert cq.auc([2.0, 3.0], [1.0]) == 1.0
    assert cq.auc([1.0], [1.0]) == 0.5
    assert cq.auc([0.0, 2.0], [1.0]) == 0.5
    assert cq.auc([], [1.0]) is None


def test_a_2010_code_becomes_the_2019_code_of_its_title_or_its_dot_00() -> None:
    titles = {
        "15-1299.09": "Information Technology Project Managers",
        "27-2012.00": "Producers and Directors",
    }
    assert cq.code_2019("27-2012.00", "producers and directors", titles) == "27-2012.00"
    it = "information technology project managers"
    assert cq.code_2019("15-1199.09", it, titles) == "15-1299.09"
    assert cq.code_2019("27-2012.01", "producers", titles) == "27-2012.00"
    assert cq.code_2019("29-1062.00", "family and general practitioners", titles) is None


def test_an_occupation_takes_its_nearest_ancestors_value() -> None:
    broader = {1: [0], 2: [1], 4: [3]}
    assert cq.inherited({0: "a", 1: "b"}, broader, 5) == {0: "a", 1: "b", 2: "b"}
    assert cq.inherited({0: "a"}, broader, 5) == {0: "a", 1: "a", 2: "a"}


def test_the_figures_are_written_between_the_markers_only(tmp_path: Path) -> None:
    page = tmp_path / "careers.md"
    page.write_text(f"# Title\n\nprotocol\n\n{cq.BEGIN}\nold\n{cq.END}\n\nmethod\n")
    cq.write_markdown(page, ["| new |"], "header")
    text = page.read_text()
    assert "old" not in text
    assert text.startswith("# Title\n\nprotocol\n\n")
    assert text.endswith(f"header\n\n| new |\n{cq.END}\n\nmethod\n")


def test_every_part_runs_on_the_sample(sample_root: Path) -> None:
    subject = cq.open_subject(sample_root)
    careers = subject.careers
    # Job Zones made up from the ISCO skill level, so that part 3 has every band.
    zones = {o.uri: float(o.skill_level or 1) + (n % 2) for n, o in enumerate(careers.occupations)}
    onet = cq.read_onet(sample_onet_path())
    results = cq.run(
        subject,
        onet=onet,
        moves=cq.read_moves(),
        strict=False,
        job_zones=zones,
        pairs=200,
        seed=1,
        skipped={},
    )
    sources = results["onet"]["sources"]
    assert sources["tuning"] + sources["held-out"] == 18  # the sample's crosswalk rows
    for name, figures in results["onet"]["rankers"].items():
        if figures == "not available":
            assert name.startswith("ours")
            continue
        for split in cq.SPLITS:
            assert all(0 <= figures[split][k] <= 1 for k in ("p@5", "p@10", "r@20", "mrr"))
    # Nine listed moves are between occupations of the sample; the rest are left out.
    assert results["moves"]["measured"] == 9
    assert results["moves"]["splits"]["all"]["realistic"] == 8
    bands = results["job_zones"]["moves"]["Jaccard on essential skills"]
    assert sum(bands[s]["moves"] for s in cq.SPLITS) > 0
    if subject.has_assess:
        rated = results["job_zones"]["pairs"]
        assert sum(rated[s]["pairs"] for s in cq.SPLITS) == 200
    lines = cq.tables(results)
    assert any(line.startswith("| random |") for line in lines)


def test_a_listed_occupation_the_store_lacks_stops_a_strict_run(sample_root: Path) -> None:
    subject = cq.open_subject(sample_root)
    with pytest.raises(SystemExit, match="not an occupation of the store"):
        cq.part_moves(subject, cq.read_moves(), strict=True)


def test_the_smoke_run_needs_nothing_from_shared(tmp_path: Path) -> None:
    out = tmp_path / "careers.md"
    done = subprocess.run(
        [
            sys.executable,
            str(cq.REPO / "benchmarks" / "career_quality.py"),
            "--smoke",
            "--shared",
            str(tmp_path / "no-shared"),
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "SKILLGRAPH_CACHE": str(tmp_path / "cache")},
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "Part 3 skipped: no Job Zones" in done.stdout
    figures = json.loads(out.with_suffix(".json").read_text(encoding="utf-8"))
    assert set(figures["skipped"]) == {"3"}
    assert figures["onet"]["sources"] == {"tuning": 6, "held-out": 12}
    assert cq.BEGIN in out.read_text(encoding="utf-8")
