"""Make a synthetic ESCO bundle k times the size of a real one, for the growth benchmark.

    python benchmarks/scale_bundle.py ../shared/esco-v1.2.0 /tmp/esco-x10 10

Every occupation gets k-1 variants (new UUIDs derived from the original's, labels suffixed
"(variant n)", the same ISCO group) that need the same skills, so occupations, their
relations and the occupation hierarchy grow k times while skills stay as they are. Other
files are copied unchanged.
"""

from __future__ import annotations

import csv
import shutil
import sys
import uuid
from pathlib import Path

csv.field_size_limit(sys.maxsize)

OCCUPATION = "http://data.europa.eu/esco/occupation/"


def variant(uri: str, n: int) -> str:
    if n == 0 or not uri.startswith(OCCUPATION):
        return uri
    return OCCUPATION + str(uuid.uuid5(uuid.NAMESPACE_URL, f"{uri}#variant-{n}"))


def scale(source: Path, target: Path, factor: int) -> None:
    target.mkdir(parents=True, exist_ok=True)
    for path in sorted(source.glob("*.csv")):
        kind = path.name.rsplit("_", 1)[0]
        if kind not in ("occupations", "occupationSkillRelations", "broaderRelationsOccPillar"):
            shutil.copy(path, target / path.name)
            continue
        with open(path, newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            header = list(reader.fieldnames or [])
            rows = list(reader)
        with open(target / path.name, "w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=header, lineterminator="\n")
            writer.writeheader()
            for n in range(factor):
                for row in rows:
                    copy = dict(row)
                    if kind == "occupations":
                        copy["conceptUri"] = variant(row["conceptUri"], n)
                        if n:
                            copy["preferredLabel"] = f"{row['preferredLabel']} (variant {n})"
                            if "code" in row:  # label packs in other languages have none
                                copy["code"] = f"{row['code']}.v{n}"
                    elif kind == "occupationSkillRelations":
                        copy["occupationUri"] = variant(row["occupationUri"], n)
                    else:  # under its ISCO group, or under the same variant of its parent
                        if n and not row["conceptUri"].startswith(OCCUPATION):
                            continue
                        copy["conceptUri"] = variant(row["conceptUri"], n)
                        copy["broaderUri"] = variant(row["broaderUri"], n)
                    writer.writerow(copy)


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit("usage: python benchmarks/scale_bundle.py SOURCE TARGET FACTOR")
    scale(Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3]))
