"""Response models: the JSON the API returns, field names in snake_case."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

SkillType = Literal["knowledge", "skill"]


LabelLanguage = Annotated[
    str | None,
    Field(
        description="The label's language: the one asked for, or the main language where "
        "the concept has no label in it."
    ),
]


class _Model(BaseModel):
    model_config = ConfigDict(populate_by_name=True)


class OccupationSummary(_Model):
    """An occupation in a list."""

    id: str = Field(description="The ESCO UUID, the last segment of the URI.")
    uri: str = Field(description="The official ESCO URI.")
    label: str | None = Field(description="The preferred label.")
    language: LabelLanguage = None
    isco_group: str | None = Field(description="The ISCO-08 unit group code, e.g. '2654'.")
    skill_level: int | None = Field(description="The ISCO skill level, 1 to 4.")


class SkillSummary(_Model):
    """A skill or knowledge concept in a list."""

    id: str
    uri: str
    label: str | None
    language: LabelLanguage = None
    skill_type: SkillType | None = Field(
        description="'knowledge', or 'skill' for ESCO's skill/competence."
    )


class SkillSearchItem(SkillSummary):
    """A skill a search found."""

    reuse_level: str | None = Field(
        description="transversal, cross-sector, sector-specific or occupation-specific."
    )
    matched_label: Literal["preferred", "alternative", "hidden"] | None = Field(
        description="Which of the skill's labels matched best (none when listing without q, "
        "or when only the description matched)."
    )
    matched_text: str | None = Field(
        default=None, description="That label, in lower case (none without q)."
    )
    matched_language: str | None = Field(
        default=None,
        description="That label's language (BCP 47), e.g. fr: a search finds concepts by "
        "their labels in every language loaded.",
    )
    match: Literal["exact", "words"] | None = Field(
        description="How that label matched: its words are the text's (word order, case and "
        "inflections of the same word aside: production is not product), or it shares words "
        "with the text."
    )
    score: float | None = Field(
        default=None, description="The relevance score (BM25; none when listing without q)."
    )


class SkillList(_Model):
    """Skills matching a search."""

    total: int = Field(description="How many skills match, over every page.")
    items: list[SkillSearchItem]


class Suggestion(_Model):
    """An occupation or skill a user may mean."""

    type: Literal["occupation", "skill"]
    id: str
    uri: str
    label: str = Field(description="The preferred label.")
    language: LabelLanguage = None
    matched_label: Literal["preferred", "alternative", "hidden"] = Field(
        description="Which of its labels has a word starting with the text."
    )
    matched_text: str = Field(
        description="That label, lower-cased: what the text matched, which says why a "
        "suggestion is there when it matched through another language's label."
    )
    matched_language: str = Field(description="That label's language (BCP 47).")


class Suggestions(_Model):
    """Suggestions for what a user is typing, best first."""

    items: list[Suggestion]


class IscoGroupRef(_Model):
    """An ISCO-08 group referred to from elsewhere."""

    code: str | None = Field(description="The ISCO-08 code, leading zeros kept.")
    uri: str
    label: str | None
    language: LabelLanguage = None


class OccupationSearchItem(OccupationSummary):
    """An occupation a search found."""

    matched_label: Literal["preferred", "alternative", "hidden"] | None = Field(
        default=None, description="Which of its labels matched best (absent without q)."
    )
    matched_text: str | None = Field(default=None, description="That label, in lower case.")
    matched_language: str | None = Field(
        default=None,
        description="That label's language (BCP 47), e.g. fr: a search finds concepts by "
        "their labels in every language loaded.",
    )
    match: Literal["exact", "words"] | None = Field(
        default=None,
        description="exact: the label's words are the text's (order, case and inflections "
        "of the same word aside: production is not product); words: it shares words with "
        "the text.",
    )
    score: float | None = Field(default=None, description="The relevance score (BM25).")


class OccupationList(_Model):
    """Occupations a search found, best first, and how many it found."""

    total: int = Field(description="How many occupations the text finds (all without q).")
    items: list[OccupationSearchItem]


class OnetLink(_Model):
    """An O*NET occupation an ESCO occupation is linked to (loaders.onet)."""

    code: str | None = Field(description="The O*NET-SOC 2019 code, e.g. '27-2012.00'.")
    uri: str
    title: str | None
    match: str = Field(
        description="close for the crosswalk's own mapping, broad for an inherited one."
    )
    confidence: float | None = Field(
        description="The crosswalk's confidence: 0.5, 1 or 2 (surest)."
    )
    similarity: float | None = Field(description="The crosswalk's semantic similarity, 0 to 1.")
    inherited: bool = Field(description="Whether the mapping is a broader occupation's.")
    inherited_from: str | None = Field(description="The ESCO occupation it is inherited from.")
    crosswalk_code: str | None = Field(
        description="The O*NET-SOC 2010 code the crosswalk gives (its .00 occupation is used "
        "where 2019 lacks it)."
    )


class Translation(_Model):
    """A concept's labels and description in one language."""

    label: str | None = Field(description="The preferred label (null: none in this language).")
    alt_labels: list[str] | None = Field(
        default=None, description="The alternative labels (none for an ISCO group)."
    )
    description: str | None


TextsLanguage = Annotated[
    str,
    Field(
        description="The language of label and alt_labels: the one asked for, or the main "
        "language where the concept has no label in it."
    ),
]
DescriptionLanguage = Annotated[
    str | None,
    Field(
        description="The description's language: the one asked for, or the main language "
        "where it has no description in it."
    ),
]
Translations = Annotated[
    dict[str, Translation] | None,
    Field(
        description="With language naming several languages (fr,es) or *: the labels and "
        "description in each, null where the language lacks them (no fallback)."
    ),
]


class OccupationProfile(_Model):
    """An occupation with its ISCO group, skill level and skills."""

    id: str
    uri: str
    label: str
    language: TextsLanguage
    alt_labels: list[str]
    description: str | None
    description_language: DescriptionLanguage = None
    translations: Translations = None
    code: str | None = Field(description="The ESCO occupation code, e.g. '2654.3'.")
    isco_group: IscoGroupRef | None
    skill_level: int | None
    essential_skills: list[SkillSummary]
    optional_skills: list[SkillSummary]
    onet: list[OnetLink] | None = Field(
        default=None,
        description="The O*NET occupations the occupation is linked to, when O*NET is loaded "
        "beside ESCO: its own crosswalk mapping first, else those inherited from a broader "
        "occupation. Null when no O*NET occupation is linked.",
    )
    interests: dict[str, float] | None = Field(
        default=None,
        description="The RIASEC interest scores (O*NET's 1-7 scale: realistic, investigative, "
        "artistic, social, enterprising, conventional) of the first O*NET occupation. Null "
        "without O*NET.",
    )
    holland_code: list[str] | None = Field(
        default=None,
        description="The first O*NET occupation's interest high-points in order of their score, "
        "e.g. ['Artistic', 'Enterprising'] for producer. Null without O*NET.",
    )
    preparation: Preparation | None = Field(
        default=None,
        description="What entering it takes, where a preparation table is loaded beside ESCO "
        "(e.g. Nesta's, from O*NET): Job Zone, education, experience, training, earnings. Null "
        "without one.",
    )


class ScaleValue(_Model):
    """A value on one of O*NET's preparation scales, with its reading."""

    value: float = Field(description="The value (an average where several O*NET occupations map).")
    text: str = Field(description="What the nearest point of the scale means.")


class Preparation(_Model):
    """What entering an occupation takes (a preparation table loaded beside ESCO)."""

    job_zone: ScaleValue | None = Field(description="O*NET Job Zone, 1 (little) to 5 (extensive).")
    education_level: ScaleValue | None = Field(description="Required education, 1 to 12.")
    related_work_experience: ScaleValue | None = Field(description="1 (none) to 11.")
    on_the_job_training: ScaleValue | None = Field(description="1 (none) to 9.")
    annual_earnings: float | None = Field(description="Indicative annual earnings, as loaded.")
    inherited_from: str | None = Field(
        description="The broader ESCO occupation the values come from, when it has none itself."
    )
    source: str = Field(description="The named graph (dataset) the values come from.")


class RelatedOccupation(OccupationSummary):
    """A similar occupation or a prospect, with how much it shares."""

    score: float = Field(description="Cosine similarity of the two skill sets, 0 to 1.")
    shared_essential: int = Field(
        description="Shared skills that are essential for this occupation."
    )
    shared_optional: int = Field(description="Shared skills that are optional for this occupation.")


class RelatedOccupations(_Model):
    """Occupations related to one occupation, best first."""

    occupation: OccupationSummary
    note: str | None = Field(description="Why the list is empty; null when it is not.")
    items: list[RelatedOccupation]


class Mapping(_Model):
    """An external concept an occupation is mapped to."""

    match: str = Field(
        description="The SKOS mapping: exact, close, broad, narrow or related (skos:<match>Match)."
    )
    uri: str = Field(description="The external concept's URI.")
    label: str | None = Field(description="Its preferred label, where the linked data gives one.")
    code: str | None = Field(default=None, description="Its skos:notation, where given.")
    scheme: str | None = Field(default=None, description="Its concept scheme, where given.")
    graph: str = Field(description="The named graph the mapping was loaded into.")
    confidence: float | None = Field(
        default=None, description="A mapping record's confidence (the O*NET crosswalk's 0.5-2)."
    )
    similarity: float | None = Field(
        default=None, description="A mapping record's similarity score, 0 to 1."
    )
    inherited_from: str | None = Field(
        default=None, description="The broader ESCO occupation an inherited mapping comes from."
    )
    source_code: str | None = Field(
        default=None, description="The code the crosswalk named, where it was replaced."
    )


class Mappings(_Model):
    """An occupation's mappings to other vocabularies, loaded beside ESCO."""

    occupation: OccupationSummary
    items: list[Mapping]


class SkillGap(_Model):
    """What moving from one occupation to another takes."""

    from_: OccupationSummary = Field(alias="from")
    to: OccupationSummary
    shared_skills: list[SkillSummary] = Field(
        description="Skills of the target that the starting occupation has."
    )
    missing_essential: list[SkillSummary]
    missing_optional: list[SkillSummary]
    coverage: float = Field(
        description="Share of the target's essential skills the starting occupation has, 0 to 1."
    )


class Reason(_Model):
    """One thing that decides a transition's rating."""

    code: Literal[
        "skills",
        "similarity",
        "no_skills",
        "field",
        "skill_level",
        "job_zone",
        "education",
        "regulated",
        "no_preparation",
    ]
    effect: Literal["blocks", "hinders", "helps", "neutral"] = Field(
        description="blocks: makes the move unrealistic; hinders: at most a stretch; helps; "
        "neutral: a fact that decides nothing alone."
    )
    text: str = Field(description="The reason as a sentence.")


class FromTo(_Model):
    from_: float | None = Field(alias="from")
    to: float | None


class Assessment(_Model):
    """How feasible a move from one occupation to another is, and why (see the README's
    'Career moves' section for exactly how it is rated)."""

    rating: Literal["viable", "stretch", "unrealistic"]
    score: float = Field(
        description="0 to 1, higher is more feasible: the similarity, discounted for each "
        "barrier (Job Zone, skill level, education, regulation)."
    )
    summary: str = Field(description="The rating and its main reason, in a sentence.")
    similarity: float = Field(
        description="0.5 x essential coverage + 0.25 x optional coverage + 0.25 x cosine."
    )
    essential_coverage: float = Field(
        description="Share of the target's essential skills the person holds (asymmetric)."
    )
    optional_coverage: float
    essential_skills: int = Field(description="The target's essential skills.")
    held_essential_skills: int
    skill_level: FromTo | None = Field(description="The ISCO skill levels (1-4), from and to.")
    job_zone: FromTo | None = Field(description="The Job Zones, where preparation is loaded.")
    education_level: FromTo | None = Field(
        description="The education levels (1-12), where preparation is loaded."
    )
    regulated: bool = Field(description="The target is a regulated profession (ESCO).")
    field: str | None = Field(
        description="narrower, broader (ESCO hierarchy) or same ISCO minor group; null outside "
        "the source's field."
    )
    reasons: list[Reason] = Field(description="Blocking reasons first, then what hinders, helps.")


class Transition(_Model):
    """A move from one occupation to another, assessed, with what to learn."""

    from_: OccupationSummary = Field(alias="from")
    to: OccupationSummary
    assessment: Assessment
    learn: list[SkillSummary] = Field(
        description="The target's essential skills not held, in the order to learn them: a "
        "skill after those ESCO states it needs, transversal before cross-sector before "
        "sector-specific before occupation-specific, knowledge before practice."
    )


Move = Literal[
    "similar",
    "prospect",
    "specialisation",
    "generalisation",
    "promotion",
    "step down",
    "lateral",
]


class PathStep(_Model):
    """One move of a career path."""

    occupation: OccupationSummary
    move: Move = Field(
        description="What this occupation is to the previous one: similar or prospect (as "
        "/similar and /prospects list), specialisation or generalisation (ESCO hierarchy), "
        "promotion (a higher ISCO skill level, or a manager's occupation), step down (a lower "
        "level) or lateral."
    )
    score: float = Field(description="Cosine similarity to the previous occupation, 0 to 1.")
    learn: list[SkillSummary] = Field(
        description="Essential skills of this occupation not held yet: learned at this step, "
        "in the order to learn them."
    )
    coverage: float = Field(
        description="Share of the target's essential skills held after this step, 0 to 1."
    )
    assessment: Assessment = Field(
        description="The move from the previous occupation, assessed from its skills."
    )


class CareerPath(_Model):
    """A sequence of moves from one occupation to another, each assessed."""

    rating: Literal["viable", "stretch", "unrealistic"] = Field(
        description="The worst rating of its steps."
    )
    new_essential_skills: int = Field(
        description="Essential skills learned over all steps: the sum of the steps' learn lists."
    )
    step_count: int
    largest_step: int = Field(description="The most essential skills learned at one step.")
    steps: list[PathStep]


class CareerPaths(_Model):
    """The most feasible career paths between two occupations, best first."""

    from_: OccupationSummary = Field(alias="from")
    to: OccupationSummary
    max_steps: int
    max_learn: int | None = Field(description="The most essential skills a step may learn.")
    target_essential_skills: int = Field(description="How many essential skills the target has.")
    start_coverage: float = Field(
        description="Share of the target's essential skills the starting occupation has."
    )
    assessment: Assessment = Field(description="The move straight to the target, assessed.")
    paths: list[CareerPath] = Field(
        description="Best first: by the hardest step, 1000 x (1 - score) plus 50 for every "
        "step after the first, then by the worst step's rating, then by steps, then by the "
        "skills learned in all."
    )
    complete: bool = Field(
        description="False if the search stopped at its bound before finding as many as asked."
    )
    outcome: Literal["found", "same", "none within", "none at all", "stopped"]
    fewest_steps: int | None = Field(
        description="With no path within max_steps: the fewest steps a path takes (up to 8)."
    )
    note: str | None = Field(
        description="Why there are no paths or fewer than asked, or that the direct move is "
        "unrealistic and the paths are long routes."
    )


class RouteIn(_Model):
    """An occupation from which the target is reachable, with its path."""

    from_: OccupationSummary = Field(alias="from")
    assessment: Assessment = Field(description="The move straight to the target, assessed.")
    trade_share: float = Field(
        description="How much of the target's own trade the route passes through, 0 to 1: the "
        "share of the target's essential skills that the occupations before its last step "
        "hold, each skill weighted by 1/n for the n occupations that need it (a skill of that "
        "trade alone counts most; one every manager lists, little)."
    )
    path: CareerPath
    also_from: list[OccupationSummary] = Field(
        description="Other occupations whose best route goes on the same way after their own "
        "first step (e.g. every specialised seller through specialised seller), best first: "
        "one route instead of many alike."
    )


class RoutesIn(_Model):
    """How to become an occupation: the occupations it is reachable from, the routes through
    its trade first."""

    to: OccupationSummary
    max_steps: int
    max_level: int | None
    max_job_zone: float | None
    items: list[RouteIn] = Field(
        description="By trade_share (the routes through the target's own trade first), then "
        "as paths are ranked (hardest step, worst rating, steps); each "
        "path's steps learn the skills in the order to learn them."
    )
    note: str | None = Field(description="Why there are none.")


def _json_integer(value: object) -> object:
    """A JSON number that is an integer (``3`` or ``3.0``), never ``true`` or ``"3"``, which
    pydantic's lax mode would take for 1 and 3."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError("must be an integer")
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError("must be an integer")
        return int(value)
    return value


JsonInteger = Annotated[int, BeforeValidator(_json_integer)]


class MatchRequest(_Model):
    """A person's skills, and what to look for."""

    skills: list[str] = Field(
        min_length=1,
        max_length=1000,
        description="Skills as ESCO URIs, ESCO ids (UUIDs) or labels (resolved to the skill "
        "with that label, else the best label containing the text, else every word).",
        examples=[
            [
                "manage budgets",
                "http://data.europa.eu/esco/skill/97db841c-31bf-4aa0-85b9-0ddd0a77b7a5",
            ]
        ],
    )
    skill_level: Annotated[int, Field(ge=1, le=4), BeforeValidator(_json_integer)] | None = Field(
        default=None, description="Only occupations at this ISCO skill level."
    )
    isco_group: str | None = Field(
        default=None,
        pattern=r"^[0-9]{1,4}$",
        description="Only occupations in this ISCO-08 group, at any level: "
        "'2', '26', '265' or '2654'.",
    )
    limit: JsonInteger = Field(default=10, ge=1, le=100)
    offset: JsonInteger = Field(default=0, ge=0, le=100_000)


class ResolvedSkill(SkillSummary):
    """A skill given to /match, as it was understood."""

    given: str
    resolved_by: str = Field(
        description="'uri', 'id', 'preferred label', 'alternative label', 'hidden label' (the "
        "text is that label), or 'relevance': the text is no label, and the relevance "
        "ranking is sure of it (the matched label holds every word of the text, typos "
        "corrected, adds at most one, and leads the next candidate clearly)."
    )
    resolved_language: str | None = Field(
        default=None,
        description="The language of the label that named the skill (a label of different "
        "skills in different languages names the one in the language asked for).",
    )
    matched_text: str | None = Field(
        default=None, description="The label a text resolved by relevance matched."
    )
    runners_up: list[SkillSummary] = Field(
        default_factory=list,
        description="For a text resolved by relevance: the next candidates, best first.",
    )


class AmbiguousSkill(_Model):
    """A text given to /match that may name several skills: none of them is matched, so
    that no answer rests on a guess. Give one of the candidates (by id) instead."""

    given: str
    candidates: list[SkillSummary] = Field(description="The skills it may name, best first.")


class UnknownSkill(_Model):
    """A skill given to /match that names no skill of the classification."""

    given: str
    reason: str


class OccupationMatch(OccupationSummary):
    """An occupation and how well the given skills cover it."""

    score: float = Field(
        description="What ranks the matches after the complete ones (coverage 1): the cosine "
        "similarity of the skills given and the occupation's essential and optional skills, "
        "shared / sqrt(given x its), 0 to 1."
    )
    coverage: float = Field(description="Share of its essential skills among those given.")
    essential_skills: int
    matched_essential: int
    matched_optional: int
    missing_essential: list[SkillSummary]


class MatchResult(_Model):
    """Occupations ranked by how well the given skills cover their essential skills."""

    skills: list[ResolvedSkill]
    ambiguous: list[AmbiguousSkill] = Field(
        description="Texts that may name several skills, with their candidates; not matched."
    )
    unknown: list[UnknownSkill]
    total: int = Field(description="Occupations needing at least one of the skills as essential.")
    items: list[OccupationMatch]


class ConceptRef(_Model):
    """A broader or narrower concept in a hierarchy."""

    id: str
    uri: str
    label: str | None
    language: LabelLanguage = None


class SkillProfile(_Model):
    """A skill with the occupations that need it."""

    id: str
    uri: str
    label: str
    language: TextsLanguage
    alt_labels: list[str]
    description: str | None
    description_language: DescriptionLanguage = None
    translations: Translations = None
    skill_type: SkillType | None
    reuse_level: str | None = Field(
        description="transversal, cross-sector, sector-specific or occupation-specific."
    )
    essential_for: list[OccupationSummary]
    optional_for: list[OccupationSummary]
    broader: list[ConceptRef]
    narrower: list[ConceptRef]


class IscoChild(IscoGroupRef):
    """A group one level down."""

    skill_level: int | None


class IscoGroup(_Model):
    """An ISCO-08 group with its place in the hierarchy and its occupations."""

    code: str
    uri: str
    label: str
    language: TextsLanguage
    description: str | None
    description_language: DescriptionLanguage = None
    translations: Translations = None
    skill_level: int | None
    parent: IscoGroupRef | None
    children: list[IscoChild]
    occupation_count: int = Field(description="Occupations in this group at any depth.")
    occupations: list[OccupationSummary] = Field(description="The first of them, up to limit.")


class Health(_Model):
    """The service is up and what it serves."""

    status: Literal["ok", "degraded"] = Field(
        description="ok; or degraded (HTTP 503) when SPARQL queries cannot be served now"
    )
    detail: str | None = Field(default=None, description="What is degraded, when it is.")
    sparql: dict[str, int] = Field(
        default_factory=dict,
        description="The SPARQL engine: its query workers idle, busy and starting, and the "
        "queries waiting for one.",
    )
    triples: int
    occupations: int
    skills: int
    isco_groups: int
    occupation_skill_relations: int
    store: str = Field(description="The store version being served.")
    release: str = Field(
        description="Its newest ESCO release, whose figures these are (GET /releases: each's)."
    )
    version: str


class ReleaseCounts(_Model):
    """How much a release holds."""

    occupations: int
    skills: int
    isco_groups: int
    occupation_skill_relations: int


class ReleaseInfo(_Model):
    """An ESCO release the store holds."""

    name: str = Field(description="Its name, as selectedVersion takes it: v1.2.0.")
    latest: bool = Field(description="Whether it is the newest: the one answered by default.")
    loaded: str | None = Field(description="When it was loaded (UTC).")
    languages: list[str] = Field(description="Its languages, the main one first.")
    graphs: list[str] = Field(
        description="Its named graphs in the SPARQL endpoint: the classification, then the "
        "facts derived from it."
    )
    counts: ReleaseCounts


class Releases(_Model):
    """The ESCO releases the store holds, oldest first."""

    latest: str
    items: list[ReleaseInfo]


ChangeName = Literal[
    "added",
    "removed",
    "relabelled",
    "alt_labels_changed",
    "described_otherwise",
    "regrouped",
    "relation_added",
    "relation_removed",
    "relation_switched",
]
"""The kinds of change (``graph.changes.CHANGE_NAMES``)."""


class ChangeItem(_Model):
    """One change from one release to another."""

    change: ChangeName
    kind: Literal["occupation", "skill", "relation"]
    uri: str = Field(description="The concept; for a relation, its occupation.")
    label: str = Field(description="Its preferred label, in the newer release if it is in it.")
    before: str = Field(
        description="What it was: a label, the alternative labels joined by ' | ', a "
        "description, an ISCO-08 code, 'essential' or 'optional'; empty where it was not."
    )
    after: str = Field(description="What it is, the same way.")
    skill: str = Field(description="A relation's skill; empty otherwise.")
    skill_label: str
    isco_group: str = Field(description="The occupation's ISCO-08 code; empty for a skill.")


class Changes(_Model):
    """What changed from one release to another."""

    from_release: str = Field(alias="from", serialization_alias="from")
    to_release: str = Field(alias="to", serialization_alias="to")
    counts: dict[str, int] = Field(description="How many of each change, before any filter.")
    total: int = Field(description="How many changes the filters keep.")
    offset: int
    limit: int
    items: list[ChangeItem]


class MigrationRequest(_Model):
    """Concept URIs of one's own data, taken from the release ``from``."""

    uris: list[str] = Field(
        min_length=1,
        max_length=10_000,
        description="ESCO URIs of occupations and skills, up to 10,000.",
        examples=[["http://data.europa.eu/esco/occupation/52b9e8dc-de6c-41dd-b29a-e1291c273f6f"]],
    )


class MigrationStatus(_Model):
    """What became of one URI in the target release."""

    uri: str
    status: str = Field(
        description="'unchanged', 'removed', 'added' (not in the release it came from), "
        "'unknown' (in neither), or the changes it went through joined by '; ': "
        "'relabelled', 'alt labels changed', 'described otherwise', 'regrouped', "
        "'skills changed'."
    )
    label_before: str | None
    label_after: str | None


class Migration(_Model):
    """What becomes of a list of URIs when moving from one release to another."""

    from_release: str = Field(alias="from", serialization_alias="from")
    to_release: str = Field(alias="to", serialization_alias="to")
    counts: dict[str, int] = Field(description="How many URIs have each status.")
    items: list[MigrationStatus]


class HistoryEntry(_Model):
    """A concept in one release."""

    release: str
    present: bool
    label: str | None = None
    alt_labels: list[str] | None = None
    description: str | None = None
    isco_group: str | None = Field(default=None, description="An occupation's ISCO-08 code.")
    essential_skills: int | None = Field(default=None, description="An occupation's.")
    optional_skills: int | None = Field(default=None, description="An occupation's.")
    essential_for: int | None = Field(default=None, description="A skill's occupations.")
    optional_for: int | None = Field(default=None, description="A skill's occupations.")
    changes: list[str] = Field(
        default_factory=list,
        description="What changed since the release before it: 'added', 'removed', "
        "'relabelled', 'alt labels changed', 'described otherwise', 'regrouped', "
        "'skills added: N', 'skills removed: N', 'switched essential/optional: N' (an "
        "occupation's) or 'occupations added: N', ... (a skill's).",
    )
    skills_added: list[str] = Field(
        default_factory=list, description="The skills (occupations, for a skill) added."
    )
    skills_removed: list[str] = Field(
        default_factory=list, description="The skills (occupations, for a skill) removed."
    )


class History(_Model):
    """A concept through every release the store holds, oldest first."""

    uri: str
    kind: Literal["occupation", "skill"]
    releases: list[HistoryEntry]
