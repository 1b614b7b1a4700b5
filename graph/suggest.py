"""Autocomplete over occupations and skills together (``GET /suggest``).

Every label of every occupation and skill is held once per word it has, as the text from that
word to the label's end ("manage budgets" as "manage budgets" and "budgets"), lower-cased.
A concept counts by its best label with a word starting with what the user typed: a label of
the language asked for before another language's, one that starts with the text before one
where a later word does, a preferred label before an alternative one before a hidden one,
then the shorter preferred label, then the label.

The entries are sorted by text, so the entries starting with a prefix are one range, found
by bisection, and each knows its place in that ranking. A word ranges over a few dozen
entries, read whole; a short prefix ("ma") over tens of thousands, of which numpy picks the
best few hundred by rank (``argpartition``) before any Python loop sees them. The entries
are columns (texts in a list, the rest numpy arrays): with several languages there are
hundreds of thousands.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass
from typing import overload

import numpy as np

from graph.search import LabelIndex, SkillIndex

MAX_LIMIT = 50
"""The most suggestions one request may ask for."""
DIRECT = 500
"""A range of at most this many entries is sorted whole; of a longer one, the best are picked
first (:data:`PICK` entries per suggestion asked for)."""
PICK = 8
"""Entries picked per suggestion asked for, from a long range: a concept has several labels
(and languages) starting alike, so more entries than suggestions are needed."""


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
    text: str = ""
    """the label that matched, lower-cased"""


class Suggester:
    """The word-start index of every label of a store version's occupations and skills.

    The entries are held as columns (the texts in a list, the rest in numpy arrays), since
    with several languages there are hundreds of thousands of them."""

    def __init__(
        self,
        concepts: list[Concept],
        labels: list[tuple[str, int, int]],
        languages: list[str] | None = None,
    ) -> None:
        """``labels``: (label, kind 0 preferred / 1 alternative / 2 hidden, concept index),
        each in the language at its position in ``languages`` (English when not given)."""
        self.concepts = concepts
        tags = languages or ["en"] * len(labels)
        self._languages = sorted(set(tags))
        code = {tag: n for n, tag in enumerate(self._languages)}
        # Each label lower-cased and single-spaced (the caller's own text where it is so).
        self._texts: list[str] = []
        for text, _, _ in labels:
            spaced = " ".join(text.lower().split())
            self._texts.append(text if spaced == text else spaced)
        # (text from a word to the label's end, the word is the first, kind, concept, language,
        # label, where the word starts in it)
        entries: list[tuple[str, bool, int, int, int, int, int]] = []
        for label, ((_, kind, concept), language) in enumerate(zip(labels, tags, strict=True)):
            text = self._texts[label]
            starts = [0] + [at + 1 for at, char in enumerate(text) if char == " "]
            for n, start in enumerate(starts):
                entries.append((text[start:], n == 0, kind, concept, code[language], label, start))
        entries.sort(key=lambda e: e[0])
        # Every entry's place in the ranking.
        known = [(len(c.label), c.label.lower(), c.uri) for c in concepts]
        order = sorted(
            range(len(entries)),
            key=lambda n: (0 if entries[n][1] else 1, entries[n][2], known[entries[n][3]]),
        )
        self._rank_of = np.empty(len(order), dtype=np.int32)
        self._rank_of[order] = np.arange(len(order), dtype=np.int32)
        del order
        # The entries' texts are read from the labels when a search bisects them (holding
        # them as strings weighed 70 MB with 4 languages).
        self._keys = _Suffixes(
            self._texts,
            np.array([e[5] for e in entries], dtype=np.int32),
            np.array([e[6] for e in entries], dtype=np.int32),
        )
        self._first = np.array([e[1] for e in entries], dtype=bool)
        self._kind = np.array([e[2] for e in entries], dtype=np.int8)
        self._concept = np.array([e[3] for e in entries], dtype=np.int32)
        self._language = np.array([e[4] for e in entries], dtype=np.int8)
        # Each entry's concept's type.
        self._types = sorted({c.type for c in concepts})
        type_code = {type: n for n, type in enumerate(self._types)}
        self._type = np.array(
            [type_code[concepts[c].type] for c in self._concept.tolist()], dtype=np.int8
        )

    def suggest(
        self, text: str, *, limit: int, types: frozenset[str], language: str | None = None
    ) -> list[Suggestion]:
        """The ``limit`` best concepts of ``types`` with a label word starting with ``text``;
        labels of ``language`` (any variant of it: ``en-us`` for ``en``) before the others,
        so that a match through another language's label ranks below."""
        prefix = " ".join(text.lower().split())
        if not prefix:
            return []
        low = bisect.bisect_left(self._keys, prefix)
        high = bisect.bisect_left(self._keys, prefix + "\U0010ffff", low)
        entries = np.arange(low, high, dtype=np.int32)
        if set(self._types) - types:
            wanted = [n for n, type in enumerate(self._types) if type in types]
            entries = entries[np.isin(self._type[low:high], wanted)]
        ranks = self._rank_of[entries].astype(np.int64)
        if language is not None:
            asked = language.split("-")[0]
            other = np.array([tag.split("-")[0] != asked for tag in self._languages], dtype=bool)
            ranks += other[self._language[entries]] * len(self._rank_of)
        candidates: list[int] = []
        pick = limit * PICK
        if len(entries) > max(DIRECT, pick):  # the best few, found by numpy
            best = np.argpartition(ranks, pick)[:pick]
            candidates = entries[best[np.argsort(ranks[best])]].tolist()
            if len({int(self._concept[e]) for e in candidates}) < limit:
                candidates = []  # too few concepts among them: the whole range
        if not candidates:
            candidates = entries[np.argsort(ranks)].tolist()
        found: list[Suggestion] = []
        seen: set[int] = set()
        for entry in candidates:
            concept = int(self._concept[entry])
            if concept not in seen:
                seen.add(concept)
                found.append(
                    Suggestion(
                        self.concepts[concept],
                        int(self._kind[entry]),
                        bool(self._first[entry]),
                        self._languages[int(self._language[entry])],
                        self._texts[int(self._keys._labels[entry])],
                    )
                )
                if len(found) == limit:
                    break
        return found


class _Suffixes(Sequence[str]):
    """The text of each entry, from a word of a label to its end, made when asked for."""

    def __init__(self, texts: list[str], labels: np.ndarray, starts: np.ndarray) -> None:
        self._texts, self._labels, self._starts = texts, labels, starts

    def __len__(self) -> int:
        return len(self._labels)

    @overload
    def __getitem__(self, index: int) -> str: ...
    @overload
    def __getitem__(self, index: slice) -> list[str]: ...
    def __getitem__(self, index: int | slice) -> str | list[str]:
        if isinstance(index, slice):
            return [self[n] for n in range(*index.indices(len(self)))]
        return self._texts[int(self._labels[index])][int(self._starts[index]) :]


def build(occupations: LabelIndex, skills: SkillIndex) -> Suggester:
    """The suggester of the occupations and skills of two indexes of one store version."""
    concepts = [Concept("occupation", o.uri, o.label) for o in occupations.occupations.values()]
    position = {c.uri: n for n, c in enumerate(concepts)}
    labels = [(text, kind, position[uri]) for text, kind, uri in occupations.labels]
    first_skill = len(concepts)
    concepts += [Concept("skill", s.uri, s.label) for s in skills.skills]
    labels += [(text, kind, first_skill + skill) for text, kind, skill in skills.labels]
    return Suggester(concepts, labels, occupations.label_languages + skills.label_languages)
