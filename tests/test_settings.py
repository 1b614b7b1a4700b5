"""Settings written once (``service.settings.SETTINGS``): the options of the real CLI and their
environment variables, the defaults of ``Settings``, the README's tables."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.core import ParameterSource
from click.testing import CliRunner

from engine import Limits
from service.settings import BY_NAME, MIB, SETTINGS, Setting, Settings, markdown_table
from skillgraph.cli import main
from skillgraph.pipeline import default_store

REPO = Path(__file__).resolve().parent.parent
SKILLGRAPH = str(Path(sys.executable).with_name("skillgraph"))
COMMANDS = ("load", "info", "serve", "query")
ARGUMENTS = {"load": ["bundle.zip"]}
"""What a command needs besides its options to parse."""


@pytest.fixture(autouse=True)
def _no_settings_in_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """The tests' own environment names no setting."""
    for setting in SETTINGS:
        monkeypatch.delenv(setting.env, raising=False)


def _options(command: str) -> list[Setting]:
    return [setting for setting in SETTINGS if command in setting.commands]


def _example(setting: Setting, tmp_path: Path, nth: int) -> tuple[str, Any]:
    """The ``nth`` value (1, 2) ``setting`` takes other than its default: as the command line
    or its variable gives it, and as the command receives it."""
    if setting.choices:
        choice = [c for c in setting.choices if c != setting.default][nth - 1]
        return choice, choice
    if setting.kind is Path:
        return str(tmp_path / f"store{nth}"), tmp_path / f"store{nth}"
    if setting.multiple:
        urls = tuple(f"http://{nth}-{i}.example.org/sparql" for i in range(2))
        return " ".join(urls), urls
    if setting.kind in (int, float):
        base = setting.default if setting.default is not None else setting.minimum
        assert base is not None
        value = setting.kind(base + nth)
        return str(value), value
    return f"host{nth}.example.org", f"host{nth}.example.org"


def _parse(command: str, args: list[str]) -> tuple[dict[str, Any], dict[str, Any]]:
    """What the real command receives from ``args`` and the environment, and where from."""
    context = main.commands[command].make_context(command, [*ARGUMENTS.get(command, []), *args])
    sources = {name: context.get_parameter_source(name) for name in context.params}
    return context.params, sources


def _readme_table(heading: str) -> list[str]:
    """The table's lines in the README section that ``heading`` opens."""
    text = (REPO / "README.md").read_text()
    section = text.split(heading + "\n", 1)[1].split("\n#", 1)[0]
    return [line for line in section.splitlines() if line.startswith("|")]


def test_the_readme_table_is_the_generated_one() -> None:
    generated = markdown_table().splitlines()
    assert _readme_table("## Configuration") == generated, (
        "the README's settings table differs from service/settings.py: replace it with the "
        "output of `.venv/bin/python -m service.settings`"
    )
    printed = subprocess.run(
        [sys.executable, "-m", "service.settings"], capture_output=True, text=True, check=True
    ).stdout
    assert printed.splitlines() == generated


def test_the_readme_limits_table_gives_the_same_defaults() -> None:
    """The SPARQL limits' table names options and defaults too: they agree with the table."""
    checked = set()
    for line in _readme_table("### Limits: safe to put on the internet")[2:]:
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        option = re.match(r"`(--[a-z-]+)", cells[2])
        if option is None:
            continue
        setting = BY_NAME[option.group(1)[2:].replace("-", "_")]
        if cells[1] == "none":
            assert setting.default in (None, ()), setting.name
        else:
            assert float(cells[1].split()[0].replace(",", "")) == setting.default, setting.name
        checked.add(setting.name)
    assert checked == {
        "query_timeout",
        "query_memory_mb",
        "sparql_workers",
        "sparql_queue",
        "max_results",
        "allow_service",
    }


def test_settings_take_their_defaults_from_the_table(tmp_path: Path) -> None:
    defaults = Settings()
    assert defaults == Settings.from_options({})
    assert defaults == Settings.from_options({s.name: s.default for s in SETTINGS})
    assert defaults.sparql == Limits()
    for setting in SETTINGS:
        if not setting.field:
            continue
        holder: Any = defaults
        for part in setting.field.split("."):
            holder = getattr(holder, part)
        assert holder == setting.to_field(setting.default), setting.name
    assert defaults.response_cache_bytes == BY_NAME["cache_mb"].default * MIB
    # Every option of serve that sets a field reaches it, in the field's unit.
    given = {s.name: _example(s, tmp_path, 1)[1] for s in _options("serve")}
    settings = Settings.from_options(given)
    assert settings.store == tmp_path / "store1"
    assert settings.response_cache_bytes == given["cache_mb"] * MIB
    assert settings.sparql == Limits(
        timeout=given["query_timeout"],
        memory_bytes=given["query_memory_mb"] * MIB,
        workers=given["sparql_workers"],
        queue=given["sparql_queue"],
        max_results=given["max_results"],
    )
    assert settings.allowed_services == frozenset(given["allow_service"])


def test_names_options_and_variables_follow_one_rule() -> None:
    assert len({s.name for s in SETTINGS}) == len({s.env for s in SETTINGS}) == len(SETTINGS)
    for setting in SETTINGS:
        assert setting.help.endswith(".") and "\n" not in setting.help
        if setting.commands:
            assert setting.option == "--" + setting.name.replace("_", "-")
            assert setting.env == "SKILLGRAPH_" + setting.name.upper()
    # Every option of serve is a setting: none is declared beside the table.
    serve = main.commands["serve"]
    declared = {p.name for p in serve.params if p.name != "help"}
    assert declared == {s.name for s in _options("serve")}


@pytest.mark.parametrize("command", COMMANDS)
def test_every_option_is_read_from_its_variable_and_the_option_wins(
    command: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = _options(command)
    assert settings, command
    params, sources = _parse(command, [])
    for setting in settings:
        assert params[setting.name] == setting.default, setting.name
        assert sources[setting.name] is ParameterSource.DEFAULT, setting.name
    for setting in settings:
        monkeypatch.setenv(setting.env, _example(setting, tmp_path, 1)[0])
    params, sources = _parse(command, [])
    for setting in settings:
        assert params[setting.name] == _example(setting, tmp_path, 1)[1], setting.name
        assert sources[setting.name] is ParameterSource.ENVIRONMENT, setting.name
    # An option given wins over its variable.
    args = []
    for setting in settings:
        text, _ = _example(setting, tmp_path, 2)
        for value in text.split() if setting.multiple else [text]:
            args += [setting.option, value]
    params, sources = _parse(command, args)
    for setting in settings:
        assert params[setting.name] == _example(setting, tmp_path, 2)[1], setting.name
        assert sources[setting.name] is ParameterSource.COMMANDLINE, setting.name


def test_help_names_every_option_its_variable_and_default() -> None:
    result = CliRunner().invoke(main, ["serve", "--help"], terminal_width=200)
    assert result.exit_code == 0
    assert "TCP port to listen on" in result.output
    flat = " ".join(result.output.split())
    for setting in _options("serve"):
        assert setting.option in flat
        assert f"env var: {setting.env}" in flat
        if setting.default not in (None, ()):
            assert f"default: {setting.default}" in flat, setting.name


@pytest.mark.parametrize(
    ("command", "env", "args", "line"),
    [
        (
            "serve",
            {"SKILLGRAPH_PORT": "abc"},
            [],
            "SKILLGRAPH_PORT=abc is not a whole number from 0 to 65535",
        ),
        (
            "serve",
            {"SKILLGRAPH_QUERY_TIMEOUT": "soon"},
            [],
            "SKILLGRAPH_QUERY_TIMEOUT=soon is not a number from 0.1 to 86400",
        ),
        (
            "serve",
            {"SKILLGRAPH_LOG_LEVEL": "loud"},
            [],
            "SKILLGRAPH_LOG_LEVEL=loud is not one of critical, error, warning, info, debug",
        ),
        (
            "serve",
            {"SKILLGRAPH_MAX_RESULTS": "0"},
            [],
            "SKILLGRAPH_MAX_RESULTS=0 is not a whole number of at least 1",
        ),
        ("serve", {}, ["--cache-mb", "-1"], "--cache-mb -1 is not a whole number from 0 to 65536"),
        ("serve", {}, ["--workers", "many"], "--workers many is not a whole number from 1 to 64"),
        ("info", {"SKILLGRAPH_STORE": "{file}"}, [], "SKILLGRAPH_STORE={file} is not a directory"),
    ],
)
def test_a_bad_value_is_one_line_naming_where_it_came_from_and_exit_1(
    command: str, env: dict[str, str], args: list[str], line: str, tmp_path: Path
) -> None:
    file = tmp_path / "a-file"
    file.write_text("")
    env = {name: value.format(file=file) for name, value in env.items()}
    result = CliRunner().invoke(main, [command, *args], env=env)
    assert result.exit_code == 1
    assert result.output.splitlines() == ["Error: " + line.format(file=file)]


def test_an_option_given_is_not_spoilt_by_a_bad_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SKILLGRAPH_PORT", "abc")
    params, sources = _parse("serve", ["--port", "0"])
    assert params["port"] == 0 and sources["port"] is ParameterSource.COMMANDLINE


def test_xdg_data_home_and_its_default_place_the_default_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    documented = Path(BY_NAME["data_home"].default_text).expanduser()
    assert default_store() == documented / "skillgraph" / "store"
    assert documented == tmp_path / "home" / ".local" / "share"
    monkeypatch.setenv(BY_NAME["data_home"].env, str(tmp_path / "data"))
    assert default_store() == tmp_path / "data" / "skillgraph" / "store"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def served_from_the_environment(sample_root: Path, tmp_path: Path) -> Iterator[tuple[str, str]]:
    """``skillgraph serve`` in a process of its own, given its settings by environment
    variables (and ``--max-results 2`` on its command line, over ``SKILLGRAPH_MAX_RESULTS=1``);
    yields its URL and its log."""
    port = _free_port()
    refused = f"http://127.0.0.1:{_free_port()}/sparql"  # nothing listens there
    env = {name: value for name, value in os.environ.items() if not name.startswith("SKILLGRAPH_")}
    env |= {
        "SKILLGRAPH_STORE": str(sample_root),
        "SKILLGRAPH_PORT": str(port),
        "SKILLGRAPH_CACHE_MB": "0",
        "SKILLGRAPH_LOG_LEVEL": "warning",
        "SKILLGRAPH_MAX_RESULTS": "1",
        "SKILLGRAPH_ALLOW_SERVICE": f"http://one.example.org/sparql {refused}",
    }
    url = f"http://127.0.0.1:{port}"
    log = tmp_path / "serve.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [SKILLGRAPH, "serve", "--max-results", "2"], env=env, stdout=out, stderr=out
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(url + "/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert process.poll() is None, log.read_text()
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.1)
        yield url, refused
    finally:
        process.terminate()
        process.wait(timeout=30)
    assert "INFO" not in log.read_text()  # SKILLGRAPH_LOG_LEVEL=warning


def test_serve_takes_its_settings_from_the_environment(
    served_from_the_environment: tuple[str, str],
) -> None:
    url, refused = served_from_the_environment
    with httpx.Client(base_url=url, timeout=30) as client:
        # SKILLGRAPH_CACHE_MB=0: no answer is kept, so none carries an ETag.
        answer = client.get("/occupations", params={"limit": 1})
        assert answer.status_code == 200 and "etag" not in answer.headers
        # --max-results 2 wins over SKILLGRAPH_MAX_RESULTS=1, in the SPARQL workers too.
        rows = client.get(
            "/sparql",
            params={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 10"},
            headers={"Accept": "application/sparql-results+json"},
        )
        assert rows.status_code == 200
        assert rows.headers["x-sparql-maxrows"] == "2"
        assert len(rows.json()["results"]["bindings"]) == 2

        def service(endpoint: str) -> httpx.Response:
            query = f"SELECT * WHERE {{ SERVICE <{endpoint}> {{ ?s ?p ?o }} }}"
            return client.get("/sparql", params={"query": query})

        # SKILLGRAPH_ALLOW_SERVICE: both endpoints it names may be called (the second
        # refuses the connection: 502), any other is refused before evaluation (400).
        assert service(refused).status_code == 502
        assert service("http://other.example.org/sparql").status_code == 400
