"""How good the career moves are: the evidence for the transition assessment and the graph of
feasible moves (:meth:`graph.careers.CareerIndex.assess` and ``moves_from``), each measure
with plain baselines in the same run. The protocol is in ``docs/careers.md``; in short:

1. **O*NET's related occupations.** For an ESCO occupation A that the ESCO-O*NET crosswalk
   maps to O*NET occupation X, a suggested move A -> B agrees with O*NET's experts when one
   of B's O*NET codes is among X's 20 related occupations. A suggestion B that shares X
   itself, or has no O*NET code, is taken out of the list before it is cut (neither a hit
   nor counted). Precision at 5 and 10, recall at 20 (of X's related occupations that any
   ESCO occupation maps to) and the reciprocal rank of the first agreeing move, for ours,
   the stored similar occupations, the stored moves, Jaccard on essential skills, the same
   ISCO unit group and a random order.
2. **Realistic and absurd moves** (``benchmarks/career_moves.csv``, written by hand with a
   counsellor's reason each): how well the rating and its score separate them, beside the
   cosine similarity of the two skill sets and the essential coverage alone.
3. **Nesta's Job Zone rule** (viable only when the Job Zones differ by at most one), over a
   deterministic sample of pairs and over the moves each ranker suggests.

Occupations (and the pairs of part 2) are split by a hash into a tuning half and a held-out
half, and every figure is given for each: tune on the first only.

    .venv/bin/python benchmarks/career_quality.py --store STORE       # writes docs/careers.*
    .venv/bin/python benchmarks/career_quality.py --smoke --out FILE  # the bundled sample

The reference data is read from ``../shared`` (``--shared``): ``onet/`` (crosswalk and related
occupations), ``career-causeways/occupations.csv`` (Job Zones) and ``esco-v1.2.0/`` (the
labels of part 2 are checked against its ``occupations_en.csv``). A part whose data is not
there is skipped, and the output says so; ``--smoke`` runs on the bundled sample with its
O*NET sample (``loaders/sample_onet``) and needs nothing from ``../shared``.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import random
import re
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from pyoxigraph import NamedNode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from graph import preparation, prepare
from graph import terms as t
from graph.careers import CareerIndex
from graph.queries import QueryRunner
from graph.store import active_version, open_read_only
from skillgraph.pipeline import sample_onet_path, sample_store

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
MOVES = Path(__file__).resolve().parent / "career_moves.csv"
BEGIN = "<!-- career_quality: figures begin -->"
END = "<!-- career_quality: figures end -->"
"""The markers of the figures in the Markdown file: the script writes between them only, and
leaves the protocol and the method around them as they are."""

SPLITS = ("tuning", "held-out")
RATINGS = ("viable", "stretch", "unrealistic")
LIST_LENGTH = 20
"""How far down each ranked list is read (recall at 20)."""
TOP_MOVES = 10
"""How many of each ranker's moves per occupation part 3 looks at."""

Figures = dict[str, Any]


def split_of(key: str) -> str:
    """The half ``key`` (an occupation URI, or ``source<TAB>target`` for a listed move) is in:
    tuning when the first byte of its SHA-256 is even, held-out otherwise."""
    return "tuning" if hashlib.sha256(key.encode()).digest()[0] % 2 == 0 else "held-out"


# --- What is measured --------------------------------------------------------------------


class Transition(Protocol):
    """What the benchmark reads of an assessment (its Job Zone change through
    :func:`_zone_change`, which reads either form)."""

    rating: str
    score: float


@dataclass
class Subject:
    """The store version under measurement: its career index, its broader occupations, and
    whether ours (``assess`` and ``moves_from``) is there yet."""

    careers: CareerIndex
    broader: dict[int, list[int]]
    """occupation -> its broader occupations (ESCO's hierarchy, occupations only)"""
    job_zones_loaded: int
    """how many occupations the store holds a Job Zone for (preparation data loaded)"""
    splits: list[str] = field(init=False)
    """per occupation: the half it is in (:func:`split_of` its URI)"""

    def __post_init__(self) -> None:
        self.splits = [split_of(o.uri) for o in self.careers.occupations]
        # Ours, where the code has it (``None`` until it does).
        self.assess_with: Callable[[int, int], Transition] | None = getattr(
            self.careers, "assess", None
        )
        self.moves_with: Callable[[int], Sequence[int]] | None = getattr(
            self.careers, "moves_from", None
        )

    @property
    def has_moves(self) -> bool:
        return self.moves_with is not None

    @property
    def has_assess(self) -> bool:
        return self.assess_with is not None

    def assess(self, source: int, target: int) -> Transition:
        assert self.assess_with is not None
        return self.assess_with(source, target)

    def moves_from(self, source: int) -> list[int]:
        assert self.moves_with is not None
        return [o for o in self.moves_with(source) if o != source]


def open_subject(store_root: Path) -> Subject:
    """The indexes a server would hold for the store's active version: the index file the
    load wrote beside it, or built from the store when there is none."""
    path = active_version(store_root)
    store = open_read_only(path)
    runner = QueryRunner()
    indexes = prepare.newest(store_root)
    careers = indexes.careers
    position = careers.occupation_index
    broader: dict[int, list[int]] = {}
    for quad in store.quads_for_pattern(None, t.BROADER, None):
        if not isinstance(quad.subject, NamedNode) or not isinstance(quad.object, NamedNode):
            continue
        child = position.get(quad.subject.value)
        parent = position.get(quad.object.value)
        if child is not None and parent is not None and parent not in broader.get(child, []):
            broader.setdefault(child, []).append(parent)
    return Subject(careers, broader, _job_zones_in_store(store, runner))


def _job_zones_in_store(store: Any, runner: QueryRunner) -> int:
    """How many occupations the store gives a Job Zone (0 when no preparation data is loaded)."""
    return sum(1 for p in preparation.read(store, runner).values() if p.job_zone is not None)


def inherited(
    own: dict[int, Any], broader: dict[int, list[int]], occupations: int
) -> dict[int, Any]:
    """``own`` values per occupation, and for an occupation without one, the value of its
    nearest broader occupation that has one (breadth first; the first parent by index at
    equal distance), as the load inherits O*NET's mapping down ESCO's hierarchy."""
    found = dict(own)
    for occupation in range(occupations):
        if occupation in found:
            continue
        seen = {occupation}
        frontier = [occupation]
        while frontier and occupation not in found:
            following = []
            for node in frontier:
                for parent in sorted(broader.get(node, [])):
                    if parent in own:
                        found[occupation] = own[parent]
                        break
                    if parent not in seen:
                        seen.add(parent)
                        following.append(parent)
                if occupation in found:
                    break
            frontier = following
    return found


# --- Rankers -------------------------------------------------------------------------------

Ranker = Callable[[int], list[int]]
"""source occupation -> occupations to move to, best first (not the source itself)"""


def jaccard_order(careers: CareerIndex, source: int, among: Iterable[int]) -> list[int]:
    """``among`` by the Jaccard similarity of their essential skills with ``source``'s, then
    label, then URI; the source and occupations sharing no essential skill are left out."""
    mine = careers.essential[source]
    size = mine.bit_count()
    scored = []
    for other in among:
        if other == source:
            continue
        theirs = careers.essential[other]
        shared = (mine & theirs).bit_count()
        if shared:
            facts = careers.occupations[other]
            union = size + theirs.bit_count() - shared
            scored.append((-shared / union, facts.label.lower(), facts.uri, other))
    scored.sort()
    return [other for *_, other in scored]


def rankers(subject: Subject, *, seed: int) -> dict[str, Ranker | None]:
    """Every ranker by name; None for ours while the code has no ``moves_from``."""
    careers = subject.careers
    everyone = range(len(careers.occupations))
    groups: dict[object, list[int]] = {}
    for n, facts in enumerate(careers.occupations):
        groups.setdefault(facts.isco_group, []).append(n)

    def similar(source: int) -> list[int]:
        return [r.occupation for r in careers.related(source, "similar")]

    def stored(source: int) -> list[int]:
        both = careers.related(source, "similar") + careers.related(source, "prospect")
        both.sort(key=lambda r: (-r.score, careers.occupations[r.occupation].label.lower()))
        return [r.occupation for r in both]

    def jaccard(source: int) -> list[int]:
        return jaccard_order(careers, source, everyone)[: 3 * LIST_LENGTH]

    def same_group(source: int) -> list[int]:
        group = careers.occupations[source].isco_group
        if group is None:
            return []
        members = groups[group]
        ordered = jaccard_order(careers, source, members)
        # The group's members sharing no essential skill follow, by label.
        rest = sorted(
            (m for m in members if m != source and m not in set(ordered)),
            key=lambda m: (careers.occupations[m].label.lower(), careers.occupations[m].uri),
        )
        return ordered + rest

    def shuffled(source: int) -> list[int]:
        rng = random.Random(f"{seed}:{careers.occupations[source].uri}")
        drawn = rng.sample(everyone, min(3 * LIST_LENGTH + 1, len(everyone)))
        return [o for o in drawn if o != source]

    return {
        "ours: moves_from": subject.moves_from if subject.has_moves else None,
        "stored similar occupations (cosine)": similar,
        "stored moves, similar and prospects (cosine)": stored,
        "Jaccard on essential skills": jaccard,
        "same ISCO unit group, by Jaccard": same_group,
        "random": shuffled,
    }


# --- Part 1: O*NET's related occupations ---------------------------------------------------


@dataclass
class Onet:
    """The crosswalk in O*NET's 2019 codes and O*NET's related occupations."""

    crosswalk: dict[str, str]
    """ESCO occupation URI -> its O*NET-SOC 2019 code"""
    related: dict[str, set[str]]
    """O*NET-SOC code -> its related occupations' codes"""
    unmapped: int
    """crosswalk rows whose 2010 code has no 2019 occupation by the rules of :func:`code_2019`"""
    renamed: int
    """crosswalk rows whose 2010 code was translated to another 2019 code"""


def code_2019(code: str, title: str, titles: dict[str, str]) -> str | None:
    """The 2019 O*NET-SOC code of a crosswalk row's 2010 ``code`` (``titles``: 2019 code ->
    title). The code itself where 2019 has it; else the 2019 occupation of the same title
    (15-1199.09 Information Technology Project Managers is 15-1299.09 in 2019); else the
    ``.00`` occupation of the same SOC code, which 2019 merged the detailed ones into
    (27-2012.01 Producers is part of 27-2012.00 Producers and Directors); else None."""
    if code in titles:
        return code
    by_title = {name.lower(): c for c, name in titles.items()}
    if title.lower() in by_title:
        return by_title[title.lower()]
    parent = code[:7] + ".00"
    return parent if parent in titles else None


def read_onet(folder: Path) -> Onet:
    def rows(name: str) -> list[dict[str, str]]:
        with (folder / name).open(encoding="utf-8-sig", newline="") as file:
            return list(csv.DictReader(file))

    titles = {r["O*NET-SOC Code"]: r["Title"] for r in rows("occupation_data.csv")}
    related: dict[str, set[str]] = {}
    for row in rows("related_occupations.csv"):
        related.setdefault(row["O*NET-SOC Code"], set()).add(row["Related O*NET-SOC Code"])
    crosswalk: dict[str, str] = {}
    unmapped = renamed = 0
    for row in rows("esco_onet_crosswalk_Nov2020.csv"):
        code = code_2019(row["onet_code"], row["onet_occupation"], titles)
        if code is None:
            unmapped += 1
            continue
        renamed += code != row["onet_code"]
        crosswalk[row["concept_uri"]] = code
    return Onet(crosswalk, related, unmapped, renamed)


def agreement(
    ranked: Sequence[int],
    own_code: str,
    codes: Sequence[frozenset[str]],
    related: set[str],
    reachable: set[str],
) -> dict[str, float]:
    """One source's figures: ``ranked`` (its suggested moves, best first) with every move
    whose codes hold ``own_code``, or that has no code, taken out first; a move agrees when
    one of its ``codes`` is in ``related``. Recall is of the related codes in ``reachable``
    (those some ESCO occupation maps to). A list shorter than k counts its missing places
    as misses."""
    judged: list[int] = []
    dropped = 0
    for position, occupation in enumerate(ranked):
        if len(judged) == LIST_LENGTH:
            break
        if not codes[occupation] or own_code in codes[occupation]:
            dropped += position < LIST_LENGTH
            continue
        judged.append(occupation)
    hits = [bool(codes[o] & related) for o in judged]
    first = next((n for n, hit in enumerate(hits) if hit), None)
    wanted = related & reachable
    found = set().union(*(codes[o] for o in judged)) & wanted
    return {
        "p@5": sum(hits[:5]) / 5,
        "p@10": sum(hits[:10]) / 10,
        "r@20": len(found) / len(wanted) if wanted else 0.0,
        "mrr": 0.0 if first is None else 1 / (first + 1),
        "length": float(min(len(ranked), LIST_LENGTH)),
        "dropped": dropped / LIST_LENGTH,
    }


def part_onet(subject: Subject, onet: Onet, *, seed: int) -> Figures:
    careers = subject.careers
    count = len(careers.occupations)
    own = {
        careers.occupation_index[uri]: code
        for uri, code in onet.crosswalk.items()
        if uri in careers.occupation_index
    }
    mapped = inherited(own, subject.broader, count)
    codes = [frozenset([mapped[o]]) if o in mapped else frozenset() for o in range(count)]
    reachable = set().union(*codes)
    sources: dict[str, list[int]] = {split: [] for split in SPLITS}
    without_related = 0
    for occupation in sorted(own):
        if own[occupation] not in onet.related:
            without_related += 1
            continue
        sources[split_of(careers.occupations[occupation].uri)].append(occupation)
    figures: Figures = {
        "crosswalk_rows_unmapped_2019": onet.unmapped,
        "crosswalk_rows_renumbered": onet.renamed,
        "occupations_with_a_code": len(mapped),
        "sources": {split: len(found) for split, found in sources.items()},
        "sources_without_related_occupations": without_related,
        "rankers": {},
    }
    for name, ranker in rankers(subject, seed=seed).items():
        if ranker is None:
            figures["rankers"][name] = "not available"
            continue
        per_split: dict[str, dict[str, float]] = {}
        started = time.perf_counter()
        for split, chosen in sources.items():
            rows = [
                agreement(ranker(a), own[a], codes, onet.related[own[a]], reachable) for a in chosen
            ]
            per_split[split] = {
                key: sum(r[key] for r in rows) / len(rows) if rows else 0.0
                for key in ("p@5", "p@10", "r@20", "mrr", "length", "dropped")
            }
        per_split["seconds"] = {"total": time.perf_counter() - started}
        figures["rankers"][name] = per_split
    return figures


# --- Part 2: realistic and absurd moves ----------------------------------------------------


@dataclass(frozen=True)
class ListedMove:
    source: str
    target: str
    verdict: str
    reason: str
    split: str


def read_moves(path: Path = MOVES) -> list[ListedMove]:
    """The listed moves; raises ValueError on a row that breaks the file's rules."""
    with path.open(encoding="utf-8", newline="") as file:
        reader = csv.DictReader(file)
        if reader.fieldnames != ["source", "target", "verdict", "reason", "split"]:
            raise ValueError(f"{path.name}: columns {reader.fieldnames}")
        moves = [ListedMove(**row) for row in reader]
    seen = set()
    for n, move in enumerate(moves, start=2):
        if move.verdict not in ("realistic", "absurd"):
            raise ValueError(f"{path.name} line {n}: verdict {move.verdict!r}")
        if move.split != split_of(f"{move.source}\t{move.target}"):
            raise ValueError(f"{path.name} line {n}: split {move.split!r} is not the hash's")
        if not move.reason.strip() or move.source == move.target:
            raise ValueError(f"{path.name} line {n}: no reason, or a move to itself")
        if (move.source, move.target) in seen:
            raise ValueError(f"{path.name} line {n}: listed twice")
        seen.add((move.source, move.target))
    return moves


def reference_labels(bundle: Path) -> set[str]:
    """The preferred labels of ``occupations_en.csv`` in an ESCO download."""
    with (bundle / "occupations_en.csv").open(encoding="utf-8", newline="") as file:
        return {row["preferredLabel"] for row in csv.DictReader(file)}


def auc(positive: Sequence[float], negative: Sequence[float]) -> float | None:
    """The chance that a positive scores above a negative (ties count half)."""
    if not positive or not negative:
        return None
    wins = sum((p > n) + 0.5 * (p == n) for p in positive for n in negative)
    return wins / (len(positive) * len(negative))


def part_moves(subject: Subject, moves: list[ListedMove], *, strict: bool) -> Figures:
    """``strict``: every label must be an occupation of the store (the full classification);
    otherwise moves between occupations the store lacks (the sample) are left out, counted."""
    careers = subject.careers
    by_label = {o.label: n for n, o in enumerate(careers.occupations)}
    missing = sorted({x for m in moves for x in (m.source, m.target) if x not in by_label})
    if missing and strict:
        raise SystemExit(f"career_moves.csv: not an occupation of the store: {missing[0]!r}")
    chosen = [m for m in moves if m.source in by_label and m.target in by_label]
    figures: Figures = {"listed": len(moves), "measured": len(chosen), "splits": {}}
    for split in (*SPLITS, "all"):
        mine = [m for m in chosen if split in ("all", m.split)]
        scores: dict[str, dict[str, list[float]]] = {
            k: {"realistic": [], "absurd": []} for k in ("ours", "cosine", "coverage")
        }
        ratings = {v: dict.fromkeys(RATINGS, 0) for v in ("realistic", "absurd")}
        wrong: list[str] = []
        for move in mine:
            a, b = by_label[move.source], by_label[move.target]
            scores["cosine"][move.verdict].append(careers.score(a, b))
            scores["coverage"][move.verdict].append(careers.skill_gap(a, b)[3])
            if subject.has_assess:
                found = subject.assess(a, b)
                scores["ours"][move.verdict].append(found.score)
                ratings[move.verdict][found.rating] = ratings[move.verdict].get(found.rating, 0) + 1
                if (move.verdict, found.rating) in (
                    ("absurd", "viable"),
                    ("realistic", "unrealistic"),
                ):
                    wrong.append(f"{move.source} → {move.target}: {found.rating}")
        realistic = len(scores["cosine"]["realistic"])
        absurd = len(scores["cosine"]["absurd"])
        entry: Figures = {
            "realistic": realistic,
            "absurd": absurd,
            "auc_cosine": auc(scores["cosine"]["realistic"], scores["cosine"]["absurd"]),
            "auc_coverage": auc(scores["coverage"]["realistic"], scores["coverage"]["absurd"]),
        }
        if subject.has_assess:
            entry |= {
                "auc_ours": auc(scores["ours"]["realistic"], scores["ours"]["absurd"]),
                "absurd_viable": ratings["absurd"]["viable"] / absurd if absurd else None,
                "realistic_unrealistic": (
                    ratings["realistic"]["unrealistic"] / realistic if realistic else None
                ),
                "ratings": ratings,
            }
            # The held-out moves are named nowhere: only the tuning half's misses are shown.
            if split == "tuning":
                entry["misrated"] = wrong
        else:
            entry["auc_ours"] = "not available"
        figures["splits"][split] = entry
    return figures


# --- Part 3: Nesta's Job Zone rule ---------------------------------------------------------


def read_job_zones(path: Path) -> dict[str, float]:
    """ESCO occupation URI -> its Job Zone, from Nesta's occupations table."""
    with path.open(encoding="utf-8", newline="") as file:
        return {
            row["concept_uri"]: float(row["job_zone"])
            for row in csv.DictReader(file)
            if row["job_zone"].strip()
        }


def band(change: float) -> str:
    """A Job Zone change (target's minus source's) as Nesta's rule reads it: within one, or
    beyond: two or more up, two or more down, or between one and two apart (which only
    averaged zones have). Nesta's rule is symmetric; the two directions are told apart because
    a move down asks for no preparation the person lacks."""
    if abs(change) <= 1 + 1e-9:
        return "within 1"
    if abs(change) < 2 - 1e-9:
        return "1 to 2"
    return "2 or more up" if change > 0 else "2 or more down"


def part_job_zones(subject: Subject, table: dict[str, float], *, pairs: int, seed: int) -> Figures:
    careers = subject.careers
    count = len(careers.occupations)
    own = {
        careers.occupation_index[u]: z for u, z in table.items() if u in careers.occupation_index
    }
    zones = inherited(own, subject.broader, count)
    known = sorted(zones)
    rng = random.Random(seed)
    sample: list[tuple[int, int]] = []
    while len(sample) < pairs and len(known) > 1:
        a, b = rng.sample(known, 2)
        sample.append((a, b))
    figures: Figures = {
        "occupations_with_a_job_zone": len(zones),
        "whole_zones": all(float(z).is_integer() for z in zones.values()),
        "store_job_zones": subject.job_zones_loaded or "not loaded",
        "pairs": {},
        "moves": {},
    }
    if subject.has_assess:
        figures["pairs"] = _rated_by_band(subject, sample, zones, checked=True)
        if subject.job_zones_loaded:
            figures["store_agrees"] = figures["pairs"].pop("store_agrees")
    else:
        figures["pairs"] = "not available"
    for name, ranker in rankers(subject, seed=seed).items():
        if name == "random":
            continue
        if ranker is None:
            figures["moves"][name] = "not available"
            continue
        suggested = [(a, b) for a in known for b in ranker(a)[:TOP_MOVES] if b in zones]
        entry = _bands(subject, suggested, zones)
        if subject.has_assess and (name.startswith("ours") or name.startswith("Jaccard")):
            entry["rated"] = _rated_by_band(subject, suggested, zones, checked=False)
        figures["moves"][name] = entry
    return figures


def _bands(subject: Subject, pairs: list[tuple[int, int]], zones: dict[int, float]) -> Figures:
    """Per split (of the source): how many ``pairs`` there are, and the share whose Job Zones
    are beyond one apart, and two or more apart."""
    found: dict[str, list[str]] = {split: [] for split in SPLITS}
    for a, b in pairs:
        found[subject.splits[a]].append(band(zones[b] - zones[a]))
    return {
        split: {
            "moves": len(bands),
            "beyond 1": _share(sum(b != "within 1" for b in bands), len(bands)),
            "2 or more": _share(sum(b.startswith("2 or more") for b in bands), len(bands)),
            "2 or more up": _share(sum(b == "2 or more up" for b in bands), len(bands)),
        }
        for split, bands in found.items()
    }


def _rated_by_band(
    subject: Subject, pairs: list[tuple[int, int]], zones: dict[int, float], *, checked: bool
) -> Figures:
    """Per split (of the source), ours' ratings of ``pairs`` by Job Zone band, and the three
    figures of Nesta's rule; ``checked``: also how often the store's own Job Zone change is
    the table's (when the store has them)."""
    counts = {s: {b: dict.fromkeys(RATINGS, 0) for b in BANDS} for s in SPLITS}
    agrees = compared = 0
    for a, b in pairs:
        change = zones[b] - zones[a]
        found = subject.assess(a, b)
        tally = counts[subject.splits[a]][band(change)]
        tally[found.rating] = tally.get(found.rating, 0) + 1
        stored = _zone_change(found)
        if checked and stored is not None:
            compared += 1
            agrees += abs(stored - change) < 0.01
    figures: Figures = {}
    for split, by_band in counts.items():
        sizes = {b: sum(r.values()) for b, r in by_band.items()}
        beyond = [b for b in BANDS if b != "within 1"]
        not_viable = sum(sizes[b] - by_band[b]["viable"] for b in beyond)
        figures[split] = {
            "pairs": sum(sizes.values()),
            "unrealistic when 2 or more up": _share(
                by_band["2 or more up"]["unrealistic"], sizes["2 or more up"]
            ),
            "unrealistic when 2 or more down": _share(
                by_band["2 or more down"]["unrealistic"], sizes["2 or more down"]
            ),
            "viable when within 1": _share(by_band["within 1"]["viable"], sizes["within 1"]),
            "not viable when beyond 1": _share(not_viable, sum(sizes[b] for b in beyond)),
            "viable": sum(r["viable"] for r in by_band.values()),
            "viable within 1": _share(
                by_band["within 1"]["viable"], sum(r["viable"] for r in by_band.values())
            ),
            "bands": {
                b: {"pairs": sizes[b], **{r: _share(n, sizes[b]) for r, n in by_band[b].items()}}
                for b in BANDS
            },
        }
    if checked:
        figures["store_agrees"] = _share(agrees, compared) if compared else "not loaded"
    return figures


def _zone_change(found: object) -> float | None:
    """The change of Job Zone an assessment gives (``job_zone_change``, or the two zones of
    ``job_zones``); None where the store has none."""
    change = getattr(found, "job_zone_change", None)
    if isinstance(change, int | float):
        return float(change)
    zones = getattr(found, "job_zones", None)
    if isinstance(zones, tuple) and len(zones) == 2 and None not in zones:
        return float(zones[1]) - float(zones[0])
    return None


BANDS = ("within 1", "1 to 2", "2 or more up", "2 or more down")


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


# --- The report ----------------------------------------------------------------------------


def run(
    subject: Subject,
    *,
    onet: Onet | None,
    moves: list[ListedMove],
    strict: bool,
    job_zones: dict[str, float] | None,
    pairs: int,
    seed: int,
    skipped: dict[str, str],
) -> Figures:
    """Every part's figures; a part whose data is missing is named in ``skipped`` with the
    reason, and left out."""
    results: Figures = {
        "ours": {
            "moves_from": "available" if subject.has_moves else "not available",
            "assess": "available" if subject.has_assess else "not available",
        },
        "occupations": len(subject.careers.occupations),
        "skipped": dict(skipped),
    }
    timings: dict[str, float] = {}
    started = time.perf_counter()
    if onet is not None:
        results["onet"] = part_onet(subject, onet, seed=seed)
        timings["onet"] = time.perf_counter() - started
    started = time.perf_counter()
    results["moves"] = part_moves(subject, moves, strict=strict)
    timings["moves"] = time.perf_counter() - started
    if job_zones is not None:
        started = time.perf_counter()
        results["job_zones"] = part_job_zones(subject, job_zones, pairs=pairs, seed=seed)
        timings["job_zones"] = time.perf_counter() - started
    results["seconds"] = timings
    return results


def _pct(value: object) -> str:
    return f"{value:.1%}" if isinstance(value, float) else "-" if value is None else str(value)


def _num(value: object) -> str:
    return f"{value:.3f}" if isinstance(value, float) else "-" if value is None else str(value)


def tables(results: Figures) -> list[str]:
    """The figures as Markdown tables, one per part."""
    lines: list[str] = []
    ours = results["ours"]
    lines += [
        f"ours: `moves_from` {ours['moves_from']}, `assess` {ours['assess']}; "
        f"{results['occupations']} occupations.",
        "",
    ]
    for part, reason in results["skipped"].items():
        lines += [f"Part {part} skipped: {reason}.", ""]
    if "onet" in results:
        onet = results["onet"]
        sources = onet["sources"]
        lines += [
            "### 1. Agreement with O*NET's related occupations",
            "",
            f"Sources: {sources['tuning']} tuning, {sources['held-out']} held-out occupations "
            f"with a crosswalk row whose O*NET occupation has related occupations "
            f"({onet['sources_without_related_occupations']} others have none; "
            f"{onet['crosswalk_rows_unmapped_2019']} crosswalk rows have no 2019 code, "
            f"{onet['crosswalk_rows_renumbered']} were renumbered to one; "
            f"{onet['occupations_with_a_code']} occupations have a code, their own or "
            "inherited).",
            "",
            "| ranker | split | P@5 | P@10 | R@20 | MRR | list length | own code or none |",
            "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        for name, figures in onet["rankers"].items():
            if isinstance(figures, str):
                lines.append(f"| {name} | - | {figures} | | | | | |")
                continue
            for split in SPLITS:
                f = figures[split]
                lines.append(
                    f"| {name} | {split} | {f['p@5']:.3f} | {f['p@10']:.3f} | "
                    f"{f['r@20']:.3f} | {f['mrr']:.3f} | {f['length']:.1f} | "
                    f"{f['dropped']:.1%} |"
                )
        lines.append("")
    moves = results["moves"]
    lines += [
        "### 2. Realistic and absurd moves",
        "",
        f"{moves['measured']} of the {moves['listed']} listed moves measured (the others are "
        "between occupations this store does not hold).",
        "",
        "| split | realistic | absurd | AUC ours | absurd rated viable "
        "| realistic rated unrealistic | AUC cosine | AUC essential coverage |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for split, f in moves["splits"].items():
        lines.append(
            f"| {split} | {f['realistic']} | {f['absurd']} | {_num(f['auc_ours'])} | "
            f"{_pct(f.get('absurd_viable', '-'))} | {_pct(f.get('realistic_unrealistic', '-'))} | "
            f"{_num(f['auc_cosine'])} | {_num(f['auc_coverage'])} |"
        )
    tuning = moves["splits"]["tuning"]
    if tuning.get("ratings"):
        lines += [
            "",
            "Ratings (viable / stretch / unrealistic), all moves: realistic "
            + " / ".join(str(n) for n in moves["splits"]["all"]["ratings"]["realistic"].values())
            + ", absurd "
            + " / ".join(str(n) for n in moves["splits"]["all"]["ratings"]["absurd"].values())
            + ".",
        ]
        if tuning.get("misrated"):
            lines += ["", "Misrated in the tuning half: " + "; ".join(tuning["misrated"]) + "."]
    lines.append("")
    if "job_zones" in results:
        zones = results["job_zones"]
        lines += [
            "### 3. Nesta's rule: Job Zones within one",
            "",
            f"Job Zones from Nesta's table for {zones['occupations_with_a_job_zone']} "
            "occupations (own or inherited); in the store: "
            f"{zones['store_job_zones']}"
            + (
                f" (the store's Job Zone change equals the table's on "
                f"{_pct(zones['store_agrees'])} of the sampled pairs)"
                if "store_agrees" in zones
                else ""
            )
            + ".",
            "",
        ]
        pairs = zones["pairs"]
        if isinstance(pairs, str):
            lines += [f"Ours' ratings of sampled pairs: {pairs}.", ""]
        else:
            lines += _rated_rows("random pairs", pairs)
        lines += [
            f"Each ranker's first {TOP_MOVES} moves from every occupation: the share whose "
            "Job Zones are two or more apart (Nesta would not call them viable"
            + (
                "; the zones are whole numbers, so beyond one is two or more)."
                if zones["whole_zones"]
                else ")."
            ),
            "",
            "| ranker | split | moves | Job Zones 2 or more apart | of which up |",
            "| --- | --- | ---: | ---: | ---: |",
        ]
        for name, figures in zones["moves"].items():
            if isinstance(figures, str):
                lines.append(f"| {name} | - | {figures} | | |")
                continue
            for split in SPLITS:
                f = figures[split]
                lines.append(
                    f"| {name} | {split} | {f['moves']} | {_pct(f['2 or more'])} | "
                    f"{_pct(f['2 or more up'])} |"
                )
        lines.append("")
        for name, what in (
            (
                "Jaccard on essential skills",
                f"near pairs (each occupation's {TOP_MOVES} nearest by Jaccard)",
            ),
            ("ours: moves_from", "ours' own moves"),
        ):
            rated = zones["moves"].get(name, {})
            if isinstance(rated, dict) and "rated" in rated:
                lines += _rated_rows(what, rated["rated"])
    return lines


def _of(share: float | None, pairs: int) -> str:
    return "no pairs" if not pairs else f"{_pct(share)} of {pairs}"


def _rated_rows(what: str, rated: Figures) -> list[str]:
    lines = [
        f"Ours' ratings of {what}, by the change of Job Zone (each cell: the share, of how many "
        "pairs):",
        "",
        "| split | pairs | within 1: viable | 2 or more up: unrealistic "
        "| 2 or more down: unrealistic | beyond 1: not viable (Nesta) | viable: within 1 |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for split in SPLITS:
        f = rated[split]
        sizes = {b: f["bands"][b]["pairs"] for b in BANDS}
        beyond = sum(n for b, n in sizes.items() if b != "within 1")
        lines.append(
            f"| {split} | {f['pairs']} | {_of(f['viable when within 1'], sizes['within 1'])} "
            f"| {_of(f['unrealistic when 2 or more up'], sizes['2 or more up'])} "
            f"| {_of(f['unrealistic when 2 or more down'], sizes['2 or more down'])} "
            f"| {_of(f['not viable when beyond 1'], beyond)} "
            f"| {_of(f['viable within 1'], f['viable'])} |"
        )
    return [*lines, ""]


def write_markdown(path: Path, lines: list[str], header: str) -> None:
    """Write the figures between the markers of ``path``, leaving the rest of it; a file
    without them gets a title and the figures."""
    block = "\n".join([BEGIN, header, "", *lines, END])
    if path.exists():
        text = path.read_text(encoding="utf-8")
        pattern = re.compile(re.escape(BEGIN) + ".*?" + re.escape(END), re.DOTALL)
        if pattern.search(text):
            path.write_text(pattern.sub(lambda _: block, text, count=1), encoding="utf-8")
            return
    path.write_text("# Career moves: the evidence\n\n" + block + "\n", encoding="utf-8")


def code_version() -> str:
    """The commit the measured code is at, and whether graph/ differs from it (figures of
    uncommitted code are no commit's)."""
    try:
        head = subprocess.run(
            ["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        changed = subprocess.run(
            ["git", "-C", str(REPO), "diff", "--quiet", "HEAD", "--", "graph"], check=False
        ).returncode
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + (" with uncommitted changes in graph/" if changed else "")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", type=Path, help="the store to measure (a store root)")
    parser.add_argument("--smoke", action="store_true", help="the bundled sample, briefly")
    parser.add_argument("--shared", type=Path, default=SHARED, help="the reference data")
    parser.add_argument("--pairs", type=int, default=20_000, help="random pairs for part 3")
    parser.add_argument("--seed", type=int, default=25)
    parser.add_argument(
        "--out", type=Path, help="the Markdown file (default docs/careers.md; none in smoke)"
    )
    parser.add_argument("--json", type=Path, help="the JSON file (default: --out's, as .json)")
    args = parser.parse_args()
    if args.store is None and not args.smoke:
        parser.error("--store is required (or --smoke, the bundled sample)")
    out = args.out or (None if args.smoke else REPO / "docs" / "careers.md")
    skipped: dict[str, str] = {}
    try:
        moves = read_moves()
    except ValueError as error:
        raise SystemExit(f"career_moves.csv: {error}") from error
    reference = args.shared / "esco-v1.2.0"
    if (reference / "occupations_en.csv").is_file():
        labels = reference_labels(reference)
        unknown = sorted({x for m in moves for x in (m.source, m.target) if x not in labels})
        if unknown:
            raise SystemExit(
                f"career_moves.csv: not an ESCO v1.2.0 preferred label: {unknown[0]!r}"
            )
    elif not args.smoke:
        raise SystemExit(f"the ESCO v1.2.0 download is not at {reference}")
    onet_folder = sample_onet_path() if args.smoke else args.shared / "onet"
    onet = read_onet(onet_folder) if (onet_folder / "related_occupations.csv").is_file() else None
    if onet is None:
        skipped["1"] = f"no O*NET data at {onet_folder}"
    causeways = args.shared / "career-causeways" / "occupations.csv"
    job_zones = read_job_zones(causeways) if causeways.is_file() else None
    if job_zones is None:
        skipped["3"] = f"no Job Zones at {causeways}"
    started = time.perf_counter()
    store_root = sample_store() if args.smoke else args.store
    subject = open_subject(store_root)
    opened = time.perf_counter() - started
    results = run(
        subject,
        onet=onet,
        moves=moves,
        strict=not args.smoke,
        job_zones=job_zones,
        pairs=min(args.pairs, 500) if args.smoke else args.pairs,
        seed=args.seed,
        skipped=skipped,
    )
    results["seconds"]["indexes"] = opened
    command = "benchmarks/career_quality.py " + " ".join(sys.argv[1:])
    results |= {
        "written": f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        "command": command.strip(),
        "store": "the bundled sample" if args.smoke else str(args.store),
        "code": code_version(),
    }
    lines = tables(results)
    print("\n".join(lines))
    if out is not None:
        header = (
            f"Written by `{results['command']}` on {results['written']} "
            f"(code {results['code']}; {results['store']}; "
            f"{sum(results['seconds'].values()):.0f} s). "
            "Machine-readable: the JSON file beside this one."
        )
        write_markdown(out, lines, header)
        target = args.json or out.with_suffix(".json")
        target.write_text(
            json.dumps(results, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        print(f"wrote {out} and {target}")


if __name__ == "__main__":
    main()
