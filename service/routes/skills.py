"""GET /skills (search) and /skills/{id}."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query

from graph import terms as t
from service import answers
from service.deps import CatalogDep, Limit, Offset, StoreDep, answered
from service.examples import MANAGE_BUDGETS
from service.language import LanguageDep
from service.models import SkillList, SkillProfile
from service.problems import responses

router = APIRouter(prefix="/skills", tags=["skills"], responses=responses(404, 422, 503))


@router.get("", response_model=SkillList, summary="Search skills")
def search_skills(
    store: StoreDep,
    catalog: CatalogDep,
    lang: LanguageDep,
    q: Annotated[
        str,
        Query(
            max_length=200,
            description="Text to find in preferred, alternative and hidden labels "
            "(case and spacing aside).",
            examples=["manage budgets"],
        ),
    ] = "",
    limit: Limit = 20,
    offset: Offset = 0,
) -> dict[str, Any]:
    """Skills and knowledge concepts whose labels hold the text, best match first: the
    preferred label before alternative and hidden ones, and within each an exact match,
    then a label starting with the text, one containing it, one containing every word;
    then the shorter label. Every skill in label order without q."""
    return answers.skill_hits(
        catalog.search_skills(store, q, limit=limit, offset=offset, language=lang.language)
    )


SkillId = Annotated[
    str,
    Path(
        description="The skill's ESCO UUID or its full URI.",
        examples=[MANAGE_BUDGETS],
        json_schema_extra={"pattern": t.id_pattern(t.SKILL_BASE)},
    ),
]


@router.get("/{id:path}", response_model=SkillProfile, summary="Skill or knowledge concept")
async def skill(
    id: SkillId,
    store: StoreDep,
    catalog: CatalogDep,
    lang: LanguageDep,
) -> dict[str, Any]:
    """A skill or knowledge concept with the occupations it is essential or optional for;
    with language=fr,es (or *), its labels and description in each language too."""
    return answers.skill_profile(
        await answered(
            catalog,
            store,
            lambda: catalog.skill(store, id, language=lang.language, languages=lang.languages),
        )
    )
