"""Every error leaves the service as RFC 9457 ``application/problem+json``.

Domain errors come from ``graph.errors`` and are mapped by family; FastAPI's own 404, 405
and 422 take the same shape. Server faults are logged and answered 503 (store) or 500,
never disguised as the client's fault.
"""

from __future__ import annotations

import json
import logging
from http import HTTPStatus
from typing import Any, Protocol, TypeVar

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from graph import terms as t
from graph.errors import (
    InvalidIdentifierError,
    NotFoundError,
    ParameterError,
    QueryError,
    SkillgraphError,
    StoreError,
    UnknownReleaseError,
    UpdateNotAllowedError,
)
from service import examples

PROBLEM_JSON = "application/problem+json"
PROBLEM_BASE = "https://w3id.org/skillgraph/problems/"

log = logging.getLogger("skillgraph.service")


class Problem(BaseModel):
    """An RFC 9457 problem document, the body of every error."""

    type: str = Field(examples=[PROBLEM_BASE + "not-found"])
    title: str = Field(examples=["Not Found"])
    status: int = Field(examples=[404])
    detail: str = Field(
        examples=["no occupation 00000000-0000-4000-8000-000000000000 in this store"]
    )
    instance: str | None = Field(
        default=None, examples=["/occupations/00000000-0000-4000-8000-000000000000"]
    )


def responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI entries for the problem responses a route can give."""
    meaning = {
        400: "Malformed request: a body that is not JSON; for /sparql, the parser's message",
        403: "The endpoint is read-only",
        405: "Not a method of this resource (the Allow header lists them)",
        413: "The request body is too large",
        414: "The URL is too long (POST the query instead)",
        404: "No such concept in this store",
        406: "No acceptable result format",
        415: "Unsupported request body type",
        422: "Malformed id or parameter",
        502: "A SERVICE endpoint the query calls failed",
        503: "The store cannot be read, the query was stopped at a limit, or every query "
        "worker is busy (then with Retry-After)",
    }
    return {
        status: {
            "description": meaning[status],
            "content": {
                PROBLEM_JSON: {
                    "schema": Problem.model_json_schema(),
                    "example": _example(status),
                }
            },
        }
        for status in statuses
    }


def _example(status: int) -> dict[str, Any]:
    """The example body the docs show for ``status`` (see :mod:`service.examples`)."""
    slug, instance, detail = examples.PROBLEMS[status]
    return {
        "type": PROBLEM_BASE + slug,
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        "instance": instance,
    }


class ProblemError(Exception):
    """An error raised by the service itself with its status and problem type."""

    def __init__(
        self,
        status: int,
        slug: str,
        detail: str,
        *,
        headers: dict[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.slug = slug
        self.detail = detail
        self.headers = headers or {}
        """sent with the problem (``Allow``, ``Retry-After``)"""
        self.extra = extra


def problem(
    status: int, slug: str, detail: str, *, instance: str | None = None, **extra: Any
) -> JSONResponse:
    """A problem+json response."""
    body: dict[str, Any] = {
        "type": PROBLEM_BASE + slug,
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
    }
    if instance is not None:
        body["instance"] = instance
    body.update(extra)
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON)


DOMAIN_ERRORS: tuple[type[Exception], ...] = (ProblemError, SkillgraphError, OSError)
"""The errors :func:`render` answers; anything else is a fault of the server (500)."""


def render(error: Exception, path: str) -> JSONResponse | None:
    """The problem response for an error of the service or the graph; None for any other
    error (say, a ``BundleError`` while serving), which the caller answers as the server's
    fault (500, logged). Shared by FastAPI's exception handlers and the SPARQL endpoint,
    which answers before FastAPI's routing."""
    if isinstance(error, ProblemError):
        response = problem(error.status, error.slug, error.detail, instance=path, **error.extra)
        response.headers.update(error.headers)
        return response
    if isinstance(error, NotFoundError):
        return problem(404, "not-found", str(error), instance=path)
    if isinstance(error, InvalidIdentifierError):
        return problem(422, "invalid-identifier", str(error), instance=path)
    if isinstance(error, ParameterError):
        return problem(422, "invalid-parameter", str(error), instance=path)
    if isinstance(error, UpdateNotAllowedError):  # before QueryError, its base
        return problem(403, "read-only", str(error), instance=path)
    if isinstance(error, QueryError):
        return problem(400, "malformed-query", str(error), instance=path)
    if isinstance(error, StoreError):
        log.error("store error on %s: %s", path, error)
        return problem(503, "store-unavailable", str(error), instance=path)
    if isinstance(error, OSError):
        log.exception("I/O error on %s", path, exc_info=error)
        return problem(503, "store-unavailable", "the store could not be read", instance=path)
    return None


def fault(error: Exception, path: str) -> JSONResponse:
    """The answer to an error :func:`render` does not know: the server's fault, logged."""
    log.exception("unexpected error on %s", path, exc_info=error)
    return problem(
        500, "internal-error", "the server failed to answer; the error is logged", instance=path
    )


def install(app: FastAPI, *, page: PageRenderer | None = None) -> None:
    """Register the handlers that turn every error into a problem response; or, for a
    request ``page`` says is a page's (a page route's, or a browser's request for a path
    no route has), into an error page in the site's look (``page.render``)."""

    def path(request: Request) -> str:
        return request.url.path

    def dressed(request: Request, response: JSONResponse) -> Response:
        if getattr(request.state, "esco_api", False):
            return esco_api_error(response)
        if page is None or not page.wants(request):
            return response
        body = json.loads(bytes(response.body))
        html = page.render(request, response.status_code, body["title"], body["detail"])
        return _carried(response, html)

    async def _domain(request: Request, error: Exception) -> Response:
        if isinstance(error, NotFoundError) and not isinstance(error, UnknownReleaseError):
            error = _elsewhere(request, error)
        response = render(error, path(request))
        if response is None:  # a SkillgraphError of no known family: the server's fault
            return await _unexpected(request, error)
        return dressed(request, response)

    for family in DOMAIN_ERRORS:
        app.add_exception_handler(family, _domain)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, error: RequestValidationError) -> Response:
        errors = [
            {"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")}
            for e in error.errors()
        ]
        detail = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in errors)
        return dressed(
            request,
            problem(422, "invalid-parameter", detail, instance=path(request), errors=errors),
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, error: StarletteHTTPException) -> Response:
        slug = {404: "not-found", 405: "method-not-allowed"}.get(error.status_code, "http-error")
        detail = (
            error.detail if isinstance(error.detail, str) else HTTPStatus(error.status_code).phrase
        )
        if error.status_code == 404 and detail == "Not Found":
            detail = f"no resource at {path(request)}"
        response = problem(error.status_code, slug, detail, instance=path(request))
        for name, value in (error.headers or {}).items():
            response.headers[name] = value
        return dressed(request, response)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, error: Exception) -> Response:
        return dressed(request, fault(error, path(request)))


R = TypeVar("R", bound=Response)

ESCO_LOGREFS = {400: "BadInputException", 404: "NotFoundException"}
"""The ESCO Web Service API's ``logref`` for its statuses (``ServerException`` otherwise)."""


def esco_api_error(response: JSONResponse) -> JSONResponse:
    """A problem answered to the ESCO API's clients (:mod:`service.routes.esco_api`): the
    same RFC 9457 problem, with the ESCO API's members (``logref``, ``status``, ``message``,
    ``_links``), and a malformed parameter a 400 as there rather than a 422."""
    body = json.loads(bytes(response.body))
    status = 400 if response.status_code == 422 else response.status_code
    body.update(
        status=status,
        title=HTTPStatus(status).phrase,
        logref=ESCO_LOGREFS.get(status, "ServerException"),
        message=body.get("detail", ""),
        _links=None,
    )
    return _carried(response, JSONResponse(body, status_code=status, media_type=PROBLEM_JSON))


def _carried(problem: Response, answer: R) -> R:
    """``answer``, with the headers ``problem`` had that say how to ask again (``Allow``,
    ``Retry-After``)."""
    for name in ("allow", "retry-after"):
        if name in problem.headers:
            answer.headers[name] = problem.headers[name]
    return answer


def _elsewhere(request: Request, error: NotFoundError) -> Exception:
    """A concept the release asked for lacks, said as such, with the other releases that
    describe it (a 404 all the same: ``releases`` lists them)."""
    asked = getattr(request.state, "release", None)
    source = getattr(request.app.state, "store_source", None)
    if asked is None or source is None or error.kind not in ("occupation", "skill", "concept"):
        return error
    releases = source.get().releases
    if len(releases) < 2:
        return error
    try:
        uri = {"occupation": t.occupation_uri, "skill": t.skill_uri}.get(error.kind, lambda u: u)(
            error.identifier
        )
    except InvalidIdentifierError:
        return error
    holding = [name for name, release in releases.items() if release.holds(uri)]
    where = (
        f"it is in release{'s' if len(holding) > 1 else ''} {', '.join(holding)} "
        "(ask with selectedVersion=)"
        if holding
        else f"no release of this store has it ({', '.join(releases)})"
    )
    return ProblemError(
        404,
        "not-found",
        f"no {error.kind} {error.identifier} in release {asked}; {where}",
        releases=holding,
    )


class PageRenderer(Protocol):
    """How errors become pages: which requests are a page's, and the page of an error."""

    def wants(self, request: Request) -> bool: ...

    def render(self, request: Request, status: int, title: str, detail: str) -> Response: ...
