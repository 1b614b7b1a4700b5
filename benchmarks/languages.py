"""What more languages cost: the load, the JSON endpoints and the memory of a store with the
label packs beside the bundle, against the bundle alone, side by side in one run.

    .venv/bin/python benchmarks/languages.py      # writes docs/languages.md
    .venv/bin/python benchmarks/languages.py --smoke --out /tmp/languages.md   # the sample

1. **Load.** The bundle alone and the bundle with the packs, loaded in turn (``--loads``
   times each): seconds, triples, and seconds per million triples, whose ratio says whether
   the load stays linear in triples.
2. **JSON endpoints.** One server on each store (answer cache off), the same requests to
   both in turn over every measured occupation: each endpoint in English on the English
   store (the baseline), in English and in French on the store with every language, and a
   profile with its translations (``language=fr,es``). Medians and 99th percentiles in ms.
3. **Memory.** Each server's resident memory after those requests.

The machine is shared: compare the ratios within one run, not times across runs.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

import httpx

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))

from benchmarks import peers  # noqa: E402
from benchmarks.common import machine, occupation_ids, percentile, timed_pass  # noqa: E402
from skillgraph.pipeline import LoadResult, load_bundle, sample_path  # noqa: E402

SHARED = REPO.parent / "shared"
ENDPOINTS = {
    "profile": "/occupations/{id}",
    "similar": "/occupations/{id}/similar",
    "prospects": "/occupations/{id}/prospects",
    "skill gap": "/occupations/{id}/skill-gap/{next}",
    "search occupations": "/occupations?q={word}",
    "skill": "/skills/{skill}",
    "search skills": "/skills?q={skill_word}",
    "suggest": "/suggest?q={prefix}",
    "ISCO group": "/isco/{isco}",
}


def measure_loads(
    bundle: Path, packs: list[Path], work: Path, loads: int
) -> dict[str, list[LoadResult]]:
    """Each store loaded ``loads`` times, in turn; the last load of each is kept."""
    results: dict[str, list[LoadResult]] = {"bundle alone": [], "with the packs": []}
    for _ in range(loads):
        for name, done in results.items():
            multi = name == "with the packs"
            print(f"   load: {name}", flush=True)
            store = work / ("multi" if multi else "single")
            done.append(load_bundle(bundle, store, packs=packs if multi else []))
    return results


def samples(base: str, ids: list[str], language: str) -> dict[str, list[str]]:
    """One sample per occupation for each endpoint, in ``language``: its first skill, its
    ISCO group cut to levels 1 to 4 in turn, and words of its labels."""
    found: dict[str, list[str]] = {k: [] for k in ("skill", "isco", "word", "skill_word", "prefix")}
    with httpx.Client(base_url=base, timeout=60) as client:
        for n, id in enumerate(ids):
            profile = client.get(f"/occupations/{id}", params={"language": language}).json()
            skills = profile["essential_skills"] or profile["optional_skills"]
            if skills:
                found["skill"].append(skills[0]["id"])
                found["skill_word"].append(quote(skills[0]["label"].split()[0]))
            if profile["isco_group"]:
                code = profile["isco_group"]["code"]
                found["isco"].append(code[: 1 + n % len(code)])
            found["word"].append(quote(profile["label"].split("/")[0].split()[0]))
            found["prefix"].append(quote(profile["label"][:3]))
    return found


def paths(ids: list[str], template: str, sample: dict[str, list[str]], query: str) -> list[str]:
    made = []
    for n, id in enumerate(ids):
        values = {k: v[n % len(v)] for k, v in sample.items() if v}
        path = template.format(id=id, next=ids[(n + 1) % len(ids)], **values)
        made.append(path + ("&" if "?" in path else "?") + query if query else path)
    return made


def measure_endpoints(
    single: str, multi: str, ids: list[str]
) -> dict[str, dict[str, tuple[float, float]]]:
    """Per endpoint: (median, p99) ms for each variant, the variants run in turn."""
    english = samples(single, ids, "en")
    french = samples(multi, ids, "fr")
    figures: dict[str, dict[str, tuple[float, float]]] = {}
    for name, template in ENDPOINTS.items():
        variants = {
            "English store, en": (single, paths(ids, template, english, "")),
            "all languages, en": (multi, paths(ids, template, english, "")),
            "all languages, fr": (multi, paths(ids, template, french, "language=fr")),
        }
        if name == "profile":
            variants["all languages, fr,es"] = (
                multi,
                paths(ids, template, french, "language=fr,es"),
            )
        times: dict[str, list[float]] = {variant: [] for variant in variants}
        for _ in range(2):  # in turn, twice, so that a noisy moment spreads over all
            for variant, (base, wanted) in variants.items():
                times[variant] += timed_pass(base, wanted)
        figures[name] = {
            variant: (statistics.median(t), percentile(t, 0.99)) for variant, t in times.items()
        }
        print(f"   {name}: " + ", ".join(f"{v} {m:.2f}" for v, (m, _) in figures[name].items()))
    return figures


def report(
    out: Path,
    loads: dict[str, list[LoadResult]],
    endpoints: dict[str, dict[str, tuple[float, float]]],
    memory: dict[str, float],
    languages: str,
    command: str,
) -> None:
    single, multi = loads["bundle alone"], loads["with the packs"]

    def per_million(results: list[LoadResult]) -> float:
        return statistics.median(r.seconds / r.triples * 1e6 for r in results)

    lines = [
        "# Several languages: what they cost",
        "",
        f"Written by `{command}` on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, on {machine()}. "
        "The machine is shared: compare the ratios within this run.",
        "",
        f"Languages with the packs: {languages}.",
        "",
        "## Load",
        "",
        "| store | triples | seconds (median) | of which indexes | s per million triples |",
        "| --- | --- | --- | --- | --- |",
    ]
    for name, results in loads.items():
        lines.append(
            f"| {name} | {results[-1].triples:,} | "
            f"{statistics.median(r.seconds for r in results):.1f} | "
            f"{statistics.median(r.phases['indexes and publish'] for r in results):.1f} | "
            f"{per_million(results):.1f} |"
        )
    ratio = per_million(multi) / per_million(single)
    lines += [
        "",
        f"Seconds per million triples, with the packs over the bundle alone: **{ratio:.2f}x** "
        "(1 is a load linear in triples). The servers' indexes hold every label of every "
        "language, so they grow with the labels, which the packs add more of than triples.",
        "",
        "## JSON endpoints (answer cache off)",
        "",
        "Median ms (99th percentile), the same occupations on both servers.",
        "",
    ]
    variants = list(dict.fromkeys(v for figures in endpoints.values() for v in figures))
    lines += ["| endpoint | " + " | ".join(variants) + " | fr / English store |"]
    lines += ["| --- " * (len(variants) + 2) + "|"]
    for name, figures in endpoints.items():
        cells = [
            f"{figures[v][0]:.2f} ({figures[v][1]:.2f})" if v in figures else "" for v in variants
        ]
        ratio = figures["all languages, fr"][0] / figures["English store, en"][0]
        lines.append(f"| {name} | " + " | ".join(cells) + f" | {ratio:.2f}x |")
    worst = max(f[v][0] for f in endpoints.values() for v in f if v.startswith("all languages"))
    lines += [
        "",
        f"Slowest median with every language: {worst:.2f} ms (target under 5 ms: "
        f"**{'met' if worst < 5 else 'not met'}**).",
        "",
        "## Memory",
        "",
        "| server | resident memory |",
        "| --- | --- |",
        *(f"| {name} | {mb:.0f} MB |" for name, mb in memory.items()),
        "",
        f"Target under 500 MB with all languages: "
        f"**{'met' if memory['all languages'] < 500 else 'not met'}**.",
        "",
    ]
    out.write_text("\n".join(lines), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--bundle", type=Path, default=SHARED / "esco-v1.2.0")
    parser.add_argument("--packs", type=Path, nargs="*", default=[SHARED / "esco-labels-v1.0"])
    parser.add_argument("--occupations", type=int, default=200)
    parser.add_argument("--loads", type=int, default=2)
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "languages.md")
    parser.add_argument("--smoke", action="store_true", help="the bundled sample, briefly")
    args = parser.parse_args()
    if args.smoke:
        # The sample's folder holds its French and Spanish labels: the bundle alone is the
        # English files, copied apart.
        args.bundle, args.packs, args.occupations, args.loads = None, [], 20, 1
    with tempfile.TemporaryDirectory(prefix="skillgraph-languages-") as folder:
        work = Path(folder)
        bundle, packs = args.bundle, args.packs
        if args.smoke:
            bundle, packs = _split_sample(work)
        print("== loads", flush=True)
        loads = measure_loads(bundle, packs, work, args.loads)
        languages = ", ".join(loads["with the packs"][-1].report.languages)
        single = peers.start_skillgraph(work / "single", work, cache_mb=0)
        multi = peers.start_skillgraph(work / "multi", work, cache_mb=0)
        try:
            bases = [s.url.removesuffix("/sparql") for s in (single, multi)]
            ids = occupation_ids(bases[0], args.occupations)
            print("== JSON endpoints", flush=True)
            endpoints = measure_endpoints(bases[0], bases[1], ids)
            memory = {"English only": single.rss_mb(), "all languages": multi.rss_mb()}
        finally:
            single.stop()
            multi.stop()
    command = "benchmarks/languages.py " + " ".join(sys.argv[1:])
    report(args.out, loads, endpoints, memory, languages, command.strip())
    print(f"wrote {args.out}")


def _split_sample(work: Path) -> tuple[Path, list[Path]]:
    """The sample's English files as a bundle, and its other languages as a pack."""
    bundle, pack = work / "sample-en", work / "sample-labels"
    bundle.mkdir()
    pack.mkdir()
    for file in sample_path().glob("*.csv"):
        target = bundle if file.name.endswith("_en.csv") else pack
        (target / file.name).write_bytes(file.read_bytes())
    return bundle, [pack]


if __name__ == "__main__":
    main()
