"""Relevance ranking of concepts for free text: BM25 over their labels and descriptions.

People write job titles and skills as they please ("Senior Java Developers", "developer,
java", "accountant assistent"), so ``/occupations?q=`` and ``/skills?q=`` rank concepts by
relevance instead of matching substrings:

- **Words, not strings.** Text is split into words (Unicode letters and digits), lower-cased,
  stripped of English stop words and stemmed with the Snowball stemmer (PyStemmer), so
  word order, case, plurals and other inflections do not matter.
- **A stem is not a word.** Snowball stems "production" and "product" alike, and
  "registered" and "register". So each word of a label is indexed twice: as its stem, and
  as its lemma (``simplemma``, a dictionary lemmatiser: "producers" is "producer",
  "production" stays "production"). A label sharing the text's lemmas scores above one sharing
  only its stems ("production manager" finds the production manager before the product
  manager), and a label is an **exact** match only when its lemmas are the text's.
- **BM25** (the ``bm25s`` library) scores each label of a concept (preferred, alternative,
  hidden: each label a document, as short documents should be) and the concept's
  description (a second index). A concept scores by its best label, weighted by the label's
  kind, plus its description's score weighted lower (:data:`DESCRIPTION_WEIGHT`); a label
  whose words are exactly the query's gets :data:`EXACT_BONUS`, so an exact title comes first.
- **Typos.** A query word no label or description has is replaced by the closest words that
  they do have (``rapidfuzz``'s edit-distance ratio, at least :data:`FUZZY_CUTOFF`), so
  "acountant" still finds accountants.

The index holds numpy arrays and plain lists, so it is written with the other indexes of a
store version as data (:mod:`graph.indexfile`).
"""

from __future__ import annotations

import bisect
import hashlib
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

import bm25s  # type: ignore[import-untyped]
import bm25s.stopwords  # type: ignore[import-untyped]
import numpy as np
import Stemmer  # type: ignore[import-not-found]
from rapidfuzz import process
from rapidfuzz.distance import DamerauLevenshtein

KIND_WEIGHTS = (1.0, 0.9, 0.8)
"""A label's score is weighted by its kind: preferred, alternative, hidden."""
DESCRIPTION_WEIGHT = 0.3
"""The description's BM25 score counts this much beside the best label's."""
EXACT_BONUS = 1.0
"""Added (times the label's kind weight) when a label's words are exactly the query's."""
HEAD_BONUS = 1.0
"""Added to a label holding the head word of a job title ("Registered Nurses" is a nurse
before it is anything registered). A bonus, not a weight on the word's BM25: the head is
often the commonest word ("manager"), and weighing it more ranked a modifier's specificity
lower. Set on the tuning half of ``benchmarks/job_titles.csv``."""
SUPPORT = 0.5
"""The occupation search's :attr:`Ranker.support`: added, times ``log(n)``, for the ``n``
labels of a concept that hold every query word (set on the same tuning half)."""
OTHER_LANGUAGE = 0.5
"""A label of another language than the one asked for counts this much of its score."""
FUZZY_CUTOFF = 0.75
"""How alike a known word must be to stand in for an unknown one: 1 less the Damerau-Levenshtein
distance (a swap of two letters is one edit) over the longer word's length."""
FUZZY_CHOICES = 5
MIN_FUZZY_LENGTH = 4
"""Shorter unknown words are not corrected (too many words are one edit away)."""

LEMMA = "="
"""What a lemma term starts with, so that it never equals a stem."""

_WORD = re.compile(r"\w+", re.UNICODE)
_STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "for",
        "from",
        "in",
        "into",
        "is",
        "it",
        "of",
        "on",
        "or",
        "the",
        "to",
        "with",
    ]
)


SNOWBALL = {
    "ar": "arabic",
    "ca": "catalan",
    "cs": "czech",
    "da": "danish",
    "de": "german",
    "el": "greek",
    "en": "english",
    "eo": "esperanto",
    "es": "spanish",
    "et": "estonian",
    "eu": "basque",
    "fa": "persian",
    "fi": "finnish",
    "fr": "french",
    "ga": "irish",
    "hi": "hindi",
    "hu": "hungarian",
    "hy": "armenian",
    "id": "indonesian",
    "it": "italian",
    "lt": "lithuanian",
    "nb": "norwegian",
    "ne": "nepali",
    "nl": "dutch",
    "no": "norwegian",
    "pl": "polish",
    "pt": "portuguese",
    "ro": "romanian",
    "ru": "russian",
    "sr": "serbian",
    "sv": "swedish",
    "ta": "tamil",
    "tr": "turkish",
}
"""The Snowball stemmer of a language, by its BCP 47 primary subtag. A language without one
(Bulgarian, Croatian, Latvian, Maltese, Slovak, Slovenian, Icelandic, Ukrainian among ESCO's)
is searched by its words as written, lower-cased."""

_OTHER_STOPWORDS = {
    "da": bm25s.stopwords.STOPWORDS_DANISH,
    "de": bm25s.stopwords.STOPWORDS_GERMAN,
    "es": bm25s.stopwords.STOPWORDS_SPANISH,
    "fr": bm25s.stopwords.STOPWORDS_FRENCH,
    "it": bm25s.stopwords.STOPWORDS_ITALIAN,
    "nb": bm25s.stopwords.STOPWORDS_NORWEGIAN,
    "nl": bm25s.stopwords.STOPWORDS_DUTCH,
    "no": bm25s.stopwords.STOPWORDS_NORWEGIAN,
    "pt": bm25s.stopwords.STOPWORDS_PORTUGUESE,
    "ru": bm25s.stopwords.STOPWORDS_RUSSIAN,
    "sv": bm25s.stopwords.STOPWORDS_SWEDISH,
    "tr": bm25s.stopwords.STOPWORDS_TURKISH,
}
"""The stop words of the other languages, as bm25s lists them."""


class Analyzer:
    """Text to index terms in one language: words, lower-cased, without stop words, stemmed."""

    def __init__(self, language: str = "en") -> None:
        self.language = language
        primary = language.split("-")[0]
        self._stopwords = (
            _STOPWORDS if primary == "en" else frozenset(_OTHER_STOPWORDS.get(primary, ()))
        )
        algorithm = SNOWBALL.get(primary)
        self._stemmer = Stemmer.Stemmer(algorithm) if algorithm else None
        self._lemmas: dict[str, str] = {}
        self._lemmatised = True

    def __getstate__(self) -> dict[str, str]:
        return {"language": self.language}  # the stemmer is C state: made again

    def __setstate__(self, state: dict[str, str]) -> None:
        self.__init__(state["language"])  # type: ignore[misc]

    def words(self, text: str) -> list[str]:
        return [w for w in _WORD.findall(text.lower()) if w not in self._stopwords]

    def terms(self, text: str) -> list[str]:
        return self.stems(self.words(text))

    def stems(self, words: list[str]) -> list[str]:
        return list(self._stemmer.stemWords(words)) if self._stemmer else list(words)

    def lemmas(self, words: list[str]) -> list[str]:
        """Each word's lemma (``simplemma``'s dictionary of the language; the word itself
        in a language it has none for, or a word it does not know). Only an index's
        vocabulary is lemmatised, when it is built: a query's words take their lemmas
        from it (:meth:`Ranker.query_words`), so that a server does not hold the
        dictionaries."""
        if not self._lemmatised:
            return list(words)
        import simplemma  # only building an index needs it: a server does not load it

        found = []
        for word in words:
            lemma = self._lemmas.get(word)
            if lemma is None:
                try:
                    written = simplemma.lemmatize(word, lang=self.language.split("-")[0])
                except ValueError:  # simplemma has no dictionary of this language
                    self._lemmatised = False
                    return list(words)
                lemma = self._lemmas[word] = "".join(written.lower().split()) or word
            found.append(lemma)
        return found


@dataclass(frozen=True)
class Hit:
    """A concept a query found: its index, its score, and the label that scored best."""

    concept: int
    score: float
    label: int
    """the index of its best label among the labels the ranker was given"""
    exact: bool
    """whether that label's words are exactly the query's"""


class Ranker:
    """BM25 over the labels and descriptions of a list of concepts."""

    def __init__(
        self,
        concepts: int,
        labels: Sequence[tuple[int, str, int]],
        descriptions: Sequence[tuple[int, str]] = (),
        *,
        label_languages: Sequence[str] | None = None,
        description_languages: Sequence[str] | None = None,
        lemma_terms: bool = True,
        support: float = 0.0,
    ) -> None:
        """``labels``: (concept index, text, kind 0 preferred / 1 alternative / 2 hidden);
        ``descriptions``: (concept index, text); each in the language at the same position
        of ``label_languages`` and ``description_languages`` (English when not given), whose
        stemmer and stop words it is indexed with. Concepts are ``range(concepts)``; a label
        is named by its position in ``labels``. ``lemma_terms``: index each label word's
        lemma beside its stem (exactness is by lemmas either way); ``support``: see
        :meth:`rank`."""
        label_langs = list(label_languages or ["en"] * len(labels))
        description_langs = list(description_languages or ["en"] * len(descriptions))
        self.analyzers = {
            language: Analyzer(language) for language in sorted({*label_langs, *description_langs})
        } or {"en": Analyzer("en")}
        self.concepts = concepts
        # The labels sorted by concept, so that a concept's best label is one reduceat.
        order = sorted(range(len(labels)), key=lambda i: labels[i][0])
        self.label_order = np.array(order, dtype=np.int64)
        """sorted position -> the label's position in ``labels``"""
        self.label_position = np.empty(len(order), dtype=np.int64)
        self.label_position[self.label_order] = np.arange(len(order))
        owners = np.array([labels[i][0] for i in order], dtype=np.int64)
        self.owners, self.starts = np.unique(owners, return_index=True)
        self.label_weight = np.array([KIND_WEIGHTS[labels[i][2]] for i in order], dtype=np.float32)
        self.language_names = sorted(set(label_langs)) or ["en"]
        code = {name: n for n, name in enumerate(self.language_names)}
        self.label_language = np.array([code[label_langs[i]] for i in order], dtype=np.int16)
        """per label (sorted position): its language, an index into :attr:`language_names`"""
        label_words = [self.analyzers[label_langs[i]].words(labels[i][1]) for i in order]
        label_lemmas = [
            [LEMMA + lemma for lemma in self.analyzers[label_langs[i]].lemmas(words)]
            for i, words in zip(order, label_words, strict=True)
        ]
        label_terms = [
            [*self.analyzers[label_langs[i]].stems(words), *(lemmas if lemma_terms else ())]
            for i, words, lemmas in zip(order, label_words, label_lemmas, strict=True)
        ]
        self.support = support
        # Which labels' words are exactly a text's: the labels by a digest of their language
        # and sorted lemmas, as two arrays (a dict of strings weighed 20 MB with 4 languages).
        digests = np.array(
            [
                _exact_key(label_langs[i], lemmas)
                for i, lemmas in zip(order, label_lemmas, strict=True)
            ],
            dtype=np.uint64,
        )
        by_digest = np.argsort(digests, kind="stable")
        self._exact_digests = digests[by_digest]
        self._exact_positions = by_digest.astype(np.int64)
        self.labels = _index(label_terms)
        described = [
            (c, self.analyzers[language].terms(text))
            for (c, text), language in zip(descriptions, description_langs, strict=True)
        ]
        self.description_concept = np.array([c for c, _ in described], dtype=np.int64)
        self.descriptions = _index([terms for _, terms in described])
        known = set(self.labels.vocab_dict) | set(self.descriptions.vocab_dict)
        known.discard("")
        self._known = frozenset(known)
        # Typos are corrected word by word against the words the texts have, as written,
        # each standing for its stems in the languages it is written in, and a query word
        # takes its lemma from the same list (lemma terms are in labels only).
        # By length: a word this alike is within a quarter of the query word's length.
        stems: dict[str, set[str]] = {}
        lemmas: dict[str, dict[str, str]] = {}
        texts = [
            *((label_langs[i], labels[i][1]) for i in range(len(labels))),
            *zip(description_langs, (text for _, text in descriptions), strict=True),
        ]
        for language, text in texts:
            analyzer = self.analyzers[language]
            words = analyzer.words(text)
            for word, stem, lemma in zip(
                words, analyzer.stems(words), analyzer.lemmas(words), strict=True
            ):
                stems.setdefault(word, set()).add(stem)
                lemmas.setdefault(word, {})[language] = lemma
        words = sorted(stems, key=_by_length)
        self.words = words
        self.word_lengths = [len(w) for w in words]
        # A word's stems as one text (stems have no spaces): a list per word weighed megabytes.
        self.word_stems = [" ".join(sorted(stems[w])) for w in words]
        # A word's lemma in each language it is written in: "en=medium es=media".
        self.word_lemmas = [
            " ".join(f"{lang}={lemma}" for lang, lemma in sorted(lemmas[w].items())) for w in words
        ]

    def _query_words(self, text: str) -> list[tuple[str, list[str]]]:
        """Each word of a query, not a stop word in every language, with its stems and
        lemma terms in the languages of the index (a word stems differently in each)."""
        found: dict[str, dict[str, None]] = {}
        for language, analyzer in self.analyzers.items():
            words = analyzer.words(text)
            for word, stem in zip(words, analyzer.stems(words), strict=True):
                terms = found.setdefault(word, {})
                terms[stem] = None
                terms[LEMMA + self.lemma(word, language)] = None
        return [(word, list(terms)) for word, terms in found.items()]

    def _position(self, word: str) -> int | None:
        """Where ``word`` is in :attr:`words`, if the texts have it."""
        at = bisect.bisect_left(self.words, _by_length(word), key=_by_length)
        return at if at < len(self.words) and self.words[at] == word else None

    def _lemmas_at(self, position: int) -> dict[str, str]:
        return dict(entry.split("=", 1) for entry in self.word_lemmas[position].split())

    def lemma(self, word: str, language: str) -> str:
        """The lemma of a word in ``language``, as the texts' words were lemmatised when
        the index was built. A word they do not have is taken for the plural of one they
        have ("managers" where the texts say only "manager"), else its own lemma."""
        position = self._position(word)
        if position is None and len(word) > 3 and word.endswith("s"):
            singular = [word[:-1]]
            if word.endswith("es"):
                singular.append(word[:-2])
            if word.endswith("ies"):
                singular.append(word[:-3] + "y")
            position = next((p for p in map(self._position, singular) if p is not None), None)
        if position is None:
            return word
        found = self._lemmas_at(position)
        return found.get(language) or next(iter(found.values()), word)

    def query_terms(self, text: str) -> list[str]:
        """The terms a query searches for: its own, with each unknown word replaced by the
        known words closest to it (typos)."""
        return list(dict.fromkeys(t for terms in self.query_words(text) for t in terms))

    def query_words(self, text: str) -> list[list[str]]:
        """Per word of a query (stop words aside): the terms that stand for it, its stems and
        lemmas in the index's languages, or, for a word the index lacks, those of the known
        words closest to it (typos; none when nothing is close)."""
        return [terms for _, terms in self._word_terms(text)]

    def _word_terms(self, text: str) -> list[tuple[str, list[str]]]:
        """:meth:`query_words`, each with the word as written (lower-cased)."""
        found: list[tuple[str, list[str]]] = []
        for word, stems in self._query_words(text):
            terms: list[str] = []
            found.append((word, terms))
            known = [stem for stem in stems if stem in self._known]
            if known or len(word) < MIN_FUZZY_LENGTH:
                terms.extend(known or stems)
                continue
            low = bisect.bisect_left(self.word_lengths, math.floor(len(word) * FUZZY_CUTOFF))
            high = bisect.bisect_right(self.word_lengths, math.ceil(len(word) / FUZZY_CUTOFF))
            close = process.extract(
                word,
                self.words[low:high],
                scorer=DamerauLevenshtein.normalized_similarity,
                score_cutoff=FUZZY_CUTOFF,
                limit=FUZZY_CHOICES,
            )
            if close:
                best = close[0][1]
                chosen = {
                    term
                    for _, score, i in close
                    if score >= best - 1e-9
                    for term in (
                        *self.word_stems[low + i].split(),
                        *(LEMMA + lemma for lemma in self._lemmas_at(low + i).values()),
                    )
                }
                terms.extend(sorted(chosen))
        return found

    def rank(
        self,
        text: str,
        *,
        limit: int,
        offset: int = 0,
        exclude_label: int | None = None,
        language: str | None = None,
        head: str | None = None,
    ) -> tuple[list[Hit], int]:
        """The concepts some query term finds, best first (ties in concept order), from
        ``offset``, at most ``limit``; and how many there are in all.

        A label scores the BM25 of each query word, plus :data:`HEAD_BONUS` when it holds the
        ``head`` word (the noun a job title names, :func:`graph.titles.head`); a label of another
        language than ``language`` counts :data:`OTHER_LANGUAGE` of its score; a concept
        scores by its best label, plus :attr:`support` times ``log(n)`` for its ``n`` labels
        holding every query word (a title many of a concept's labels carry names it more
        surely than one label does). ``exclude_label`` leaves one label out (the
        search-quality benchmark's leave-one-out; the label stays counted in the document
        frequencies, a negligible difference)."""
        words = [(word, terms) for word, terms in self._word_terms(text) if terms]
        terms = list(dict.fromkeys(term for _, word_terms in words for term in word_terms))
        if not terms:
            return [], 0
        scores = np.zeros(self.labels.scores["num_docs"], dtype=np.float32)
        holds = np.ones(len(scores), dtype=bool)
        for word, word_terms in words:
            found = _scores(self.labels, word_terms)
            scores += found
            holds &= found > 0
            if word == head:
                scores += HEAD_BONUS * (found > 0)
        scores *= self.label_weight
        if language is not None:
            asked = language.split("-")[0]
            other = np.array(
                [name.split("-")[0] != asked for name in self.language_names], dtype=bool
            )[self.label_language]
            scores[other] *= OTHER_LANGUAGE
        exact = np.zeros(len(scores), dtype=bool)
        for tag, analyzer in self.analyzers.items():
            lemmas = [LEMMA + self.lemma(word, tag) for word in analyzer.words(text)]
            digest = np.uint64(_exact_key(tag, lemmas))
            low = np.searchsorted(self._exact_digests, digest, side="left")
            high = np.searchsorted(self._exact_digests, digest, side="right")
            exact[self._exact_positions[low:high]] = True
        if exclude_label is not None:
            position = self.label_position[exclude_label]
            scores[position] = 0.0
            exact[position] = False
            holds[position] = False
        scores += exact * (EXACT_BONUS * self.label_weight)
        total = np.zeros(self.concepts, dtype=np.float32)
        total[self.owners] = np.maximum.reduceat(scores, self.starts)
        support = np.add.reduceat(holds.astype(np.int64), self.starts)
        total[self.owners] += self.support * np.log(np.maximum(support, 1)).astype(np.float32)
        if len(self.description_concept):
            described = _scores(self.descriptions, terms)
            np.add.at(total, self.description_concept, DESCRIPTION_WEIGHT * described)
        found = np.flatnonzero(total > 0)
        order = found[np.lexsort((found, -total[found]))][offset : offset + limit]
        hits = []
        ends = np.append(self.starts[1:], len(scores))
        where = np.searchsorted(self.owners, order)
        for concept, at in zip(order.tolist(), where.tolist(), strict=True):
            if at < len(self.owners) and self.owners[at] == concept:
                start, end = int(self.starts[at]), int(ends[at])
                best = start + int(np.argmax(scores[start:end]))
                label, is_exact = int(self.label_order[best]), bool(exact[best])
            else:  # found by its description alone, and it has no label
                label, is_exact = -1, False
            hits.append(Hit(concept, float(total[concept]), label, is_exact))
        return hits, len(found)


def _by_length(word: str) -> tuple[int, str]:
    return len(word), word


def _exact_key(language: str, terms: list[str]) -> int:
    """A 64-bit digest of a language and a set of terms (the same in every process, unlike
    ``hash``: the index is written to a file and read by other processes)."""
    text = language + " " + " ".join(sorted(terms))
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "little")


def _index(documents: list[list[str]]) -> bm25s.BM25:
    index = bm25s.BM25()
    # An empty document still takes its place (bm25s keeps the documents' order).
    index.index([terms or [""] for terms in documents] or [[""]], show_progress=False)
    return index


def _scores(index: bm25s.BM25, terms: list[str]) -> np.ndarray:
    known = [term for term in terms if term in index.vocab_dict]
    if not known:
        return np.zeros(index.scores["num_docs"], dtype=np.float32)
    return np.asarray(index.get_scores(known), dtype=np.float32)
