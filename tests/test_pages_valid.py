"""Every kind of page for people is valid HTML, SVG included, as the Nu Html Checker (vnu.jar,
the W3C's validator) judges it: each page is fetched from a real server on the bundled sample,
and the checker runs once on all of them (it is slow to start). Its errors fail the test; its
warnings do not.

Needs java (Debian's ``default-jre-headless``) and npm, which fetches the pinned vnu-jar
(``scripts/fetch-npm-file.sh``, checked against its sha512) once into the pytest cache. Without
them the test skips, with the reason, except in CI (``CI=true``), where their absence fails.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from urllib.parse import unquote, urlsplit

import httpx
import pytest

from tests.conftest import npm_files, unavailable

JAVA = shutil.which("java")
# vnu-jar (MIT), pinned: `npm view vnu-jar@VERSION dist.integrity` gives the integrity of another.
VNU_VERSION = "26.9.27"
VNU_INTEGRITY = "sha512-TkQd5DFfOaWC9ebtvozTsrH2Vaod3jYg+vrOeREzIXxBexLz9+rS2DNtjn7+RPUiZhgli0SghgBX6RJRNea0KA=="  # noqa: E501

# Each kind of page: its path and the status it answers with (asked for as a browser does,
# with `Accept: text/html`: concept pages and /resource also answer in RDF, /sparql in JSON).
PAGES: dict[str, tuple[str, int]] = {
    "home": ("/", 200),
    "search": ("/search?q=producer", 200),
    "occupation": ("/esco/occupation/52b9e8dc-de6c-41dd-b29a-e1291c273f6f", 200),
    "skill": ("/esco/skill/97db841c-31bf-4aa0-85b9-0ddd0a77b7a5", 200),
    "isco": ("/esco/isco/C2654", 200),
    "groups": ("/groups", 200),
    "explorer-form": ("/explore", 200),
    "explorer": (
        "/explore?from=5ff7a990-a306-40c2-9224-b2bf7f15b2f9"
        "&to=3b6bea7d-36f4-44fb-ac73-d1cc8a198dcb",
        200,
    ),
    "fit-form": ("/fit", 200),
    "fit": ("/fit?skills=manage+budgets%0Azzzz+qqqq", 200),
    "resource": (
        "/resource?uri=https%3A%2F%2Fw3id.org%2Fskillgraph%2Fid%2Fonet-soc%2F2019%2F27-2012.00",
        200,
    ),
    "query": ("/sparql", 200),
    "not-found": ("/esco/occupation/00000000-0000-0000-0000-000000000000", 404),
    "bad-id": ("/esco/occupation/not-an-id", 422),
}


@pytest.fixture(scope="session")
def vnu_jar(request: pytest.FixtureRequest) -> Path:
    """vnu.jar (and its MIT LICENSE) of the pinned vnu-jar release."""
    if JAVA is None:
        unavailable("java is not installed (apt-get install default-jre-headless); it runs vnu")
    files = ("build/dist/vnu.jar", "LICENSE")
    return npm_files(request, "vnu-jar", VNU_VERSION, VNU_INTEGRITY, files) / "vnu.jar"


def checker_messages(vnu_jar: Path, files: list[Path]) -> list[dict[str, object]]:
    """The Nu Html Checker's errors on the files, in its JSON form, from one run."""
    assert JAVA is not None
    done = subprocess.run(
        [JAVA, "-jar", str(vnu_jar), "--errors-only", "--format", "json", "--stdout"]
        + [str(file) for file in files],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    try:
        report = json.loads(done.stdout)
    except json.JSONDecodeError:
        pytest.fail(
            f"vnu gave no JSON report (exit {done.returncode}):\n{done.stdout}\n{done.stderr}",
            pytrace=False,
        )
    messages: list[dict[str, object]] = report["messages"]
    # It says nothing when all is valid, and exits 1 when it has something to say.
    assert (done.returncode != 0) == bool(messages), (done.returncode, done.stderr)
    return messages


def test_every_kind_of_page_is_valid_html(
    sample_http: httpx.Client, vnu_jar: Path, tmp_path: Path
) -> None:
    files = []
    for kind, (path, status) in PAGES.items():
        response = sample_http.get(path, headers={"Accept": "text/html"})
        assert response.status_code == status, (kind, path, response.status_code)
        assert response.headers["content-type"].startswith("text/html"), (kind, path)
        assert "<html" in response.text, (kind, path)
        file = tmp_path / f"{kind}.html"
        file.write_text(response.text, encoding="utf-8")
        files.append(file)

    messages = checker_messages(vnu_jar, files)

    lines = []
    for message in messages:
        where = Path(unquote(urlsplit(str(message.get("url", ""))).path)).name or "?"
        line = message.get("lastLine", message.get("firstLine", "?"))
        extract = str(message.get("extract", "")).strip().replace("\n", " ")
        lines.append(
            f"{where}:{line}: {message.get('type')}: {message.get('message')}\n    {extract}"
        )
    assert not lines, (
        f"the Nu Html Checker found {len(lines)} error(s) (pages in {tmp_path}):\n"
        + "\n".join(lines)
    )
