"""GET /isco/{code}."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query

from graph import terms as t
from service import answers
from service.deps import CatalogDep, StoreDep, answered
from service.language import LanguageDep
from service.models import IscoGroup
from service.problems import responses

router = APIRouter(prefix="/isco", tags=["isco"], responses=responses(404, 422, 503))


@router.get("/{code:path}", response_model=IscoGroup, summary="ISCO-08 group")
async def isco_group(
    code: Annotated[
        str,
        Path(
            description="The ISCO-08 code (1 to 4 digits, e.g. '2654' or '0110'), "
            "'C2654' or the group URI.",
            examples=["2654"],
            json_schema_extra={"pattern": t.ISCO_CODE_PATTERN},
        ),
    ],
    store: StoreDep,
    catalog: CatalogDep,
    lang: LanguageDep,
    limit: Annotated[int, Query(ge=1, le=5000, description="How many occupations to list.")] = 100,
) -> dict[str, Any]:
    """An ISCO-08 group with its parent, children and occupations."""
    return answers.isco_group(
        await answered(
            catalog,
            store,
            lambda: catalog.isco_group(
                store, code, limit=limit, language=lang.language, languages=lang.languages
            ),
        )
    )
