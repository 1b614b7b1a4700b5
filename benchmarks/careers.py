"""Career paths and matching: every occupation's paths and matches, answer cache off, beside
the skill gap over the same pairs (one SPARQL query) as the baseline."""

from __future__ import annotations

import statistics

import httpx

from benchmarks.common import ENDPOINTS, ms, paths_for, percentile, timed_pass, verdict


def measure_careers(base: str, ids: list[str]) -> dict[str, dict[str, float]]:
    """Career paths and matching over every occupation, answer cache off, beside the skill
    gap over the same pairs in the same pass (the baseline: one SPARQL query)."""
    reachable = []
    profiles = {}
    with httpx.Client(base_url=base, timeout=60) as client:
        for n, id in enumerate(ids):
            # A target two moves away when there is one: a similar occupation's best prospect.
            target = ids[(n + 1) % len(ids)]
            similar = client.get(f"/occupations/{id}/similar", params={"limit": 1}).json()
            if similar["items"]:
                ahead = client.get(
                    f"/occupations/{similar['items'][0]['id']}/prospects", params={"limit": 1}
                ).json()["items"]
                target = ahead[0]["id"] if ahead else similar["items"][0]["id"]
            reachable.append(f"/occupations/{id}/paths/{target}")
            profiles[id] = client.get(f"/occupations/{id}").json()
    pairs = paths_for(ids, "/occupations/{id}/paths/{next}")

    def skills(id: str, key: str) -> list[str]:
        return [s[key] for s in profiles[id]["essential_skills"]] or ["x"]

    runs = {
        "skill gap (baseline)": timed_pass(base, paths_for(ids, ENDPOINTS["skill gap"])),
        "paths, any two occupations, 3 steps, 5 paths": timed_pass(base, pairs),
        "paths, a target 2 moves away, 3 steps, 5 paths": timed_pass(base, reachable),
        "paths, a target 2 moves away, 5 steps, 20 paths": timed_pass(
            base, [f"{p}?max_steps=5&limit=20" for p in reachable]
        ),
        "match, an occupation's essential skills as URIs": timed_pass(
            base, ["/match"], bodies=[{"skills": skills(id, "uri")} for id in ids]
        ),
        "match, the same skills as labels": timed_pass(
            base, ["/match"], bodies=[{"skills": skills(id, "label")} for id in ids]
        ),
    }
    return {
        name: {"median": statistics.median(t), "p99": percentile(t, 0.99), "max": max(t)}
        for name, t in runs.items()
    }


def careers_section(careers: dict[str, dict[str, float]], occupations: int) -> list[str]:
    baseline = careers["skill gap (baseline)"]["median"]
    lines = [
        "## Career paths and matching",
        "",
        f"One client, answer cache off, over {occupations} occupations; milliseconds over HTTP. "
        "The skill gap over the same pairs in the same pass is the baseline (one SPARQL query).",
        "",
        "| request | median | p99 | max | median / skill gap "
        "| target: every request under 200 ms |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for name, f in careers.items():
        judged = "(baseline)" if name.startswith("skill gap") else verdict(f["max"] < 200)
        lines.append(
            f"| {name} | {ms(f['median'])} | {ms(f['p99'])} | {ms(f['max'])} | "
            f"{f['median'] / baseline:.2f} | {judged} |"
        )
    return [*lines, ""]
