"""How feasible a move from one occupation to another is, and why: the transition assessment.

A move from A to B is judged from what ESCO and the datasets loaded beside it say:

- **skills**: the share of B's essential skills that A's skills (essential and optional)
  cover (``essential_coverage``, counted: the rules below read it), and for the similarity
  the same shares and the cosine of the two skill sets with each skill weighted by how few
  occupations need it (``log(N / n)``, :func:`graph.careers.skill_weights`: a skill four
  occupations share says more about a move than one 337 list). Their weighted mean is the
  move's **similarity**: ``0.5 * essential + 0.25 * optional + 0.25 * cosine``
  (:func:`similarity`; coverage is asymmetric: a nurse assistant covers half a nurse's
  essential skills, a nurse nearly all of a nurse assistant's);
- **field**: whether B is A's narrower or broader occupation in the ESCO hierarchy, or in the
  same ISCO-08 minor group (shop assistant 5223 and shop supervisor 5222 are both in 522);
- **level**: the change of ISCO skill level (1 to 4);
- **preparation**, where a table of it is loaded (:mod:`graph.preparation`): the change of
  O*NET Job Zone (1 little preparation to 5 extensive) and of education level (1 to 12);
- **regulation**: whether B is a regulated profession (ESCO's ``regulatedProfessionNote``)
  that A is not.

**The rating.** A move is ``unrealistic`` when any of these blocks it:

1. A holds under 5% of B's essential skills, and B is not in A's field (nothing to build on);
2. B's Job Zone is 2 or more above A's (Nesta's Mapping Career Causeways calls a move viable
   only when the Job Zones differ by at most one), unless B is in A's field and A holds at
   least half of B's essential skills (a specialisation: then it hinders);
3. B's ISCO skill level is 3 above A's, or 2 above with under a quarter of B's essential
   skills held and no Job Zones to judge by (a move into a manager's occupation, ISCO major
   group 1, from outside it counts one level less: ISCO puts managers at levels 3 and 4,
   and managers are commonly promoted from the trade they manage);
4. B is a regulated profession, A is not, and A holds under half of B's essential skills (it
   takes a recognised qualification).

Otherwise it is ``viable`` when its score is at least :data:`VIABLE` (:data:`VIABLE_IN_FIELD`
within A's field), A holds at least 5% of B's essential skills, and nothing hinders it (an
ISCO skill level 2 above A's, a Job Zone 2 above, an education level 3 or more above A's, a
regulated profession entered from outside); else a ``stretch`` (when only the score holds
it back, a ``similarity`` reason says so with the figures).

**The score** (0 to 1, higher is more feasible) is the similarity, discounted by each barrier:
``x 0.25`` for a blocking Job Zone rise or too few skills outside the field, ``x 0.5`` more for
a blocking skill level rise, ``x 0.5`` for a skill level rise of 2 or more,
``x 0.85`` for a rise of 1, ``x 0.5`` for entering a regulated profession from outside and
``x 0.5`` for an education rise of 3 or more. Paths and routes rank moves by it; its
separation of realistic from absurd moves is measured in ``benchmarks/career_quality.py``
(``docs/careers.md``), against the similarity and coverage alone.

The thresholds were set on the tuning half of that benchmark's moves and occupations; the
held-out half is reported apart.

One function, :func:`judge`, computes the conditions for arrays of moves at once (numpy
broadcasting): the career index uses it for every pair of occupations when it builds its
graph of moves, and for one pair when a transition is asked for, so the two agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

VIABLE = 0.30
"""The least score of a viable move (outside the source's field)."""
VIABLE_IN_FIELD = 0.15
"""The least score of a viable move within the source's field (same ISCO minor group, or an
ESCO broader or narrower occupation)."""
FEW_SKILLS = 0.05
"""Under this share of the target's essential skills held (and outside the field), a move has
nothing to build on."""
LEVEL_FEW_SKILLS = 0.25
"""A rise of 2 ISCO skill levels with under this share held is unrealistic (without Job Zones)."""
SPECIALISING_SKILLS = 0.5
"""Within the field, with at least this share held, a Job Zone rise of 2 hinders rather than
blocks (a nurse specialising: the same field, most of the skills, years of further training)."""
REGULATED_SKILLS = 0.5
"""Entering a regulated profession from outside with under this share held is unrealistic."""
EDUCATION_RISE = 3
"""An education level this much higher hinders a move (O*NET's scale: 3 is, e.g., from a
high-school diploma to a bachelor's degree)."""

RATINGS = ("viable", "stretch", "unrealistic")
"""Best first: a path is as feasible as its hardest step's rating."""

Array = npt.NDArray[Any]


@dataclass(frozen=True)
class Reason:
    """One thing that decides a rating, as facts (the service writes the sentence)."""

    code: str
    """``skills``, ``similarity``, ``field``, ``skill_level``, ``job_zone``, ``education``,
    ``regulated``, ``no_preparation``, ``no_skills``"""
    effect: str
    """``blocks`` (makes the move unrealistic), ``hinders`` (at most a stretch), ``helps``
    or ``neutral``"""
    figures: dict[str, Any]


@dataclass(frozen=True)
class Transition:
    """A move from ``source`` to ``target`` (occupation indexes), assessed."""

    source: int
    target: int
    rating: str
    score: float
    similarity: float
    essential_coverage: float
    optional_coverage: float
    essential: int
    """the target's essential skills"""
    held_essential: int
    """how many of them the source holds"""
    skill_levels: tuple[int | None, int | None]
    job_zones: tuple[float | None, float | None]
    education: tuple[float | None, float | None]
    regulated: bool
    """the target is a regulated profession"""
    field: str | None
    """``narrower``, ``broader`` or ``same ISCO minor group``; None outside the field"""
    reasons: list[Reason]


def similarity(essential: Array, optional: Array, cosine: Array) -> Array:
    """A move's similarity from its weighted coverages and cosine (see the module's text)."""
    return 0.5 * essential + 0.25 * optional + 0.25 * cosine


def judge(
    *,
    essential_coverage: Array,
    similarity: Array,
    level_change: Array,
    zone_change: Array,
    education_change: Array,
    regulated_entry: Array,
    in_field: Array,
    manager_entry: Array,
) -> dict[str, Array]:
    """The conditions, the rating (0 viable, 1 stretch, 2 unrealistic) and the score of moves,
    for arrays that broadcast together. ``essential_coverage`` is the share of the target's
    essential skills held, counted; ``similarity`` is :func:`similarity` of the weighted
    shares. ``level_change``, ``zone_change`` and
    ``education_change`` are NaN where unknown; ``regulated_entry`` is True where the target
    is regulated and the source is not, ``manager_entry`` where the target is a manager's
    occupation (ISCO major group 1) and the source is not."""
    level_change = level_change - np.where(manager_entry, 1, 0)
    with np.errstate(invalid="ignore"):
        zone_known = ~np.isnan(zone_change)
        zone_rise2 = zone_known & (zone_change >= 2)
        specialising = in_field & (essential_coverage >= SPECIALISING_SKILLS)
        zone_block = zone_rise2 & ~specialising
        level_rise2 = level_change >= 2
        level_block = (level_change >= 3) | (
            level_rise2 & (essential_coverage < LEVEL_FEW_SKILLS) & ~zone_known
        )
        level_rise1 = level_change == 1
        education_hinder = education_change >= EDUCATION_RISE
    few_block = (essential_coverage < FEW_SKILLS) & ~in_field
    regulated_block = regulated_entry & (essential_coverage < REGULATED_SKILLS)
    blocked = zone_block | level_block | few_block | regulated_block
    hindered = level_rise2 | education_hinder | regulated_entry | zone_rise2
    score = similarity * np.where(zone_block | few_block, 0.25, 1.0)
    score = score * np.where(level_block, 0.5, 1.0)
    score = score * np.where(level_rise2, 0.5, np.where(level_rise1, 0.85, 1.0))
    score = score * np.where(regulated_entry, 0.5, 1.0) * np.where(education_hinder, 0.5, 1.0)
    viable = (
        ~blocked
        & ~hindered
        & (essential_coverage >= FEW_SKILLS)
        & (score >= np.where(in_field, VIABLE_IN_FIELD, VIABLE))
    )
    rating = np.where(blocked, 2, np.where(viable, 0, 1))
    return {
        "similarity": similarity,
        "score": score,
        "rating": rating,
        "zone_block": zone_block,
        "zone_rise2": zone_rise2,
        "level_block": level_block,
        "few_block": few_block,
        "regulated_block": regulated_block,
        "level_rise2": level_rise2,
        "education_hinder": education_hinder,
    }


def change(a: float | int | None, b: float | int | None) -> float:
    """``b - a``, NaN where either is unknown."""
    return float("nan") if a is None or b is None else float(b) - float(a)


def reasons(
    conditions: dict[str, Array],
    *,
    essential: int,
    held: int,
    levels: tuple[int | None, int | None],
    zones: tuple[float | None, float | None],
    education: tuple[float | None, float | None],
    regulated: bool,
    source_regulated: bool,
    field: str | None,
    field_group: str | None,
    preparation_loaded: bool,
) -> list[Reason]:
    """The reasons behind one move's rating (``conditions`` of :func:`judge` for it), the
    blocking ones first, then what hinders, then what helps."""

    def flag(name: str) -> bool:
        return bool(np.asarray(conditions[name]).reshape(-1)[0])

    found: list[Reason] = []
    share = held / essential if essential else 0.0
    if not essential:
        found.append(Reason("no_skills", "neutral", {}))
    else:
        effect = "blocks" if flag("few_block") else "helps" if share >= 0.5 else "neutral"
        found.append(Reason("skills", effect, {"held": held, "essential": essential}))
    if field is not None:
        found.append(Reason("field", "helps", {"relation": field, "group": field_group}))
    source_level, target_level = levels
    if source_level is not None and target_level is not None and source_level != target_level:
        effect = (
            "blocks" if flag("level_block") else "hinders" if flag("level_rise2") else "neutral"
        )
        found.append(Reason("skill_level", effect, {"from": source_level, "to": target_level}))
    if zones[0] is not None and zones[1] is not None:
        rise = zones[1] - zones[0]
        if abs(rise) >= 0.5:
            effect = (
                "blocks" if flag("zone_block") else "hinders" if flag("zone_rise2") else "neutral"
            )
            found.append(Reason("job_zone", effect, {"from": zones[0], "to": zones[1]}))
    if education[0] is not None and education[1] is not None and education[1] > education[0]:
        effect = "hinders" if flag("education_hinder") else "neutral"
        found.append(Reason("education", effect, {"from": education[0], "to": education[1]}))
    if regulated and not source_regulated:
        effect = "blocks" if flag("regulated_block") else "hinders"
        found.append(Reason("regulated", effect, {}))
    rating = int(np.asarray(conditions["rating"]).reshape(-1)[0])
    if rating == 1 and not any(r.effect in ("blocks", "hinders") for r in found):
        # a stretch for its score alone: say so, with the figures
        score = float(np.asarray(conditions["score"]).reshape(-1)[0])
        needed = VIABLE_IN_FIELD if field is not None else VIABLE
        found.append(Reason("similarity", "hinders", {"score": score, "needed": needed}))
    if not preparation_loaded or zones[0] is None or zones[1] is None:
        found.append(Reason("no_preparation", "neutral", {"loaded": preparation_loaded}))
    order = {"blocks": 0, "hinders": 1, "helps": 2, "neutral": 3}
    return sorted(found, key=lambda r: order[r.effect])
