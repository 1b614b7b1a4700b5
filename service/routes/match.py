"""POST /match: occupations ranked by how well a person's skills cover them."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from service import answers
from service.deps import CatalogDep, StoreDep
from service.language import LanguageDep
from service.models import MatchRequest, MatchResult
from service.problems import responses

router = APIRouter(tags=["matching"], responses=responses(400, 404, 413, 422, 503))


@router.post("/match", response_model=MatchResult, summary="Occupations for a set of skills")
def match(
    request: MatchRequest, store: StoreDep, catalog: CatalogDep, lang: LanguageDep
) -> dict[str, Any]:
    """Occupations ranked by the share of their essential skills among the skills given,
    then by how many, then by how many optional ones. Every skill given is reported back,
    resolved (with how) or unknown (with why)."""
    return answers.match_result(
        catalog.match(
            store,
            request.skills,
            skill_level=request.skill_level,
            isco_group=request.isco_group,
            limit=request.limit,
            offset=request.offset,
            language=lang.language,
        )
    )
