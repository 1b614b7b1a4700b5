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

import heapq
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import pairwise

from pyoxigraph import Store

from graph import terms as t
from graph.queries import QueryRunner
from graph.search import OccupationFacts, SkillFacts, SkillIndex

MAX_EXPANSIONS = 3_000
"""Partial paths a search may extend before it answers with what it has found (a bound on
the time of any request; the answer then says it is not complete)."""


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


@dataclass(frozen=True)
class CareerPath:
    steps: list[Step]
    new_essential: int


@dataclass(frozen=True)
class PathSearch:
    paths: list[CareerPath]
    complete: bool
    """False when the search stopped at :data:`MAX_EXPANSIONS` before finding ``limit`` paths"""
    start_coverage: float
    target_essential: int


@dataclass(frozen=True)
class Match:
    occupation: int
    coverage: float
    essential: int
    matched_essential: int
    matched_optional: int


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
        self._reverse: list[list[int]] = [[] for _ in self.occupations]
        for source, targets in enumerate(self.moves):
            for target in targets:
                self._reverse[target].append(source)

    @classmethod
    def build(
        cls, store: Store, runner: QueryRunner, *, skills: list[SkillFacts] | None = None
    ) -> CareerIndex:
        """Read the occupations, their skill sets and the moves between them from ``store``
        with the named queries; ``skills`` as a :class:`SkillIndex` of the same version
        holds them (read here when not given)."""
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
        return cls(
            occupations,
            skills,
            essential,
            required,
            moves,
            {o: both for o, e in enumerate(essential) if (both := e & optional[o])},
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

    def _within(self, target: int, steps: int) -> dict[int, int]:
        """Occupations that can reach ``target`` in at most ``steps`` moves: how many."""
        distance = {target: 0}
        frontier = [target]
        for depth in range(1, steps + 1):
            following = []
            for node in frontier:
                for source in self._reverse[node]:
                    if source not in distance:
                        distance[source] = depth
                        following.append(source)
            frontier = following
        return distance

    def paths(self, source: int, target: int, *, max_steps: int, limit: int) -> PathSearch:
        """The ``limit`` best paths from ``source`` to ``target`` of at most ``max_steps``."""
        goal = self.essential[target]
        goal_size = goal.bit_count()
        held = self.required[source]
        start_coverage = _share(goal_size - (goal & ~held).bit_count(), goal_size)
        if source == target:
            return PathSearch([], True, start_coverage, goal_size)
        distance = self._within(target, max_steps)
        if source not in distance:
            return PathSearch([], True, start_coverage, goal_size)
        labels = self._sort_labels
        sizes = self._essential_sizes
        # (estimate, steps, labels on the way, learned so far, path, skills held before the
        # last step, skills learned at it). What is held after the last step is only made
        # when an entry comes off the heap: most entries never do.
        start = (goal_size - (goal & held).bit_count(), 0, (), 0, (source,), held, 0)
        heap: list[tuple[int, int, tuple[str, ...], int, tuple[int, ...], int, int]] = [start]
        found: list[tuple[int, tuple[int, ...]]] = []
        expansions = 0
        complete = True
        while heap and len(found) < limit:
            estimate, steps, names, learned, path, held, learn = heapq.heappop(heap)
            node = path[-1]
            if node == target:
                found.append((learned, path))
                continue
            expansions += 1
            if expansions > MAX_EXPANSIONS:
                complete = False
                break
            held |= learn
            missing = estimate - learned  # the target's essential skills not held
            left = max_steps - steps - 1
            for following in self.moves[node]:
                reach = distance.get(following)
                if reach is None or reach > left or following in path:
                    continue
                essential = self.essential[following]
                new = essential ^ (essential & held)
                cost = learned + sizes[following] - (essential & held).bit_count()
                heapq.heappush(
                    heap,
                    (
                        cost + missing - (goal & new).bit_count(),
                        steps + 1,
                        (*names, labels[following]),
                        cost,
                        (*path, following),
                        held,
                        new,
                    ),
                )
        return PathSearch(
            [self._path(path, target) for _, path in found], complete, start_coverage, goal_size
        )

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
                    move=self.moves[previous][node],
                    score=self.score(previous, node),
                    learn=self.sorted_skills(_bits(learn)),
                    coverage=_share(goal_size - (goal & ~held).bit_count(), goal_size),
                )
            )
        return CareerPath(steps, sum(len(s.learn) for s in steps))

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
        covered first: by the share of their essential skills covered, then how many, then
        how many optional ones, then label. Occupations without essential skills cannot be
        covered and are left out."""
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
            found.append(
                Match(
                    occupation=index,
                    coverage=matched / size,
                    essential=size,
                    matched_essential=matched,
                    matched_optional=(self.required[index] & held).bit_count() - matched,
                )
            )
        found.sort(
            key=lambda m: (
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
