"""Settings, each written once in :data:`SETTINGS`, and the app's :class:`Settings`.

A :class:`Setting` is one row of the table: its name (``cache_mb``, from which its option
``--cache-mb`` and its environment variable ``SKILLGRAPH_CACHE_MB``), its default, the values
it takes, what it does, and the :class:`Settings` field it sets. From the table come:

- the defaults of :class:`Settings`, the settings ``create_app`` takes, and
  :meth:`Settings.from_options`, which turns option values into them;
- the options of ``skillgraph serve``, and the ``--store`` every command takes, each also
  read from its environment variable (``skillgraph.cli``); an option given wins over its
  variable, which wins over the default;
- the README's table of settings: ``python -m service.settings`` prints it (a test holds the
  README to it).

The SPARQL limits' defaults are the engine's own (:class:`engine.Limits`), which the table
reads rather than restates.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine import Limits

MIB = 1024 * 1024
ENV_PREFIX = "SKILLGRAPH_"

_ENGINE = Limits()


@dataclass(frozen=True)
class Setting:
    """One setting: how it is named, given, checked and documented."""

    name: str
    """Its name in snake case: ``cache_mb`` is ``--cache-mb`` and ``SKILLGRAPH_CACHE_MB``."""
    default: Any
    """Its value when neither its option nor its variable is given (``None``: unset)."""
    help: str
    """What it does, in a sentence or two (``--help`` and the README)."""
    kind: type[Any] = str
    """Its values' type: ``str``, ``int``, ``float`` or ``Path`` (a directory)."""
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[str, ...] = ()
    multiple: bool = False
    """Repeatable; its environment variable holds the values separated by spaces."""
    metavar: str = ""
    """What stands for its value in ``--help`` and the README (``N``, ``URL``)."""
    commands: tuple[str, ...] = ("serve",)
    """The commands that take it as an option; none: it is an environment variable only."""
    field: str = ""
    """The :class:`Settings` field it sets (``sparql.timeout``: a field of the SPARQL
    limits); empty for what the command uses itself (where to listen, how many processes)."""
    unit: int = 1
    """One of its units in the field's (``MIB`` for a size given in MB, held in bytes)."""
    default_text: str = ""
    """Its default in words, where that depends on more than a value."""
    note: str = ""
    """What the README says beyond ``help`` (a consequence, a link)."""
    env_name: str = ""
    """Its environment variable, where that is not ``SKILLGRAPH_`` and its name."""

    @property
    def option(self) -> str:
        """Its option, ``--cache-mb``, or ``""`` where it has none."""
        return "--" + self.name.replace("_", "-") if self.commands else ""

    @property
    def env(self) -> str:
        """Its environment variable, ``SKILLGRAPH_CACHE_MB``."""
        return self.env_name or ENV_PREFIX + self.name.upper()

    def expected(self) -> str:
        """The values it takes, as an error message says them: ``a whole number from 0 to
        65535``."""
        if self.choices:
            return "one of " + ", ".join(self.choices)
        if self.kind is Path:
            return "a directory"
        if self.kind not in (int, float):
            return "a text"
        noun = "a whole number" if self.kind is int else "a number"
        low, high = (_number(v) for v in (self.minimum, self.maximum))
        if self.minimum is not None and self.maximum is not None:
            return f"{noun} from {low} to {high}"
        if self.minimum is not None:
            return f"{noun} of at least {low}"
        if self.maximum is not None:
            return f"{noun} of at most {high}"
        return noun

    def to_field(self, value: Any) -> Any:
        """``value``, as the option takes it, as the :class:`Settings` field holds it."""
        if value is None:
            return None
        if self.multiple:
            return frozenset(self.kind(item) for item in value)
        value = self.kind(value)
        return value * self.unit if self.unit != 1 else value


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "store",
        None,
        "Store directory to load into, serve, query or describe.",
        kind=Path,
        metavar="DIR",
        commands=("load", "info", "serve", "query", "changes"),
        field="store",
        default_text="$XDG_DATA_HOME/skillgraph/store; to serve, query or describe, the "
        "bundled sample until a load has made that store",
    ),
    Setting("host", "127.0.0.1", "Interface to listen on.", metavar="HOST"),
    Setting(
        "port",
        8000,
        "TCP port to listen on (0: any free one).",
        kind=int,
        minimum=0,
        maximum=65535,
        metavar="PORT",
    ),
    Setting(
        "workers",
        1,
        "Server processes sharing the read-only store.",
        kind=int,
        minimum=1,
        maximum=64,
        metavar="N",
    ),
    Setting(
        "cache_mb",
        64,
        "Memory per process for JSON answers kept per store version; 0 turns it off.",
        kind=int,
        minimum=0,
        maximum=65536,
        metavar="MB",
        field="response_cache_bytes",
        unit=MIB,
        note="Answers carry an `ETag` naming the store version, and `If-None-Match` gets `304`.",
    ),
    Setting(
        "log_level",
        "info",
        "How much the server logs, uvicorn's lines and skillgraph's own.",
        choices=("critical", "error", "warning", "info", "debug"),
    ),
    Setting(
        "query_timeout",
        _ENGINE.timeout,
        "Seconds a SPARQL query may take, from its hand-over to the engine (once read and "
        "screened) to its answer's last byte.",
        kind=float,
        minimum=0.1,
        maximum=86400,
        metavar="SECONDS",
        field="sparql.timeout",
        note="See [Limits](#limits-safe-to-put-on-the-internet).",
    ),
    Setting(
        "query_memory_mb",
        _ENGINE.memory_bytes // MIB,
        "Memory a SPARQL query's worker may grow by before the query is stopped.",
        kind=int,
        minimum=16,
        maximum=1 << 20,
        metavar="MB",
        field="sparql.memory_bytes",
        unit=MIB,
    ),
    Setting(
        "sparql_workers",
        _ENGINE.workers,
        "SPARQL queries evaluated at once, each in a worker process (per server process).",
        kind=int,
        minimum=1,
        maximum=64,
        metavar="N",
        field="sparql.workers",
    ),
    Setting(
        "sparql_queue",
        _ENGINE.queue,
        "SPARQL queries that may wait for a worker; more are answered 503 with Retry-After.",
        kind=int,
        minimum=0,
        maximum=10000,
        metavar="N",
        field="sparql.queue",
    ),
    Setting(
        "max_results",
        _ENGINE.max_results,
        "Cut SPARQL answers after this many rows or triples (X-SPARQL-MaxRows says so).",
        kind=int,
        minimum=1,
        metavar="N",
        field="sparql.max_results",
    ),
    Setting(
        "allow_service",
        (),
        "An endpoint SPARQL SERVICE clauses may call (repeatable; in the variable, separated "
        "by spaces); any other is refused.",
        multiple=True,
        metavar="URL",
        field="allowed_services",
    ),
    Setting(
        "data_home",
        None,
        "Holds the default store, skillgraph/store.",
        commands=(),
        default_text="~/.local/share",
        env_name="XDG_DATA_HOME",
    ),
    Setting(
        "cache",
        None,
        "Where the sample store is built on first use.",
        commands=(),
        default_text="~/.cache/skillgraph",
    ),
)
"""Every setting, in the order ``--help`` and the README list them."""

BY_NAME: Mapping[str, Setting] = {setting.name: setting for setting in SETTINGS}


_DEFAULTS: Mapping[str, Any] = {
    setting.field: setting.to_field(setting.default) for setting in SETTINGS if setting.field
}
"""The defaults of the :class:`Settings` fields the table sets, by field name."""


@dataclass(frozen=True)
class Settings:
    """How the service runs. The fields a user sets take their defaults from
    :data:`SETTINGS`; the others are for code that builds an app."""

    store: Path | None = _DEFAULTS["store"]
    """The store directory to serve (its active version, followed across loads)."""
    title: str = "skillgraph"
    cors_origins: tuple[str, ...] = ("*",)
    """Origins allowed to call the API from a browser: the data is public and read-only."""
    reload_check_seconds: float = 1.0
    """How often to look whether a load has published a new store version."""
    store_threads: int = 4
    """Requests the JSON API answers from the store at once in one process; the rest wait
    their turn. SPARQL queries run in worker processes of their own (see ``sparql``)."""
    response_cache_bytes: int = _DEFAULTS["response_cache_bytes"]
    """Memory for JSON answers kept per store version (0 turns the cache off)."""
    sparql: Limits = field(default_factory=Limits)
    """What a SPARQL query may take: time, memory, rows; how many run at once and wait."""
    allowed_services: frozenset[str] = _DEFAULTS["allowed_services"]
    """The endpoints SERVICE clauses may call (exact URLs); any other SERVICE is refused."""

    @classmethod
    def from_options(cls, options: Mapping[str, Any]) -> Settings:
        """The settings that option values give, by setting name (``{"cache_mb": 0}``), as
        ``skillgraph serve`` takes them; what is not given keeps its default, and what sets
        no field (``port``) is left to the command."""
        top: dict[str, Any] = {}
        sparql: dict[str, Any] = {}
        for setting in SETTINGS:
            if setting.field and setting.name in options:
                group, _, name = setting.field.rpartition(".")
                (sparql if group == "sparql" else top)[name] = setting.to_field(
                    options[setting.name]
                )
        return cls(**top, sparql=Limits(**sparql))


def markdown_table() -> str:
    """The README's table of settings."""
    lines = [
        "| Option | Environment variable | Default | What it does |",
        "| --- | --- | --- | --- |",
    ]
    for setting in SETTINGS:
        option = ""
        if setting.option:
            option = f"`{setting.option}`"
            if setting.metavar:
                option = f"`{setting.option} {setting.metavar}`"
            if setting.commands != ("serve",):
                option += " (" + ", ".join(setting.commands) + ")"
        what = setting.help
        if setting.choices:
            what += " One of " + ", ".join(f"`{choice}`" for choice in setting.choices) + "."
        if setting.note:
            what += " " + setting.note
        lines.append(f"| {option} | `{setting.env}` | {_shown_default(setting)} | {what} |")
    return "\n".join(lines) + "\n"


def _shown_default(setting: Setting) -> str:
    if setting.default_text:
        return setting.default_text
    if setting.default in (None, ()):
        return "none"
    return f"`{setting.default}`"


def _number(value: float | None) -> str:
    """``value`` as people write it: ``0.1``, ``86400`` (not ``86400.0``)."""
    return f"{value:g}" if isinstance(value, float) else str(value)


if __name__ == "__main__":
    sys.stdout.write(markdown_table())
