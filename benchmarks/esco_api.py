"""What the ESCO Web Service API's shape costs (/esco/api), against skillgraph's own JSON API
on the same server, in the same run.

    .venv/bin/python benchmarks/esco_api.py [--bundle ../shared/esco-v1.1.1]
        [--generator CHECKOUT] [--out docs/esco-api.md] [--smoke]

Loads the bundle (ESCO v1.1.1 as downloaded by default; ``--smoke``: the bundled sample)
into a fresh store, serves it with ``skillgraph serve`` (one worker, the response cache off
so that every request is answered), and measures:

- the Virtual Finland generator's reads, as :mod:`tests.esco_api_clients` restates them
  (every skill, ISCO group and occupation, 100 a page), against reading as many items from
  ``/skills`` and ``/occupations`` (100 a page: what an application of skillgraph's own would
  page through);
- one concept: ``/esco/api/resource/occupation?uri=`` against ``/occupations/{id}``, and a
  search: ``/esco/api/search`` against ``/occupations?q=`` and ``/skills?q=``;
- a crawl of the ISCO taxonomy by href, down to every skill an occupation names;
- with ``--generator`` (a checkout of Virtual-Finland-Development/esco-api), the generator
  itself (``npm ci`` first, not timed): ``build-skills.ts`` and ``build-occupations.ts`` under
  ts-node, its host the one change, in a copy.

Writes a Markdown report.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import peers
from benchmarks.common import api_base, machine, occupation_ids, percentile, timed_pass
from skillgraph.pipeline import load_bundle, sample_path
from tests.esco_api_clients import SCHEMES, crawl_taxonomy, generator_outputs

ROUNDS = 3
SAMPLE = 100
WORDS = ("manager", "technician", "nurse", "software", "welding", "teacher")
HOST_DEFAULT = '"http://localhost:8080"'


def _native_pages(client: httpx.Client, base: str) -> int:
    """Every skill and occupation from the JSON API, 100 a page; how many were read."""
    read = 0
    for path in ("/skills", "/occupations"):
        offset = 0
        while True:
            items = client.get(f"{base}{path}", params={"limit": 100, "offset": offset}).json()[
                "items"
            ]
            if not items:
                break
            read += len(items)
            offset += len(items)
    return read


def _generator(checkout: Path, api: str, work: Path) -> float:
    """Seconds the generator's two scripts take against ``api`` (``npm ci`` not counted)."""
    copy = work / "data-generation"
    shutil.copytree(
        checkout / "data-generation", copy, ignore=shutil.ignore_patterns("node_modules")
    )
    client = copy / "src" / "services" / "EscoDataServer.ts"
    code = client.read_text()
    client.write_text(code.replace(HOST_DEFAULT, "process.env.ESCO_HOST ?? " + HOST_DEFAULT))
    env = {**os.environ, "ESCO_HOST": api}
    subprocess.run(
        ["npm", "ci", "--ignore-scripts", "--no-audit"],
        cwd=copy,
        env=env,
        check=True,
        capture_output=True,
    )
    started = time.perf_counter()
    for script in ("build-skills.ts", "build-occupations.ts"):
        subprocess.run(
            ["npx", "ts-node", f"src/{script}"], cwd=copy, env=env, check=True, capture_output=True
        )
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bundle", type=Path, default=Path("../shared/esco-v1.1.1"))
    parser.add_argument("--generator", type=Path, default=os.environ.get("ESCO_API_GENERATOR"))
    parser.add_argument("--out", type=Path, default=Path("docs/esco-api.md"))
    parser.add_argument("--smoke", action="store_true", help="the bundled sample, one round")
    options = parser.parse_args()
    bundle = sample_path() if options.smoke else options.bundle
    rounds = 1 if options.smoke else ROUNDS
    with tempfile.TemporaryDirectory(prefix="skillgraph-esco-api-") as scratch:
        work = Path(scratch)
        load_bundle(bundle, work / "store")
        server = peers.start_skillgraph(work / "store", work, cache_mb=0)
        try:
            base = api_base(server)
            api = base + "/esco/api"
            times: dict[str, list[float]] = {"generator": [], "JSON API pages": []}
            counts: dict[str, int] = {}
            with httpx.Client(timeout=120) as client:
                for _ in range(rounds):  # interleaved, so that noise falls on both
                    started = time.perf_counter()
                    skills, occupations = generator_outputs(client, api)
                    times["generator"].append(time.perf_counter() - started)
                    counts["generator"] = len(skills) + len(occupations)
                    started = time.perf_counter()
                    counts["native"] = _native_pages(client, base)
                    times["JSON API pages"].append(time.perf_counter() - started)
                started = time.perf_counter()
                crawl = crawl_taxonomy(client, api, SCHEMES + "isco")
                crawl_time = time.perf_counter() - started
            ids = occupation_ids(base, SAMPLE)
            uris = [f"http://data.europa.eu/esco/occupation/{i}" for i in ids]
            one: dict[str, list[float]] = {"ESCO API": [], "JSON API": []}
            found: dict[str, list[float]] = {"ESCO API": [], "JSON API": []}
            for _ in range(rounds):
                one["ESCO API"] += timed_pass(
                    base, [f"/esco/api/resource/occupation?uri={u}" for u in uris]
                )
                one["JSON API"] += timed_pass(base, [f"/occupations/{i}" for i in ids])
                found["ESCO API"] += timed_pass(
                    base, [f"/esco/api/search?text={w}&limit=20" for w in WORDS]
                )
                found["JSON API"] += timed_pass(
                    base,
                    [
                        f"/{kind}?q={w}&limit=20"
                        for w in WORDS
                        for kind in ("occupations", "skills")
                    ],
                )
            generator = None
            if options.generator:
                generator = _generator(Path(options.generator), api, work)
        finally:
            server.stop()
    reads = {k: statistics.median(v) for k, v in times.items()}
    ours, native = reads["generator"], reads["JSON API pages"]
    # The JSON API answers two searches (occupations, skills) for the ESCO API's one.
    native_search = [
        a + b for a, b in zip(found["JSON API"][::2], found["JSON API"][1::2], strict=True)
    ]
    lines = [
        "# The ESCO Web Service API (/esco/api): what its shape costs",
        "",
        f"`benchmarks/esco_api.py`, one run on {machine()}, on "
        f"`{'the bundled sample' if options.smoke else options.bundle}` served by "
        "`skillgraph serve` (one worker, response cache off), each figure against "
        "skillgraph's own JSON API on the same server in the same run. Medians of "
        f"{rounds} rounds.",
        "",
        "| | ESCO API | JSON API | ratio |",
        "| --- | ---: | ---: | ---: |",
        f"| every skill, ISCO group and occupation, 100 a page ({counts['generator']:,} "
        f"documents; the JSON API's {counts['native']:,} list items) | "
        f"{ours:.1f} s | {native:.1f} s | {ours / native:.1f}x |",
        f"| one occupation (`/resource/occupation?uri=` / `/occupations/{{id}}`), median | "
        f"{statistics.median(one['ESCO API']):.2f} ms | "
        f"{statistics.median(one['JSON API']):.2f} ms | "
        f"{statistics.median(one['ESCO API']) / statistics.median(one['JSON API']):.2f}x |",
        f"| the same, p95 | {percentile(one['ESCO API'], 0.95):.2f} ms | "
        f"{percentile(one['JSON API'], 0.95):.2f} ms | "
        f"{percentile(one['ESCO API'], 0.95) / percentile(one['JSON API'], 0.95):.2f}x |",
        f"| a search, 20 hits (`/search` / `/occupations?q=` + `/skills?q=`), median | "
        f"{statistics.median(found['ESCO API']):.2f} ms | "
        f"{statistics.median(native_search):.2f} ms | "
        f"{statistics.median(found['ESCO API']) / statistics.median(native_search):.2f}x |",
        "",
        f"A crawl of the ISCO taxonomy by href, from `/resource/taxonomy` down to every "
        f"occupation ({sum(d['className'] == 'Occupation' for d in crawl.concepts.values()):,}) "
        f"and every skill they name ({len(crawl.skills):,}): {crawl.requests:,} requests, one "
        f"at a time, in {crawl_time:.1f} s ({crawl_time / crawl.requests * 1000:.2f} ms a "
        "request).",
        "",
    ]
    if generator is not None:
        lines += [
            f"The generator itself (`build-skills.ts`, then `build-occupations.ts`, under "
            f"ts-node; `npm ci` not counted): {generator:.1f} s, against "
            f"{ours:.1f} s for its reads restated in Python "
            f"({generator / ours:.1f}x: ts-node compiles each script "
            "at its start).",
            "",
        ]
    lines += [
        "What bounds it: an ESCO API document is built from the release's triples for each "
        "request (about a millisecond: its labels, descriptions and links, each link's "
        "title and class looked up, cached per release), where the JSON API's lists and "
        "profiles read indexes built at load. The listing of a scheme streams its page, "
        "a document at a time.",
        "",
    ]
    options.out.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
