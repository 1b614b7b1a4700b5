"""Write ``official-v1.1.1.csv.gz`` from a checkout of Virtual-Finland-Development/esco-api:
the rows of the ``skills.json`` and ``occupations.json`` its generator wrote from the
official ESCO local API v1.1.1 (``api/data/``), reduced to what the tests compare.

    python tests/esco-api-reference/make.py CHECKOUT
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import sys
from pathlib import Path

HERE = Path(__file__).parent


def main(checkout: Path) -> None:
    data = checkout / "api" / "data"
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["file", "uri", "notation", "label_en", "broader"])
    for row in json.loads((data / "skills.json").read_text()):
        writer.writerow(["skills", row["uri"], "", row["prefLabel"].get("en", ""), ""])
    for row in json.loads((data / "occupations.json").read_text()):
        broader = " ".join(row.get("broader") or [])
        writer.writerow(
            ["occupations", row["uri"], row["notation"], row["prefLabel"].get("en", ""), broader]
        )
    with gzip.GzipFile(HERE / "official-v1.1.1.csv.gz", "wb", mtime=0) as packed:
        packed.write(out.getvalue().encode())


if __name__ == "__main__":
    main(Path(sys.argv[1]))
