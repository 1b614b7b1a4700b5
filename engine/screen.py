"""What a query text is made of, found before any engine sees it.

Two facts decide whether a text may reach the engine at all:

- how deeply it nests (brackets, and runs of prefix operators such as ``!!!!`` or ``^^^``):
  Oxigraph's parser recurses once per level, so a few thousand levels overflow a thread's
  stack and kill the process;
- which endpoints its ``SERVICE`` clauses call: the engine would send HTTP requests to any
  host, port and path a query names.

:func:`screen` reads the text as the SPARQL grammar's tokenizer does (comments, the four
kinds of strings, IRIs, variables and prefixed names are single tokens), so that a
``SERVICE`` or a ``{`` inside a string, an IRI or a comment counts for nothing. It does not
parse: the engine's parser still judges the syntax.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urljoin

_TOKEN = re.compile(
    r"""
      (?P<space>\s+)
    | (?P<comment>\#[^\n\r]*)
    | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
    | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''
               | \"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
               | '(?:[^'\\\n\r]|\\.)*'
               | "(?:[^"\\\n\r]|\\.)*")
    | (?P<var>[?$][\w\u00b7\u0300-\u036f\u203f-\u2040]+)
    | (?P<name>[^\W\d][\w.\-\u00b7]*(?<!\.)(?::(?:[\w:%.\-\\]|%[0-9A-Fa-f]{2})*)?|:(?:[\w:%.\-\\])*)
    | (?P<open>[({\[])
    | (?P<close>[)}\]])
    | (?P<unary>[!^+\-])
    | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)


@dataclass(frozen=True)
class Service:
    """A ``SERVICE`` clause: the endpoint it calls, or None where a variable names it."""

    endpoint: str | None
    written: str
    """the endpoint as the query writes it (an IRI, a prefixed name or a variable)"""


@dataclass(frozen=True)
class Screened:
    """What :func:`screen` found in a query text."""

    nesting: int
    """the deepest nesting of brackets and prefix operators"""
    services: tuple[Service, ...] = field(default=())
    undeclared: tuple[str, ...] = field(default=())
    """the prefixes of prefixed names used before (or without) any declaration, in order"""
    dataset: bool = False
    """whether the query chooses its own dataset (``FROM`` or ``FROM NAMED``)"""


def screen(
    text: str, *, base_iri: str | None = None, prefixes: Mapping[str, str] | None = None
) -> Screened:
    """The nesting depth, the ``SERVICE`` endpoints, the undeclared prefixes of a query text
    and whether it names its dataset; ``prefixes`` are those the engine predefines."""
    depth = deepest = 0
    run = 0  # prefix operators in a row, each one more level of the parser
    known: dict[str, str] = dict(prefixes or {})
    undeclared: list[str] = []
    base = base_iri
    services: list[Service] = []
    significant: list[tuple[str, str]] = []  # the last few tokens, for the declarations
    dataset = False
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup
        value = match.group()
        if kind in ("space", "comment"):
            continue
        if kind == "unary":
            run += 1
        else:
            run = 0
        if kind == "open":
            depth += 1
        elif kind == "close":
            depth = max(0, depth - 1)
        deepest = max(deepest, depth + run)
        significant.append((kind or "other", value))
        if len(significant) > 3:
            del significant[0]
        _declaration(significant, known)
        if _is(significant[-1], "FROM"):
            dataset = True
        if (
            kind == "name"
            and ":" in value
            and not (len(significant) >= 2 and _is(significant[-2], "PREFIX"))
        ):
            prefix = value.partition(":")[0]
            # "_:" names a blank node, not a prefix.
            if prefix not in known and prefix not in undeclared and prefix != "_":
                undeclared.append(prefix)
        if kind == "iri" and len(significant) >= 2 and _is(significant[-2], "BASE"):
            base = _resolve(value[1:-1], base)
        if len(significant) >= 2 and _service_target(significant):
            services.append(_service(significant[-1], known, base))
    return Screened(
        nesting=deepest, services=tuple(services), undeclared=tuple(undeclared), dataset=dataset
    )


def _is(token: tuple[str, str], keyword: str) -> bool:
    return token[0] == "name" and token[1].upper() == keyword


def _declaration(tokens: list[tuple[str, str]], prefixes: dict[str, str]) -> None:
    """Record ``PREFIX p: <iri>`` when its last token has just been read."""
    if len(tokens) == 3 and _is(tokens[0], "PREFIX") and tokens[2][0] == "iri":
        name = tokens[1][1]
        if name.endswith(":"):
            prefixes[name[:-1]] = tokens[2][1][1:-1]


def _service_target(tokens: list[tuple[str, str]]) -> bool:
    """Whether the last token is the endpoint of ``SERVICE`` or ``SERVICE SILENT``."""
    last = tokens[-1]
    if last[0] not in ("iri", "name", "var") or _is(last, "SILENT"):
        return False
    before = tokens[-2]
    if _is(before, "SERVICE"):
        return True
    return len(tokens) >= 3 and _is(before, "SILENT") and _is(tokens[-3], "SERVICE")


def _service(token: tuple[str, str], prefixes: Mapping[str, str], base: str | None) -> Service:
    kind, value = token
    if kind == "var":
        return Service(None, value)
    if kind == "iri":
        return Service(_resolve(value[1:-1], base), value)
    prefix, _, local = value.partition(":")
    if prefix in prefixes:
        return Service(_resolve(prefixes[prefix] + local, base), value)
    return Service(None, value)  # an undeclared prefix: the parser will refuse the text


def _resolve(iri: str, base: str | None) -> str:
    return urljoin(base, iri) if base else iri
