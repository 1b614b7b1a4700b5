"""The skillgraph benchmark: one command, every figure, ratios taken in one run.

    benchmarks/install.sh                         # once: wrk, Virtuoso, oxigraph, rdflib-endpoint
    .venv/bin/python benchmarks/run.py            # full ESCO bundle; writes docs/benchmarks.md
    .venv/bin/python benchmarks/run.py --smoke    # the bundled sample, short runs, no peers

It loads the bundle (timed against rdflib parsing the same triples, and against the bare
engine's bulk loader reading them from one file), serves it, measures the JSON endpoints'
latency with one client over 200 occupations and their throughput with wrk at 32
connections against /health, reads the server's memory, times career paths and matching,
loads a new version under traffic, races our /sparql against Oxigraph's own server,
Virtuoso and rdflib-endpoint on the analyst queries of benchmarks/queries (checking every
engine returns as many results), and loads the classification scaled up 2 and 4 times
(``--growth``). The machine is shared and noisy, so each figure stands beside its baseline
measured in the same run.

The measurement families, each a module here with its figures' section of the report:
load.py, latency.py, throughput.py, memory.py, careers.py (career paths and matching),
reload.py (a new version under traffic), sparql.py, growth.py; common.py holds what they
share, report.py the figures and the page. This file runs them in turn and writes both.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))

from benchmarks.careers import measure_careers  # noqa: E402
from benchmarks.common import Servers, api_base, occupation_ids  # noqa: E402
from benchmarks.growth import measure_growth  # noqa: E402
from benchmarks.latency import measure_latency  # noqa: E402
from benchmarks.load import measure_load  # noqa: E402
from benchmarks.reload import measure_reload  # noqa: E402
from benchmarks.report import Figures, figures_from_json, write_report  # noqa: E402
from benchmarks.sparql import race  # noqa: E402
from benchmarks.throughput import measure_throughput  # noqa: E402
from skillgraph.pipeline import sample_path  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--bundle", type=Path, default=REPO.parent / "shared" / "esco-v1.2.0")
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "benchmarks.md")
    parser.add_argument(
        "--smoke", action="store_true", help="the bundled sample, short runs, no peers"
    )
    parser.add_argument("--occupations", type=int, default=200)
    parser.add_argument("--seconds", type=int, default=10, help="length of each wrk run")
    parser.add_argument(
        "--reps", type=int, default=20, help="rounds of the SPARQL race (see sparql.measure_sparql)"
    )
    parser.add_argument(
        "--peers", default="oxigraph,virtuoso,rdflib", help="comma-separated, or none"
    )
    parser.add_argument("--growth", default="1,2,4", help="scale factors, or none")
    parser.add_argument(
        "--work", type=Path, help="working folder, kept (default: a new one, removed at the end)"
    )
    parser.add_argument(
        "--report-only",
        type=Path,
        metavar="FIGURES_JSON",
        help="write the report from the figures a run saved (its .json beside the report)",
    )
    args = parser.parse_args()
    if args.report_only:
        saved = json.loads(args.report_only.read_text())
        # When the run ended: saved with the figures (or, in older files, the file's time).
        ended = (
            saved.get("measured")
            or datetime.fromtimestamp(args.report_only.stat().st_mtime, UTC).isoformat()
        )
        write_report(
            args.out,
            figures_from_json(saved["figures"]),
            saved["command"],
            datetime.fromisoformat(ended),
        )
        print(f"wrote {args.out}")
        return
    if args.smoke:
        args.bundle, args.occupations, args.seconds, args.reps = sample_path(), 20, 1, 1
        args.peers, args.growth = "none", "1,2"
    work = args.work or Path(tempfile.mkdtemp(prefix="skillgraph-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    figures = Figures()
    servers = Servers(work)
    try:
        print(f"== load {args.bundle}", flush=True)
        figures.load = measure_load(args.bundle, work)
        print(figures.load, flush=True)
        ids: list[str] = []
        for label, options in (("cache on", {"cache_mb": 64}), ("cache off", {"cache_mb": 0})):
            print(f"== JSON API, {label}", flush=True)
            server = servers.skillgraph(**options)
            base = api_base(server)
            ids = occupation_ids(base, args.occupations)
            figures.occupations = len(ids)
            figures.latency[label] = measure_latency(base, ids, cached=label == "cache on")
            figures.throughput[f"1 worker, {label}"] = measure_throughput(
                base, ids, work, args.seconds
            )
            if label == "cache on":
                figures.rss_mb = server.rss_mb()
            else:
                print("== career paths and matching, cache off", flush=True)
                figures.careers = measure_careers(base, ids)
                print("== loading a new version under traffic", flush=True)
                figures.reload = measure_reload(base, args.bundle, work / "store", ids)
            server.stop()
        print("== JSON API, 2 workers", flush=True)
        server = servers.skillgraph(workers=2, cache_mb=0)
        figures.throughput["2 workers, cache off"] = measure_throughput(
            api_base(server), ids, work, args.seconds
        )
        server.stop()

        print("== SPARQL", flush=True)
        peer_names = [] if args.peers == "none" else args.peers.split(",")
        figures.sparql, figures.sparql_floor = race(servers, peer_names, args.reps)

        if args.growth != "none":
            print("== growth", flush=True)
            figures.growth = measure_growth(
                args.bundle, work, [int(f) for f in args.growth.split(",")], args.occupations
            )
    finally:
        servers.stop()
        if args.work is None:  # a folder of its own: the stores and dumps weigh gigabytes
            shutil.rmtree(work, ignore_errors=True)
    command = "benchmarks/run.py " + " ".join(sys.argv[1:])
    args.out.parent.mkdir(parents=True, exist_ok=True)
    measured = datetime.now(UTC)
    args.out.with_suffix(".json").write_text(
        json.dumps(
            {"command": command, "measured": measured.isoformat(), "figures": asdict(figures)},
            indent=1,
        )
    )
    write_report(args.out, figures, command, measured)
    print(f"wrote {args.out} and {args.out.with_suffix('.json')}")


if __name__ == "__main__":
    main()
