"""Occupation search by label, from an index held in memory per store version.

SPARQL's ``CONTAINS`` has to decode every label string of the store for each search (about
300 ms on the full classification), so the labels are read once, with the named query
``occupation_labels``, and searched here. The ranking is the one ``occupation_search.rq``
spells out in SPARQL, and a test holds the two to the same answers:

    rank = 3 * kind + match      kind: 0 preferred, 1 alternative, 2 hidden label
                                 match: 0 exact, 1 prefix, 2 inside the label
    ordered by rank, then length of the preferred label, then the label, then the URI.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from pyoxigraph import Store

from graph.queries import QueryRunner, Value


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
    """The labels of every occupation of one store version, lower-cased."""

    def __init__(self, rows: list[dict[str, Value]]) -> None:
        occupations: dict[str, OccupationFacts] = {}
        labels: list[tuple[str, int, str]] = []
        for row in rows:
            uri = str(row["uri"])
            if uri not in occupations:
                occupations[uri] = OccupationFacts(
                    uri, str(row["label"]), row["isco_group"], row["skill_level"]
                )
            labels.append((str(row["text"]).lower(), int(row["kind"] or 0), uri))
        self._occupations = occupations
        self._labels = labels
        self._by_label = sorted(occupations.values(), key=lambda o: (o.label.lower(), o.uri))
        # A label never holds a line end: the loader refuses them in cells.
        self._joined = JoinedLabels([label for label, _, _ in labels])

    @property
    def occupations(self) -> dict[str, OccupationFacts]:
        """Every occupation, by URI."""
        return self._occupations

    @property
    def labels(self) -> list[tuple[str, int, str]]:
        """Every label: (lower-cased text, kind 0 preferred / 1 alternative / 2 hidden, URI)."""
        return self._labels

    @classmethod
    def build(cls, store: Store, runner: QueryRunner) -> LabelIndex:
        """Read every occupation label of ``store``."""
        return cls(runner.select(store, "occupation_labels"))

    def search(self, text: str, *, limit: int, offset: int = 0) -> list[dict[str, Value]]:
        """Occupations with a label containing ``text`` (lower-case), best first; every
        occupation in label order when ``text`` is empty."""
        if not text:
            chosen = self._by_label[offset : offset + limit]
        else:
            best = self._best(text) if "\n" not in text else {}  # no label holds a line end
            ranked = sorted(
                best.items(),
                key=lambda item: (
                    item[1],
                    len(self._occupations[item[0]].label),
                    self._occupations[item[0]].label,
                    item[0],
                ),
            )
            chosen = [self._occupations[uri] for uri, _ in ranked[offset : offset + limit]]
        return [
            {
                "uri": o.uri,
                "label": o.label,
                "isco_group": o.isco_group,
                "skill_level": o.skill_level,
            }
            for o in chosen
        ]

    def _best(self, text: str) -> dict[str, int]:
        """Each occupation with a label holding ``text`` (no line end in it), by its best
        rank. A text in few labels is found with ``str.find`` over them all at once (C
        speed, a hit at a time); one in many (``e``) faster label by label."""
        best: dict[str, int] = {}
        labels = self._labels
        held: Iterator[tuple[int, bool]]
        if self._joined.text.count(text) > len(labels) // 16:
            held = (
                (i, label.startswith(text))
                for i, (label, _, _) in enumerate(labels)
                if text in label
            )
        else:
            held = self._joined.holding(text)
        for index, at_start in held:
            label, kind, uri = labels[index]
            rank = 3 * kind + (0 if label == text else 1 if at_start else 2)
            if rank < best.get(uri, 9):
                best[uri] = rank
        return best
