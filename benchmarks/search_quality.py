"""How well the searches find an occupation or a skill from a title they have never seen.

Leave-one-out over the alternative labels: each sampled alternative label of an occupation
(or a skill) is left out of the index, searched for as a user would type it, and the rank of
its concept counted: first, within the first 5, further down, or no answer at all. Three
searches run side by side on the same labels:

- **ours**: the index ``GET /occupations?q=`` and ``GET /skills?q=`` answer from
  (:mod:`graph.ranking`: BM25 over each label and the description, stemmed, typos
  corrected). The left-out label stays counted in BM25's document frequencies, a negligible
  difference;
- **substring**: the search the endpoints had before, labels holding the text (the ranking of
  ``queries/occupation_search.rq``), rebuilt here as the baseline;
- **plain BM25**: ``bm25s`` with its defaults over one document per concept (every label and
  the description), no stemming and no typo correction: what the issue measured against.

    .venv/bin/python benchmarks/search_quality.py --store STORE [--sample 500] [--out FILE]
"""

from __future__ import annotations

import argparse
import hashlib
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import bm25s  # type: ignore[import-untyped]

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.reference_sets import read_cv_phrases, read_job_titles
from graph import prepare
from graph.queries import QueryRunner
from graph.ranking import Ranker
from graph.search import AMBIGUOUS, RESOLVED, UNKNOWN, LabelIndex, Resolution, SkillIndex
from graph.store import active_version, open_read_only

Search = Callable[[str, int], list[int]]
"""(text, the left-out label) -> concept indexes, best first"""


def substring_search(labels: list[tuple[int, str, int]], sizes: list[int]) -> Search:
    """The old ranking: 3 * kind + (0 exact, 1 prefix, 2 inside), then the preferred label's
    length; each concept by its best label."""

    def search(text: str, left_out: int) -> list[int]:
        best: dict[int, tuple[int, int]] = {}
        for i, (concept, label, kind) in enumerate(labels):
            if i == left_out or text not in label:
                continue
            rank = 3 * kind + (0 if label == text else 1 if label.startswith(text) else 2)
            key = (rank, sizes[concept])
            if key < best.get(concept, (99, 0)):
                best[concept] = key
        return [c for c, _ in sorted(best.items(), key=lambda item: (item[1], item[0]))][:100]

    return search


def plain_bm25(
    labels: list[tuple[int, str, int]], descriptions: dict[int, str], concepts: int
) -> Search:
    """bm25s's defaults over one document per concept, rebuilt without the left-out label."""
    texts: list[list[tuple[int, str]]] = [[] for _ in range(concepts)]
    for i, (concept, label, _) in enumerate(labels):
        texts[concept].append((i, label))

    def document(concept: int, left_out: int) -> str:
        own = [label for i, label in texts[concept] if i != left_out]
        return " ".join([*own, descriptions.get(concept, "")])

    corpus = [document(c, -1) for c in range(concepts)]
    index = bm25s.BM25()
    index.index(bm25s.tokenize(corpus, stopwords="en", show_progress=False), show_progress=False)

    def search(text: str, left_out: int) -> list[int]:
        concept = labels[left_out][0]
        # Re-index only the one document the label left: the rest are as they were.
        corpus[concept] = document(concept, left_out)
        local = bm25s.BM25()
        local.index(
            bm25s.tokenize(corpus, stopwords="en", show_progress=False), show_progress=False
        )
        corpus[concept] = document(concept, -1)
        query = bm25s.tokenize([text], stopwords="en", show_progress=False, return_ids=False)
        words = [w for w in query[0] if w in local.vocab_dict]
        if not words:
            return []
        scores = local.get_scores(words)
        found = [int(c) for c in scores.argsort()[::-1][:100] if scores[c] > 0]
        return found

    return search


def measure(
    search: Search, labels: list[tuple[int, str, int]], chosen: list[int]
) -> dict[str, float]:
    counts = {"first": 0, "top 5": 0, "lower": 0, "no answer": 0}
    seconds: list[float] = []
    for i in chosen:
        concept, text, _ = labels[i]
        started = time.perf_counter()
        found = search(text, i)
        seconds.append(time.perf_counter() - started)
        if not found:
            counts["no answer"] += 1
        elif found[0] == concept:
            counts["first"] += 1
        elif concept in found[:5]:
            counts["top 5"] += 1
        else:
            counts["lower"] += 1
    total = len(chosen)
    return {
        "labels": total,
        **{kind: count / total for kind, count in counts.items()},
        "median_ms": statistics.median(seconds) * 1000,
    }


def ours(ranker: Ranker) -> Search:
    def search(text: str, left_out: int) -> list[int]:
        hits, _ = ranker.rank(text, limit=100, exclude_label=left_out)
        return [h.concept for h in hits]

    return search


def run(
    store_root: Path, sample: int, *, plain: bool, seed: int = 15
) -> list[tuple[str, str, dict[str, float]]]:
    store = open_read_only(active_version(store_root))
    runner = QueryRunner()
    results = []
    occupations = LabelIndex.build(store, runner)
    position = {uri: i for i, uri in enumerate(occupations.occupations)}
    skills = SkillIndex.build(store, runner)
    kinds = {
        "occupations": (
            occupations.ranker,
            [(position[uri], text, kind) for text, kind, uri in occupations.labels],
            [len(o.label) for o in occupations.occupations.values()],
            {position[u]: d for u, d in _descriptions(store, runner) if u in position},
        ),
        "skills": (
            skills.ranker,
            [(skill, text, kind) for text, kind, skill in skills.labels],
            [len(s.label) for s in skills.skills],
            dict(skills.descriptions),
        ),
    }
    for kind, (ranker, labels, sizes, descriptions) in kinds.items():
        alternatives = [i for i, (_, _, k) in enumerate(labels) if k == 1]
        chosen = random.Random(seed).sample(alternatives, min(sample, len(alternatives)))
        searches = [
            ("ours: BM25 over labels and descriptions, stemmed, typos corrected", ours(ranker)),
            ("substring: labels holding the text (before)", substring_search(labels, sizes)),
        ]
        if plain:
            searches.append(
                (
                    "plain BM25 (bm25s defaults, one document per concept)",
                    plain_bm25(labels, descriptions, len(sizes)),
                )
            )
        for name, search in searches:
            results.append((kind, name, measure(search, labels, chosen)))
    return results


def before_resolve(skills: SkillIndex) -> Callable[[str], int | None]:
    """How ``POST /match`` read a text before issue 26, rebuilt as the baseline: the skill of
    a label that is the text; else of the first label containing the text, else containing
    every word of it (preferred labels first, then the shortest, then alphabetical)."""
    exact: dict[str, int] = {}
    for text, _, skill in sorted(skills.labels, key=lambda e: (e[1], e[0])):
        exact.setdefault(text, skill)
    ranked = sorted(skills.labels, key=lambda e: (e[1], len(e[0]), e[0], e[2]))

    def resolve(text: str) -> int | None:
        lowered = " ".join(text.lower().split())
        if lowered in exact:
            return exact[lowered]
        for label, _, skill in ranked:
            if lowered in label:
                return skill
        words = lowered.split()
        for label, _, skill in ranked:
            if all(word in label for word in words):
                return skill
        return None

    return resolve


def plain_first(skills: SkillIndex) -> Callable[[str], int | None]:
    """bm25s's defaults over one document per skill (its labels and description): the first."""
    texts: list[list[str]] = [[] for _ in skills.skills]
    for text, _, skill in skills.labels:
        texts[skill].append(text)
    for skill, description in skills.descriptions:
        texts[skill].append(description)
    index = bm25s.BM25()
    corpus = [" ".join(t) for t in texts]
    index.index(bm25s.tokenize(corpus, stopwords="en", show_progress=False), show_progress=False)

    def resolve(text: str) -> int | None:
        query = bm25s.tokenize([text], stopwords="en", show_progress=False, return_ids=False)
        words = [w for w in query[0] if w in index.vocab_dict]
        if not words:
            return None
        scores = index.get_scores(words)
        best = int(scores.argmax())
        return best if scores[best] > 0 else None

    return resolve


CV_KINDS = ("right", "wrong", "ambiguous, answer named", "ambiguous, answer not named", "unknown")
"""How a resolution of a CV phrase whose answer is a skill ends: resolved to an accepted
skill, resolved to another (a silent misreading), said ambiguous (the accepted skill among the
candidates or not), or unknown."""


def cv_phrases(store_root: Path) -> list[tuple[str, str, dict[str, float]]]:
    """The CV phrases of ``benchmarks/cv_phrases.csv``, resolved four ways, per half: how
    many end each way (:data:`CV_KINDS`), and for the phrases whose answer is "ambiguous",
    how many each way guesses a skill for."""
    indexes = prepare.newest(store_root)
    skills = indexes.skills
    uri = [s.uri for s in skills.skills]
    before, plain = before_resolve(skills), plain_first(skills)

    def first(text: str) -> int | None:
        hits, _ = skills.search(text, limit=1)
        return hits[0].skill if hits else None

    def guess(resolve: Callable[[str], int | None]) -> Callable[[str], Resolution]:
        def found(text: str) -> Resolution:
            skill = resolve(text)
            status = UNKNOWN if skill is None else RESOLVED
            return Resolution(text, skill, "", status=status)

        return found

    systems: list[tuple[str, Callable[[str], Resolution]]] = [
        ("before: a label containing the text", guess(before)),
        ("plain BM25 (bm25s defaults), its first skill", guess(plain)),
        ("our search's first skill (BM25, stems, typos)", guess(first)),
        ("ours: the resolver (sure, else ambiguous)", lambda text: skills.resolve(text, "en")),
    ]
    results = []
    phrases = read_cv_phrases()
    for split in ("tuning", "held-out"):
        chosen = [p for p in phrases if p.split == split]
        for name, resolve in systems:
            counts = dict.fromkeys(CV_KINDS, 0)
            guessed = unsure = 0
            for phrase in chosen:
                found = resolve(phrase.phrase)
                if phrase.answer == "ambiguous":
                    unsure += 1
                    guessed += found.status == RESOLVED
                    continue
                if found.status == RESOLVED and found.skill is not None:
                    counts["right" if uri[found.skill] in phrase.uris else "wrong"] += 1
                elif found.status == AMBIGUOUS:
                    named = any(uri[c] in phrase.uris for c in found.candidates)
                    counts[
                        "ambiguous, answer named" if named else "ambiguous, answer not named"
                    ] += 1
                else:
                    counts["unknown"] += 1
            total = sum(counts.values())
            results.append(
                (
                    split,
                    name,
                    {
                        "phrases": total,
                        **{k: v / total for k, v in counts.items()},
                        "ambiguous phrases": unsure,
                        "guessed": guessed,
                    },
                )
            )
    return results


def typos(store_root: Path, sample: int, seed: int = 26) -> list[tuple[str, float]]:
    """One letter left out of the longest word of sampled preferred labels of skills: how
    often our search puts the skill first, and how often ``/match`` resolves the text to it
    (before, and now)."""
    indexes = prepare.newest(store_root)
    skills = indexes.skills
    rnd = random.Random(seed)
    preferred = [(t, s) for t, k, s in skills.labels if k == 0 and len(t) >= 8]
    chosen = rnd.sample(preferred, min(sample, len(preferred)))
    before = before_resolve(skills)
    found = {"search first": 0, "match before": 0, "match now": 0, "now ambiguous": 0}
    for text, skill in chosen:
        words = text.split()
        longest = max(range(len(words)), key=lambda j: len(words[j]))
        word = words[longest]
        cut = rnd.randrange(1, len(word) - 1)
        words[longest] = word[:cut] + word[cut + 1 :]
        typo = " ".join(words)
        hits, _ = skills.search(typo, limit=1)
        found["search first"] += bool(hits) and hits[0].skill == skill
        found["match before"] += before(typo) == skill
        now = skills.resolve(typo, "en")
        found["match now"] += now.skill == skill
        found["now ambiguous"] += now.status == AMBIGUOUS
    return [(kind, count / len(chosen)) for kind, count in found.items()]


def job_titles(store_root: Path) -> list[tuple[str, str, dict[str, Any]]]:
    """The job titles of ``benchmarks/job_titles.csv`` searched as ``/occupations?q=`` does
    (:meth:`LabelIndex.search`, the title taken apart by :mod:`graph.titles`), as it did
    before (the whole text ranked), and by a plain BM25 over each occupation's labels: how
    often an accepted occupation is first and within 5, per half and per source."""
    indexes = prepare.newest(store_root)
    occupations = indexes.occupations
    order = list(occupations.occupations)
    texts: dict[str, list[str]] = {}
    for text, _, uri in occupations.labels:
        texts.setdefault(uri, []).append(text)
    plain = bm25s.BM25()
    plain.index(
        bm25s.tokenize(
            [" ".join(texts.get(u, [])) for u in order], stopwords="en", show_progress=False
        ),
        show_progress=False,
    )

    def now(text: str) -> list[str]:
        rows, _ = occupations.search(text, limit=5)
        return [str(r["uri"]) for r in rows]

    def before(text: str) -> list[str]:
        hits, _ = occupations.ranker.rank(text, limit=5)
        return [order[h.concept] for h in hits]

    def bm25(text: str) -> list[str]:
        query = bm25s.tokenize([text], stopwords="en", show_progress=False, return_ids=False)
        words = [w for w in query[0] if w in plain.vocab_dict]
        if not words:
            return []
        scores = plain.get_scores(words)
        return [order[int(i)] for i in scores.argsort()[::-1][:5] if scores[int(i)] > 0]

    def automatic(text: str) -> str | None:
        """The occupation ``/reconcile`` would match automatically (its rule, on the same
        ranking): the first of 10 candidates, its words exactly the title's, the only
        candidate so on its preferred label, or else on any label."""
        rows, _ = occupations.search(text, limit=10)
        exact = [r for r in rows if r["match"] == "exact"]
        preferred = [r for r in exact if r["matched_label"] == "preferred"]
        sure = preferred[0] if len(preferred) == 1 else exact[0] if len(exact) == 1 else None
        return str(sure["uri"]) if sure is not None and sure is rows[0] else None

    systems = [
        ("ours: the title taken apart, then ranked", now),
        ("before: the whole text ranked", before),
        ("plain BM25 over the labels", bm25),
    ]
    results = []
    titles = read_job_titles()
    for split in ("tuning", "held-out"):
        chosen = [t for t in titles if t.split == split]
        for name, search in systems:
            first = within = 0
            by_source: dict[str, list[int]] = {}
            for title in chosen:
                found = search(title.title)
                hit = bool(found) and found[0] in title.accepted
                first += hit
                within += any(u in title.accepted for u in found[:5])
                source = (
                    "posting-style"
                    if title.source.startswith("posting-style")
                    else title.source.split(" ")[0]
                )
                by_source.setdefault(source, [0, 0])
                by_source[source][0] += hit
                by_source[source][1] += 1
            figures: dict[str, Any] = {
                "titles": len(chosen),
                "first": first / len(chosen),
                "top 5": within / len(chosen),
                **{f"first, {s}": f"{h}/{n}" for s, (h, n) in sorted(by_source.items())},
            }
            if search is now:
                matched = [(automatic(t.title), t) for t in chosen]
                made = [(uri, t) for uri, t in matched if uri is not None]
                figures["automatic"] = len(made) / len(chosen)
                figures["automatic, wrong"] = sum(uri not in t.accepted for uri, t in made) / max(
                    len(made), 1
                )
            results.append((split, name, figures))
    return results


def half_of(uri: str) -> str:
    """An occupation's half: tuning when the first byte of the SHA-256 of its URI is even (the
    rule of ``benchmarks/career_quality.py``)."""
    return "tuning" if hashlib.sha256(uri.encode()).digest()[0] % 2 == 0 else "held-out"


def cv_matching(
    store_root: Path, *, cvs: int = 300, seed: int = 5
) -> list[tuple[str, str, str, dict[str, float]]]:
    """``POST /match`` from sparse CVs: for sampled occupations with at least 10 skills, a
    CV of 20-30% (or 50-70%) of their skills (essential and optional, drawn at random) and
    half as many again unrelated skills; where ``CareerIndex.match`` ranks the occupation,
    by its ranking (the cosine of the skill sets) and by today's before it (the share of
    essential skills covered, then how many), in the same run, per half."""
    indexes = prepare.newest(store_root)
    careers = indexes.careers
    rnd = random.Random(seed)
    skills = len(careers.skills)
    eligible = [
        i
        for i, required in enumerate(careers.required)
        if required.bit_count() >= 10 and careers.essential[i]
    ]
    results = []
    for low, high in ((0.2, 0.3), (0.5, 0.7)):
        for split in ("tuning", "held-out"):
            mine = [i for i in eligible if half_of(careers.occupations[i].uri) == split]
            chosen = rnd.sample(mine, min(cvs, len(mine)))
            ranks: dict[str, list[int]] = {
                "ours: complete matches, then cosine": [],
                "before: share of essential skills covered": [],
            }
            for occupation in chosen:
                own = [k for k in range(skills) if careers.required[occupation] >> k & 1]
                kept = rnd.sample(own, max(1, round(len(own) * rnd.uniform(low, high))))
                noise: set[int] = set()
                while len(noise) < max(1, round(0.5 * len(kept))):
                    other = rnd.randrange(skills)
                    if other not in own:
                        noise.add(other)
                held = careers.bits([*kept, *noise])
                found = careers.match(held, skill_level=None, isco_group=None)
                before = sorted(
                    found, key=lambda m: (-m.coverage, -m.matched_essential, -m.matched_optional)
                )
                for name, order in zip(ranks, (found, before), strict=True):
                    place = next(
                        (n for n, m in enumerate(order, 1) if m.occupation == occupation),
                        len(careers.occupations),
                    )
                    ranks[name].append(place)
            for name, places in ranks.items():
                results.append(
                    (
                        f"{low:.0%}-{high:.0%}",
                        split,
                        name,
                        {
                            "cvs": len(places),
                            "first": sum(p == 1 for p in places) / len(places),
                            "top 5": sum(p <= 5 for p in places) / len(places),
                            "mrr": sum(1 / p for p in places) / len(places),
                        },
                    )
                )
    return results


def _descriptions(store: object, runner: QueryRunner) -> list[tuple[str, str]]:
    rows = runner.select(store, "concept_descriptions")  # type: ignore[arg-type]
    return [(str(r["uri"]), str(r["description"])) for r in rows]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--sample", type=int, default=500)
    parser.add_argument(
        "--no-plain", action="store_true", help="skip the plain BM25 baseline (slow)"
    )
    parser.add_argument("--out", type=Path, help="write the figures as a Markdown table here")
    parser.add_argument("--typos", type=int, default=300, help="preferred labels to misspell")
    args = parser.parse_args()
    results = run(args.store, args.sample, plain=not args.no_plain)
    phrases = cv_phrases(args.store)
    misspelt = typos(args.store, args.typos)
    matching = cv_matching(args.store)
    postings = job_titles(args.store)
    lines = [
        "| concepts | search | left-out labels | first | within 5 | lower | no answer | median |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for kind, name, f in results:
        within = f["first"] + f["top 5"]
        lines.append(
            f"| {kind} | {name} | {f['labels']:.0f} | {f['first']:.1%} | {within:.1%} | "
            f"{f['lower']:.1%} | {f['no answer']:.1%} | {f['median_ms']:.2f} ms |"
        )
    lines += [
        "",
        "## CV phrases: what `/match` reads",
        "",
        "The 266 everyday CV phrases of `benchmarks/cv_phrases.csv` (protocol in "
        "`benchmarks/REFERENCE_SETS.md`), resolved four ways. A phrase whose answer is a skill "
        "ends right, wrong (a silent misreading), ambiguous (the answer among the candidates "
        "named, or not) or unknown; a phrase whose answer is ambiguous is counted apart "
        "(guessed: how many of them a way resolves to one skill anyway). The resolver's "
        "constants were set on the tuning half.",
        "",
        "| half | way | phrases | right | wrong | ambiguous, answer named | ambiguous, answer "
        "not named | unknown | ambiguous phrases guessed |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for split, name, f in phrases:
        cells = " | ".join(f"{f[k]:.1%}" for k in CV_KINDS)
        lines.append(
            f"| {split} | {name} | {f['phrases']:.0f} | {cells} | "
            f"{f['guessed']:.0f} of {f['ambiguous phrases']:.0f} |"
        )
    lines += [
        "",
        f"## One-letter typos of {args.typos} skills' preferred labels",
        "",
        "| | share |",
        "| --- | ---: |",
        *(f"| {kind} | {share:.1%} |" for kind, share in misspelt),
        "",
        "## Job titles as postings write them",
        "",
        "The job titles of `benchmarks/job_titles.csv` (protocol in "
        "`benchmarks/REFERENCE_SETS.md`: O*NET titles, the crosswalk's matching titles, the "
        "issue's producer titles and posting-style variants), searched as `/occupations?q=` "
        "does now (the title taken apart by `graph/titles.py`), as it did before, and by a "
        "plain BM25: how often an accepted occupation comes first, and within 5. The rule was "
        "chosen on the tuning half.",
        "",
        "| half | search | titles | first | within 5 | first, by source |",
        "| --- | --- | ---: | ---: | ---: | --- |",
        *(
            f"| {split} | {name} | {f['titles']} | {f['first']:.1%} | {f['top 5']:.1%} | "
            + ", ".join(f"{k.split(', ')[1]} {v}" for k, v in f.items() if k.startswith("first, "))
            + " |"
            for split, name, f in postings
        ),
        "",
        "What `/reconcile` matches automatically (its rule on the same ranking: the first of "
        "10 candidates, its words exactly the title's and no other candidate's): the share of "
        "titles matched, and the share of those matches no accepted occupation.",
        "",
        "| half | titles matched automatically | of which wrong |",
        "| --- | ---: | ---: |",
        *(
            f"| {split} | {f['automatic']:.1%} | {f['automatic, wrong']:.1%} |"
            for split, _, f in postings
            if "automatic" in f
        ),
        "",
        "## Matching sparse CVs to occupations",
        "",
        "For sampled occupations with at least 10 skills (halves by the SHA-256 of their URI), "
        "a CV of 20-30% or 50-70% of their skills, drawn at random, plus half as many again "
        "unrelated skills; where `/match` ranks the occupation. Now the complete matches come "
        "first, then the cosine of the skill sets; the share of essential skills covered "
        "ranked them before.",
        "",
        "| skills kept | half | ranking | CVs | first | within 5 | MRR |",
        "| --- | --- | --- | ---: | ---: | ---: | ---: |",
        *(
            f"| {kept} | {split} | {name} | {f['cvs']:.0f} | {f['first']:.1%} | "
            f"{f['top 5']:.1%} | {f['mrr']:.3f} |"
            for kept, split, name, f in matching
        ),
    ]
    print("\n".join(lines))
    if args.out:
        header = (
            "# Search quality\n\nWritten by `benchmarks/search_quality.py` on "
            f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC (`--sample {args.sample}`): each sampled "
            "alternative label of an occupation or skill is left out of the index and searched "
            'for; the table counts where its concept ranks ("within 5" includes the first). '
            "The three searches run side by side on the same labels; the median is one search "
            "in-process (the plain BM25 baseline's includes re-indexing without the label).\n\n"
        )
        args.out.write_text(header + "\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
