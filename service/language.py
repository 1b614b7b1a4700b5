"""Which language an answer is in: the ``language`` parameter, else ``Accept-Language``.

``language`` names one language (``fr``, ``en-us``), several (``fr,es``) or every loaded
one (``*``); the first is the answer's, and a profile then also gives its labels and
description in each (``translations``). A language the store does not hold is refused with
a 422 problem that lists the ones it does. Without the parameter, ``Accept-Language``
chooses (RFC 9110: q-values, ``*``); a header naming no loaded language gets the main one,
as HTTP allows, and ``Content-Language`` always says which language the answer is in.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Query, Request, Response
from pyoxigraph import Store
from starlette.concurrency import run_in_threadpool

from graph.catalog import Catalog
from graph.languages import Translations
from service import negotiation
from service.deps import get_catalog, get_store
from service.problems import ProblemError

MAX_LANGUAGES = 30
"""The most languages one request may name (ESCO has 28)."""
_TAG = r"(?:\*|[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*)"
LANGUAGES_PATTERN = rf"^\s*{_TAG}(?:\s*,\s*{_TAG})*\s*$"
"""What the ``language`` parameter may be: BCP 47 tags or ``*``, comma-separated."""


@dataclass(frozen=True)
class Language:
    """The language of one answer, and how to put an answer into it."""

    language: str
    """the answer's language (``Content-Language``)"""
    languages: tuple[str, ...]
    """every language asked for with the parameter, the answer's first; empty when one was"""
    translations: Translations


def choose(translations: Translations, parameter: str | None, header: str | None) -> Language:
    """The language of an answer, from the ``language`` parameter or the header.

    :raises ProblemError: (422) if the parameter names a language the store lacks.
    """
    if parameter is not None and parameter.strip():
        tags = [tag.strip() for tag in parameter.split(",") if tag.strip()]
        if len(tags) > MAX_LANGUAGES:
            raise ProblemError(
                422, "invalid-parameter", f"language names more than {MAX_LANGUAGES} languages"
            )
        chosen: list[str] = []
        for tag in tags:
            if tag == "*":
                chosen += translations.languages
                continue
            found = translations.lookup(tag)
            if found is None:
                raise ProblemError(
                    422,
                    "unknown-language",
                    f"this store has no labels in {tag!r}; its languages are "
                    + ", ".join(translations.languages),
                    languages=list(translations.languages),
                )
            chosen.append(found)
        unique = tuple(dict.fromkeys(chosen))
        several = len(tags) > 1 or "*" in tags
        return Language(unique[0], unique if several else (), translations)
    return Language(_negotiate(translations, header or ""), (), translations)


def _negotiate(translations: Translations, header: str) -> str:
    """The loaded language ``Accept-Language`` prefers most (the main one if none)."""
    loaded = [translations.main, *(t for t in translations.languages if t != translations.main)]
    found = negotiation.language(header, loaded, translations.lookup, limit=MAX_LANGUAGES)
    return found or translations.main


async def get_language(
    request: Request,
    response: Response,
    store: Annotated[Store, Depends(get_store)],
    catalog: Annotated[Catalog, Depends(get_catalog)],
    language: Annotated[
        str | None,
        Query(
            max_length=300,
            pattern=LANGUAGES_PATTERN,
            description="The language of the labels and descriptions (BCP 47: fr, es, "
            "en-us), several for a profile's translations (fr,es), or * for every language "
            "loaded. A label the language lacks is the main language's, and says so "
            "(language). Without it, Accept-Language chooses.",
            examples=["fr"],
        ),
    ] = None,
) -> Language:
    """The answer's language; sets ``Content-Language`` and ``Vary: Accept-Language``."""
    if catalog.ready(store):
        translations = catalog.translations(store)
    else:  # the version's indexes are built on first use: seconds, not on the event loop
        translations = await run_in_threadpool(catalog.translations, store)
    chosen = choose(translations, language, request.headers.get("accept-language"))
    response.headers["Content-Language"] = chosen.language
    response.headers["Vary"] = "Accept-Language"
    return chosen


LanguageDep = Annotated[Language, Depends(get_language)]
