"""Queries written for the official ESCO RDF, run on one or more stores: how many rows each
answers (triples for a CONSTRUCT) and how long it took.

The queries are in ``benchmarks/official/``, each with the public repository it comes from;
only the example values (ISCO groups, skills) are filled in. Give two stores to compare, say
one loaded by an older skillgraph and one by this one::

    .venv/bin/python benchmarks/official_queries.py --store /tmp/before --store /tmp/fullstore

The default graph of each query is the union of the store's graphs, as ``/sparql`` has it.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from pyoxigraph import QueryBoolean, Store

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from graph.store import active_version, open_read_only

QUERIES = Path(__file__).resolve().parent / "official"


def queries() -> list[Path]:
    """The query files, in order."""
    return sorted(QUERIES.glob("*.rq"))


def expects_none(path: Path) -> bool:
    """Whether the query lists what breaks an invariant, so that no rows is the answer."""
    return "# expect: none" in path.read_text(encoding="utf-8")


def answer(store: Store, path: Path) -> int:
    """The rows (or triples) ``store`` answers to the query in ``path``."""
    result = store.query(path.read_text(encoding="utf-8"), use_default_graph_as_union=True)
    if isinstance(result, QueryBoolean):
        return int(bool(result))
    return sum(1 for _ in result)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", action="append", type=Path, required=True)
    args = parser.parse_args()
    stores = [open_read_only(active_version(root)) for root in args.store]
    header = " | ".join(f"{root} rows | s" for root in args.store)
    print(f"| query | {header} |")
    print("| --- |" + " ---: | ---: |" * len(stores))
    for path in queries():
        cells = []
        for store in stores:
            started = time.perf_counter()
            rows = answer(store, path)
            cells.append(f"{rows:,} | {time.perf_counter() - started:.2f}")
        suffix = " (expects none)" if expects_none(path) else ""
        print(f"| {path.stem}{suffix} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
