"""Pages for people: every concept a page, search as a form, career moves as pictures.

Server-rendered HTML (Jinja2 templates in ``templates/``, one stylesheet and one small script
in ``static/``, served by the service itself, so that the pages work offline) over the same
typed answers the JSON API serves (:mod:`graph.answers`). Every page works without
JavaScript: search is a form, and the script only adds suggestions from ``/suggest`` as one
types. Pages answer in the language asked for (``?language=`` or ``Accept-Language``, as the
JSON API), and each offers the loaded languages as links.

A page's errors are pages too, in the same look: an unknown concept is a 404 page, a bad id a
422 page (see :func:`error_page`, which :mod:`service.problems` calls for page requests).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from graph import terms as t

HERE = Path(__file__).parent
STATIC = HERE / "static"
ASSETS = "/static/site"
"""Where the pages' stylesheet and script are served."""
PAGE_FLAG = "skillgraph.page"
"""Set in a request's scope by a page route, so that its errors are answered as pages."""

SKILL_LEVELS = {
    1: "simple and routine physical or manual tasks",
    2: "operating machinery and electronic equipment, driving, handling and storing "
    "information; reading and numeracy",
    3: "complex technical and practical tasks that need factual, technical and procedural "
    "knowledge of a specialised field",
    4: "complex problem-solving, decision-making and creativity, from extensive theoretical "
    "and factual knowledge of a specialised field",
}
"""What each ISCO-08 skill level means, in our words after ILO's definitions."""

RIASEC = ("realistic", "investigative", "artistic", "social", "enterprising", "conventional")

environment = Environment(
    loader=FileSystemLoader(HERE / "templates"),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)


def page_path(uri: str) -> str | None:
    """The page of a concept URI this service has pages for: an ESCO URI's path under
    ``/esco`` (``/esco/occupation/{uuid}``), any other through ``/resource?uri=``."""
    if uri.startswith(t.ESCO_DATA):
        return "/esco/" + uri.removeprefix(t.ESCO_DATA)
    return None


def concept_href(uri: str) -> str:
    """Where a link to a concept points: its page."""
    return page_path(uri) or "/resource?" + urlencode({"uri": uri})


def uuid_of(uri: str) -> str:
    return uri.rstrip("/").rsplit("/", 1)[-1]


environment.globals.update(
    concept_href=concept_href,
    uuid_of=uuid_of,
    SKILL_LEVELS=SKILL_LEVELS,
    RIASEC=RIASEC,
    ASSETS=ASSETS,
)


def mark(request: Request) -> None:
    """A dependency of every page route: its errors are answered as pages."""
    request.scope[PAGE_FLAG] = True


def wants_page(request: Request) -> bool:
    """Whether an error of this request is answered as a page: a page route's, or a path
    no route has that a browser asked for (``text/html`` first in ``Accept``)."""
    if request.scope.get(PAGE_FLAG):
        return True
    accept = request.headers.get("accept", "")
    return accept.split(",")[0].strip().lower().startswith("text/html")


def render(
    request: Request,
    template: str,
    context: dict[str, Any],
    *,
    status: int = 200,
    language: str | None = None,
    languages: tuple[str, ...] = (),
    headers: dict[str, str] | None = None,
) -> HTMLResponse:
    """A page: ``template`` with ``context``, the page's language and the loaded languages
    (for the switch), and the link to this page in each."""
    root = request.scope.get("root_path", "").rstrip("/")
    switch = []
    for tag in languages:
        query = dict(request.query_params)
        query["language"] = tag
        switch.append((tag, f"{root}{request.url.path}?{urlencode(query)}"))
    # The release shown, and the same page in each release the store holds.
    shown = getattr(request.state, "release", None)
    source = getattr(request.app.state, "store_source", None)
    held = list(source.get().releases) if source is not None else []
    latest = held[-1] if held else None
    releases = []
    for name in held if len(held) > 1 else ():
        query = {
            k: v for k, v in request.query_params.items() if k not in ("selectedVersion", "release")
        }
        query["selectedVersion"] = name
        href = f"{root}{request.url.path}?{urlencode(query)}"
        releases.append((name, href))
    body = environment.get_template(template).render(
        request=request,
        root=root,
        language=language or "en",
        switch=switch,
        release_shown=shown,
        release_latest=latest,
        release_asked=shown if shown and shown != latest else None,
        releases=releases,
        query_text=request.query_params.get("q", ""),
        **context,
    )
    if shown and shown != latest:
        body = _stay_in(body, root, shown)
    response = HTMLResponse(body, status_code=status, headers=headers)
    if language:
        response.headers["content-language"] = language
    return response


_INTERNAL_HREF = re.compile(r'href="(/[^"#]*)(#[^"]*)?"')


def _stay_in(body: str, root: str, release: str) -> str:
    """``body`` with every link to another page of the site kept in ``release``: an earlier
    release's page leads to the same release's pages (not to the assets, the API's docs, or
    a link that names its release, as the release switch's do)."""
    skip = (f"{root}{ASSETS}/", f"{root}/docs")

    def kept(found: re.Match[str]) -> str:
        href, fragment = found.group(1), found.group(2) or ""
        if not href.startswith(root + "/") or href.startswith(skip) or "selectedVersion=" in href:
            return found.group(0)
        joined = "&amp;" if "?" in href else "?"
        return f'href="{href}{joined}selectedVersion={release}{fragment}"'

    return _INTERNAL_HREF.sub(kept, body)


def error_page(request: Request, status: int, title: str, detail: str) -> HTMLResponse:
    """An error as a page in the site's look (a 404 for a concept that does not exist, a
    422 for a bad id, ...)."""
    return render(
        request, "error.html", {"status": status, "title": title, "detail": detail}, status=status
    )


class ErrorPages:
    """The :class:`service.problems.PageRenderer` of the pages."""

    def wants(self, request: Request) -> bool:
        return wants_page(request)

    def render(self, request: Request, status: int, title: str, detail: str) -> HTMLResponse:
        return error_page(request, status, title, detail)
