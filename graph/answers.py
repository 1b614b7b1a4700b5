"""What the catalog answers, as typed values: occupations, skills, ISCO groups and the career
answers built from them.

These know nothing of any wire format: no JSON field names, no sentences for people. The
service shapes them into its JSON answers in one place (:mod:`service.answers`), the
reconciliation service reads them as they are, and a page or another API shape can be made
from the same values. Every concept named carries its label in the language asked for (or
the main language's, where it has none in it) and says which (``language``).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from functools import cached_property

from graph import terms as t
from graph.preparation import Preparation
from graph.transitions import Reason


@dataclass(frozen=True)
class OccupationRef:
    """An occupation as lists name it."""

    uri: str
    label: str | None
    language: str
    isco_group: str | None
    """the ISCO-08 unit group's code"""
    skill_level: int | None

    @cached_property
    def id(self) -> str:
        return t.concept_id(self.uri)


@dataclass(frozen=True)
class SkillRef:
    """A skill or knowledge concept as lists name it."""

    uri: str
    label: str | None
    language: str
    skill_type: str | None
    """``skill`` or ``knowledge``"""

    @cached_property
    def id(self) -> str:
        return t.concept_id(self.uri)


@dataclass(frozen=True)
class ConceptRef:
    """Any other ESCO concept (a skill group, a broader skill)."""

    uri: str
    label: str | None
    language: str | None
    """None for a concept the store has no preferred labels of"""

    @cached_property
    def id(self) -> str:
        return t.concept_id(self.uri)


@dataclass(frozen=True)
class IscoRef:
    """An ISCO-08 group as a profile names it."""

    code: str | None
    uri: str
    label: str | None
    language: str | None
    skill_level: int | None = None


@dataclass(frozen=True)
class Translation:
    """A concept's texts in one language (None: it has none in it)."""

    label: str | None
    alt_labels: list[str] | None
    """None for a concept that shows no alternative labels (an ISCO group)"""
    description: str | None


@dataclass(frozen=True)
class Texts:
    """A concept's own texts in the language asked for, or the main one where it lacks them."""

    label: str
    language: str
    """the language of the label and the alternative labels"""
    alt_labels: list[str] | None
    description: str | None
    description_language: str | None
    translations: dict[str, Translation] | None
    """the texts in each language asked for by name (several, or ``*``)"""


@dataclass(frozen=True)
class OnetLink:
    """An O*NET occupation linked to an ESCO occupation."""

    code: str | None
    uri: str
    title: str | None
    match: str
    confidence: float | None
    similarity: float | None
    inherited_from: str | None
    """the broader ESCO occupation the link is inherited from, if it is"""
    crosswalk_code: str | None


@dataclass(frozen=True)
class Mapping:
    """An external concept an occupation is mapped to by a dataset loaded beside ESCO."""

    match: str
    """``exact``, ``close``, ``broad``, ``narrow`` or ``related``"""
    uri: str
    label: str | None
    code: str | None
    scheme: str | None
    graph: str
    confidence: float | None
    similarity: float | None
    inherited_from: str | None
    source_code: str | None


@dataclass(frozen=True)
class OccupationProfile:
    uri: str
    texts: Texts
    code: str | None
    isco_group: IscoRef | None
    skill_level: int | None
    essential_skills: list[SkillRef]
    optional_skills: list[SkillRef]
    onet: list[OnetLink] | None
    """None where no O*NET occupation is linked"""
    interests: dict[str, float] | None
    holland_code: list[str] | None
    preparation: Preparation | None = None
    """None where no preparation table is loaded, or it has nothing for the occupation"""


@dataclass(frozen=True)
class RelatedOccupation:
    occupation: OccupationRef
    score: float
    shared_essential: int
    shared_optional: int


class RelatedNote(Enum):
    """Why a list of related occupations is empty."""

    NONE = "none"
    TOP_LEVEL = "top level"
    """prospects of an occupation at the highest ISCO skill level (4)"""
    NO_SKILLS = "no skills"
    """ESCO lists no skills for the occupation"""
    EMPTY = "empty"
    """no occupation shares enough skills"""


@dataclass(frozen=True)
class RelatedOccupations:
    occupation: OccupationRef
    items: list[RelatedOccupation]
    kind: str = "similar"
    """``similar`` or ``prospects``"""
    note: RelatedNote = RelatedNote.NONE


@dataclass(frozen=True)
class Mappings:
    occupation: OccupationRef
    items: list[Mapping]


@dataclass(frozen=True)
class SkillGap:
    source: OccupationRef
    target: OccupationRef
    shared_skills: list[SkillRef]
    missing_essential: list[SkillRef]
    missing_optional: list[SkillRef]
    coverage: float


@dataclass(frozen=True)
class Assessment:
    """How feasible a move is, and why (:mod:`graph.transitions`)."""

    rating: str
    """``viable``, ``stretch`` or ``unrealistic``"""
    score: float
    similarity: float
    essential_coverage: float
    optional_coverage: float
    essential_skills: int
    held_essential_skills: int
    skill_levels: tuple[int | None, int | None]
    job_zones: tuple[float | None, float | None]
    education: tuple[float | None, float | None]
    regulated: bool
    field: str | None
    reasons: list[Reason]


@dataclass(frozen=True)
class Transition:
    source: OccupationRef
    target: OccupationRef
    assessment: Assessment
    learn: list[SkillRef]
    """the target's essential skills not held, in the order to learn them"""


@dataclass(frozen=True)
class PathStep:
    occupation: OccupationRef
    move: str
    """``similar``, ``prospect``, ``specialisation``, ``generalisation``, ``promotion``,
    ``step down`` or ``lateral``"""
    score: float
    learn: list[SkillRef]
    coverage: float
    assessment: Assessment


@dataclass(frozen=True)
class CareerPath:
    new_essential_skills: int
    steps: list[PathStep]
    rating: str
    """the worst rating of its steps"""

    @property
    def largest_step(self) -> int:
        return max(len(step.learn) for step in self.steps)


class PathOutcome(Enum):
    """Why a career-path answer has the paths it has."""

    FOUND = "found"
    SAME = "same"
    """the two occupations are the same"""
    NONE_WITHIN = "none within"
    """no path of at most the steps asked for (a longer one exists)"""
    NONE_AT_ALL = "none at all"
    """no path of any length the search looks at: every way there has an unrealistic step"""
    STOPPED = "stopped"
    """the search stopped at its bound with fewer paths than asked"""


@dataclass(frozen=True)
class CareerPaths:
    source: OccupationRef
    target: OccupationRef
    max_steps: int
    max_learn: int | None
    target_essential_skills: int
    start_coverage: float
    paths: list[CareerPath]
    complete: bool
    outcome: PathOutcome
    assessment: Assessment
    """the move straight from the source to the target"""
    fewest_steps: int | None


@dataclass(frozen=True)
class RouteIn:
    source: OccupationRef
    assessment: Assessment
    """the move straight from this occupation to the target"""
    path: CareerPath
    also_from: list[OccupationRef]
    """other occupations whose best route goes on the same way after their first step"""
    trade_share: float
    """how much of the target's trade the path passes through (see
    :meth:`graph.careers.CareerIndex.trade_share`)"""


@dataclass(frozen=True)
class RoutesIn:
    target: OccupationRef
    max_steps: int
    max_level: int | None
    max_job_zone: float | None
    routes: list[RouteIn]


@dataclass(frozen=True)
class MatchedLabel:
    """How a search found a concept: by which of its labels, and how well."""

    kind: str | None
    """``preferred``, ``alternative``, ``hidden``; None when only the description matched"""
    text: str | None
    language: str | None
    match: str
    """``exact`` (the label's words are the text's) or ``words``"""
    score: float


@dataclass(frozen=True)
class OccupationHit:
    occupation: OccupationRef
    matched: MatchedLabel | None
    """None when listing without a text"""


@dataclass(frozen=True)
class SkillHit:
    skill: SkillRef
    reuse_level: str | None
    matched: MatchedLabel | None


@dataclass(frozen=True)
class OccupationHits:
    total: int
    items: list[OccupationHit]


@dataclass(frozen=True)
class SkillHits:
    total: int
    items: list[SkillHit]


@dataclass(frozen=True)
class Suggestion:
    type: str
    """``occupation`` or ``skill``"""
    uri: str
    label: str
    language: str
    matched_kind: str
    matched_language: str
    matched_text: str
    """the label that matched (lower-cased): another language's, when ``matched_language``
    is not the one asked for"""

    @cached_property
    def id(self) -> str:
        return t.concept_id(self.uri)


@dataclass(frozen=True)
class ResolvedSkill:
    given: str
    skill: SkillRef
    resolved_by: str
    resolved_language: str | None
    matched_text: str | None
    """the label a text resolved by relevance matched"""
    runners_up: list[SkillRef]
    """the next candidates of a text resolved by relevance"""


@dataclass(frozen=True)
class UnknownSkill:
    given: str
    reason: str


@dataclass(frozen=True)
class AmbiguousSkill:
    """A text given to /match that may name several skills: none of them is used."""

    given: str
    candidates: list[SkillRef]


@dataclass(frozen=True)
class OccupationMatch:
    occupation: OccupationRef
    score: float
    coverage: float
    essential_skills: int
    matched_essential: int
    matched_optional: int
    missing_essential: list[SkillRef]


@dataclass(frozen=True)
class MatchResult:
    skills: list[ResolvedSkill]
    unknown: list[UnknownSkill]
    total: int
    items: list[OccupationMatch]
    ambiguous: list[AmbiguousSkill]


@dataclass(frozen=True)
class SkillProfile:
    uri: str
    texts: Texts
    skill_type: str | None
    reuse_level: str | None
    essential_for: list[OccupationRef]
    optional_for: list[OccupationRef]
    broader: list[ConceptRef]
    narrower: list[ConceptRef]


@dataclass(frozen=True)
class IscoGroup:
    code: str
    uri: str
    texts: Texts
    skill_level: int | None
    parent: IscoRef | None
    children: list[IscoRef]
    occupation_count: int
    occupations: list[OccupationRef]
