"""What the pages for people cost: their size and their time, uncached, on a real server.

A server is started with ``--cache-mb 0`` (every answer computed), and for a sample of
occupations (every Nth in label order, so all kinds are in it), their skills and ISCO groups,
each page is asked for as a browser asks (``Accept: text/html``) and, in the same run and
turns, the JSON answer the page is made from: the occupation's profile, the skill's, the
group's; so that the figures compare the page with its baseline, not with the moment. The
explorer is measured on pairs of an occupation and its first similar one, against the JSON
career paths of the same pair (the page shows them, and more); "how to become" (the
explorer given only where to) against the JSON routes in.

    .venv/bin/python benchmarks/pages.py --store STORE [--sample 150] [--out FILE]

The figures are the median and 95th percentile of the time to the whole answer, one
request at a time over one kept-alive connection (httpx), the ratio of the page's median
to its JSON's, and the largest page's size (the issue's bounds: under 100 KB of HTML, a
median under 30 ms).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import peers

BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
KB = 1024


def timed(client: httpx.Client, path: str, headers: dict[str, str]) -> tuple[float, int]:
    """Seconds to the whole answer, and its size in bytes; the answer must be a 200."""
    start = time.perf_counter()
    answer = client.get(path, headers=headers)
    seconds = time.perf_counter() - start
    if answer.status_code != 200:
        raise RuntimeError(f"{path}: {answer.status_code} {answer.text[:300]}")
    return seconds, len(answer.content)


def cases(client: httpx.Client, sample: int) -> dict[str, list[tuple[str, str]]]:
    """Per kind of page: (page path, the JSON path it is made from)."""
    occupations: list[dict[str, str]] = []
    offset = 0
    while True:
        items = client.get("/occupations", params={"limit": 100, "offset": offset}).json()["items"]
        if not items:
            break
        occupations += items
        offset += len(items)
    step = max(1, len(occupations) // sample)
    chosen = occupations[::step][:sample]
    found: dict[str, list[tuple[str, str]]] = {"occupation": [], "skill": [], "isco": []}
    found["explorer"] = []
    found["routes in"] = []
    for occupation in chosen:
        uuid = occupation["id"]
        found["occupation"].append((f"/esco/occupation/{uuid}", f"/occupations/{uuid}"))
        profile = client.get(f"/occupations/{uuid}").json()
        skills = profile["essential_skills"] + profile["optional_skills"]
        if skills:
            skill = skills[len(skills) // 2]["id"]
            found["skill"].append((f"/esco/skill/{skill}", f"/skills/{skill}"))
        if profile["isco_group"]:
            code = profile["isco_group"]["code"]
            found["isco"].append((f"/esco/isco/C{code}", f"/isco/{code}"))
        similar = client.get(f"/occupations/{uuid}/similar", params={"limit": 1}).json()["items"]
        if similar:
            other = similar[0]["id"]
            found["explorer"].append(
                (
                    f"/explore?from={uuid}&to={other}",
                    f"/occupations/{uuid}/paths/{other}?max_steps=4&limit=3",
                )
            )
        found["routes in"].append(
            (f"/explore?to={uuid}", f"/occupations/{uuid}/routes-in?max_steps=3&limit=5")
        )
    return found


def measure(store: Path, sample: int) -> list[dict[str, object]]:
    work = Path(tempfile.mkdtemp(prefix="skillgraph-pages-"))
    server = peers.start_skillgraph(store, work, cache_mb=0)
    base = server.url.removesuffix("/sparql")
    rows: list[dict[str, object]] = []
    try:
        with httpx.Client(base_url=base, timeout=120) as client:
            for kind, pairs in cases(client, sample).items():
                page_times: list[float] = []
                json_times: list[float] = []
                sizes: list[int] = []
                for page, answer in pairs:  # taking turns, so that both see the same moment
                    seconds, size = timed(client, page, BROWSER)
                    page_times.append(seconds)
                    sizes.append(size)
                    json_times.append(timed(client, answer, {"Accept": "application/json"})[0])
                rows.append(
                    {
                        "kind": kind,
                        "pages": len(pairs),
                        "median_ms": 1000 * statistics.median(page_times),
                        "p95_ms": 1000 * sorted(page_times)[int(0.95 * (len(page_times) - 1))],
                        "json_median_ms": 1000 * statistics.median(json_times),
                        "ratio": statistics.median(page_times) / statistics.median(json_times),
                        "median_kb": statistics.median(sizes) / KB,
                        "max_kb": max(sizes) / KB,
                        "largest": pairs[sizes.index(max(sizes))][0],
                    }
                )
    finally:
        server.stop()
    return rows


def table(rows: list[dict[str, object]], store: Path, sample: int) -> str:
    lines = [
        "# Pages: size and time, uncached",
        "",
        f"Written by `benchmarks/pages.py` on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC "
        f"(`--sample {sample}`, store `{store.name}`): a server with no answer cache, each "
        "page asked for as a browser asks, and in turn the JSON answer it is made from, one "
        "request at a time. The ratio compares the two medians of the same run.",
        "",
        "| page | pages | median | 95th percentile | its JSON, median | ratio | median size "
        "| largest |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for row in rows:
        lines.append(
            f"| {row['kind']} | {row['pages']} | {row['median_ms']:.1f} ms | "
            f"{row['p95_ms']:.1f} ms | {row['json_median_ms']:.1f} ms | {row['ratio']:.1f}x | "
            f"{row['median_kb']:.1f} KB | {row['max_kb']:.1f} KB (`{row['largest']}`) |"
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--sample", type=int, default=150, help="occupations to sample")
    parser.add_argument("--out", type=Path, help="write the figures as Markdown here")
    args = parser.parse_args()
    text = table(measure(args.store, args.sample), args.store, args.sample)
    print(text)
    if args.out:
        args.out.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
