"""The JSON contract in one place: every answer service/answers.py shapes from the catalog's
typed values is exactly what the response model the API documents describes.

Each shaped answer is validated by its model and dumped back: the two must be equal, so a
field the shaping adds that the model does not document (FastAPI would drop it silently), a
documented field it leaves out (the model would fill in a default), or a value of another
type fails here, for every kind of answer, on the bundled sample in three languages.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import BaseModel
from pyoxigraph import Store

from graph.catalog import Catalog
from graph.store import LiveStore
from service import answers, models
from service.app import create_app
from service.examples import CAMERA_OPERATOR, MANAGE_BUDGETS, PRODUCER
from service.settings import Settings

Answer = Callable[[Catalog, Store, str], dict[str, Any]]

CASES: dict[str, tuple[type[BaseModel], Answer]] = {
    "profile": (
        models.OccupationProfile,
        lambda c, s, lang: answers.occupation_profile(c.occupation(s, PRODUCER, language=lang)),
    ),
    "profile with translations": (
        models.OccupationProfile,
        lambda c, s, lang: answers.occupation_profile(
            c.occupation(s, PRODUCER, language=lang, languages=(lang, "es", "fr"))
        ),
    ),
    "similar": (
        models.RelatedOccupations,
        lambda c, s, lang: answers.related_occupations(
            c.related_occupations(s, PRODUCER, kind="similar", limit=20, language=lang)
        ),
    ),
    "prospects": (
        models.RelatedOccupations,
        lambda c, s, lang: answers.related_occupations(
            c.related_occupations(s, CAMERA_OPERATOR, kind="prospects", limit=20, language=lang)
        ),
    ),
    "mappings": (
        models.Mappings,
        lambda c, s, lang: answers.mappings(c.mappings(s, PRODUCER, language=lang)),
    ),
    "skill gap": (
        models.SkillGap,
        lambda c, s, lang: answers.skill_gap(
            c.skill_gap(s, CAMERA_OPERATOR, PRODUCER, language=lang)
        ),
    ),
    "paths": (
        models.CareerPaths,
        lambda c, s, lang: answers.career_paths(
            c.career_paths(s, CAMERA_OPERATOR, PRODUCER, max_steps=3, limit=5, language=lang)
        ),
    ),
    "no path": (
        models.CareerPaths,
        lambda c, s, lang: answers.career_paths(
            c.career_paths(s, PRODUCER, PRODUCER, max_steps=3, limit=5, language=lang)
        ),
    ),
    "match": (
        models.MatchResult,
        lambda c, s, lang: answers.match_result(
            c.match(s, ["manage budgets", MANAGE_BUDGETS, "juggling"], language=lang)
        ),
    ),
    "search occupations": (
        models.OccupationList,
        lambda c, s, lang: answers.occupation_hits(
            c.search_occupations(s, "music producers", limit=5, language=lang)
        ),
    ),
    "list occupations": (
        models.OccupationList,
        lambda c, s, lang: answers.occupation_hits(
            c.search_occupations(s, "", limit=5, language=lang)
        ),
    ),
    "search skills": (
        models.SkillList,
        lambda c, s, lang: answers.skill_hits(c.search_skills(s, "budget", limit=5, language=lang)),
    ),
    "list skills": (
        models.SkillList,
        lambda c, s, lang: answers.skill_hits(c.search_skills(s, "", limit=5, language=lang)),
    ),
    "suggest": (
        models.Suggestions,
        lambda c, s, lang: answers.suggestions(
            c.suggest(s, "prod", limit=10, types=frozenset({"occupation", "skill"}), language=lang)
        ),
    ),
    "skill": (
        models.SkillProfile,
        lambda c, s, lang: answers.skill_profile(
            c.skill(s, MANAGE_BUDGETS, language=lang, languages=(lang,))
        ),
    ),
    "ISCO group": (
        models.IscoGroup,
        lambda c, s, lang: answers.isco_group(c.isco_group(s, "265", limit=5, language=lang)),
    ),
}


@pytest.fixture(scope="module")
def sample(sample_root: Path) -> tuple[Catalog, Store]:
    return Catalog(), LiveStore(sample_root).get().store


@pytest.mark.parametrize("language", ["en", "fr", "es"])
@pytest.mark.parametrize("case", list(CASES))
def test_every_shaped_answer_is_exactly_its_documented_model(
    sample: tuple[Catalog, Store], case: str, language: str
) -> None:
    model, answer = CASES[case]
    shaped = answer(*sample, language)
    documented = model.model_validate(shaped).model_dump(mode="json", by_alias=True)
    assert documented == shaped, case


def test_answers_in_another_language_say_so(sample: tuple[Catalog, Store]) -> None:
    catalog, store = sample
    profile = answers.occupation_profile(catalog.occupation(store, PRODUCER, language="fr"))
    assert profile["language"] == "fr"
    assert {s["language"] for s in profile["essential_skills"]} <= {"fr", "en"}
    assert any(s["language"] == "fr" for s in profile["essential_skills"])


def test_a_version_without_its_indexes_builds_them_off_the_event_loop(
    sample_root: Path,
) -> None:
    """A server whose preparation of a version failed builds its indexes on first use: that
    takes seconds, and requests that need no index (the docs page) must be answered
    meanwhile, which they would not be if the in-memory answers ran on the event loop before
    the indexes exist."""

    async def race() -> list[str]:
        app = create_app(Settings(store=sample_root))
        async with app.router.lifespan_context(app):
            catalog: Catalog = app.state.catalog
            catalog.retire(app.state.store_source.get())  # as if preparing had failed
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://sg") as client:
                finished: list[str] = []

                async def ask(name: str, path: str) -> None:
                    response = await client.get(path)
                    assert response.status_code == 200, response.text
                    finished.append(name)

                profile = asyncio.create_task(ask("profile", f"/occupations/{PRODUCER}/similar"))
                await asyncio.sleep(0)  # the profile request is on its way first
                await ask("docs", "/docs")
                await profile
                return finished

    assert asyncio.run(race()) == ["docs", "profile"]
