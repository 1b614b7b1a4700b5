"""Make the bundled ESCO sample from a full ESCO CSV download.

    python scripts/make_sample.py ../shared/esco-v1.2.0 loaders/sample

The sample is every occupation of a few ISCO-08 unit groups around film, music and
broadcasting production, at three skill levels so that similar occupations and long-term
prospects both have answers:

    2654  Film, stage and related directors and producers   (skill level 4)
    2652  Musicians, singers and composers                   (skill level 4)
    3521  Broadcasting and audio-visual technicians          (skill level 3)
    7312  Musical instrument makers and tuners               (skill level 2)

with all their skills and knowledge, the ISCO groups above them, the skills hierarchy above
their skills, the relations among all of these, and the concept schemes and collections
restricted to them. Files keep the official names, columns and row order, so the sample
loads exactly as a real download does. Running it twice gives the same files.
"""

from __future__ import annotations

import csv
import re
import sys
from collections import defaultdict
from pathlib import Path

UNIT_GROUPS = ("2654", "2652", "3521", "7312")
LANGUAGE = "en"

csv.field_size_limit(sys.maxsize)


def read(folder: Path, kind: str) -> tuple[list[str], list[dict[str, str]]]:
    with open(folder / f"{kind}_{LANGUAGE}.csv", newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def write(folder: Path, kind: str, header: list[str], rows: list[dict[str, str]]) -> None:
    with open(folder / f"{kind}_{LANGUAGE}.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow(
                {k: (v if v is not None else "") for k, v in row.items() if k in header}
            )
    print(f"{kind}_{LANGUAGE}.csv: {len(rows)} rows")


def make_sample(source: Path, target: Path) -> None:
    target.mkdir(parents=True, exist_ok=True)
    occ_header, occupations = read(source, "occupations")
    occupations = [r for r in occupations if r["iscoGroup"] in UNIT_GROUPS]
    occupation_uris = {r["conceptUri"] for r in occupations}

    rel_header, relations = read(source, "occupationSkillRelations")
    relations = [r for r in relations if r["occupationUri"] in occupation_uris]
    skill_uris = {r["skillUri"] for r in relations}

    # Close the skills hierarchy upwards: broader skills and skill groups of every skill.
    skill_broader_header, skill_broader = read(source, "broaderRelationsSkillPillar")
    up: dict[str, set[str]] = defaultdict(set)
    for row in skill_broader:
        up[row["conceptUri"]].add(row["broaderUri"])
    above: set[str] = set()
    frontier = set(skill_uris)
    while frontier:
        nxt = set()
        for uri in frontier:
            for parent in up.get(uri, ()):
                if parent not in above and parent not in skill_uris:
                    above.add(parent)
                    nxt.add(parent)
        frontier = nxt

    skills_header, skills = read(source, "skills")
    skills = [r for r in skills if r["conceptUri"] in skill_uris or r["conceptUri"] in above]
    skill_uris |= {r["conceptUri"] for r in skills}
    group_header, groups = read(source, "skillGroups")
    groups = [r for r in groups if r["conceptUri"] in above]
    skill_concepts = skill_uris | {r["conceptUri"] for r in groups}
    skill_broader = [
        r
        for r in skill_broader
        if r["conceptUri"] in skill_concepts and r["broaderUri"] in skill_concepts
    ]

    hierarchy_header, hierarchy = read(source, "skillsHierarchy")
    level_columns = [f"Level {n} URI" for n in range(4)]
    hierarchy = [
        r
        for r in hierarchy
        if all((r.get(c) or "") in skill_concepts for c in level_columns if r.get(c))
    ]

    isco_header, isco = read(source, "ISCOGroups")
    codes = {code[:n] for code in UNIT_GROUPS for n in range(1, 5)}
    isco = [r for r in isco if r["code"] in codes]
    isco_uris = {r["conceptUri"] for r in isco}

    occ_broader_header, occ_broader = read(source, "broaderRelationsOccPillar")
    pillar = occupation_uris | isco_uris
    occ_broader = [
        r for r in occ_broader if r["conceptUri"] in pillar and r["broaderUri"] in pillar
    ]

    ss_header, skill_skill = read(source, "skillSkillRelations")
    skill_skill = [
        r
        for r in skill_skill
        if r["originalSkillUri"] in skill_uris and r["relatedSkillUri"] in skill_uris
    ]

    everything = pillar | skill_concepts
    scheme_header, schemes = read(source, "conceptSchemes")
    for row in schemes:
        tops = [u for u in re.split(r"[\s,|]+", row["hasTopConcept"]) if u in everything]
        row["hasTopConcept"] = ",\n".join(tops)

    write(target, "occupations", occ_header, occupations)
    write(target, "occupationSkillRelations", rel_header, relations)
    write(target, "skills", skills_header, skills)
    write(target, "skillGroups", group_header, groups)
    write(target, "broaderRelationsSkillPillar", skill_broader_header, skill_broader)
    write(target, "skillsHierarchy", hierarchy_header, hierarchy)
    write(target, "ISCOGroups", isco_header, isco)
    write(target, "broaderRelationsOccPillar", occ_broader_header, occ_broader)
    write(target, "skillSkillRelations", ss_header, skill_skill)
    write(target, "conceptSchemes", scheme_header, schemes)
    for path in sorted(source.glob(f"*Collection_{LANGUAGE}.csv")):
        kind = path.name.removesuffix(f"_{LANGUAGE}.csv")
        header, rows = read(source, kind)
        write(target, kind, header, [r for r in rows if r["conceptUri"] in everything])


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: python scripts/make_sample.py ESCO_CSV_FOLDER TARGET_FOLDER")
    make_sample(Path(sys.argv[1]), Path(sys.argv[2]))
