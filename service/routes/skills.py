"""GET /skills/{id}."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path

from graph import terms as t
from service.deps import CatalogDep, StoreDep
from service.models import SkillProfile
from service.problems import responses

router = APIRouter(prefix="/skills", tags=["skills"], responses=responses(404, 422, 503))


@router.get("/{id:path}", response_model=SkillProfile, summary="Skill or knowledge concept")
def skill(
    id: Annotated[
        str,
        Path(
            description="The skill's ESCO UUID or its full URI.",
            examples=["3e7a8fd8-e5c1-4f44-8d9a-2c3c4ff2fa21"],
            json_schema_extra={"pattern": t.id_pattern(t.SKILL_BASE)},
        ),
    ],
    store: StoreDep,
    catalog: CatalogDep,
) -> dict[str, Any]:
    """A skill or knowledge concept with the occupations it is essential or optional for."""
    return catalog.skill(store, id)
