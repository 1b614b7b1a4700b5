"""Earlier ESCO releases load as they are downloaded: v1.1.0 and v1.1.1 come as two zips (the
relations in the second, without a language suffix, and spaces in the zips' names), and
v1.1.0 names its digital skills collection otherwise. The counts are those of each release's
README in ../shared (the official files, counted there)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from skillgraph.pipeline import load_bundle
from tests.conftest import REPO

SHARED = REPO.parent / "shared"

RELEASES = {
    # release: (occupations, skills, occupation-skill relations, a collection it alone names)
    "v1.1.0": (3008, 13891, 123852, "ictSkillsCollection"),
    "v1.1.1": (3007, 13896, 123855, "researchOccupationsCollection"),
}


@pytest.mark.fulldata
@pytest.mark.parametrize("release", list(RELEASES))
def test_an_earlier_release_loads_as_downloaded(release: str, tmp_path: Path) -> None:
    folder = SHARED / f"esco-{release}"
    if not folder.is_dir():
        reason = f"ESCO {release} is not at {folder} (see README, Test it)"
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(f"{reason}; CI must have it", pytrace=False)
        pytest.skip(reason)
    occupations, skills, relations, collection = RELEASES[release]
    report = load_bundle(folder, tmp_path / "store").report
    assert report.rows["occupations"] == occupations
    assert report.rows["skills"] == skills
    assert report.rows["occupationSkillRelations"] == relations
    assert report.rows[collection] > 0
    # Every CSV file of both zips was read: nothing ignored but the README beside them.
    assert [name for name in report.ignored_files if name.endswith(".csv")] == []
