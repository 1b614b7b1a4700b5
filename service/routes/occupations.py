"""GET /occupations and one occupation's profile, related occupations and skill gaps."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query

from graph import terms as t
from graph.analytics import MATCHES_PER_OCCUPATION
from graph.catalog import Catalog
from graph.releases import StoreView
from service import answers
from service.deps import CatalogDep, Limit, Offset, StoreDep, answered
from service.examples import PRODUCER
from service.language import LanguageDep
from service.models import (
    CareerPaths,
    Mappings,
    OccupationList,
    OccupationProfile,
    RelatedOccupations,
    RoutesIn,
    SkillGap,
    Transition,
)
from service.problems import responses

router = APIRouter(prefix="/occupations", tags=["occupations"], responses=responses(404, 422, 503))
NOT_FOUND = responses(404)
MAX_STEPS = 5

OccupationId = Annotated[
    str,
    Path(
        description="The occupation's ESCO UUID or its full URI.",
        examples=[PRODUCER],
        # Documented, not enforced here: the catalog's refusal says what an id looks like.
        json_schema_extra={"pattern": t.id_pattern(t.OCCUPATION_BASE)},
    ),
]
TargetId = Annotated[
    str,
    Path(
        description="The target occupation's ESCO UUID or full URI.",
        json_schema_extra={"pattern": t.id_pattern(t.OCCUPATION_BASE)},
    ),
]
MatchLimit = Annotated[
    int,
    Query(
        ge=1,
        le=MATCHES_PER_OCCUPATION,
        description=f"How many to return, 1 to {MATCHES_PER_OCCUPATION} (the best "
        f"{MATCHES_PER_OCCUPATION} are stored for every occupation at load time).",
    ),
]


@router.get("", response_model=OccupationList, summary="Search occupations")
def search_occupations(
    store: StoreDep,
    catalog: CatalogDep,
    lang: LanguageDep,
    q: Annotated[
        str,
        Query(
            max_length=200,
            description="Free text (a job title as people write it): ranked by relevance "
            "over preferred, alternative and hidden labels and descriptions.",
            examples=["producer"],
        ),
    ] = "",
    limit: Limit = 20,
    offset: Offset = 0,
) -> dict[str, Any]:
    """Occupations ranked by relevance to the text, best first: BM25 over their labels and
    descriptions, word order, case, plurals and typos aside. All occupations in label order
    without q."""
    return answers.occupation_hits(
        catalog.search_occupations(store, q, limit=limit, offset=offset, language=lang.language)
    )


@router.get(
    "/{id:path}/similar",
    response_model=RelatedOccupations,
    summary="Similar occupations",
    responses=NOT_FOUND,
)
async def similar_occupations(
    id: OccupationId,
    store: StoreDep,
    catalog: CatalogDep,
    lang: LanguageDep,
    limit: MatchLimit = 10,
) -> dict[str, Any]:
    """Occupations at the same skill level that need much of the same knowledge and skills."""
    return await _related(catalog, store, id, "similar", limit, lang.language)


@router.get(
    "/{id:path}/prospects",
    response_model=RelatedOccupations,
    summary="Long-term prospects",
    responses=NOT_FOUND,
)
async def occupation_prospects(
    id: OccupationId,
    store: StoreDep,
    catalog: CatalogDep,
    lang: LanguageDep,
    limit: MatchLimit = 10,
) -> dict[str, Any]:
    """Long-term prospects: occupations at a higher skill level needing some of the same skills."""
    return await _related(catalog, store, id, "prospects", limit, lang.language)


async def _related(
    catalog: Catalog, store: StoreView, id: str, kind: str, limit: int, language: str
) -> dict[str, Any]:
    return answers.related_occupations(
        await answered(
            catalog,
            store,
            lambda: catalog.related_occupations(
                store, id, kind=kind, limit=limit, language=language
            ),
        )
    )


@router.get(
    "/{id:path}/mappings",
    response_model=Mappings,
    summary="Mappings to other vocabularies",
    responses=NOT_FOUND,
)
def occupation_mappings(
    id: OccupationId, store: StoreDep, catalog: CatalogDep, lang: LanguageDep
) -> dict[str, Any]:
    """The external concepts (O*NET occupations, your own job titles...) the occupation is
    mapped to by the mapping tables and datasets loaded beside ESCO; none without them."""
    return answers.mappings(catalog.mappings(store, id, language=lang.language))


@router.get(
    "/{id:path}/skill-gap/{target:path}",
    response_model=SkillGap,
    summary="Skill gap between two occupations",
    responses=NOT_FOUND,
)
async def skill_gap(
    id: OccupationId,
    target: TargetId,
    store: StoreDep,
    catalog: CatalogDep,
    lang: LanguageDep,
) -> dict[str, Any]:
    """The skills shared and missing to move from one occupation to another, with coverage."""
    return answers.skill_gap(
        await answered(
            catalog, store, lambda: catalog.skill_gap(store, id, target, language=lang.language)
        )
    )


@router.get(
    "/{id:path}/transition/{target:path}",
    response_model=Transition,
    summary="How feasible a move is, and why",
    responses=NOT_FOUND,
)
async def transition(
    id: OccupationId,
    target: TargetId,
    store: StoreDep,
    catalog: CatalogDep,
    lang: LanguageDep,
) -> dict[str, Any]:
    """The transition assessment of a move from one occupation to another: a rating
    (viable, stretch, unrealistic) with a score and the reasons (skills held, field, ISCO
    skill level, Job Zone and education where preparation data is loaded, regulation), and
    the target's essential skills to learn in the order to learn them."""
    return answers.transition(
        await answered(
            catalog, store, lambda: catalog.transition(store, id, target, language=lang.language)
        )
    )


@router.get(
    "/{id:path}/paths/{target:path}",
    response_model=CareerPaths,
    summary="Career paths between two occupations",
    responses=NOT_FOUND,
)
def career_paths(
    id: OccupationId,
    target: TargetId,
    store: StoreDep,
    catalog: CatalogDep,
    lang: LanguageDep,
    max_steps: Annotated[
        int, Query(ge=1, le=MAX_STEPS, description=f"Most moves in a path, 1 to {MAX_STEPS}.")
    ] = 3,
    limit: Annotated[int, Query(ge=1, le=20, description="How many paths, 1 to 20.")] = 5,
    max_learn: Annotated[
        int | None,
        Query(
            ge=1, le=500, description="Most essential skills a step may learn (no bound if unset)."
        ),
    ] = None,
) -> dict[str, Any]:
    """The most feasible paths from one occupation to another. Each step is a move a person
    makes (a similar occupation, a prospect, a promotion or specialisation in the same field,
    or another move the assessment does not rate unrealistic), assessed, with the essential
    skills learned at it in the order to learn them. Ranked by the worst step's rating, then
    by the hardest step (most skills learned, plus 5 for each step after the first). The
    move straight to the target is assessed too, with its reasons."""
    return answers.career_paths(
        catalog.career_paths(
            store,
            id,
            target,
            max_steps=max_steps,
            limit=limit,
            max_learn=max_learn,
            language=lang.language,
        )
    )


@router.get(
    "/{id:path}/routes-in",
    response_model=RoutesIn,
    summary="How to become this occupation",
    responses=NOT_FOUND,
)
def routes_in(
    id: OccupationId,
    store: StoreDep,
    catalog: CatalogDep,
    lang: LanguageDep,
    max_steps: Annotated[
        int, Query(ge=1, le=MAX_STEPS, description=f"Most moves in a route, 1 to {MAX_STEPS}.")
    ] = 3,
    limit: Annotated[int, Query(ge=1, le=50, description="How many routes, 1 to 50.")] = 10,
    max_level: Annotated[
        int | None,
        Query(
            ge=1,
            le=4,
            description="Only routes from occupations at or below this ISCO skill "
            "level (2: entry-level jobs).",
        ),
    ] = None,
    max_job_zone: Annotated[
        float | None,
        Query(
            ge=1,
            le=5,
            description="Only routes from occupations at or below this Job Zone "
            "(where preparation data is loaded).",
        ),
    ] = None,
) -> dict[str, Any]:
    """The occupations from which this one is reachable in at most max_steps moves, gentlest
    route first (as paths are ranked), each with its path, the assessment of the move
    straight here, and the skills to learn at each step in the order to learn them."""
    return answers.routes_in(
        catalog.routes_in(
            store,
            id,
            max_steps=max_steps,
            limit=limit,
            max_level=max_level,
            max_job_zone=max_job_zone,
            language=lang.language,
        )
    )


@router.get(
    "/{id:path}",
    response_model=OccupationProfile,
    summary="Occupation profile",
    responses=NOT_FOUND,
)
async def occupation(
    id: OccupationId, store: StoreDep, catalog: CatalogDep, lang: LanguageDep
) -> dict[str, Any]:
    """An occupation's profile: ISCO group, skill level, essential and optional skills;
    with language=fr,es (or *), its labels and description in each language too."""
    return answers.occupation_profile(
        await answered(
            catalog,
            store,
            lambda: catalog.occupation(store, id, language=lang.language, languages=lang.languages),
            reads_store=catalog.ready(store) and catalog.indexes(store).has_mappings,
        )
    )
