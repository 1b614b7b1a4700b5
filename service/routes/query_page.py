"""``GET /sparql`` for a browser: the query page for analysts.

The SPARQL endpoint's middleware (:mod:`service.routes.sparql`) lets a browser's GET with no
query through to this route, which comes before the endpoint's own routes (it hands any
other request to them). The page is a plain form (a query, a result format, submitted
to ``/sparql``), so it works without JavaScript; where YASGUI is vendored
(``scripts/vendor-yasgui.sh``), the form becomes the YASGUI editor, with the examples as
tabs and the prefixes the endpoint predefines known to it. ``?example=N`` opens with the
N-th example (from 1) in the form.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import HTMLResponse

from graph.terms import PREFIXES
from service import pages
from service.deps import CatalogDep, StoreDep
from service.language import LanguageDep
from service.pages import concepts
from service.pages.examples import EXAMPLES
from service.routes import sparql

router = APIRouter(include_in_schema=False, dependencies=[Depends(pages.mark)])

YASGUI = pages.STATIC / "vendor" / "yasgui"


@router.get("/sparql", response_class=HTMLResponse)
async def query_page(
    request: Request,
    store: StoreDep,
    catalog: CatalogDep,
    lang: LanguageDep,
    example: Annotated[int, Query(ge=1, le=len(EXAMPLES))] = 1,
) -> Response:
    if not sparql.a_page(request.scope):  # a query, or a client's Service Description
        return await sparql.routed(request)
    return pages.render(
        request,
        "sparql.html",
        {
            "examples": EXAMPLES,
            "chosen": example,
            "prefixes": sorted(PREFIXES.items()),
            "yasgui": (YASGUI / "yasgui.min.js").is_file(),
        },
        language=lang.language,
        languages=concepts.loaded_languages(catalog, store),
    )
