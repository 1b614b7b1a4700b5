"""How well the occupation search finds an occupation from a title it has never seen.

Leave-one-out over the alternative labels: for each sampled alternative label of an
occupation, the label index is built without that one label, the label is searched for as a
user would type it, and the rank of its occupation counted: first, within the first 5,
further down, or no answer at all. The index is the one ``GET /occupations?q=`` answers from
(``graph.search.LabelIndex``), so the figures are the endpoint's.

    .venv/bin/python benchmarks/search_quality.py --store STORE [--sample 500] [--out FILE]

It is the baseline a relevance ranking (issue 16: BM25 over labels and descriptions) is to
be measured against, side by side, in the same run.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from graph.queries import QueryRunner
from graph.search import LabelIndex
from graph.store import active_version, open_read_only


def measure(store_root: Path, sample: int, seed: int = 15) -> dict[str, float]:
    """Shares of the sampled alternative labels whose occupation comes first, within 5,
    lower, or not at all; and the median search time."""
    store = open_read_only(active_version(store_root))
    rows = QueryRunner().select(store, "occupation_labels")
    alternatives = [i for i, row in enumerate(rows) if int(row["kind"] or 0) == 1]
    chosen = random.Random(seed).sample(alternatives, min(sample, len(alternatives)))
    counts = {"first": 0, "top 5": 0, "lower": 0, "no answer": 0}
    seconds: list[float] = []
    for i in chosen:
        index = LabelIndex(rows[:i] + rows[i + 1 :])
        title = str(rows[i]["text"]).lower()
        started = time.perf_counter()
        found = [item["uri"] for item in index.search(title, limit=100)]
        seconds.append(time.perf_counter() - started)
        uri = str(rows[i]["uri"])
        if not found:
            counts["no answer"] += 1
        elif found[0] == uri:
            counts["first"] += 1
        elif uri in found[:5]:
            counts["top 5"] += 1
        else:
            counts["lower"] += 1
    total = len(chosen)
    return {
        "occupations": len({str(row["uri"]) for row in rows}),
        "labels": total,
        **{kind: count / total for kind, count in counts.items()},
        "median_ms": statistics.median(seconds) * 1000,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--sample", type=int, default=500)
    parser.add_argument("--out", type=Path, help="write the figures as a Markdown table here")
    args = parser.parse_args()
    figures = measure(args.store, args.sample)
    within = figures["first"] + figures["top 5"]
    lines = [
        "| search | alternative labels | first | within 5 | lower | no answer | median |",
        "| --- | --- | --- | --- | --- | --- | --- |",
        f"| `/occupations?q=` (labels holding the text) | {figures['labels']:.0f} | "
        f"{figures['first']:.1%} | {within:.1%} | {figures['lower']:.1%} | "
        f"{figures['no answer']:.1%} | {figures['median_ms']:.2f} ms |",
    ]
    print("\n".join(lines))
    if args.out:
        header = (
            "# Search quality\n\nWritten by `benchmarks/search_quality.py` on "
            f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC (`--sample {args.sample}` on a store of "
            f"{figures['occupations']:,.0f} occupations): each sampled alternative label of an "
            "occupation is left out of the index and searched for; the table counts where its "
            'occupation ranks ("within 5" includes the first).\n\n'
        )
        args.out.write_text(header + "\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
