"""Career paths between occupations, matching occupations to a person's skills (once
:class:`graph.search.SkillIndex` has resolved them); each skill's occupations for
``/skills/{id}``, each occupation's skills for its profile, the similar occupations and
prospects the load stored, and the skill gap between two occupations.

All work on one :class:`CareerIndex` per store version, read from the store with named
queries: ``occupation_list`` (the occupations), ``occupation_skill_sets`` (their essential
and optional skills) and ``career_moves`` (each occupation's stored similar occupations and
long-term prospects); the skills are the skill index's (``skill_labels``). Skill sets are
held as Python integers used as bit sets, one bit per skill, so the skills to learn at a
step are ``essential[next] & ~held`` and counting them is ``int.bit_count``.

**Career paths.** A path from A to B is a sequence of moves, each to a similar occupation
or a prospect of the previous occupation (the lists ``/similar`` and ``/prospects`` serve).
A person starts with A's skills (essential and optional, as in the skill gap); at each step
they learn the essential skills of the new occupation they do not hold yet, and keep them.
A path costs the number of essential skills learned over all its steps, so paths are
ranked by that total, then by their number of steps, then by their occupations' labels.

The search is A*: partial paths come off a heap in order of (skills learned so far + the
target's essential skills not held yet, steps). That estimate never exceeds what a path
still has to learn (every missing essential skill of the target must be learned at some
step) and never drops by more than a step costs, so complete paths come off the heap
best first and the search stops after the ``limit`` best. A reverse breadth-first search
from the target first marks the occupations that can reach it within the steps left, so
no path is extended that could not end there.
"""

from __future__ import annotations

import functools
import heapq
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import sparse

from graph import terms as t
from graph import transitions as tr
from graph.queries import QueryRunner
from graph.releases import StoreView
from graph.search import OccupationFacts, SkillFacts, SkillIndex
from graph.transitions import Transition

MAX_EXPANSIONS = 3_000
"""Partial paths a search may extend before it answers with what it has found (a bound on
the time of any request; the answer then says it is not complete)."""

STEP_COST = 50
"""Paths are ranked by their hardest step: the largest ``1000 x (1 - score)`` of their steps,
plus this much for every step after the first (a job change takes time: a path of four gentle
steps should not beat a direct move that is only a little harder), then by their worst
rating."""

Key = tuple[int, int, int]
"""A path's (or a partial path's) key: (hardness, worst rating, steps); smaller is better."""

FEWEST_STEPS_LOOKED = 8
"""When no path fits the steps asked for, how far the search looks to say how many it takes."""

OUT_MOVES = 20
"""Per occupation, its most feasible moves by score that the path graph keeps..."""
IN_MOVES = 10
"""...and per occupation, the most feasible moves into it..."""
FIELD_MOVES = 10
"""...and the most feasible moves within the same ISCO minor group (promotions to a supervisor
of the same trade are there: shop assistant 5223 and shop supervisor 5222), beside the ESCO
broader and narrower occupations and the stored similar occupations and prospects; none of
them unrealistic."""

REUSE_ORDER = {"transversal": 0, "cross-sector": 1, "sector-specific": 2, "": 3}
"""The order skills are learned in by reuse level: the skills with no level (most of them)
before the occupation-specific ones, which come last."""


@dataclass(frozen=True)
class Step:
    """One move of a path: to ``occupation`` (an index), learning ``learn`` (skill indexes)."""

    occupation: int
    move: str
    """``similar`` or ``prospect``: what the occupation is to the previous one"""
    score: float
    """the cosine similarity of the two occupations' skill sets, as ``/similar`` scores it"""
    learn: list[int]
    coverage: float
    """the share of the target's essential skills held after this step"""
    transition: Transition
    """the move assessed from the previous occupation"""


@dataclass(frozen=True)
class CareerPath:
    steps: list[Step]
    new_essential: int
    rating: str
    """the worst rating of its steps"""
    source: int


@dataclass(frozen=True)
class RouteIn:
    """A route into an occupation: a path, and the other occupations whose best path goes on
    the same way after their own first step (best first)."""

    path: CareerPath
    also_from: list[int]


@dataclass(frozen=True)
class PathSearch:
    paths: list[CareerPath]
    complete: bool
    """False when the search stopped at :data:`MAX_EXPANSIONS` before finding ``limit`` paths"""
    start_coverage: float
    target_essential: int
    direct: Transition
    """the move straight from the source to the target, assessed"""
    fewest_steps: int | None
    """when no path fits the steps asked for: the fewest a path takes (up to
    :data:`FEWEST_STEPS_LOOKED`), None when none does"""


@dataclass(frozen=True)
class Match:
    occupation: int
    coverage: float
    essential: int
    matched_essential: int
    matched_optional: int
    score: float = 0.0
    """the cosine similarity of the skills given and the occupation's (essential and
    optional), which ranks the matches after the complete ones"""


@dataclass(frozen=True)
class Related:
    """A similar occupation or a prospect of another, as ``/similar`` and ``/prospects`` list
    them."""

    occupation: int
    score: float
    """the cosine similarity of the two skill sets"""
    shared_essential: int
    """the shared skills essential for this occupation"""
    shared_optional: int
    """the other shared skills"""


@dataclass
class CareerIndex:
    """Occupations, their skills as bit sets, the moves between them and the skill labels."""

    occupations: list[OccupationFacts]
    skills: list[SkillFacts]
    essential: list[int]
    """per occupation: the bit set of its essential skills"""
    required: list[int]
    """per occupation: the bit set of all its skills, essential and optional"""
    moves: list[dict[int, str]]
    """per occupation: the occupations it can move to, each ``similar`` or ``prospect``"""
    listed_both: dict[int, int] = field(default_factory=dict)
    """per occupation that has any: the bit set of the skills ESCO lists as both essential
    and optional for it (its profile lists them under both, as ESCO does)"""
    broader: list[int] = field(default_factory=list)
    """per occupation: its broader occupation in the ESCO hierarchy, -1 for none"""
    regulated: list[bool] = field(default_factory=list)
    """per occupation: whether ESCO marks it a regulated profession"""
    job_zone: list[float | None] = field(default_factory=list)
    """per occupation: its Job Zone (1-5) where a preparation table is loaded"""
    education: list[float | None] = field(default_factory=list)
    """per occupation: its education level (1-12) where a preparation table is loaded"""
    preparation_loaded: bool = False
    prerequisites: dict[int, list[int]] = field(default_factory=dict)
    """per skill that has any: the skills ESCO states are essential for it"""
    feasible: list[list[int]] = field(default_factory=list)
    """per occupation: the moves career paths take from it, most feasible first (see
    :func:`feasible_moves`)"""
    feasible_rating: list[list[int]] = field(default_factory=list)
    """the rating of each of those moves (0 viable, 1 stretch), in the same order"""
    feasible_score: list[list[float]] = field(default_factory=list)
    """the score of each of those moves, in the same order"""
    occupation_index: dict[str, int] = field(init=False)
    skill_index: dict[str, int] = field(init=False)
    essential_for: list[list[int]] = field(init=False)
    optional_for: list[list[int]] = field(init=False)
    _sort_labels: list[str] = field(init=False)
    _label_rank: list[int] = field(init=False)
    _essential_sizes: list[int] = field(init=False)

    def __post_init__(self) -> None:
        self.occupation_index = {o.uri: i for i, o in enumerate(self.occupations)}
        self.skill_index = {s.uri: i for i, s in enumerate(self.skills)}
        self._sort_labels = [o.label.lower() for o in self.occupations]
        self._essential_sizes = [e.bit_count() for e in self.essential]
        self._by_label = sorted(
            range(len(self.skills)),
            key=lambda s: (self.skills[s].label.lower(), self.skills[s].uri),
        )
        self._label_rank = [0] * len(self.skills)  # a skill's place in label order
        for rank, skill in enumerate(self._by_label):
            self._label_rank[skill] = rank
        # Per skill, the occupations it is essential and optional for, in label order (the
        # occupations are: occupation_list reads them so).
        self.essential_for = [[] for _ in self.skills]
        self.optional_for = [[] for _ in self.skills]
        for occupation, (essential, required) in enumerate(
            zip(self.essential, self.required, strict=True)
        ):
            for skill in _bits(essential):
                self.essential_for[skill].append(occupation)
            for skill in _bits(required & ~essential):
                self.optional_for[skill].append(occupation)
        n = len(self.occupations)
        self._holders = [
            np.array(sorted({*self.essential_for[k], *self.optional_for[k]}), dtype=np.int64)
            for k in range(len(self.skills))
        ]
        self._weight = skill_weights([len(h) for h in self._holders], n)
        self._rarity = 1.0 / np.maximum([len(h) for h in self._holders], 1)
        self._trade_sizes: dict[int, float] = {}
        _ = self._occupation_weights  # computed once here, not on the first request
        self.broader = self.broader or [-1] * n
        self.regulated = self.regulated or [False] * n
        self.job_zone = self.job_zone or [None] * n
        self.education = self.education or [None] * n
        self._narrower: list[list[int]] = [[] for _ in self.occupations]
        for child, parent in enumerate(self.broader):
            if parent >= 0:
                self._narrower[parent].append(child)
        self._facts = _facts(self)
        if not self.feasible:
            self.feasible, self.feasible_rating, self.feasible_score = feasible_moves(self)
        self._edge: list[dict[int, int]] = [
            dict(zip(targets, ratings, strict=True))
            for targets, ratings in zip(self.feasible, self.feasible_rating, strict=True)
        ]
        self._hardness: list[dict[int, int]] = [
            {b: _hardness(score) for b, score in zip(targets, scores, strict=True)}
            for targets, scores in zip(self.feasible, self.feasible_score, strict=True)
        ]
        self._reverse: list[list[int]] = [[] for _ in self.occupations]
        for source, targets in enumerate(self.feasible):
            for target in targets:
                self._reverse[target].append(source)
        self._skill_rank = _skill_order_keys(self)
        self._into_cache: dict[int, dict[int, tuple[int, float]]] = {}

    @classmethod
    def build(
        cls,
        store: StoreView,
        runner: QueryRunner,
        *,
        skills: list[SkillFacts] | None = None,
        preparation: Mapping[str, tuple[float | None, float | None]] | None = None,
    ) -> CareerIndex:
        """Read the occupations, their skill sets and the moves between them from ``store``
        with the named queries; ``skills`` as a :class:`SkillIndex` of the same version
        holds them (read here when not given); ``preparation``: each occupation's Job Zone
        and education level, where a preparation table is loaded (:mod:`graph.preparation`)."""
        occupations = [
            OccupationFacts(str(r["uri"]), str(r["label"]), r["isco_group"], r["skill_level"])
            for r in runner.select(store, "occupation_list")
        ]
        if skills is None:
            skills = SkillIndex.build(store, runner).skills
        position = {o.uri: i for i, o in enumerate(occupations)}
        skill_position = {s.uri: i for i, s in enumerate(skills)}
        essential = [0] * len(occupations)
        required = [0] * len(occupations)
        optional = [0] * len(occupations)
        for row in runner.solutions(store, "occupation_skill_sets", {}):
            occupation = position.get(row["occupation"].value)
            skill = skill_position.get(row["skill"].value)
            if occupation is None or skill is None:
                continue  # a relation to a concept the classification does not describe
            bit = 1 << skill
            required[occupation] |= bit
            if row["essential"].value == "true":
                essential[occupation] |= bit
            else:
                optional[occupation] |= bit
        moves: list[dict[int, str]] = [{} for _ in occupations]
        for row in runner.solutions(store, "career_moves", {}):
            source = position.get(row["from"].value)
            target = position.get(row["to"].value)
            if source is not None and target is not None:
                moves[source][target] = row["move"].value
        broader = [-1] * len(occupations)
        regulated = [False] * len(occupations)
        for row in runner.solutions(store, "career_facts", {}):
            occupation = position.get(row["occupation"].value)
            if occupation is None:
                continue
            if row["regulated"] is not None:
                regulated[occupation] = True
            elif (parent := position.get(row["broader"].value)) is not None:
                broader[occupation] = parent
        prerequisites: dict[int, list[int]] = {}
        for row in runner.solutions(store, "skill_prerequisites", {}):
            skill = skill_position.get(row["skill"].value)
            needed = skill_position.get(row["needed"].value)
            if skill is not None and needed is not None and skill != needed:
                prerequisites.setdefault(skill, []).append(needed)
        preparation = preparation or {}
        zones = [preparation.get(o.uri, (None, None)) for o in occupations]
        return cls(
            occupations,
            skills,
            essential,
            required,
            moves,
            {o: both for o, e in enumerate(essential) if (both := e & optional[o])},
            broader=broader,
            regulated=regulated,
            job_zone=[z for z, _ in zones],
            education=[e for _, e in zones],
            preparation_loaded=bool(preparation),
            prerequisites={k: sorted(set(v)) for k, v in prerequisites.items()},
        )

    # --- Career paths ---------------------------------------------------------------------

    def score(self, a: int, b: int) -> float:
        """The cosine similarity of two occupations' skill sets (0 when either has none)."""
        size = self.required[a].bit_count() * self.required[b].bit_count()
        shared = (self.required[a] & self.required[b]).bit_count()
        return shared / math.sqrt(size) if size else 0.0

    def related(self, occupation: int, move: str) -> list[Related]:
        """The occupations the load stored as ``occupation``'s ``similar`` ones or its
        ``prospect``s, best first: by score, then label, then URI. Scored as the load scores
        them: shared skills over the product of the square roots of the two skill counts."""
        mine = self.required[occupation]
        norm = math.sqrt(mine.bit_count())
        found = []
        for other, kind in self.moves[occupation].items():
            theirs = self.required[other]
            if kind != move or not norm or not theirs:
                continue
            shared = (mine & theirs).bit_count()
            essential = (mine & self.essential[other]).bit_count()
            score = shared / (norm * math.sqrt(theirs.bit_count()))
            found.append(Related(other, score, essential, shared - essential))
        found.sort(
            key=lambda r: (
                -r.score,
                self._sort_labels[r.occupation],
                self.occupations[r.occupation].uri,
            )
        )
        return found

    # --- Transitions ---------------------------------------------------------------------

    def in_field(self, source: int, target: int) -> str | None:
        """How ``target`` is in ``source``'s field: ``narrower`` or ``broader`` (ESCO
        hierarchy), ``same ISCO minor group``; None when it is not."""
        if self.broader[target] == source:
            return "narrower"
        if self.broader[source] == target:
            return "broader"
        a, b = (
            _minor(self.occupations[source].isco_group),
            _minor(self.occupations[target].isco_group),
        )
        return "same ISCO minor group" if a is not None and a == b else None

    def assess(self, source: int, target: int, *, held: int | None = None) -> Transition:
        """The transition assessment of a move from ``source`` to ``target`` (see
        :mod:`graph.transitions`); ``held``: the skills the person holds, ``source``'s own
        (essential and optional) when not given."""
        held = self.required[source] if held is None else held
        essential = self.essential[target]
        optional = self.required[target] & ~essential
        held_essential = (essential & held).bit_count()
        essential_size = essential.bit_count()
        essential_coverage = held_essential / essential_size if essential_size else 0.0
        weigh = self._weighed
        sizes = self._occupation_weights
        e_size, o_size = float(sizes[0, target]), float(sizes[1, target])
        held_e, held_o = weigh(essential & held), weigh(optional & held)
        e_cov = held_e / e_size if e_size else 0.0
        o_cov = held_o / o_size if o_size else e_cov
        own = held == self.required[source]
        size = (float(sizes[2, source]) if own else weigh(held)) * float(sizes[2, target])
        cosine = (held_e + held_o) / math.sqrt(size) if size else 0.0
        a, b = self.occupations[source], self.occupations[target]
        levels = (_level(a.skill_level), _level(b.skill_level))
        zones = (self.job_zone[source], self.job_zone[target])
        education = (self.education[source], self.education[target])
        relation = self.in_field(source, target)
        entry = self.regulated[target] and not self.regulated[source]
        conditions = tr.judge(
            essential_coverage=np.array(essential_coverage),
            similarity=tr.similarity(np.array(e_cov), np.array(o_cov), np.array(cosine)),
            level_change=np.array(tr.change(*levels)),
            zone_change=np.array(tr.change(*zones)),
            education_change=np.array(tr.change(*education)),
            regulated_entry=np.array(entry),
            in_field=np.array(relation is not None),
            manager_entry=np.array(_manager(b) and not _manager(a)),
        )
        return Transition(
            source=source,
            target=target,
            rating=tr.RATINGS[int(conditions["rating"])],
            score=round(float(conditions["score"]), 6),
            similarity=round(float(conditions["similarity"]), 6),
            essential_coverage=round(essential_coverage, 6),
            optional_coverage=round(
                (optional & held).bit_count() / optional.bit_count()
                if optional
                else essential_coverage,
                6,
            ),
            essential=essential_size,
            held_essential=held_essential,
            skill_levels=levels,
            job_zones=zones,
            education=education,
            regulated=self.regulated[target],
            field=relation,
            reasons=tr.reasons(
                conditions,
                essential=essential_size,
                held=held_essential,
                levels=levels,
                zones=zones,
                education=education,
                regulated=self.regulated[target],
                source_regulated=self.regulated[source],
                field=relation,
                field_group=_minor(b.isco_group) if relation == "same ISCO minor group" else None,
                preparation_loaded=self.preparation_loaded,
            ),
        )

    def _weighed(self, skills: int) -> float:
        """The summed weights (:func:`skill_weights`) of a bit set of skills."""
        found = _bits(skills)
        return float(self._weight[found].sum()) if found else 0.0

    def _held_weight(self, skills: int) -> npt.NDArray[np.float64]:
        """Per occupation: the summed weights of the skills of ``skills`` it holds."""
        held = np.zeros(len(self.occupations))
        for skill in _bits(skills):
            held[self._holders[skill]] += self._weight[skill]
        return held

    @functools.cached_property
    def _occupation_weights(self) -> npt.NDArray[np.float64]:
        """Per occupation: the summed weights of its essential skills (row 0), of its
        optional ones (row 1) and of all its skills (row 2)."""
        essential = [self._weighed(e) for e in self.essential]
        optional = [
            self._weighed(r & ~e) for e, r in zip(self.essential, self.required, strict=True)
        ]
        return np.array([essential, optional, np.add(essential, optional)])

    def moves_from(self, source: int) -> list[int]:
        """The occupations career paths may move to from ``source``, most feasible first."""
        return list(self.feasible[source])

    def move_kind(self, source: int, target: int) -> str:
        """What ``target`` is to ``source`` as a move: ``similar`` or ``prospect`` (the lists
        /similar and /prospects serve), ``specialisation`` (its narrower occupation in ESCO),
        ``generalisation`` (its broader one), ``promotion`` (a higher ISCO skill level, or a
        manager's occupation from another), ``step down`` (a lower level) or ``lateral``."""
        stored = self.moves[source].get(target)
        if stored is not None:
            return stored
        if self.broader[target] == source:
            return "specialisation"
        if self.broader[source] == target:
            return "generalisation"
        a, b = self.occupations[source], self.occupations[target]
        rise = tr.change(_level(a.skill_level), _level(b.skill_level))
        if rise > 0 or (_manager(b) and not _manager(a)):
            return "promotion"
        if rise < 0:
            return "step down"
        return "lateral"

    def _into(self, target: int) -> dict[int, tuple[int, float]]:
        """Every occupation whose move straight to ``target`` is not unrealistic: its rating
        and score (one vectorised :func:`graph.transitions.judge` over all of them)."""
        cached = self._into_cache.get(target)
        if cached is not None:
            return cached
        n = len(self.occupations)
        essential = self.essential[target]
        optional = self.required[target] & ~essential
        counted = np.zeros(n)
        for skill in _bits(essential):
            counted[self._holders[skill]] += 1.0
        e_size = essential.bit_count()
        e_count = counted / e_size if e_size else np.zeros(n)
        held_e, held_o = self._held_weight(essential), self._held_weight(optional)
        sizes = self._occupation_weights
        w_e, w_o, w_r = (float(sizes[row, target]) for row in range(3))
        e_cov = held_e / w_e if w_e else np.zeros(n)
        o_cov = held_o / w_o if w_o else e_cov
        with np.errstate(divide="ignore", invalid="ignore"):
            cosine = np.nan_to_num((held_e + held_o) / np.sqrt(sizes[2] * w_r))
        facts = self._facts
        minor = facts["minor"]
        in_field = (minor == minor[target]) & (minor >= 0)
        in_field |= facts["broader"] == target
        if self.broader[target] >= 0:
            in_field[self.broader[target]] = True
        conditions = tr.judge(
            essential_coverage=e_count,
            similarity=tr.similarity(e_cov, o_cov, cosine),
            level_change=facts["level"][target] - facts["level"],
            zone_change=facts["zone"][target] - facts["zone"],
            education_change=facts["education"][target] - facts["education"],
            regulated_entry=bool(self.regulated[target]) & ~facts["regulated"],
            in_field=in_field,
            manager_entry=bool(facts["manager"][target]) & ~facts["manager"],
        )
        rating, score = conditions["rating"], conditions["score"]
        found = {
            int(a): (int(rating[a]), float(score[a]))
            for a in np.flatnonzero(rating < 2)
            if a != target
        }
        if len(self._into_cache) > 64:
            self._into_cache.clear()
        self._into_cache[target] = found
        return found

    def _within(self, target: int, steps: int, into: Mapping[int, object]) -> dict[int, int]:
        """Occupations that can reach ``target`` in at most ``steps`` moves: how many."""
        distance = {target: 0}
        frontier = [target]
        for depth in range(1, steps + 1):
            following = []
            for node in frontier:
                sources = self._reverse[node]
                if node == target:
                    sources = [*sources, *into]
                for source in sources:
                    if source not in distance:
                        distance[source] = depth
                        following.append(source)
            frontier = following
            if not frontier:
                break
        return distance

    def _reverse_best(
        self, target: int, max_steps: int, into: Mapping[int, tuple[int, float]]
    ) -> dict[int, tuple[Key, int]]:
        """For every occupation that reaches ``target`` in at most ``max_steps`` moves: the
        key of its best way there (see :func:`_extend`) and the next occupation on it. A
        search back from the target, best key first, each occupation settled once."""
        start: Key = (0, 0, 0)
        best: dict[int, tuple[Key, int]] = {target: (start, -1)}
        heap: list[tuple[Key, int]] = [(start, target)]
        settled: set[int] = set()
        while heap:
            key, node = heapq.heappop(heap)
            if node in settled:
                continue
            settled.add(node)
            if key[2] >= max_steps:
                continue
            for source, (rating, hardness) in self._moves_into(node, target, into):
                if source in settled:
                    continue
                candidate = _extend(key, rating, hardness)
                known = best.get(source)
                if known is None or candidate < known[0]:
                    best[source] = (candidate, node)
                    heapq.heappush(heap, (candidate, source))
        return best

    def _moves_into(
        self, node: int, target: int, into: Mapping[int, tuple[int, float]]
    ) -> Iterable[tuple[int, tuple[int, int]]]:
        """The moves into ``node``: (source, (rating, hardness)); into the target also the
        direct moves ``into`` lists."""
        for source in self._reverse[node]:
            yield source, (self._edge[source][node], self._hardness[source][node])
        if node == target:
            for source, (rating, score) in into.items():
                if node not in self._edge[source]:
                    yield source, (rating, _hardness(score))

    def _moves_from(
        self, node: int, target: int, into: Mapping[int, tuple[int, float]]
    ) -> Iterable[tuple[int, int, int]]:
        """The moves from ``node``: (occupation, rating, hardness); to the target also the
        direct move where ``into`` lists it."""
        for following, rating in self._edge[node].items():
            yield following, rating, self._hardness[node][following]
        if target not in self._edge[node] and node in into:
            rating, score = into[node]
            yield target, rating, _hardness(score)

    def paths(
        self,
        source: int,
        target: int,
        *,
        max_steps: int,
        limit: int,
        max_learn: int | None = None,
    ) -> PathSearch:
        """The ``limit`` most feasible paths from ``source`` to ``target`` of at most
        ``max_steps`` moves, each learning at most ``max_learn`` essential skills a step.

        Ranked by their key (:func:`_extend`): their hardest step (``1 - score``, plus
        :data:`STEP_COST` for every step after the first), then the worst rating of their
        steps, then steps, then the skills learned in all, then the labels on the way. The search
        first goes back from the target (:meth:`_reverse_best`: every occupation's best key
        to it), then forward from the source, best estimated complete key first (the key so
        far joined with the best key onwards), and keeps the best complete paths."""
        goal = self.essential[target]
        goal_size = goal.bit_count()
        held = self.required[source]
        start_coverage = _share(goal_size - (goal & ~held).bit_count(), goal_size)
        direct = self.assess(source, target)
        if source == target:
            return PathSearch([], True, start_coverage, goal_size, direct, 0)
        into = {
            a: judged for a, judged in self._into(target).items() if a == source or judged[0] == 0
        }
        onwards = self._reverse_best(target, FEWEST_STEPS_LOOKED, into)
        if source not in onwards:
            return PathSearch([], True, start_coverage, goal_size, direct, None)
        distance = self._within(target, max_steps, into)
        if source not in distance:
            fewest = self._within(target, FEWEST_STEPS_LOOKED, into).get(source)
            return PathSearch([], True, start_coverage, goal_size, direct, fewest)
        # (estimated complete key, key so far, path, skills held)
        Entry = tuple[Key, Key, tuple[int, ...], int]
        heap: list[Entry] = [(onwards[source][0], (0, 0, 0), (source,), held)]
        found: list[tuple[Key, int, tuple[str, ...], tuple[int, ...]]] = []
        popped: dict[int, int] = {}
        expansions = 0
        complete = True
        wanted = 2 * limit  # estimates are not exact: rank a few more, keep the best
        while heap and len(found) < wanted:
            _, key, path, held = heapq.heappop(heap)
            node = path[-1]
            if node == target:
                learned = sum(
                    (self.essential[b] & ~self._held_before(path, i)).bit_count()
                    for i, b in enumerate(path[1:], 1)
                )
                found.append((key, learned, tuple(self._sort_labels[b] for b in path), path))
                continue
            popped[node] = popped.get(node, 0) + 1
            if popped[node] > limit:
                continue  # the limit best partial paths through a node are enough
            expansions += 1
            if expansions > MAX_EXPANSIONS:
                complete = False
                break
            left = max_steps - key[2] - 1
            for following, rating, hardness in self._moves_from(node, target, into):
                reach = distance.get(following)
                if reach is None or reach > left or following in path:
                    continue
                essential = self.essential[following]
                if max_learn is not None and (essential & ~held).bit_count() > max_learn:
                    continue
                so_far = _extend(key, rating, hardness)
                ahead = onwards.get(following)
                estimate = so_far if ahead is None else _join(so_far, ahead[0])
                heapq.heappush(heap, (estimate, so_far, (*path, following), held | essential))
        found.sort()
        return PathSearch(
            [self._path(path, target) for *_, path in found[:limit]],
            complete,
            start_coverage,
            goal_size,
            direct,
            None,
        )

    def _held_before(self, path: tuple[int, ...], step: int) -> int:
        """The skills held before step ``step`` of ``path`` (1 is the first move)."""
        held = self.required[path[0]]
        for node in path[1:step]:
            held |= self.essential[node]
        return held

    def routes_in(
        self,
        target: int,
        *,
        max_steps: int,
        limit: int,
        max_level: int | None = None,
        max_job_zone: float | None = None,
    ) -> list[RouteIn]:
        """The occupations from which ``target`` is reachable in at most ``max_steps`` moves,
        each with its most feasible path (ranked as :meth:`paths` ranks them; the last step
        may be a stretch, as a step into a manager's post often is). Ordered by how much of
        the target's trade the path passes through (:meth:`trade_share`, to three decimals:
        "how to become X" asks for the ways through X's trade), then by the key paths are
        ranked by (:func:`_extend`: hardest step, worst rating, steps), then label. Sources
        whose paths go on the same way after their first step make one route: the first is
        its source, the others its ``also_from``.
        ``max_level``, ``max_job_zone``: only sources at or below that ISCO skill level or
        Job Zone (entry-level occupations)."""
        into = {a: judged for a, judged in self._into(target).items() if judged[0] < 2}
        best = self._reverse_best(target, max_steps, into)
        goal = self.essential[target]
        whole = self._trade_size(target)
        # per occupation: the target's essential skills held on its way there (memoised
        # along the search's tree of best next steps), and their weights per distinct set
        on_the_way: dict[int, int] = {target: 0}
        weights: dict[int, float] = {}

        def trade(node: int) -> float:
            walk = []
            while node not in on_the_way:
                walk.append(node)
                node = best[node][1]
            for step in reversed(walk):
                on_the_way[step] = (self.required[step] & goal) | on_the_way[best[step][1]]
            held = on_the_way[walk[0]] if walk else on_the_way[node]
            if held not in weights:
                found = _bits(held)
                weights[held] = float(self._rarity[found].sum()) / whole if found else 0.0
            return weights[held]

        chosen = []
        for source, (key, _) in best.items():
            if source == target:
                continue
            level = _level(self.occupations[source].skill_level)
            if max_level is not None and (level is None or level > max_level):
                continue
            zone = self.job_zone[source]
            if max_job_zone is not None and (zone is None or zone > max_job_zone):
                continue
            chosen.append(((-round(trade(source), 3), *key), self._sort_labels[source], source))
        chosen.sort()
        routes: dict[tuple[int, ...], list[int]] = {}  # the way on -> its sources, best first
        for *_, source in chosen:
            path = [source]
            while path[-1] != target:
                path.append(best[path[-1]][1])
            way_on = tuple(path[1:])
            if way_on in routes:
                routes[way_on].append(path[0])
            elif len(routes) < limit:
                routes[way_on] = [path[0]]
        return [
            RouteIn(self._path((first, *way_on), target), also)
            for way_on, (first, *also) in routes.items()
        ]

    def trade_share(self, path: tuple[int, ...]) -> float:
        """How much of the trade of a path's last occupation its earlier ones hold: the share
        of its essential skills that they (the first one's skills, each later one's
        essential skills) hold, each skill weighted by ``1 / n`` for the ``n`` occupations
        that need it, so that the skills of that trade alone count most (coordinate
        rehearsals, needed by 4 occupations, weighs 84 times manage staff, needed by 337)."""
        *before, target = path
        if not before:
            return 1.0
        held = 0
        for node in before:
            held |= self.required[node]
        whole = self._trade_size(target)
        found = _bits(self.essential[target] & held)
        return float(self._rarity[found].sum()) / whole if found and whole else 0.0

    def _trade_size(self, target: int) -> float:
        """The summed ``1 / n`` weights of ``target``'s essential skills."""
        found = self._trade_sizes.get(target)
        if found is None:
            goal = _bits(self.essential[target])
            found = self._trade_sizes[target] = float(self._rarity[goal].sum()) if goal else 0.0
        return found

    def _path(self, path: tuple[int, ...], target: int) -> CareerPath:
        goal = self.essential[target]
        goal_size = goal.bit_count()
        held = self.required[path[0]]
        steps = []
        for previous, node in pairwise(path):
            learn = self.essential[node] & ~held
            held |= self.essential[node]
            steps.append(
                Step(
                    occupation=node,
                    move=self.move_kind(previous, node),
                    score=self.score(previous, node),
                    learn=self.order_skills(_bits(learn)),
                    coverage=_share(goal_size - (goal & ~held).bit_count(), goal_size),
                    transition=self.assess(previous, node),
                )
            )
        worst = max(tr.RATINGS.index(s.transition.rating) for s in steps)
        return CareerPath(steps, sum(len(s.learn) for s in steps), tr.RATINGS[worst], path[0])

    def to_learn(self, source: int, target: int) -> list[int]:
        """The essential skills of ``target`` that ``source`` lacks, in the order to learn
        them (:meth:`order_skills`)."""
        return self.order_skills(_bits(self.essential[target] & ~self.required[source]))

    def order_skills(self, skills: Iterable[int]) -> list[int]:
        """Skills in the order a person would learn them: a skill after those ESCO states are
        essential for it (when both are in the list), transversal before cross-sector before
        sector-specific before occupation-specific, knowledge before its practice, then by
        label."""
        chosen = list(skills)
        inside = set(chosen)
        depth: dict[int, int] = {}

        def depth_of(skill: int, seen: frozenset[int] = frozenset()) -> int:
            if skill in depth:
                return depth[skill]
            needed = [n for n in self.prerequisites.get(skill, ()) if n in inside and n not in seen]
            value = 1 + max((depth_of(n, seen | {skill}) for n in needed), default=-1)
            depth[skill] = value
            return value

        return sorted(chosen, key=lambda s: (depth_of(s), *self._skill_rank[s]))

    def in_isco_group(self, code: str) -> list[int]:
        """The occupations in the ISCO-08 group ``code`` or below it (ISCO codes extend their
        parent's), by unit group, then label."""
        found = [n for n, o in enumerate(self.occupations) if t.in_isco_group(o.isco_group, code)]
        return sorted(found, key=lambda n: str(self.occupations[n].isco_group))

    def skills_of(self, occupation: int) -> tuple[list[int], list[int]]:
        """An occupation's essential and its optional skills, each in label order."""
        essential = self.essential[occupation]
        optional = (self.required[occupation] & ~essential) | self.listed_both.get(occupation, 0)
        return self.sorted_skills(_bits(essential)), self.sorted_skills(_bits(optional))

    def skill_gap(self, source: int, target: int) -> tuple[list[int], list[int], list[int], float]:
        """What a person in ``source`` holds and lacks for ``target``: the skills of
        ``target`` that ``source`` has (essential or optional), the essential and the optional
        ones it lacks, each in label order, and the share of ``target``'s essential skills
        held (a skill listed as both counts as essential, as in the skill_gap query)."""
        held = self.required[source]
        essential = self.essential[target]
        optional = self.required[target] & ~essential
        return (
            self.sorted_skills(_bits(self.required[target] & held)),
            self.sorted_skills(_bits(essential & ~held)),
            self.sorted_skills(_bits(optional & ~held)),
            _share((essential & held).bit_count(), essential.bit_count()),
        )

    def sorted_skills(self, skills: Iterable[int]) -> list[int]:
        """Skill indexes in label order."""
        return sorted(skills, key=self._label_rank.__getitem__)

    @property
    def skills_by_label(self) -> list[int]:
        """Every skill index, in label order."""
        return self._by_label

    # --- Matching from skills ---------------------------------------------------------------

    @staticmethod
    def bits(skills: Iterable[int]) -> int:
        """The bit set of skill indexes ``skills``."""
        held = 0
        for skill in skills:
            held |= 1 << skill
        return held

    def match(self, held: int, *, skill_level: int | None, isco_group: str | None) -> list[Match]:
        """Occupations needing any of the skills ``held`` (a bit set) as essential, best
        first: those whose essential skills are all given (complete matches), then by the
        cosine similarity of the skills given and the occupation's skills (essential and
        optional), then by the share of their essential skills covered, then how many, then
        label. Occupations without essential skills cannot be covered and are left out.

        The cosine, ``shared / sqrt(given x the occupation's)``, weighs both sides: how much
        of the occupation the skills cover, and how much of the skills it explains, so that
        one matched skill of an occupation's three does not beat eight of another's twenty
        (the share of essential skills covered alone ranked the short lists first: a fifth
        of an air pollution analyst's skills found a fishing net maker). Measured in
        ``benchmarks/search_quality.py`` with CVs made of part of an occupation's skills and
        unrelated ones, against the share covered (``docs/search-quality.md``)."""
        given = held.bit_count()
        found = []
        for index, essential in enumerate(self.essential):
            matched = (essential & held).bit_count()
            if not matched:
                continue
            facts = self.occupations[index]
            if skill_level is not None and facts.skill_level != skill_level:
                continue
            if isco_group is not None and not t.in_isco_group(facts.isco_group, isco_group):
                continue
            size = essential.bit_count()
            shared = (self.required[index] & held).bit_count()
            found.append(
                Match(
                    occupation=index,
                    coverage=matched / size,
                    essential=size,
                    matched_essential=matched,
                    matched_optional=shared - matched,
                    score=shared / math.sqrt(given * self.required[index].bit_count()),
                )
            )
        found.sort(
            key=lambda m: (
                m.matched_essential < m.essential,
                -round(m.score, 9),
                -m.coverage,
                -m.matched_essential,
                -m.matched_optional,
                self._sort_labels[m.occupation],
                self.occupations[m.occupation].uri,
            )
        )
        return found

    def missing(self, occupation: int, held: int) -> list[int]:
        """The essential skills of ``occupation`` not in the bit set ``held``, in label order."""
        return self.sorted_skills(_bits(self.essential[occupation] & ~held))


def _bits(value: int) -> list[int]:
    """The positions of the set bits of ``value``."""
    found = []
    while value:
        low = value & -value
        found.append(low.bit_length() - 1)
        value ^= low
    return found


def _share(part: int, whole: int) -> float:
    return round(part / whole, 6) if whole else 1.0


def _level(value: object) -> int | None:
    try:
        return int(str(value))
    except ValueError:
        return None


def _minor(isco_group: object) -> str | None:
    """The ISCO-08 minor group (3 digits) of an occupation's unit group code."""
    code = str(isco_group or "")
    return code[:3] if len(code) >= 3 and code[:3].isdigit() else None


def skill_weights(holders: Sequence[int], occupations: int) -> npt.NDArray[np.float64]:
    """How much each skill counts in a move's similarity: ``log(N / n)`` for a skill that
    ``n`` of the ``N`` occupations need (its inverse document frequency), at least 0.1, so
    that a skill few occupations share (coordinate rehearsals, 4 of 3,039) weighs more than
    one most managers list (manage staff, 337), and none counts for nothing. Chosen on the
    tuning half of ``benchmarks/career_quality.py`` beside unweighted counts, the square of
    this weight and ``1 / n`` (``docs/careers.md``)."""
    counts = np.maximum(np.asarray(holders, dtype=float), 1.0)
    weights: npt.NDArray[np.float64] = np.maximum(np.log(max(occupations, 1) / counts), 0.1)
    return weights


def _skill_order_keys(index: CareerIndex) -> list[tuple[int, int, int]]:
    """Per skill: its reuse level's place in :data:`REUSE_ORDER`, knowledge (0) before
    skills (1), its place in label order."""
    return [
        (
            REUSE_ORDER.get(str(skill.reuse_level or ""), 4),
            0 if skill.skill_type == "knowledge" else 1,
            index._label_rank[n],
        )
        for n, skill in enumerate(index.skills)
    ]


def _facts(index: CareerIndex) -> dict[str, Any]:
    """The per-occupation facts :func:`graph.transitions.judge` reads, as arrays (NaN or -1
    where unknown)."""
    minors: dict[str, int] = {}
    minor = [
        -1 if (code := _minor(o.isco_group)) is None else minors.setdefault(code, len(minors))
        for o in index.occupations
    ]
    return {
        "minor": np.array(minor, dtype=np.int64),
        "broader": np.array(index.broader, dtype=np.int64),
        "level": np.array(
            [np.nan if (v := _level(o.skill_level)) is None else v for o in index.occupations],
            dtype=float,
        ),
        "zone": np.array([np.nan if z is None else z for z in index.job_zone], dtype=float),
        "education": np.array([np.nan if e is None else e for e in index.education], dtype=float),
        "regulated": np.array(index.regulated, dtype=bool),
        "manager": np.array([_manager(o) for o in index.occupations], dtype=bool),
    }


def _manager(occupation: OccupationFacts) -> bool:
    """Whether an occupation is in ISCO-08 major group 1, managers."""
    return str(occupation.isco_group or "").startswith("1")


def _matrix(sets: list[int], width: int) -> sparse.csr_matrix:
    rows, columns = [], []
    for row, bits in enumerate(sets):
        found = _bits(bits)
        rows.extend([row] * len(found))
        columns.extend(found)
    data = np.ones(len(rows), dtype=np.float32)
    return sparse.csr_matrix((data, (rows, columns)), shape=(len(sets), max(width, 1)))


def feasible_moves(
    index: CareerIndex, *, block: int = 512
) -> tuple[list[list[int]], list[list[int]], list[list[float]]]:
    """The graph career paths walk: per occupation, the moves it keeps (most feasible first),
    their ratings and scores. Every pair of occupations is judged at once, a block of sources
    at a time (sparse products of the skill sets, then :func:`graph.transitions.judge`); an
    occupation keeps its :data:`OUT_MOVES` best moves, the :data:`FIELD_MOVES` best within its
    ISCO minor group, its ESCO broader and narrower occupations and its stored similar
    occupations and prospects, and every occupation its :data:`IN_MOVES` best moves in; none
    of them unrealistic."""
    n, width = len(index.occupations), len(index.skills)
    if n == 0:
        return [], [], []
    essential = _matrix(index.essential, width)
    required = _matrix(index.required, width)
    optional = required - essential
    optional.eliminate_zeros()
    weight = sparse.diags(index._weight.astype(np.float32))
    essential_w, optional_w = essential @ weight, optional @ weight
    e_count = np.asarray(essential.sum(axis=1)).ravel()
    e_size = np.asarray(essential_w.sum(axis=1)).ravel()
    o_size = np.asarray(optional_w.sum(axis=1)).ravel()
    r_size = e_size + o_size
    facts = index._facts
    scores = np.full((n, n), -1.0, dtype=np.float32)
    ratings = np.full((n, n), 2, dtype=np.int8)
    broader = facts["broader"]
    for start in range(0, n, block):
        rows = slice(start, min(start + block, n))
        part = required[rows]
        counted = (part @ essential.T).toarray()
        held_e = (part @ essential_w.T).toarray()
        held_o = (part @ optional_w.T).toarray()
        with np.errstate(divide="ignore", invalid="ignore"):
            e_share = np.where(e_count > 0, counted / np.maximum(e_count, 1), 0.0)
            e_cov = np.where(e_size > 0, held_e / np.where(e_size > 0, e_size, 1), 0.0)
            o_cov = np.where(o_size > 0, held_o / np.where(o_size > 0, o_size, 1), e_cov)
            cosine = np.nan_to_num((held_e + held_o) / np.sqrt(np.outer(r_size[rows], r_size)))
        sources = np.arange(rows.start, rows.stop)
        in_field = (facts["minor"][sources, None] == facts["minor"][None, :]) & (
            facts["minor"][None, :] >= 0
        )
        in_field |= broader[None, :] == sources[:, None]  # the target is narrower
        in_field |= broader[sources, None] == np.arange(n)[None, :]  # the target is broader
        conditions = tr.judge(
            essential_coverage=e_share,
            similarity=tr.similarity(e_cov, o_cov, cosine),
            level_change=facts["level"][None, :] - facts["level"][sources, None],
            zone_change=facts["zone"][None, :] - facts["zone"][sources, None],
            education_change=facts["education"][None, :] - facts["education"][sources, None],
            regulated_entry=facts["regulated"][None, :] & ~facts["regulated"][sources, None],
            in_field=in_field,
            manager_entry=facts["manager"][None, :] & ~facts["manager"][sources, None],
        )
        scores[rows] = conditions["score"]
        ratings[rows] = conditions["rating"]
    np.fill_diagonal(ratings, 2)
    usable = ratings < 2
    ranked = np.where(usable, scores, -1.0)
    keep: list[set[int]] = [set() for _ in range(n)]
    take = min(OUT_MOVES, n)
    for source in range(n):
        row = ranked[source]
        best = np.argpartition(-row, take - 1)[:take] if take < n else np.arange(n)
        keep[source].update(int(b) for b in best if row[b] >= 0)
        same = np.flatnonzero((facts["minor"] == facts["minor"][source]) & usable[source])
        if facts["minor"][source] >= 0 and len(same):
            best_same = same[np.argsort(-row[same], kind="stable")[:FIELD_MOVES]]
            keep[source].update(int(b) for b in best_same)
        if index.broader[source] >= 0:
            keep[source].add(index.broader[source])
        keep[source].update(index._narrower[source])
        keep[source].update(index.moves[source])
    take_in = min(IN_MOVES, n)
    for target in range(n):
        column = ranked[:, target]
        best = np.argpartition(-column, take_in - 1)[:take_in] if take_in < n else np.arange(n)
        for source in best:
            if column[source] >= 0:
                keep[int(source)].add(target)
    labels = index._sort_labels
    feasible, feasible_rating, feasible_score = [], [], []
    for source in range(n):
        targets = sorted(
            (b for b in keep[source] if usable[source, b]),
            key=lambda b: (-float(scores[source, b]), labels[b], b),
        )
        feasible.append(targets)
        feasible_rating.append([int(ratings[source, b]) for b in targets])
        feasible_score.append([round(float(scores[source, b]), 6) for b in targets])
    return feasible, feasible_rating, feasible_score


def _hardness(score: float) -> int:
    """How hard a move is, in thousandths: ``1000 x (1 - score)``."""
    return round(1000 * (1 - score))


def _extend(key: Key, rating: int, hardness: int) -> Key:
    """The key of a path one move longer: the harder of its hardest step and this one (each
    step after the first adding :data:`STEP_COST`), the worse rating, one more step. The
    same whichever end the move is added at, and never smaller than ``key``."""
    hardest, worst, steps = key
    base = hardest - STEP_COST * max(steps - 1, 0) if steps else 0
    return (max(base, hardness) + STEP_COST * steps, max(worst, rating), steps + 1)


def _join(head: Key, tail: Key) -> Key:
    """The key of a path made of a path from the source (``head``) and one to the target."""
    if not tail[2]:
        return head
    if not head[2]:
        return tail
    hardest = max(head[0] - STEP_COST * (head[2] - 1), tail[0] - STEP_COST * (tail[2] - 1))
    steps = head[2] + tail[2]
    return (hardest + STEP_COST * (steps - 1), max(head[1], tail[1]), steps)
