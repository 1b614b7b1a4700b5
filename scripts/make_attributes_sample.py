"""Make the bundled attributes sample from Nesta's Mapping Career Causeways occupation table.

    python scripts/make_attributes_sample.py ../shared/career-causeways/occupations.csv \
        loaders/sample loaders/sample_attributes/career-causeways.csv

It keeps the table's rows for the occupations of the bundled ESCO sample, unchanged (every
column, in the file's order), so the sample loads exactly as the full table does: its
preparation and earnings columns are loaded, the others are reported as not loaded. Running
it twice gives the same file.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path


def make(source: Path, esco_sample: Path, target: Path) -> int:
    with (esco_sample / "occupations_en.csv").open(newline="", encoding="utf-8") as handle:
        esco = {row["conceptUri"] for row in csv.DictReader(handle)}
    with source.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        header = list(reader.fieldnames or [])
        rows = [row for row in reader if row["concept_uri"] in esco]
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return len(rows)


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    count = make(Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]))
    print(f"{count} occupations written to {sys.argv[3]}")
