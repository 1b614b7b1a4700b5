"""Add the labels of more languages to the bundled ESCO sample, from ESCO label files.

    python scripts/make_sample_labels.py ../shared/esco-labels-v1.0 loaders/sample fr es

For each language, writes ``<kind>_<language>.csv`` into the sample folder beside its English
files: the rows of the label files (occupations, skills, ISCO groups, skill groups) whose
concept the sample describes, in the label files' own columns and row order, so that the
sample loads its languages as a full load does (``skillgraph load BUNDLE PACK``: the other
languages of the bundle's folder are packs). Running it twice gives the same files.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

KINDS = ("occupations", "skills", "ISCOGroups", "skillGroups")

csv.field_size_limit(sys.maxsize)


def concepts(sample: Path, kind: str) -> set[str]:
    with open(sample / f"{kind}_en.csv", newline="", encoding="utf-8") as handle:
        return {row["conceptUri"] for row in csv.DictReader(handle)}


def make_labels(source: Path, sample: Path, languages: list[str]) -> None:
    for language in languages:
        for kind in KINDS:
            path = source / f"{kind}_{language}.csv"
            if not path.exists():
                continue
            wanted = concepts(sample, kind)
            with open(path, newline="", encoding="utf-8") as handle:
                reader = csv.DictReader(handle)
                header = list(reader.fieldnames or [])
                rows = [row for row in reader if row["conceptUri"] in wanted]
            if not rows:
                continue
            target = sample / path.name
            with open(target, "w", newline="", encoding="utf-8") as handle:
                writer = csv.DictWriter(handle, fieldnames=header, lineterminator="\n")
                writer.writeheader()
                writer.writerows(rows)
            print(f"{target.name}: {len(rows)} of the sample's {len(wanted)} {kind}")


if __name__ == "__main__":
    if len(sys.argv) < 4:
        sys.exit("usage: python scripts/make_sample_labels.py LABELS_FOLDER SAMPLE_FOLDER LANG...")
    make_labels(Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3:])
