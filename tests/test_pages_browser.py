"""The pages for people in a real browser: headless Chromium driven by Playwright, on the
bundled sample served by a real uvicorn server.

Each kind of page is checked by axe-core (no serious or critical WCAG 2.1 A/AA violation), for
horizontal scrolling at 390 px, for requests leaving the server (none may), and photographed at
1280 and 390 px into ``tests/artifacts/screenshots/``. Then what people do: read the producer's
page, search without JavaScript, get suggestions with it.

Needs Debian's chromium (``apt-get install chromium``; Playwright's own browsers are never
downloaded) and npm, which fetches the pinned axe-core (``scripts/fetch-npm-file.sh``, checked
against its sha512) once into the pytest cache. Without them the tests skip, with the reason,
except in CI (``CI=true``), where their absence fails.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    Locator,
    Page,
    Playwright,
    Response,
    Route,
    expect,
    sync_playwright,
)

from service.pages.examples import EXAMPLES
from tests.conftest import REPO, LiveServer, npm_files, running, unavailable

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
# axe-core, pinned: `npm view axe-core@VERSION dist.integrity` gives the integrity of another.
AXE_VERSION = "4.14.1"
AXE_INTEGRITY = "sha512-FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyFNNtuFooJpZe37OgudVGtQ=="  # noqa: E501
SCREENSHOTS = REPO / "tests" / "artifacts" / "screenshots"

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = {"serious", "critical"}
WIDE, NARROW = 1280, 390
HTML_LIMIT = 100_000  # bytes of HTML a page may weigh

PRODUCER_ID = "52b9e8dc-de6c-41dd-b29a-e1291c273f6f"
PRODUCER = f"/esco/occupation/{PRODUCER_ID}"
QUERY_EDITOR = Path(__file__).resolve().parent.parent / "service/pages/static/vendor/yasgui"
PAGES = {
    "home": "/",
    "search": "/search?q=producer",
    "occupation": PRODUCER,
    "skill": None,  # the first skill linked from the producer's page
    "isco": "/esco/isco/C2654",
    "groups": "/groups",
    "not-found": "/esco/occupation/00000000-0000-0000-0000-000000000000",
    "bad-id": "/esco/occupation/not-an-id",
    "explorer": "/explore?from=5ff7a990-a306-40c2-9224-b2bf7f15b2f9"
    "&to=3b6bea7d-36f4-44fb-ac73-d1cc8a198dcb",
    "explorer-form": "/explore",
    "fit": "/fit?skills=manage+budgets%0Aanalyse+a+script%0Azzzz+qqqq",
    "resource": "/resource?uri=https%3A%2F%2Fw3id.org%2Fskillgraph%2Fid%2Fonet-soc%2F2019"
    "%2F27-2012.00",
    "query": "/sparql",
}


@pytest.fixture(scope="session")
def axe_script(request: pytest.FixtureRequest) -> Path:
    """axe.min.js (and its MPL-2.0 LICENSE) of the pinned axe-core release."""
    folder = npm_files(request, "axe-core", AXE_VERSION, AXE_INTEGRITY, ("axe.min.js", "LICENSE"))
    return folder / "axe.min.js"


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's headless Chromium, driven by Playwright, for the whole session."""
    if CHROMIUM is None:
        unavailable("chromium is not installed (apt-get install chromium)")
    expect.set_options(timeout=20_000)  # a deadline for a loaded machine, not a wait
    playwright: Playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
        )
        yield chromium
        chromium.close()
    finally:
        playwright.stop()


@dataclass
class Tab:
    """A page of a browser context whose requests must all go to the test server."""

    page: Page
    outside: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def open_tab(browser: Browser, **options: Any) -> tuple[BrowserContext, Tab]:
    """A new context and page; a request to any host but 127.0.0.1 is aborted and recorded."""
    context = browser.new_context(viewport={"width": WIDE, "height": 900}, **options)
    context.set_default_timeout(30_000)
    tab = Tab(context.new_page())

    def guard(route: Route) -> None:
        if urlsplit(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            tab.outside.append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    tab.page.on("pageerror", lambda error: tab.errors.append(str(error)))
    return context, tab


@pytest.fixture
def tab(browser: Browser) -> Iterator[Tab]:
    context, tab = open_tab(browser)
    yield tab
    context.close()


@pytest.fixture
def no_script_tab(browser: Browser) -> Iterator[Tab]:
    context, tab = open_tab(browser, java_script_enabled=False)
    yield tab
    context.close()


def visit(page: Page, base: str, kind: str) -> Response:
    """Opens the page of ``kind`` (a key of PAGES); the response of its document."""
    path = PAGES[kind]
    if path is not None:
        response = page.goto(base + path)
        assert response is not None
        return response
    page.goto(base + PRODUCER)  # the skill page: followed from the producer's page
    item = page.locator("ul.skills > li").first
    if item.locator("summary").count():
        item.locator("summary").click()  # its description, and the link, open under its name
    with page.expect_response(lambda r: r.request.is_navigation_request()) as answer:
        item.get_by_role("link").click()
    expect(page).to_have_url(re.compile(r"/esco/skill/[0-9a-f-]{36}$"))
    return answer.value


def axe_problems(page: Page, axe_script: Path, where: str) -> list[str]:
    """axe-core's serious and critical violations on the page as it is, one line each."""
    page.add_script_tag(path=axe_script)
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
    )
    assert result["passes"], "axe-core checked nothing"
    return [
        f"{where}: {v['id']} ({v['impact']}) {v['help']}; first of {len(v['nodes'])}: "
        f"{v['nodes'][0]['target']}"
        for v in result["violations"]
        if v["impact"] in BLOCKING
    ]


@pytest.mark.parametrize("kind", list(PAGES))
def test_page_is_accessible_narrow_and_local(
    kind: str, tab: Tab, sample_server: LiveServer, axe_script: Path
) -> None:
    page = tab.page
    response = visit(page, sample_server.url, kind)
    assert response.status == {"not-found": 404, "bad-id": 422}.get(kind, 200)
    assert response.headers["content-type"].startswith("text/html")
    size = len(response.body())
    assert size < HTML_LIMIT, f"{kind}: {size} bytes of HTML"
    expect(page.get_by_role("heading", level=1)).to_have_count(1)

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    problems = axe_problems(page, axe_script, f"{WIDE} px")
    page.screenshot(path=SCREENSHOTS / f"{kind}-{WIDE}.png", full_page=True)

    page.set_viewport_size({"width": NARROW, "height": 844})
    width = page.evaluate("document.documentElement.scrollWidth")
    if width > NARROW:
        problems.append(f"{NARROW} px: the page is {width} px wide (it scrolls sideways)")
    problems += axe_problems(page, axe_script, f"{NARROW} px")
    page.screenshot(path=SCREENSHOTS / f"{kind}-{NARROW}.png", full_page=True)

    assert not problems, f"{kind} ({page.url}):\n" + "\n".join(problems)
    assert tab.outside == [], f"requests that leave the server: {tab.outside}"
    assert tab.errors == [], f"script errors: {tab.errors}"


def section(page: Page, heading: str) -> Locator:
    """The section whose h2 starts with ``heading`` (a count in brackets may follow)."""
    name = re.compile(rf"^{re.escape(heading)}\b")
    return page.locator("section").filter(has=page.get_by_role("heading", level=2, name=name))


def fact(page: Page, term: str) -> Locator:
    """The value of the fact named ``term`` (the dd after the dt) in the page's facts."""
    return page.locator("dl.facts dt", has_text=term).locator("xpath=following-sibling::dd[1]")


def test_the_producer_page_shows_what_the_esco_portal_shows(
    tab: Tab, sample_server: LiveServer, sample_http: httpx.Client
) -> None:
    page = tab.page
    page.goto(sample_server.url + PRODUCER)
    expect(page.get_by_role("heading", level=1)).to_have_text("producer")
    expect(section(page, "Essential knowledge").locator("ul > li")).to_have_count(3)
    expect(section(page, "Essential skills").locator("ul > li")).to_have_count(7)
    expect(fact(page, "ISCO-08 group")).to_contain_text(re.compile(r"^2654\b"))
    expect(fact(page, "ISCO skill level")).to_contain_text(re.compile(r"^4 of 4\b"))
    expect(fact(page, "Holland code")).to_have_text("Artistic, Enterprising")

    similar = sample_http.get(f"/occupations/{PRODUCER_ID}/similar", params={"limit": 5})
    assert similar.status_code == 200
    expected = similar.json()["items"]
    assert len(expected) == 5  # the sample has at least five
    listed = section(page, "Similar occupations").locator("ol > li")
    expect(listed).to_have_count(len(expected))
    expect(listed.locator("a:first-child")).to_have_text([item["label"] for item in expected])

    listed.first.get_by_role("link", name=expected[0]["label"], exact=True).click()
    expect(page).to_have_url(sample_server.url + f"/esco/occupation/{expected[0]['id']}")
    expect(page.get_by_role("heading", level=1)).to_have_text(expected[0]["label"])
    assert tab.outside == []


def test_search_works_without_javascript(no_script_tab: Tab, sample_server: LiveServer) -> None:
    page = no_script_tab.page
    page.goto(sample_server.url + "/groups")
    header = page.locator("header.site")
    header.get_by_role("searchbox").fill("producer")
    header.get_by_role("button", name="Search").click()
    expect(page).to_have_url(sample_server.url + "/search?q=producer")
    hits = section(page, "Occupations").locator("ol > li")
    expect(hits.first.get_by_role("link").first).to_have_text("producer")
    assert no_script_tab.outside == []


def test_typing_in_the_home_search_box_suggests(tab: Tab, sample_server: LiveServer) -> None:
    page = tab.page
    page.goto(sample_server.url + "/")
    box = page.get_by_role("searchbox", name="Search a job title or a skill")
    box.press_sequentially("produc")
    suggestions = page.locator("form.big-search .suggestions")
    expect(suggestions).to_be_visible()
    expect(suggestions.locator("li").first).to_contain_text("producer")
    expect(suggestions.locator("li a").first).to_have_attribute(
        "href", re.compile(r"^/esco/(occupation|skill)/")
    )
    assert tab.outside == []
    assert tab.errors == []


def test_an_example_query_runs_from_the_query_page(
    tab: Tab, no_script_tab: Tab, sample_server: LiveServer
) -> None:
    # Without JavaScript: the form, its first example, its answer as JSON.
    plain = no_script_tab.page
    plain.goto(sample_server.url + "/sparql")
    with plain.expect_navigation():
        plain.get_by_role("button", name="Run").click()
    answer = json.loads(plain.locator("body").inner_text())
    # The producer's essential knowledge and skills: 3 and 7.
    assert len(answer["results"]["bindings"]) == 10
    # With it: the YASGUI editor where it is vendored (CI vendors it), its examples as
    # tabs; the query runs against this endpoint and its results are a table.
    page = tab.page
    page.goto(sample_server.url + "/sparql")
    if not (QUERY_EDITOR / "yasgui.min.js").is_file():
        expect(page.locator("#query-form")).to_be_visible()
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            unavailable("YASGUI is not vendored (scripts/vendor-yasgui.sh)")
        return
    expect(page.locator("#query-form")).to_be_hidden()
    expect(page.get_by_role("tab")).to_have_count(len(EXAMPLES))
    page.locator(".yasqe_queryButton").click()
    rows = page.locator(".yasr table.dataTable tbody tr")
    expect(rows).to_have_count(10)
    expect(page.locator(".yasr")).to_contain_text("manage budgets")
    assert tab.outside == []
    assert tab.errors == []


def newcomer(tab: Tab, base: str) -> None:
    """What the issue's newcomer does: from the home page, find producer, read its page,
    follow a similar occupation, see a path to it drawn, and run an example query."""
    page = tab.page
    page.goto(base + "/")
    box = page.get_by_role("searchbox", name="Search a job title or a skill")
    box.fill("producer")
    box.press("Enter")
    expect(page).to_have_url(re.compile(r"/search\?q=producer$"))
    section(page, "Occupations").get_by_role("link", name="producer", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("producer")
    similar = section(page, "Similar occupations").locator("ol > li").first
    name = similar.locator("a").first.inner_text()
    similar.get_by_role("link", name="the move from here").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(name)
    picture = page.locator("figure.path svg").first
    expect(picture).to_be_visible()
    expect(picture.locator("title")).to_contain_text(name)
    page.get_by_role("navigation", name="Site").get_by_role("link", name="SPARQL").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Query the graph")
    if (QUERY_EDITOR / "yasgui.min.js").is_file():
        page.locator(".yasqe_queryButton").click()
        expect(page.locator(".yasr table.dataTable tbody tr").first).to_be_visible()
    else:
        with page.expect_navigation():
            page.get_by_role("button", name="Run").click()
        assert json.loads(page.locator("body").inner_text())["results"]["bindings"]
    assert tab.outside == [], f"requests that leave the server: {tab.outside}"
    assert tab.errors == [], f"script errors: {tab.errors}"


def test_a_newcomer_finds_producer_a_similar_one_a_path_and_a_query(
    tab: Tab, sample_server: LiveServer
) -> None:
    newcomer(tab, sample_server.url)


# --- The full classification (../shared/esco-v1.2.0 with O*NET) -------------------------

FULL_PAGES = {
    "home": "/",
    "search": "/search?q=production+manager",
    "occupation": PRODUCER,
    "skill": "/esco/skill/97db841c-31bf-4aa0-85b9-0ddd0a77b7a5",
    "isco": "/esco/isco/C2654",
    "groups": "/groups",
    "explorer": f"/explore?from={PRODUCER_ID}&to=3b6bea7d-36f4-44fb-ac73-d1cc8a198dcb",
    "how to become": f"/explore?to={PRODUCER_ID}",
    "fit": "/fit?skills=manage+budgets%0Aanalyse+a+script%0Aproject+management",
}


@pytest.fixture(scope="module")
def full_pages_server(full_root: Path) -> Iterator[LiveServer]:
    with running(full_root) as server:
        yield server


@pytest.mark.fulldata
def test_pages_on_the_full_classification(
    tab: Tab, full_pages_server: LiveServer, axe_script: Path
) -> None:
    page = tab.page
    base = full_pages_server.url
    problems: list[str] = []
    for kind, path in FULL_PAGES.items():
        page.set_viewport_size({"width": WIDE, "height": 900})
        response = page.goto(base + path)
        assert response is not None and response.status == 200, (kind, path)
        size = len(response.body())
        if size >= HTML_LIMIT:
            problems.append(f"{kind}: {size} bytes of HTML")
        problems += axe_problems(page, axe_script, f"{kind}, {WIDE} px")
        page.set_viewport_size({"width": NARROW, "height": 844})
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > NARROW:
            problems.append(f"{kind}: {width} px wide at {NARROW} px")
    assert not problems, "\n".join(problems)
    # The producer's page as the ESCO portal shows it, with its O*NET interests.
    page.set_viewport_size({"width": WIDE, "height": 900})
    page.goto(base + PRODUCER)
    expect(section(page, "Essential knowledge").locator("ul > li")).to_have_count(3)
    expect(section(page, "Essential skills").locator("ul > li")).to_have_count(7)
    expect(fact(page, "ISCO-08 group")).to_contain_text(re.compile(r"^2654\b"))
    expect(fact(page, "ISCO skill level")).to_contain_text(re.compile(r"^4 of 4\b"))
    expect(fact(page, "Holland code")).to_have_text("Artistic, Enterprising")
    expect(section(page, "Similar occupations").locator("ol > li")).to_have_count(5)
    newcomer(tab, base)
