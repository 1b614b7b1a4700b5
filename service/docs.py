"""The OpenAPI docs page, served with Swagger UI from the installed package, not a CDN.

FastAPI's default /docs loads Swagger UI from a CDN; on a machine without internet that
page stays blank. ``swagger-ui-bundle-v2`` ships Swagger UI 5 (which reads OpenAPI 3.1).
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from swagger_ui_bundle import swagger_ui_path

from service import examples

ASSETS = "/static/swagger-ui"


def install(app: FastAPI) -> None:
    """Serve /docs and its assets; the schema with the examples of
    :mod:`service.examples` and every occupation's profile first among its operations."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = _with_examples(build())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    app.mount(ASSETS, StaticFiles(directory=str(swagger_ui_path)), name="swagger-ui")

    @app.get("/docs", include_in_schema=False)
    def docs(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "").rstrip("/")
        return get_swagger_ui_html(
            openapi_url=root + (app.openapi_url or "/openapi.json"),
            title=f"{app.title}: API",
            swagger_js_url=f"{root}{ASSETS}/swagger-ui-bundle.js",
            swagger_css_url=f"{root}{ASSETS}/swagger-ui.css",
            swagger_favicon_url=f"{root}{ASSETS}/favicon-32x32.png",
        )


def _with_examples(schema: dict[str, Any]) -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = schema["paths"]
    for (method, path), values in examples.PARAMETERS.items():
        operation = paths[path][method]
        for parameter in operation.get("parameters", []):
            if parameter["name"] in values:
                parameter["example"] = values[parameter["name"]]
    # FastAPI lists paths as the routes are declared, and the profile's route must come
    # after its longer siblings (its id may hold slashes); readers look for it first.
    profile = "/occupations/{id}"
    if profile in paths:
        ordered: dict[str, dict[str, Any]] = {}
        for path, item in paths.items():
            if path.startswith(profile + "/") and profile not in ordered:
                ordered[profile] = paths[profile]
            ordered.setdefault(path, item)
        schema["paths"] = ordered
    return schema
