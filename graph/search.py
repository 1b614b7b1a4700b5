"""Occupation search, from an index held in memory per store version.

The labels (named query ``occupation_labels``) and descriptions (``concept_descriptions``)
are read once per store version and ranked by relevance here (:mod:`graph.ranking`: BM25,
stemmed words, typos corrected). SPARQL users keep ``occupation_search.rq``, a substring
search; the endpoint no longer ranks as it does. :class:`JoinedLabels` finds the labels
holding a text at C speed, for the suggestions and the skill resolution.
"""

from __future__ import annotations

import bisect
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from pyoxigraph import Store

from graph.queries import QueryRunner, Value
from graph.ranking import Ranker


class JoinedLabels:
    """Labels as one text, a label a line, that ``str.find`` searches at C speed: which
    labels hold a text is then a handful of calls, not a Python loop over every label."""

    def __init__(self, labels: Sequence[str]) -> None:
        self.text = "\n".join(labels)
        self.starts: list[int] = []
        offset = 0
        for label in labels:
            self.starts.append(offset)
            offset += len(label) + 1

    def holding(self, text: str) -> Iterator[tuple[int, bool]]:
        """Each label holding ``text`` (which has no line end), in order, once: its index
        and whether it starts with ``text``."""
        starts, whole = self.starts, self.text
        found = whole.find(text)
        while found >= 0:
            index = bisect.bisect_right(starts, found) - 1
            yield index, found == starts[index]
            if index + 1 == len(starts):
                return
            found = whole.find(text, starts[index + 1])  # on to the next label


@dataclass(frozen=True)
class OccupationFacts:
    """An occupation as lists show it."""

    uri: str
    label: str
    isco_group: Value
    skill_level: Value


class LabelIndex:
    """The labels of every occupation of one store version, lower-cased, and the relevance
    ranking over them and the occupations' descriptions (:mod:`graph.ranking`)."""

    def __init__(
        self,
        rows: list[dict[str, Value]],
        descriptions: Sequence[tuple[str, str, str]] = (),
        facts: Sequence[OccupationFacts] = (),
    ) -> None:
        """``rows`` as ``occupation_labels`` gives them; ``descriptions``: (URI, text,
        language); ``facts``: the occupations as another index of the version holds them,
        to be shared rather than held twice (the others are made from the rows)."""
        known = {o.uri: o for o in facts}
        occupations: dict[str, OccupationFacts] = {}
        labels: list[tuple[str, int, str]] = []
        languages: list[str] = []
        for row in rows:
            uri = str(row["uri"])
            if uri not in occupations:
                occupations[uri] = known.get(uri) or OccupationFacts(
                    uri, str(row["label"]), row["isco_group"], row["skill_level"]
                )
            labels.append((str(row["text"]).lower(), int(row["kind"] or 0), uri))
            languages.append(sys.intern(str(row.get("text_language") or "en")))
        self._occupations = occupations
        self._labels = labels
        self.label_languages = languages
        """the language of each label of :attr:`labels`"""
        self._by_label = sorted(occupations.values(), key=lambda o: (o.label.lower(), o.uri))
        self._order = list(occupations.values())
        position = {uri: i for i, uri in enumerate(occupations)}
        described = [d for d in descriptions if d[0] in position]
        self.ranker = Ranker(
            len(self._order),
            [(position[uri], text, kind) for text, kind, uri in labels],
            [(position[uri], text) for uri, text, _ in described],
            label_languages=languages,
            description_languages=[language for _, _, language in described],
        )

    @property
    def occupations(self) -> dict[str, OccupationFacts]:
        """Every occupation, by URI."""
        return self._occupations

    @property
    def by_label(self) -> list[OccupationFacts]:
        """Every occupation, in label order."""
        return self._by_label

    @property
    def labels(self) -> list[tuple[str, int, str]]:
        """Every label: (lower-cased text, kind 0 preferred / 1 alternative / 2 hidden, URI)."""
        return self._labels

    @classmethod
    def build(cls, store: Store, runner: QueryRunner) -> LabelIndex:
        """Read every occupation label and description of ``store``."""
        descriptions = [
            (str(row["uri"]), str(row["description"]), str(row["description_language"]))
            for row in runner.select(store, "concept_descriptions")
        ]
        return cls(runner.select(store, "occupation_labels"), descriptions)

    def search(
        self, text: str, *, limit: int, offset: int = 0, exclude_label: int | None = None
    ) -> tuple[list[dict[str, Value]], int]:
        """Occupations ranked by relevance to ``text``, best first, and how many it finds;
        every occupation in label order when ``text`` is empty. ``exclude_label`` (an index
        into :attr:`labels`) leaves one label out, for the search-quality benchmark."""
        if not text.split():
            chosen = self._by_label[offset : offset + limit]
            return [_row(o) for o in chosen], len(self._by_label)
        hits, total = self.ranker.rank(
            text, limit=limit, offset=offset, exclude_label=exclude_label
        )
        rows = []
        for hit in hits:
            row = _row(self._order[hit.concept])
            label = self._labels[hit.label] if hit.label >= 0 else None
            row["matched_label"] = LABEL_KINDS[label[1]] if label else None
            row["matched_text"] = label[0] if label else None
            row["matched_language"] = self.label_languages[hit.label] if label else None
            row["match"] = "exact" if hit.exact else "words"
            row["score"] = round(hit.score, 4)
            rows.append(row)
        return rows, total


LABEL_KINDS = ("preferred", "alternative", "hidden")


def _row(o: OccupationFacts) -> dict[str, Value]:
    return {
        "uri": o.uri,
        "label": o.label,
        "isco_group": o.isco_group,
        "skill_level": o.skill_level,
    }
