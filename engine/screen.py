"""What a query text is made of, found before any engine sees it.

Two facts decide whether a text may reach the engine at all:

- how deeply it nests (brackets, and runs of prefix operators such as ``!!!!`` or ``^^^``):
  Oxigraph's parser recurses once per level, so a few thousand levels overflow a thread's
  stack and kill the process;
- which endpoints its ``SERVICE`` clauses call: the engine would send HTTP requests to any
  host, port and path a query names.

:func:`screen` reads the text as the SPARQL grammar's tokenizer does (comments, the four
kinds of strings, IRIs, variables, language tags and prefixed names are single tokens), so
that a ``SERVICE`` or a ``{`` inside a string, an IRI or a comment counts for nothing. It
does not parse: the engine's parser still judges the syntax.

Its work is linear in the text, whatever the text:

- a quote that no string closes on its line is taken as a string to the line's end (the
  parser stops there: nothing after an unclosed quote can reach the engine), so that a
  line of unclosed quotes is not read again from each;
- tokens that neither nest nor name anything (IRIs, strings, variables, numbers,
  punctuation) are passed over in runs, a few hundred at a time, by the regular expression
  alone, not token by token in Python; the first token of a run is still read, as it may
  be the endpoint of a ``SERVICE`` or the IRI of a ``PREFIX`` or ``BASE``.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urljoin

_BLANK = r"\s+|\#[^\n\r]*"
_IRI = r"<(?:[^<>\"{}|^`\\\x00-\x20]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*>"
"""an IRI, with the codepoint escapes (``\\u0078``) the parser reads in it"""
_STRING = r"""'''(?:[^'\\]|\\.|'(?!''))*'''
            | \"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
            | '(?:[^'\\\n\r]|\\.)*'
            | "(?:[^"\\\n\r]|\\.)*"
            | '(?:[^'\\\n\r]|\\.)*
            | "(?:[^"\\\n\r]|\\.)*"""  # the last two: a quote no string closes on its line
_VAR = r"[?$][\w\u00b7\u0300-\u036f\u203f-\u2040]+"
_LANGTAG = r"@[a-zA-Z]+(?:-[a-zA-Z0-9]+)*"
_LOCAL = r"(?:[\w:%.\-]|\\[_~.\-!$&'()*+,;=/?\#@%])*"
"""a prefixed name's local part, with the escapes the grammar allows (PN_LOCAL_ESC): read
whole, so that an escaped quote or ``#`` in a name opens no string or comment to the screen
that the parser would not open (it would hide a SERVICE call behind it)"""
_NAME = rf"[^\W\d][\w.\-\u00b7]*(?<!\.)(?::{_LOCAL})?|:{_LOCAL}"
_INERT_CHARACTERS = r"""(?:\d|[^\w\s\#:(){}\[\]!^+\-<'"?$@])+|[<'"?$@]"""
"""characters that start no token of their own: digits and punctuation, or the first
character of an IRI, a string, a variable or a language tag that turned out not to be one"""

_TOKEN = re.compile(
    rf"""
      (?P<space>{_BLANK})
    | (?P<iri>{_IRI})
    | (?P<string>{_STRING})
    | (?P<var>{_VAR})
    | (?P<langtag>{_LANGTAG})
    | (?P<name>{_NAME})
    | (?P<open>[({{\[])
    | (?P<close>[)}}\]])
    | (?P<unary>[!^+\-])
    | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)
RUNS_WORK = sys.version_info >= (3, 11, 5)
"""Whether this Python's ``re`` matches possessive quantifiers right: 3.11.0 to 3.11.4 do
not where a subpattern backtracks (CPython gh-106052, gh-100061; Debian 12's python3 is
3.11.2), and read runs wrongly there, so every token is read one by one instead."""
RUN = 256
"""tokens passed over in one match at most: the regular expression holds the interpreter
while it matches, so a run is kept short enough to let other threads in"""
_SKIP = rf"(?>{_BLANK})"
_PLAIN = r"""(?!(?i:prefix|base|service|silent|from)(?![\w\-\u00b7]))
             (?>[^\W\d][\w.\-\u00b7]*(?<!\.))(?!:)"""
"""a name that is neither prefixed nor a keyword the names look for (``a``, ``FILTER``,
``true``): as inert as a number"""
_INERT = rf"(?>{_IRI}|{_STRING}|{_VAR}|{_LANGTAG}|{_PLAIN}|{_INERT_CHARACTERS})"
"""an inert token, read as :data:`_TOKEN` reads it: the same alternatives in the same
order, the first that matches taken for good (an atomic group)"""
_FLAT = rf"[({{\[](?:{_SKIP}|{_INERT}){{0,{RUN // 4}}}+[)}}\]]"
"""brackets around inert tokens only (a row of ``VALUES``, ``[]``): one level deeper, and
back"""
_REST = re.compile(
    rf"""{_SKIP}*+
    (?P<more>(?:{_INERT}|(?P<flat>{_FLAT}))(?:{_SKIP}|{_INERT}|(?P<flats>{_FLAT})){{0,{RUN}}}+)?
    """,
    re.VERBOSE | re.DOTALL,
)
"""the blanks, inert tokens and flat brackets after a token: what reading token by token
would find up to the next token that counts"""


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
    return _read(text, base_iri, prefixes, runs=RUNS_WORK)


def _read(
    text: str, base_iri: str | None, prefixes: Mapping[str, str] | None, *, runs: bool
) -> Screened:
    """:func:`screen`; with ``runs`` false, every token is read one by one (the reference
    the runs are tested against)."""
    names = _Names(base_iri, prefixes)
    depth = deepest = 0
    run = 0  # prefix operators in a row, each one more level of the parser
    window: list[tuple[str, str]] = []  # the last three tokens that count, for the names
    token = _TOKEN.match
    rest = _REST.match
    position, end = 0, len(text)
    while position < end:
        match = token(text, position)
        assert match is not None  # "other" takes any character
        position = match.end()
        kind = match.lastgroup or "other"
        if kind == "space":
            continue
        if kind == "unary":
            run += 1
            deepest = max(deepest, depth + run)
        else:
            run = 0
            if kind == "open":
                depth += 1
                deepest = max(deepest, depth)
            elif kind == "close" and depth:
                depth -= 1
        window.append((kind, match.group()))
        if len(window) > 3:
            del window[0]
        # Names decide everything else: a keyword, a prefixed name, or what follows one.
        if kind == "name" or (len(window) >= 2 and window[-2][0] == "name"):
            names.read(window)
        if runs and not (kind == "name" and _looks_ahead(window)):
            # What follows is passed over up to the next token that counts: nothing looks
            # back at it.
            after = rest(text, position)
            assert after is not None  # it may match nothing
            position = after.end()
            if after.group("more") is not None:
                run = 0
                if after.group("flat") is not None or after.group("flats") is not None:
                    deepest = max(deepest, depth + 1)
                window.append(("run", ""))
                if len(window) > 3:
                    del window[0]
    return Screened(
        nesting=deepest,
        services=tuple(names.services),
        undeclared=tuple(names.undeclared),
        dataset=names.dataset,
    )


class _Names:
    """What the names of a text declare and call: prefixes, the base, ``SERVICE``
    endpoints, ``FROM``."""

    def __init__(self, base: str | None, prefixes: Mapping[str, str] | None) -> None:
        self.known: dict[str, str] = dict(prefixes or {})
        self.undeclared: list[str] = []
        self.base = base
        self.services: list[Service] = []
        self.dataset = False

    def read(self, window: list[tuple[str, str]]) -> None:
        """Take in the last token of ``window``, a name or the token after one."""
        kind, value = window[-1]
        if kind == "name":
            if ":" in value:
                prefix = value.partition(":")[0]
                # "_:" names a blank node, not a prefix.
                if (
                    prefix not in self.known
                    and prefix != "_"
                    and prefix not in self.undeclared
                    and not (len(window) >= 2 and _is(window[-2], "PREFIX"))
                ):
                    self.undeclared.append(prefix)
            elif value.upper() == "FROM":
                self.dataset = True
        if len(window) < 2 or window[-2][0] != "name":
            return
        if window[-2][1].upper() in ("BASE", "SERVICE", "SILENT") or _is(window[0], "PREFIX"):
            _declaration(window, self.known)
            if kind == "iri" and _is(window[-2], "BASE"):
                self.base = _resolve(_unescape(value[1:-1]), self.base)
            if _service_target(window):
                self.services.append(_service(window[-1], self.known, self.base))


def _looks_ahead(window: list[tuple[str, str]]) -> bool:
    """Whether the token after the last of ``window``, a name, may count: the endpoint of
    a ``SERVICE``, the IRI of a ``BASE`` or of a ``PREFIX`` declaration."""
    return window[-1][1].upper() in ("PREFIX", "BASE", "SERVICE", "SILENT") or (
        len(window) >= 2 and _is(window[-2], "PREFIX")
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
    """Whether the last token is the endpoint of ``SERVICE`` or ``SERVICE SILENT`` (whatever
    it is: one the screen cannot read counts as an endpoint it cannot check)."""
    last = tokens[-1]
    if _is(last, "SILENT"):
        return False
    before = tokens[-2]
    if _is(before, "SERVICE"):
        return True
    return len(tokens) >= 3 and _is(before, "SILENT") and _is(tokens[-3], "SERVICE")


def _service(token: tuple[str, str], prefixes: Mapping[str, str], base: str | None) -> Service:
    kind, value = token
    if kind == "iri":
        return Service(_resolve(_unescape(value[1:-1]), base), value)
    if kind == "name":
        prefix, _, local = value.partition(":")
        if prefix in prefixes:
            return Service(_resolve(_unescape(prefixes[prefix]) + local, base), value)
    # A variable, an undeclared prefix (the parser will refuse the text), or a token that is
    # no endpoint the screen can read: no endpoint it can check, so refused.
    return Service(None, value)


_CODEPOINT = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


def _unescape(iri: str) -> str:
    """An IRI with its codepoint escapes read, as the parser reads them."""
    return _CODEPOINT.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), iri)


def _resolve(iri: str, base: str | None) -> str:
    return urljoin(base, iri) if base else iri
