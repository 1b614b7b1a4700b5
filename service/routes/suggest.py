"""GET /suggest: autocomplete over occupations and skills."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query

from graph.suggest import MAX_LIMIT
from service import answers
from service.deps import CatalogDep, StoreDep, answered
from service.language import LanguageDep
from service.models import Suggestions
from service.problems import responses

router = APIRouter(tags=["search"], responses=responses(404, 422, 503))


@router.get("/suggest", response_model=Suggestions, summary="Autocomplete")
async def suggest(
    store: StoreDep,
    catalog: CatalogDep,
    lang: LanguageDep,
    q: Annotated[
        str,
        Query(
            min_length=1,
            max_length=200,
            description="What the user has typed so far: a word of a label starts with it.",
            examples=["prod"],
        ),
    ],
    type: Annotated[
        list[Literal["occupation", "skill"]] | None,
        Query(description="Only these kinds of concept (repeatable); both by default."),
    ] = None,
    limit: Annotated[
        int, Query(ge=1, le=MAX_LIMIT, description=f"How many to return, 1 to {MAX_LIMIT}.")
    ] = 10,
) -> dict[str, Any]:
    """Occupations and skills with a label word starting with the text, best first: a label
    that starts with it before one where a later word does, a preferred label before an
    alternative or hidden one, then the shorter label."""
    types = frozenset(type or ("occupation", "skill"))
    return answers.suggestions(
        await answered(
            catalog,
            store,
            lambda: catalog.suggest(store, q, limit=limit, types=types, language=lang.language),
        )
    )
