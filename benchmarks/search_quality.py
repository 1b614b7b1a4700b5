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
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import bm25s  # type: ignore[import-untyped]

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from graph.queries import QueryRunner
from graph.ranking import Ranker
from graph.search import LabelIndex, SkillIndex
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
    args = parser.parse_args()
    results = run(args.store, args.sample, plain=not args.no_plain)
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
