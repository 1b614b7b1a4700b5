"""Autocomplete over occupations and skills together (``GET /suggest``).

Every label of every occupation and skill is held once per word it has, as the text from that
word to the label's end ("manage budgets" as "manage budgets" and "budgets"), lower-cased.
A concept counts by its best label with a word starting with what the user typed: one that
starts with the text before one where a later word does, a preferred label before an
alternative one before a hidden one, then the shorter preferred label, then the label.

The entries are kept twice. Sorted by text, the entries starting with a prefix are one
range, found by bisection: a word ranges over a few dozen. Sorted by that ranking, one list
per concept type, the first entries starting with a prefix are the answer: a short prefix
("ma") ranges over thousands of entries, but they are dense in the ranked list, so its scan
stops early. Each request takes whichever is shorter to read.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from graph.careers import CareerIndex
from graph.search import LabelIndex

MAX_LIMIT = 50
"""The most suggestions one request may ask for."""
DIRECT = 500
"""A range of at most this many entries is read whole; a longer one through the ranked lists."""


@dataclass(frozen=True)
class Concept:
    """What a suggestion names."""

    type: str
    """``occupation`` or ``skill``"""
    uri: str
    label: str


@dataclass(frozen=True)
class Suggestion:
    concept: Concept
    kind: int
    """the label that matched: 0 preferred, 1 alternative, 2 hidden"""
    at_start: bool
    """whether the label starts with the text (else one of its later words does)"""
    language: str = "en"
    """the language of the label that matched"""


Entry = tuple[str, bool, int, int, str]
"""(text from a word to the label's end, the word is the first, label kind, concept, the
label's language)"""


class Suggester:
    """The word-start index of every label of a store version's occupations and skills."""

    def __init__(
        self,
        concepts: list[Concept],
        labels: list[tuple[str, int, int]],
        languages: list[str] | None = None,
    ) -> None:
        """``labels``: (label, kind 0 preferred / 1 alternative / 2 hidden, concept index),
        each in the language at its position in ``languages`` (English when not given)."""
        self.concepts = concepts
        entries: list[Entry] = []
        for (text, kind, concept), language in zip(
            labels, languages or ["en"] * len(labels), strict=True
        ):
            words = text.lower().split()
            for n in range(len(words)):
                entries.append((" ".join(words[n:]), n == 0, kind, concept, language))
        entries.sort(key=lambda e: e[0])
        self._keys = [e[0] for e in entries]
        self._entries = entries
        self._ranked: dict[str, list[Entry]] = {}
        for entry in sorted(entries, key=self._rank):
            self._ranked.setdefault(concepts[entry[3]].type, []).append(entry)

    def _rank(self, entry: Entry) -> tuple[int, int, int, str, str]:
        concept = self.concepts[entry[3]]
        return (
            0 if entry[1] else 1,
            entry[2],
            len(concept.label),
            concept.label.lower(),
            concept.uri,
        )

    def suggest(self, text: str, *, limit: int, types: frozenset[str]) -> list[Suggestion]:
        """The ``limit`` best concepts of ``types`` with a label word starting with ``text``."""
        prefix = " ".join(text.lower().split())
        if not prefix:
            return []
        low = bisect.bisect_left(self._keys, prefix)
        high = bisect.bisect_left(self._keys, prefix + "\U0010ffff", low)
        if high - low <= DIRECT:
            candidates = sorted(
                (e for e in self._entries[low:high] if self.concepts[e[3]].type in types),
                key=self._rank,
            )
        else:
            candidates = []
            for type in sorted(types & self._ranked.keys()):
                candidates += self._first(self._ranked[type], prefix, limit)
            candidates.sort(key=self._rank)
        found: list[Suggestion] = []
        seen: set[int] = set()
        for _, at_start, kind, concept, language in candidates:
            if concept not in seen:
                seen.add(concept)
                found.append(Suggestion(self.concepts[concept], kind, at_start, language))
                if len(found) == limit:
                    break
        return found

    @staticmethod
    def _first(ranked: list[Entry], prefix: str, limit: int) -> list[Entry]:
        """The best entries of ``ranked`` starting with ``prefix``, ``limit`` concepts' worth."""
        found: list[Entry] = []
        seen: set[int] = set()
        for entry in ranked:
            if entry[0].startswith(prefix) and entry[3] not in seen:
                seen.add(entry[3])
                found.append(entry)
                if len(found) == limit:
                    break
        return found


def build(occupations: LabelIndex, careers: CareerIndex) -> Suggester:
    """The suggester of the occupations and skills of two indexes of one store version."""
    concepts = [Concept("occupation", o.uri, o.label) for o in occupations.occupations.values()]
    position = {c.uri: n for n, c in enumerate(concepts)}
    labels = [(text, kind, position[uri]) for text, kind, uri in occupations.labels]
    first_skill = len(concepts)
    concepts += [Concept("skill", s.uri, s.label) for s in careers.skills]
    labels += [(text, kind, first_skill + skill) for text, kind, skill in careers.labels]
    return Suggester(concepts, labels, occupations.label_languages + careers.label_languages)
