"""How fast a column of job titles reconciles: one /reconcile batch against the same titles
asked one request at a time of /occupations?q=, side by side on the same server.

Titles are alternative labels of occupations (as people write them), sampled; each batch
holds 100 (the service's batch size), sent as OpenRefine sends it (form field ``queries``,
keys q0, q1...). The baseline asks ``/occupations?q=TITLE&limit=3`` for each title in turn,
over one kept-alive connection. The cache is off, so every answer is computed.

    .venv/bin/python benchmarks/reconcile_batch.py --store STORE [--batches 10]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import peers
from graph.queries import QueryRunner
from graph.store import active_version, open_read_only

BATCH = 100


def titles(store_root: Path, count: int, seed: int = 16) -> list[tuple[str, str]]:
    store = open_read_only(active_version(store_root))
    rows = QueryRunner().select(store, "occupation_labels")
    alternatives = [(str(r["text"]), str(r["uri"])) for r in rows if int(r["kind"] or 0) == 1]
    return random.Random(seed).sample(alternatives, min(count, len(alternatives)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--batches", type=int, default=10)
    args = parser.parse_args()
    sample = titles(args.store, BATCH * args.batches)
    work = Path(tempfile.mkdtemp(prefix="skillgraph-reconcile-"))
    server = peers.start_skillgraph(args.store, work, cache_mb=0)
    base = server.url.removesuffix("/sparql")
    batch_seconds: list[float] = []
    single_seconds: list[float] = []
    first = matched = wrong = 0
    try:
        with httpx.Client(base_url=base, timeout=120) as client:
            client.get("/reconcile")  # warm
            for n in range(args.batches):
                chunk = sample[n * BATCH : (n + 1) * BATCH]
                queries = {
                    f"q{i}": {"query": text, "type": "Occupation", "limit": 3}
                    for i, (text, _) in enumerate(chunk)
                }
                started = time.perf_counter()
                answer = client.post("/reconcile", data={"queries": json.dumps(queries)})
                batch_seconds.append(time.perf_counter() - started)
                answer.raise_for_status()
                body = answer.json()
                started = time.perf_counter()
                for text, _ in chunk:
                    client.get("/occupations", params={"q": text, "limit": 3}).raise_for_status()
                single_seconds.append(time.perf_counter() - started)
                for i, (_, uri) in enumerate(chunk):
                    result = body[f"q{i}"]["result"]
                    first += bool(result) and result[0]["id"] == uri
                    matched += bool(result) and result[0]["match"] and result[0]["id"] == uri
                    wrong += any(c["match"] and c["id"] != uri for c in result)
    finally:
        server.stop()
    batch = statistics.median(batch_seconds)
    single = statistics.median(single_seconds)
    total = len(sample)
    print(f"| titles | batch of {BATCH} (median) | per title | {BATCH} single searches | ratio |")
    print("| ---: | ---: | ---: | ---: | ---: |")
    print(
        f"| {total} | {batch * 1000:.0f} ms | {batch * 1000 / BATCH:.2f} ms | "
        f"{single * 1000:.0f} ms | {single / batch:.1f}x |"
    )
    print(
        f"first candidate is the title's occupation: {first / total:.1%}; "
        f"auto-matched (match: true) and right: {matched / total:.1%}; "
        f"auto-matched to another occupation: {wrong / total:.1%}"
    )


if __name__ == "__main__":
    main()
