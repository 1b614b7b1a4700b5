"""The pages for people (:mod:`service.pages`): home, search, each concept, the career
explorer and "what fits my skills".

A concept's page is at the path of its ESCO URI (``/esco/occupation/{uuid}``,
``/esco/skill/{uuid}``, ``/esco/isco/C2654``), negotiated as ``/resource?uri=`` is: a browser
(``text/html``) gets the page, an RDF client RDF, a JSON client is sent on (303) to the JSON
answer, all with ``Vary: Accept``.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool

from graph import terms as t
from graph.catalog import Catalog
from graph.releases import StoreView
from service import pages
from service.deps import CatalogDep, StoreDep
from service.language import LanguageDep
from service.pages import concepts
from service.routes import resource

router = APIRouter(include_in_schema=False, dependencies=[Depends(pages.mark)])

SEARCH_LIMIT = 20
Text = Annotated[str, Query(max_length=200)]


@router.get("/", response_class=HTMLResponse)
def home(request: Request, store: StoreDep, catalog: CatalogDep, lang: LanguageDep) -> Response:
    summary = catalog.summary(store)
    return pages.render(
        request,
        "home.html",
        {"summary": summary},
        language=lang.language,
        languages=concepts.loaded_languages(catalog, store),
    )


@router.get("/search", response_class=HTMLResponse)
def search(
    request: Request, store: StoreDep, catalog: CatalogDep, lang: LanguageDep, q: Text = ""
) -> Response:
    occupations = skills = None
    if q.strip():
        occupations = catalog.search_occupations(
            store, q, limit=SEARCH_LIMIT, language=lang.language
        )
        skills = catalog.search_skills(store, q, limit=SEARCH_LIMIT, language=lang.language)
    return pages.render(
        request,
        "search.html",
        {"q": q, "occupations": occupations, "skills": skills},
        language=lang.language,
        languages=concepts.loaded_languages(catalog, store),
    )


@router.get("/groups", response_class=HTMLResponse)
def groups(request: Request, store: StoreDep, catalog: CatalogDep, lang: LanguageDep) -> Response:
    """The ISCO-08 major groups, where browsing the occupations starts."""
    return pages.render(
        request,
        "isco.html",
        {"group": None, "children": catalog.isco_major_groups(store, language=lang.language)},
        language=lang.language,
        languages=concepts.loaded_languages(catalog, store),
    )


@router.get("/esco/occupation/{uuid}", response_class=HTMLResponse)
async def occupation(
    request: Request, uuid: str, store: StoreDep, catalog: CatalogDep, lang: LanguageDep
) -> Response:
    return await _concept(request, store, catalog, t.OCCUPATION_BASE + uuid, lang.language)


@router.get("/esco/skill/{uuid}", response_class=HTMLResponse)
async def skill(
    request: Request, uuid: str, store: StoreDep, catalog: CatalogDep, lang: LanguageDep
) -> Response:
    return await _concept(request, store, catalog, t.SKILL_BASE + uuid, lang.language)


@router.get("/esco/isco/{code}", response_class=HTMLResponse)
async def isco(
    request: Request, code: str, store: StoreDep, catalog: CatalogDep, lang: LanguageDep
) -> Response:
    return await _concept(request, store, catalog, t.ESCO_DATA + "isco/" + code, lang.language)


async def _concept(
    request: Request, store: StoreView, catalog: Catalog, uri: str, language: str
) -> Response:
    """A concept by its URI's path, negotiated: the page for a browser, else as
    ``/resource?uri=`` answers."""
    if resource.wants(request) != "text/html":
        return resource.resource(request, store, catalog, uri)
    return await run_in_threadpool(concepts.page, request, store, catalog, uri, language)


# --- The career explorer and "what fits my skills" (service.pages.explore) -----------------
# Each route imports service.pages.explore itself: this part was appended to the file.


@router.get("/explore", response_class=HTMLResponse)
def explore(
    request: Request,
    store: StoreDep,
    catalog: CatalogDep,
    lang: LanguageDep,
    source: Annotated[str, Query(alias="from", max_length=300)] = "",
    target: Annotated[str, Query(alias="to", max_length=300)] = "",
) -> Response:
    """The move from one occupation to another: its assessment, the skill gap, and the
    career paths between them as pictures; a form while either is missing."""
    from service.pages import explore as explorer

    context = explorer.explore_context(store, catalog, source, target, lang.language)
    return pages.render(
        request,
        "explore.html",
        context,
        language=lang.language,
        languages=concepts.loaded_languages(catalog, store),
    )


@router.get("/fit", response_class=HTMLResponse)
def fit(
    request: Request,
    store: StoreDep,
    catalog: CatalogDep,
    lang: LanguageDep,
    skills: Annotated[str, Query(max_length=20_000)] = "",
    level: Annotated[str, Query(pattern="^[1-4]?$")] = "",
) -> Response:
    """The occupations that ask for the skills given (one a line), and how each line was read."""
    from service.pages import explore as explorer

    context = explorer.fit_context(
        store, catalog, skills, int(level) if level else None, lang.language
    )
    return pages.render(
        request,
        "fit.html",
        context,
        language=lang.language,
        languages=concepts.loaded_languages(catalog, store),
    )
