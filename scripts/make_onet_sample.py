"""Make the bundled O*NET sample from O*NET's files and the ESCO to O*NET crosswalk.

    python scripts/make_onet_sample.py ../shared/onet loaders/sample loaders/sample_onet

It keeps the crosswalk's rows for the occupations of the bundled ESCO sample, the O*NET
occupations they map to (by their own code or, where the 2019 taxonomy lacks it, its .00
occupation) with those occupations' related occupations, and the interests and related
occupations of the mapped ones. Files keep O*NET's names, columns, row order and byte-order
mark, so the sample loads exactly as the real files do. Running it twice gives the same files.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path


def read(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def write(path: Path, header: list[str], rows: list[dict[str, str]], *, bom: bool) -> None:
    with path.open("w", newline="", encoding="utf-8-sig" if bom else "utf-8") as handle:
        writer = csv.DictWriter(handle, header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def make(source: Path, esco_sample: Path, target: Path) -> None:
    with (esco_sample / "occupations_en.csv").open(newline="", encoding="utf-8") as handle:
        esco = {row["conceptUri"] for row in csv.DictReader(handle)}
    occ_header, occupations = read(source / "occupation_data.csv")
    codes = {row["O*NET-SOC Code"] for row in occupations}
    crosswalk_file = next(source.glob("*crosswalk*.csv"))
    cw_header, crosswalk = read(crosswalk_file)
    crosswalk = [row for row in crosswalk if row["concept_uri"] in esco]
    mapped = set()
    for row in crosswalk:
        code = row["onet_code"]
        mapped.add(code if code in codes else code[:-3] + ".00")
    rel_header, related = read(source / "related_occupations.csv")
    related = [row for row in related if row["O*NET-SOC Code"] in mapped]
    kept = mapped | {row["Related O*NET-SOC Code"] for row in related}
    int_header, interests = read(source / "interests.csv")
    target.mkdir(parents=True, exist_ok=True)
    write(
        target / "occupation_data.csv",
        occ_header,
        [r for r in occupations if r["O*NET-SOC Code"] in kept],
        bom=True,
    )
    write(
        target / "interests.csv",
        int_header,
        [r for r in interests if r["O*NET-SOC Code"] in kept],
        bom=True,
    )
    write(target / "related_occupations.csv", rel_header, related, bom=True)
    write(target / crosswalk_file.name, cw_header, crosswalk, bom=False)


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit("usage: python scripts/make_onet_sample.py ONET_FOLDER ESCO_SAMPLE TARGET_FOLDER")
    make(Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]))
