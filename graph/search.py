"""Occupation and skill search, from indexes held in memory per store version.

The labels (named queries ``occupation_labels`` and ``skill_labels``) and descriptions
(``concept_descriptions``) are read once per store version and ranked by relevance here
(:mod:`graph.ranking`: BM25, stemmed words, typos corrected): :class:`LabelIndex` for
occupations (a job title taken apart first, :mod:`graph.titles`), :class:`SkillIndex` for
skills, which also resolves the skills a person names (``POST /match``: a label, or a text the
ranking is sure of, else ambiguous). SPARQL users keep ``occupation_search.rq``, a substring
search; the endpoint no longer ranks as it does. :class:`JoinedLabels` finds the labels
holding a text at C speed, for the suggestions.
"""

from __future__ import annotations

import bisect
import math
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from graph import terms as t
from graph import titles
from graph.queries import QueryRunner, Row, Value
from graph.ranking import EXACT_BONUS, OTHER_LANGUAGE, SUPPORT, Ranker
from graph.releases import StoreView


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
class SkillFacts:
    uri: str
    label: str
    skill_type: Value
    reuse_level: Value = None


MATCHES = ("exact", "words")
"""How a label matched a search: its words are the text's, or it shares words with the text
(see :meth:`CareerIndex.search_skills`)."""


@dataclass(frozen=True)
class SkillHit:
    """A skill a search found, by its best label."""

    skill: int
    kind: int
    """the label that matched: 0 preferred, 1 alternative, 2 hidden (-1: the description)"""
    match: int
    """an index into :data:`MATCHES`"""
    score: float = 0.0
    """the relevance score (none without a text)"""
    label: str | None = None
    """the label that matched best, in lower case"""
    language: str | None = None
    """that label's language"""


RESOLVED, AMBIGUOUS, UNKNOWN = "resolved", "ambiguous", "unknown"

CANDIDATES = 30
"""How many of the ranking's skills a resolution weighs."""
RUNNERS_UP = 4
"""How many other candidates a resolution names (the runners-up, or an ambiguous text's)."""
USAGE_PRIOR = 0.5
"""Added to a candidate's relevance, times ``log(1 + n)`` for the ``n`` occupations that need
the skill: a CV's "cooking" means the skill many occupations need (use cooking techniques),
not one (cook seafood). Set on the tuning half of ``benchmarks/cv_phrases.csv``."""
MARGIN = 0.5
"""A text resolves by relevance only when its first candidate leads the second by this much
(set on the tuning half of ``benchmarks/cv_phrases.csv``)."""
EXTRA_TERMS = 1
"""... and the matched label has at most this many terms the text lacks."""


@dataclass(frozen=True)
class Resolution:
    """How one skill given to ``match`` was understood: resolved to ``skill``, ambiguous
    (``candidates`` are the skills it may name), or unknown."""

    given: str
    skill: int | None
    resolved_by: str
    """``uri``, ``id``, ``preferred label``, ``alternative label``, ``hidden label``,
    ``relevance``; or why not (``skill`` None)"""
    language: str | None = None
    """the language of the label that named the skill"""
    status: str = RESOLVED
    """:data:`RESOLVED`, :data:`AMBIGUOUS` or :data:`UNKNOWN`"""
    candidates: tuple[int, ...] = ()
    """the other skills the text may name (runners-up of a resolved text), best first"""
    matched_text: str | None = None
    """the label the text matched, when it is not the text itself"""


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
            support=SUPPORT,
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
    def build(cls, store: StoreView, runner: QueryRunner) -> LabelIndex:
        """Read every occupation label and description of ``store``."""
        descriptions = [
            (str(row["uri"]), str(row["description"]), str(row["description_language"]))
            for row in runner.select(store, "concept_descriptions")
        ]
        return cls(runner.select(store, "occupation_labels"), descriptions)

    def search(
        self,
        text: str,
        *,
        limit: int,
        offset: int = 0,
        exclude_label: int | None = None,
        language: str | None = None,
    ) -> tuple[list[dict[str, Value]], int]:
        """Occupations ranked by relevance to ``text``, best first, and how many it finds;
        every occupation in label order when ``text`` is empty. Labels of ``language``
        come first; in English a label holding the title's head counts more (:meth:`Ranker.rank`).
        ``exclude_label`` (an index into :attr:`labels`) leaves one label out, for the
        search-quality benchmark."""
        if not text.split():
            chosen = self._by_label[offset : offset + limit]
            return [_row(o) for o in chosen], len(self._by_label)
        query = self.title_query(text)
        english = (language or "en").split("-")[0] == "en"
        hits, total = self.ranker.rank(
            query,
            limit=limit,
            offset=offset,
            exclude_label=exclude_label,
            language=language,
            head=titles.head(query) if english else None,
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

    def title_query(self, text: str) -> str:
        """What a text is searched as (:mod:`graph.titles`): a title without its contract,
        gender marker and leading seniority; of several parts, all of them when a label is
        exactly their words ("producer, music"), else the first, the title proper
        ("Associate producer, multi-platform content" is a producer)."""
        parts = titles.segments(text)
        if not parts:
            return text
        if len(parts) == 1:
            return parts[0]
        whole = " ".join(parts)
        first, _ = self.ranker.rank(whole, limit=1)
        return whole if first and first[0].exact else parts[0]


LABEL_KINDS = ("preferred", "alternative", "hidden")


def _row(o: OccupationFacts) -> dict[str, Value]:
    return {
        "uri": o.uri,
        "label": o.label,
        "isco_group": o.isco_group,
        "skill_level": o.skill_level,
    }


@dataclass
class SkillIndex:
    """The skills of one store version with their labels and descriptions: finding skills
    by relevance to a text (``GET /skills?q=``), and resolving the skills a person gives
    (``POST /match``) by URI, id or label."""

    skills: list[SkillFacts]
    labels: list[tuple[str, int, int]]
    """(label in lower case, single-spaced; kind 0 preferred / 1 alternative / 2 hidden;
    skill index)"""
    descriptions: list[tuple[int, str]] = field(default_factory=list)
    """(skill index, description), which the relevance ranking weighs beside the labels"""
    label_languages: list[str] = field(default_factory=list)
    """the language of each label of :attr:`labels` (English when empty)"""
    description_languages: list[str] = field(default_factory=list)
    """the language of each description"""
    usage: list[int] = field(default_factory=list)
    """per skill: how many occupations need it (essential or optional), which resolution
    weighs (:data:`USAGE_PRIOR`); none known when empty"""
    ranker: Ranker = field(init=False)
    skill_index: dict[str, int] = field(init=False)
    _by_label: list[int] = field(init=False)
    _exact: dict[str, int] = field(init=False)
    """label text -> the label (an index into :attr:`labels`) it names first"""
    _exact_by_language: dict[str, dict[str, int]] = field(init=False)
    """label text -> language -> label, for the texts that name different skills in
    different languages"""

    def __post_init__(self) -> None:
        self.skill_index = {s.uri: i for i, s in enumerate(self.skills)}
        self._by_label = sorted(
            range(len(self.skills)),
            key=lambda s: (self.skills[s].label.lower(), self.skills[s].uri),
        )
        # A text several skills bear names the one where it is the preferred label, else
        # the first by label.
        if not self.label_languages:
            self.label_languages = ["en"] * len(self.labels)
        self.label_languages = [sys.intern(tag) for tag in self.label_languages]
        exact: dict[str, int] = {}
        by_language: dict[str, dict[str, int]] = {}
        order = sorted(
            range(len(self.labels)),
            key=lambda n: (self.labels[n][1], self.skills[self.labels[n][2]].label),
        )
        for n in order:
            text = self.labels[n][0]
            best = exact.setdefault(text, n)
            if self.labels[best][2] != self.labels[n][2]:  # another skill's, in some language
                languages = by_language.setdefault(text, {self.label_languages[best]: best})
                languages.setdefault(self.label_languages[n], n)
        self._exact = exact
        self._exact_by_language = by_language
        self.ranker = Ranker(
            len(self.skills),
            [(skill, text, kind) for text, kind, skill in self.labels],
            self.descriptions,
            label_languages=self.label_languages,
            description_languages=self.description_languages or None,
            # People name skills by nouns ("cash handling") where ESCO's labels have verbs
            # ("handle petty cash"): the stems join them, and lemma terms would rank the
            # labels with the noun ("cash handling rules") first. Measured on the tuning
            # half of benchmarks/cv_phrases.csv.
            lemma_terms=False,
        )

    @classmethod
    def build(
        cls,
        store: StoreView,
        runner: QueryRunner,
        *,
        label_rows: Iterable[Row] | None = None,
        descriptions: Iterable[tuple[str, str, str]] | None = None,
    ) -> SkillIndex:
        """Read every skill, its labels in every language and its descriptions from
        ``store`` (``skill_labels``, ``concept_descriptions``); a caller that reads those
        rows for other indexes too may give them."""
        skills: list[SkillFacts] = []
        position: dict[str, int] = {}
        labels: list[tuple[str, int, int]] = []
        label_languages: list[str] = []
        if label_rows is None:
            label_rows = runner.select(store, "skill_labels")
        for row in label_rows:
            uri = str(row["uri"])
            index = position.get(uri)
            if index is None:
                index = position[uri] = len(skills)
                skill_type, reuse = row["skill_type"], row["reuse_level"]
                skills.append(
                    SkillFacts(
                        uri,
                        str(row["label"]),
                        str(skill_type) if skill_type else None,
                        str(reuse) if reuse else None,
                    )
                )
            text = " ".join(str(row["text"]).lower().split())  # as resolve() reads
            labels.append((text, int(row["kind"] or 0), index))
            label_languages.append(str(row["text_language"]))
        if descriptions is None:
            descriptions = (
                (str(r["uri"]), str(r["description"]), str(r["description_language"]))
                for r in runner.select(store, "concept_descriptions")
            )
        described = [
            (position[uri], text, language)
            for uri, text, language in descriptions
            if uri in position
        ]
        return cls(
            skills,
            labels,
            [(skill, text) for skill, text, _ in described],
            label_languages,
            [language for _, _, language in described],
        )

    def search(
        self, text: str, *, limit: int, offset: int = 0, language: str | None = None
    ) -> tuple[list[SkillHit], int]:
        """Skills and knowledge ranked by relevance to ``text`` (:mod:`graph.ranking`: BM25
        over their labels and descriptions, word order, case, inflections and typos aside),
        labels of ``language`` first, best first, and how many the text finds. Every skill
        in label order when ``text`` is empty."""
        if not text.split():
            chosen = self._by_label[offset : offset + limit]
            return [SkillHit(s, 0, 0) for s in chosen], len(self._by_label)
        found, total = self.ranker.rank(text, limit=limit, offset=offset, language=language)
        hits = [
            SkillHit(
                h.concept,
                self.labels[h.label][1] if h.label >= 0 else -1,
                0 if h.exact else 1,
                h.score,
                self.labels[h.label][0] if h.label >= 0 else None,
                self.label_languages[h.label] if h.label >= 0 else None,
            )
            for h in found
        ]
        return hits, total

    def resolve(self, given: str, language: str | None = None) -> Resolution:
        """The skill ``given`` names: a skill URI, an ESCO id, a label (see
        ``skill_labels``) in any language, ``language``'s first where a text is a label of
        different skills in different languages; or any other text, when the relevance
        ranking is sure of it (:meth:`_by_relevance`), else ambiguous with its candidates."""
        text = given.strip()
        if text.startswith(("http://", "https://")):
            skill = self.skill_index.get(text)
            if skill is None:
                return Resolution(given, None, "no skill has this URI", status=UNKNOWN)
            return Resolution(given, skill, "uri")
        if t.is_uuid(text):
            skill = self.skill_index.get(t.SKILL_BASE + text.lower())
            if skill is None:
                return Resolution(given, None, "no skill has this id", status=UNKNOWN)
            return Resolution(given, skill, "id")
        lowered = " ".join(text.lower().split())
        if not lowered:
            return Resolution(given, None, "empty", status=UNKNOWN)
        label = self._exact.get(lowered)
        if label is not None:
            label = self._exact_by_language.get(lowered, {}).get(language or "", label)
            _, kind, skill = self.labels[label]
            return Resolution(given, skill, _KINDS[kind], self.label_languages[label])
        return self._by_relevance(given, text, language)

    def _by_relevance(self, given: str, text: str, language: str | None) -> Resolution:
        """A text that is no label: the skill the relevance ranking puts first, when it is
        sure. The ranking's first :data:`CANDIDATES` skills are weighed again: relevance
        (BM25 with typos corrected, :mod:`graph.ranking`) plus :data:`USAGE_PRIOR` times
        ``log(1 + occupations needing the skill)``, plus :data:`EXACT_BONUS` when the label
        matched has the text's stems, in any order, though not its words ("creative
        thinking" and "think creatively": not an exact match, but the same skill), times
        :data:`OTHER_LANGUAGE` when the label matched is of another language than
        ``language``. The first is taken when its label holds every word of the text (or a
        correction of it), adds at most :data:`EXTRA_TERMS` words of its own, and leads the
        second by :data:`MARGIN`; otherwise the text is ambiguous, and the candidates are
        named."""
        words = self.ranker.query_words(text)
        hits, _ = self.ranker.rank(text, limit=CANDIDATES)
        if not hits or not any(words):
            reason = "no skill label or description has these words"
            return Resolution(given, None, reason, status=UNKNOWN)
        asked = (language or "").split("-")[0]
        text_stems: dict[str, set[str]] = {}  # per label language, computed once
        weighed = []
        for hit in hits:
            usage = self.usage[hit.concept] if self.usage else 0
            score = hit.score + USAGE_PRIOR * math.log1p(usage)
            label_language = self.label_languages[hit.label] if hit.label >= 0 else None
            if label_language and not hit.exact:
                analyzer = self.ranker.analyzers[label_language]
                if label_language not in text_stems:
                    text_stems[label_language] = set(analyzer.terms(text))
                if set(analyzer.terms(self.labels[hit.label][0])) == text_stems[label_language]:
                    score += EXACT_BONUS
            if asked and label_language and label_language.split("-")[0] != asked:
                score *= OTHER_LANGUAGE
            weighed.append((score, hit))
        weighed.sort(key=lambda pair: -pair[0])
        (best, first), *others = weighed
        runners = tuple(hit.concept for _, hit in others[:RUNNERS_UP])
        lead = best - (others[0][0] if others else 0.0)
        if first.label >= 0:
            label_text = self.labels[first.label][0]
            label_language = self.label_languages[first.label]
            label_terms = set(self.ranker.analyzers[label_language].terms(label_text))
            asked_terms = {term for alternatives in words for term in alternatives}
            holds_all = all(
                any(term in label_terms for term in alternatives) for alternatives in words
            )
            extra = len(label_terms - asked_terms)
            if holds_all and extra <= EXTRA_TERMS and lead >= MARGIN:
                return Resolution(
                    given, first.concept, "relevance", label_language, RESOLVED, runners, label_text
                )
        return Resolution(
            given,
            None,
            "no label names it surely: see the candidates",
            status=AMBIGUOUS,
            candidates=(first.concept, *runners),
        )


_KINDS = {0: "preferred label", 1: "alternative label", 2: "hidden label"}
