"""Named SPARQL queries: the ``queries/*.rq`` files, their headers, and running them safely.

Each file starts with a header::

    # name: similar_occupations
    # Occupations at the same ISCO skill level, ranked by cosine similarity of skill sets.
    # param: ?occupation IRI  the occupation to compare from

Parameters are bound through pyoxigraph's ``substitutions`` (the value replaces the
variable inside the engine, subqueries included), so a parameter can only be a parameter.
That only works for variables of the top-level SELECT list; loading checks it.

Oxigraph's planner does not see those bindings when it orders the joins inside a ``UNION``
or a group with a ``FILTER`` (oxigraph issue #1951): ``skill_occupations`` scanned every
label of the store, 200 ms instead of 0.2 ms. So the same values also open the top-level
WHERE clause as a ``VALUES`` block, where the planner starts from them. The block holds the
terms as pyoxigraph writes them (a validated IRI or an escaped literal), so it adds no way
to inject SPARQL: a value is still only a value.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Final

from pyoxigraph import (
    BlankNode,
    Literal,
    NamedNode,
    Quad,
    QueryResultsFormat,
    QuerySolutions,
    Triple,
    Variable,
)

from graph import terms as t
from graph.errors import ParameterError, QueryError
from graph.releases import Release, StoreView

PARAM_KINDS: Final = ("IRI", "string", "integer", "language")
"""A ``language`` parameter is a BCP 47 tag that the runner binds to the store's main
language (:meth:`QueryRunner.main_language`) when the call gives none."""

LANGUAGE_TAG = re.compile(r"^[a-z]{1,8}(?:-[a-z0-9]{1,8})*$")
"""A language tag as Oxigraph keeps them (BCP 47's syntax, lower case)."""
DEFAULT_LANGUAGE: Final = "en"
"""The main language of a store that says nothing of its languages and has no labels."""

_HEADER_NAME = re.compile(r"^#\s*name:\s*(?P<name>[a-z][a-z0-9_]*)\s*$")
_HEADER_PARAM = re.compile(
    r"^#\s*param:\s*\?(?P<var>[A-Za-z_][A-Za-z0-9_]*)\s+(?P<kind>\w+)(?:\s+(?P<doc>.*))?$"
)
_SELECT = re.compile(r"\bSELECT\b(?P<head>.*?)\bWHERE\b", re.IGNORECASE | re.DOTALL)

Value = str | int | float | bool | None
Substitution = NamedNode | BlankNode | Literal | Triple
Row = dict[str, Value]


@dataclass(frozen=True)
class Param:
    """A declared parameter of a named query."""

    name: str
    kind: str
    doc: str


@dataclass(frozen=True)
class NamedQuery:
    """One ``.rq`` file: its name, one-line purpose, parameters and SPARQL text."""

    name: str
    summary: str
    params: Mapping[str, Param]
    text: str
    where_at: int | None = None
    """Where the top-level WHERE clause's group begins: just after its ``{``."""

    def with_values(self, bound: Mapping[Variable, Substitution]) -> str:
        """The text with ``bound`` as a ``VALUES`` block opening the top-level WHERE clause."""
        if not bound or self.where_at is None:
            return self.text
        names = " ".join(str(v) for v in bound)
        row = " ".join(str(term) for term in bound.values())
        block = f" VALUES ({names}) {{ ({row}) }}"
        return self.text[: self.where_at] + block + self.text[self.where_at :]


def parse_named_query(text: str, *, source: str = "<text>") -> NamedQuery:
    """Read a named query's header.

    :raises QueryError: if the header lacks a name or a summary line, declares a parameter
        of an unknown kind, or a parameter is not in the top-level SELECT list.
    """
    name = None
    summary = None
    params: dict[str, Param] = {}
    for line in text.splitlines():
        if not line.startswith("#"):
            if line.strip():
                break
            continue
        if m := _HEADER_NAME.match(line):
            name = m["name"]
        elif m := _HEADER_PARAM.match(line):
            if m["kind"] not in PARAM_KINDS:
                raise QueryError(
                    f"{source}: parameter ?{m['var']} has kind {m['kind']!r}, "
                    f"not one of {', '.join(PARAM_KINDS)}"
                )
            params[m["var"]] = Param(m["var"], m["kind"], (m["doc"] or "").strip())
        elif summary is None and name is not None:
            summary = line.lstrip("#").strip()
    if name is None:
        raise QueryError(f"{source}: the header has no '# name:' line")
    if not summary:
        raise QueryError(f"{source}: the header has no summary line after '# name:'")
    projection = projected_variables(text)
    for param in params:
        if param not in projection:
            raise QueryError(
                f"{source}: parameter ?{param} is not in the top-level SELECT list, "
                "so it cannot be bound"
            )
    where_at = _where_at(text)
    if params and where_at is None:
        raise QueryError(f"{source}: a query with parameters needs a top-level 'WHERE {{'")
    return NamedQuery(name=name, summary=summary, params=params, text=text, where_at=where_at)


def _where_at(text: str) -> int | None:
    """Just after the ``{`` of the top-level SELECT's WHERE clause, if there is one."""
    # Comment lines blanked, not dropped, so that offsets stay the text's.
    masked = "\n".join(
        " " * len(line) if line.lstrip().startswith("#") else line for line in text.split("\n")
    )
    match = _SELECT.search(masked)
    if match is None:
        return None
    brace = re.compile(r"\s*\{").match(masked, match.end())
    return brace.end() if brace else None


def projected_variables(text: str) -> set[str]:
    """The variables of the first (top-level) SELECT clause, ``AS`` targets included."""
    body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    match = _SELECT.search(body)
    if match is None:
        return set()
    head = match["head"]
    # Drop "(expr AS ?x)" bodies but keep ?x.
    aliases = set(re.findall(r"\bAS\s+\?([A-Za-z_][A-Za-z0-9_]*)", head, re.IGNORECASE))
    plain = set(re.findall(r"(?<![(\w])\?([A-Za-z_][A-Za-z0-9_]*)", re.sub(r"\(.*?\)", "", head)))
    return aliases | plain


def load_queries(directory: Traversable | None = None) -> dict[str, NamedQuery]:
    """Every named query in ``directory`` (the bundled ``queries`` folder by default).

    :raises QueryError: if a file's header is wrong or its name does not match the file.
    """
    folder = directory if directory is not None else resources.files("queries")
    found: dict[str, NamedQuery] = {}
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".rq"):
            continue
        query = parse_named_query(entry.read_text(encoding="utf-8"), source=entry.name)
        if query.name != entry.name.removesuffix(".rq"):
            raise QueryError(f"{entry.name}: its header names it {query.name!r}")
        found[query.name] = query
    return found


def to_term(param: Param, value: object) -> Substitution:
    """A Python value as the RDF term a parameter of this kind takes.

    :raises ParameterError: if the value does not fit the kind.
    """
    if param.kind == "IRI":
        try:
            return NamedNode(str(value))
        except ValueError as error:
            raise ParameterError(f"?{param.name} must be an IRI: {error}") from None
    if param.kind == "language":
        tag = str(value).strip().lower()
        if not LANGUAGE_TAG.match(tag):
            raise ParameterError(f"?{param.name} must be a language tag such as en or pt-br")
        return Literal(tag)
    if param.kind == "integer":
        if isinstance(value, bool):
            raise ParameterError(f"?{param.name} must be an integer, not {value!r}")
        try:
            return Literal(int(str(value)))
        except ValueError:
            raise ParameterError(f"?{param.name} must be an integer, not {value!r}") from None
    return Literal(str(value))


def to_python(term: object) -> Value:
    """An RDF term as a plain Python value: IRIs as strings, typed literals as numbers."""
    if term is None:
        return None
    if isinstance(term, NamedNode):
        return term.value
    if isinstance(term, Literal):
        datatype = term.datatype.value
        if datatype in _INTEGERS:
            return int(term.value)
        if datatype in _DECIMALS:
            return float(term.value)
        if datatype == t.XSD + "boolean":
            return term.value in ("true", "1")
        return term.value
    if isinstance(term, BlankNode):
        return "_:" + term.value
    return str(term)


_INTEGERS = frozenset(
    t.XSD + n for n in ("integer", "int", "long", "short", "nonNegativeInteger", "positiveInteger")
)
_DECIMALS = frozenset(t.XSD + n for n in ("decimal", "double", "float"))


class QueryRunner:
    """Runs named queries against a store with bound parameters."""

    def __init__(self, queries: Mapping[str, NamedQuery] | None = None) -> None:
        self.queries: Mapping[str, NamedQuery] = queries if queries is not None else load_queries()
        self._languages: list[tuple[StoreView, str]] = []

    def main_language(self, store: StoreView) -> str:
        """The store's main language: what its load wrote (a release's
        ``sg:mainLanguage``, :mod:`graph.releases`), else the language most occupations have
        a label in (a bare store; the ``store_languages`` query, about a second on the full
        classification), else
        :data:`DEFAULT_LANGUAGE`. Kept for the last few stores asked about."""
        if isinstance(store, Release) and store.main_language:
            return store.main_language
        for known, language in self._languages:
            if known is store:
                return language
        found = next(store.quads_for_pattern(None, t.MAIN_LANGUAGE, None), None)
        if isinstance(found, Quad) and isinstance(found.object, Literal):
            language = found.object.value.lower()
        elif "store_languages" in self.queries:
            rows = self.select(store, "store_languages", limit=1)
            language = str(rows[0]["language"]) if rows and rows[0]["language"] else ""
        else:
            language = ""
        language = language or DEFAULT_LANGUAGE
        self._languages = [(store, language), *self._languages[:3]]
        return language

    def get(self, name: str) -> NamedQuery:
        """The named query.

        :raises QueryError: if there is none by that name.
        """
        try:
            return self.queries[name]
        except KeyError:
            known = ", ".join(sorted(self.queries))
            raise QueryError(f"no named query {name!r}; the queries are: {known}") from None

    def bind(
        self, name: str, params: Mapping[str, object], store: StoreView | None = None
    ) -> dict[Variable, Substitution]:
        """The substitutions for a call; a ``language`` parameter not given is the main
        language of ``store``.

        :raises ParameterError: if a parameter is missing, unknown or ill-typed.
        """
        query = self.get(name)
        defaults = [
            p for p in query.params.values() if p.kind == "language" and p.name not in params
        ]
        if defaults and store is not None:
            params = {**params, **{p.name: self.main_language(store) for p in defaults}}
        unknown = set(params) - set(query.params)
        if unknown:
            raise ParameterError(
                f"{name} has no parameter {', '.join('?' + u for u in sorted(unknown))}; "
                f"it takes {', '.join('?' + p for p in query.params) or 'none'}"
            )
        missing = {p.name for p in query.params.values() if p.kind != "language"} - set(params)
        if missing:
            raise ParameterError(f"{name} needs {', '.join('?' + m for m in sorted(missing))}")
        return {Variable(k): to_term(query.params[k], v) for k, v in params.items()}

    def solutions(
        self, store: StoreView, name: str, params: Mapping[str, object]
    ) -> QuerySolutions:
        """The raw solutions of a SELECT named query.

        :raises ParameterError: on bad parameters.
        """
        query = self.get(name)
        bound = self.bind(name, params, store)
        result = store.query(
            query.with_values(bound), substitutions=bound, use_default_graph_as_union=True
        )
        assert isinstance(result, QuerySolutions), f"{name} is not a SELECT query"
        return result

    def select(
        self,
        store: StoreView,
        name: str,
        params: Mapping[str, object] | None = None,
        *,
        limit: int | None = None,
    ) -> list[Row]:
        """The rows of a SELECT named query as dicts of plain Python values, keyed by the
        SPARQL variable names (which are the JSON field names). ``limit`` stops reading
        after that many rows.

        :raises ParameterError: on bad parameters.
        """
        solutions = self.solutions(store, name, params or {})
        names = [v.value for v in solutions.variables]
        rows: list[Row] = []
        for solution in solutions:
            rows.append({n: to_python(solution[n]) for n in names})
            if limit is not None and len(rows) >= limit:
                break
        return rows

    def serialize(
        self, store: StoreView, name: str, params: Mapping[str, object], format: QueryResultsFormat
    ) -> bytes:
        """The results of a named query in a SPARQL results format."""
        data = self.solutions(store, name, params).serialize(format=format)
        assert data is not None  # serialize() returns the bytes when given no output
        return data


# The prologue (comments, PREFIX and BASE declarations) that may precede the operation.
_PROLOGUE = re.compile(
    r"(?:\s+|#[^\n]*(?:\n|$)|PREFIX\s+[^:\s]*:\s*<[^>]*>|BASE\s*<[^>]*>)*",
    re.IGNORECASE,
)
_UPDATE_KEYWORD = re.compile(
    r"(?:INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD|WITH)\b", re.IGNORECASE
)


def looks_like_update(text: str) -> bool:
    """Whether a text that failed to parse as a query starts like a SPARQL update."""
    prologue = _PROLOGUE.match(text)
    start = prologue.end() if prologue else 0
    return _UPDATE_KEYWORD.match(text, start) is not None
