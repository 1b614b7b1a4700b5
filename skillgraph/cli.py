"""The ``skillgraph`` command: load an ESCO download, serve it, run a named query.

The composition root: the only module that knows the loaders, the graph and the service.
Expected failures print one line and exit 1.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import os
import re
import socket
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import click
from click.core import ParameterSource
from pyoxigraph import NamedNode, QueryResultsFormat

from graph import terms as t
from graph.errors import NotFoundError, SkillgraphError
from graph.queries import QueryRunner
from graph.releases import StoreView
from graph.store import ACTIVE, LiveStore
from service.settings import BY_NAME, SETTINGS, Setting

F = TypeVar("F", bound=Callable[..., Any])

STORE_ENV = BY_NAME["store"].env

# Labels for the counts a load prints, in the order people read them.
KIND_LABELS = {
    "occupations": "occupations",
    "skills": "skills and knowledge",
    "ISCOGroups": "ISCO-08 groups",
    "occupationSkillRelations": "occupation-skill relations",
    "skillGroups": "skill groups",
    "broaderRelationsOccPillar": "occupation hierarchy links",
    "broaderRelationsSkillPillar": "skill hierarchy links",
    "skillsHierarchy": "skills hierarchy rows",
    "skillSkillRelations": "skill-skill relations",
    "conceptSchemes": "concept schemes",
}


@contextmanager
def _one_line_errors() -> Iterator[None]:
    try:
        yield
    except SkillgraphError as error:
        raise click.ClickException(str(error)) from None
    except OSError as error:
        raise click.ClickException(
            f"{error.strerror or error}: {error.filename or ''}".rstrip(": ")
        ) from None


class _SettingOption(click.Option):
    """The option of a setting (``service.settings.SETTINGS``): a value it refuses, given or
    from its environment variable, is one line naming where it came from, and exit 1."""

    def __init__(self, *args: Any, setting: Setting, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.setting = setting

    def process_value(self, ctx: click.Context, value: Any) -> Any:
        try:
            return super().process_value(ctx, value)
        except click.BadParameter:
            given = " ".join(value) if isinstance(value, list | tuple) else str(value)
            if ctx.get_parameter_source(self.name or "") is ParameterSource.ENVIRONMENT:
                where = f"{self.setting.env}={given}"
            else:
                where = f"{self.setting.option} {given}"
            raise click.ClickException(f"{where} is not {self.setting.expected()}") from None


def _click_type(setting: Setting) -> click.ParamType[Any]:
    if setting.choices:
        return click.Choice(setting.choices)
    if setting.kind is Path:
        return click.Path(path_type=Path, file_okay=False)
    if setting.kind is int:
        low, high = setting.minimum, setting.maximum
        return click.IntRange(
            None if low is None else int(low), None if high is None else int(high)
        )
    if setting.kind is float:
        return click.FloatRange(setting.minimum, setting.maximum)
    return click.STRING


def _setting_options(command: str) -> Callable[[F], F]:
    """The options of the settings ``command`` takes, in the table's order, each also read
    from its environment variable."""
    settings = [setting for setting in SETTINGS if command in setting.commands]

    def decorate(function: F) -> F:
        for setting in reversed(settings):
            function = click.option(
                setting.option,
                setting.name,
                cls=_SettingOption,
                setting=setting,
                type=_click_type(setting),
                default=setting.default,
                multiple=setting.multiple,
                metavar=None if setting.choices else setting.metavar,
                help=setting.help,
                envvar=setting.env,
                show_envvar=True,
                show_default=setting.default_text or True,
            )(function)
        return function

    return decorate


@click.group(
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    invoke_without_command=True,
)
@click.version_option(package_name="skillgraph")
@click.pass_context
def main(context: click.Context) -> None:
    """skillgraph: the ESCO classification as a knowledge graph, over SPARQL and JSON.

    Start with 'skillgraph serve' (the bundled sample until you load ESCO) and open
    http://127.0.0.1:8000/docs.
    """
    if context.invoked_subcommand is None:
        click.echo(context.get_help())


@main.command(
    short_help="Load an ESCO download, more languages and datasets beside it, into a store."
)
@click.argument("bundle", type=click.Path(path_type=Path))
@click.argument("datasets", nargs=-1)
@_setting_options("load")
@click.option(
    "--language",
    help="The main language, when the download's folder holds several complete ones (e.g. en).",
)
@click.option(
    "--release",
    help="The release the download is (e.g. v1.2.0), when its zips' and folder's names do not say.",
)
@click.option(
    "--fresh",
    is_flag=True,
    help="Start from an empty store: drop the releases and datasets it holds.",
)
def load(
    bundle: Path,
    datasets: tuple[str, ...],
    store: Path | None,
    language: str | None,
    release: str | None,
    fresh: bool,
) -> None:
    """Load an ESCO CSV download (a folder or the .zip) into a store, with DATASETS beside it.

    Each ESCO release goes into graphs of its own, named by the release its zips or folder
    say it is (ESCO dataset - v1.1.1 - ...zip, esco-v1.2.0), or --release. More downloads
    among the DATASETS load more releases: skillgraph load esco-v1.1.1 esco-v1.2.0. The
    releases and datasets the store already holds are kept (use --fresh to drop them); a
    release loaded again replaces its earlier load. Answers are for the newest release
    unless another is asked for.

    A dataset that is a folder or zip of ESCO CSV files (occupations_fr.csv, skills_es.csv,
    ...) is a language pack: it adds the labels and descriptions of its languages to the
    concepts of the download (in the current or an earlier release's columns). The other
    languages of the download's own folder are loaded so too.

    Any other dataset is an RDF file (.ttl, .nt, .nq, .trig, .rdf, .owl, .xml, .jsonld), a
    mapping table (.csv with the columns esco_uri, external_uri, match), an occupation
    attributes table (.csv with concept_uri or esco_uri and job_zone, education_level,
    related_work_experience, on_the_job_training or annual_earnings) or a folder of O*NET
    files, loaded into a named graph of its own: https://w3id.org/skillgraph/graph/<file
    name>, or the IRI given as IRI=PATH.

    The new data is built beside the old and replaces it only when complete: if any file
    is malformed, the load stops with the file, line and reason, and the store keeps
    serving what it had.
    """
    from loaders import datasets as datasets_module
    from loaders.bundle import is_download, is_label_pack
    from skillgraph.pipeline import default_store, load_bundle

    store = store or default_store()
    with _one_line_errors():
        downloads = [bundle] + [Path(a) for a in datasets if "=" not in a and is_download(Path(a))]
        packs = [
            Path(a)
            for a in datasets
            if "=" not in a and Path(a) not in downloads and is_label_pack(Path(a))
        ]
        linked = [
            datasets_module.parse(argument)
            for argument in datasets
            if Path(argument) not in packs and Path(argument) not in downloads
        ]

    bar: Any = None
    interactive = sys.stderr.isatty()

    def on_start(total: int) -> None:
        nonlocal bar
        if interactive:
            bar = click.progressbar(
                length=total,
                label="Reading ESCO files",
                file=sys.stderr,
                show_percent=True,
                show_eta=True,
            )
            bar.__enter__()

    def on_bytes(count: int) -> None:
        if bar is not None:
            bar.update(count)

    def on_indexes() -> None:
        nonlocal bar
        if bar is not None:  # the files are read: the bar is done
            bar.__exit__(None, None, None)
            bar = None
        if interactive:
            click.echo("Writing the indexes servers read (a few seconds) ...", err=True)

    with _one_line_errors():
        try:
            result = load_bundle(
                downloads,
                store,
                datasets=linked,
                packs=packs,
                language=language,
                release=release,
                fresh=fresh,
                on_start=on_start,
                on_bytes=on_bytes,
                on_indexes=on_indexes,
            )
        finally:
            if bar is not None:
                bar.__exit__(None, None, None)
    click.echo(f"Loaded {', '.join(str(d) for d in downloads)} into {result.version}")
    for name, report in result.reports.items():
        click.echo(f"  release {name}:")
        for kind, label in KIND_LABELS.items():
            if kind in report.rows:
                click.echo(f"  {report.rows[kind]:>9,}  {label}")
        collections = {
            k: v for k, v in report.rows.items() if k not in KIND_LABELS and "@" not in k
        }
        for kind, count in sorted(collections.items()):
            click.echo(f"  {count:>9,}  {kind} members")
    report = result.report
    click.echo(
        f"  {result.derived:>9,}  derived facts (skill levels, similar and prospect "
        "occupations, skos:broaderTransitive)"
    )
    click.echo(f"  {len(report.languages)} language{'s' if len(report.languages) > 1 else ''}:")
    for tag, counts in report.languages.items():
        click.echo(
            f"  {tag:>9}  {counts.labels:,} labels, {counts.notes:,} descriptions; "
            f"{_by_kind(counts.concepts) or 'no concepts'}"
        )
    for dataset in linked:
        click.echo(f"  {dataset.path.name} ({dataset.kind}) into <{dataset.graph.value}>")
        for note in result.notes.get(dataset.graph.value, "").splitlines():
            click.echo(f"             {note}")
    for graph, count in result.kept.items():
        click.echo(f"  {count:>9,}  triples kept in <{graph}>")
    click.echo(f"  {result.triples:>9,}  triples in the store, loaded in {result.seconds:.1f} s")
    click.echo(
        "             (" + ", ".join(f"{name} {t:.1f} s" for name, t in result.phases.items()) + ")"
    )
    for tag, counts in report.languages.items():
        if counts.unknown:
            click.echo(
                f"warning: {sum(counts.unknown.values()):,} rows of {counts.source} ({tag}: "
                f"{_by_kind(counts.unknown)}) name a concept the download does not describe: "
                "their labels are not loaded (of another release?)",
                err=True,
            )
    for column, count in sorted(report.dangling.items()):
        click.echo(
            f"warning: {count:,} relations name a {column} the bundle does not describe", err=True
        )
    for name in report.ignored_files:
        click.echo(f"note: ignored {name} (not an ESCO classification file)", err=True)


LANGUAGE_KINDS = {
    "occupations": "occupations",
    "skills": "skills",
    "ISCOGroups": "ISCO groups",
    "skillGroups": "skill groups",
}


def _by_kind(counts: Counter[str]) -> str:
    """Counts of concepts by file kind, as a load prints them: ``51 occupations, 784 skills``."""
    return ", ".join(f"{counts[k]:,} {LANGUAGE_KINDS[k]}" for k in LANGUAGE_KINDS if counts[k])


@main.command(short_help="List a store's named graphs, their sizes and sources.")
@_setting_options("info")
def info(store: Path | None) -> None:
    """What a store holds: its version, and each named graph with its size and source."""
    from graph.releases import described
    from graph.store import active_version, graph_sizes, open_read_only
    from skillgraph.pipeline import sources

    with _one_line_errors():
        root = _resolve_store(store)
        version = active_version(root)
        opened = open_read_only(version)
        sizes = graph_sizes(opened)
        origins = sources(version)
        total = len(opened)
        click.echo(f"{version} ({total:,} triples)")
        named = [r.name for r in described(opened)]
        if named:
            click.echo(f"  releases: {', '.join(named)} (the newest, answered by default)")
        if total > sum(sizes.values()):  # a bare Oxigraph store's data, say
            click.echo(f"  {total - sum(sizes.values()):>9,}  (the default graph)")
        for graph, size in sorted(sizes.items()):
            origin = origins.get(graph)
            where = f"  {origin['kind']}: {origin['source']}" if origin else ""
            click.echo(f"  {size:>9,}  <{graph}>{where}")
            if origin and origin.get("note"):
                click.echo(f"             {origin['note']}")
            for entry in (origin or {}).get("languages", [])[1:]:
                click.echo(f"             labels in {entry['language']}: {entry['source']}")
            if origin and origin.get("languages"):
                tags = ", ".join(entry["language"] for entry in origin["languages"])
                click.echo(f"             languages: {tags} (main: {origin['language']})")


@main.command(short_help="What changed from one ESCO release to another.")
@click.argument("before")
@click.argument("after")
@_setting_options("changes")
@click.option(
    "--csv",
    "csv_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write every change to this CSV file, one a row.",
)
@click.option(
    "--check",
    "check_path",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    help="A file of your own (CSV or text) holding ESCO URIs of BEFORE: print each URI's "
    "status in AFTER, as CSV (uri, status).",
)
def changes(
    before: str, after: str, store: Path | None, csv_path: Path | None, check_path: Path | None
) -> None:
    """What changed from ESCO release BEFORE to release AFTER (names of releases the store
    holds, such as v1.1.1 and v1.2.0; or two store directories, each its newest release):
    the occupations and skills added and removed, their preferred and alternative labels
    and descriptions changed, the occupations moved to another ISCO-08 group, the
    occupation-skill relations added, removed or switched between essential and optional
    (see graph/changes.py for each definition). With --check, what became of the URIs a
    file of yours holds, before you upgrade it."""
    import csv
    import dataclasses

    from graph.changes import FIELDS, Comparison, ReleaseFacts
    from graph.queries import QueryRunner

    with _one_line_errors():
        runner = QueryRunner()
        older, newer = (
            ReleaseFacts.read(_release(name, store), runner) for name in (before, after)
        )
        found = Comparison.of(older, newer)
        if check_path is not None:
            given = re.findall(
                r"http://data\.europa\.eu/esco/[A-Za-z0-9/_.-]+", check_path.read_text()
            )
            output = csv.writer(sys.stdout)
            output.writerow(["uri", "status"])
            for uri, status in found.statuses(dict.fromkeys(given)):
                output.writerow([uri, status])
            return
        for name, count in found.changes.counts().items():
            click.echo(f"{count:>9,}  {name}")
        if csv_path is None:
            return
        with csv_path.open("w", newline="", encoding="utf-8") as out:
            writer = csv.writer(out)
            writer.writerow(FIELDS)
            for record in found.records:
                writer.writerow(dataclasses.astuple(record))
        click.echo(f"every change written to {csv_path}")


def _release(name: str, store: Path | None) -> Any:
    """The release ``name`` of the store, or the newest release of the store directory
    ``name``.

    :raises UnknownReleaseError: if the store holds no such release."""
    from graph.store import OpenStore, active_version, open_read_only

    if "/" in name or Path(name).is_dir():  # a release's name holds no "/"
        version = active_version(Path(name))
        return OpenStore.of(open_read_only(version), version).latest
    version = active_version(_resolve_store(store))
    return OpenStore.of(open_read_only(version), version).release(name)


def _check_port(host: str, port: int) -> None:
    """Refuse a port another program listens on, in one line (uvicorn would say so only
    after the server has read its store)."""
    if port == 0:
        return
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as error:
        raise click.ClickException(f"cannot listen on {host}: {error}") from None
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as error:
            raise click.ClickException(
                f"cannot listen on {host}:{port}: {error.strerror} (another server? pick "
                "another with --port)"
            ) from None


def _check_store(root: Path) -> None:
    """Say so when ``root`` is an ESCO download rather than a store."""
    if not (root / ACTIVE).exists() and root.is_dir() and any(root.glob("occupations_*.csv")):
        raise click.ClickException(
            f"{root} is an ESCO download, not a store: load it first with "
            f"'skillgraph load {root} --store STORE', then serve STORE"
        )


def _resolve_store(store: Path | None) -> Path:
    """The store named, else the one ``skillgraph load`` made by default, else the sample."""
    if store is not None:
        return store
    from skillgraph.pipeline import default_store, sample_store

    loaded = default_store()
    if (loaded / ACTIVE).exists():
        click.echo(f"No --store given: using {loaded}, made by 'skillgraph load'.", err=True)
        return loaded
    click.echo("No --store given and nothing loaded yet: using the bundled ESCO sample.", err=True)
    return sample_store()


@main.command()
@_setting_options("serve")
def serve(
    store: Path | None, host: str, port: int, workers: int, log_level: str, **settings: Any
) -> None:
    """Serve the JSON API and the SPARQL endpoint (OpenAPI docs at /docs).

    Every option can also be given by its environment variable; an option given wins.
    """
    import uvicorn

    from service.http import server_options
    from skillgraph.asgi import SETTINGS_ENV

    with _one_line_errors():
        _check_port(host, port)  # before any work: a busy port fails at once
        root = _resolve_store(store)
        _check_store(root)
        LiveStore(root)  # fail here, in one line, rather than inside the server
    click.echo(
        f"Serving {root} at http://{host}:{port} (docs at /docs, SPARQL at /sparql)", err=True
    )
    os.environ[STORE_ENV] = str(root)
    # The settings for Settings.from_options in each server process (skillgraph.asgi).
    os.environ[SETTINGS_ENV] = json.dumps({"log_level": log_level, **settings})
    uvicorn.run(
        "skillgraph.asgi:app_from_environment",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level=log_level,
        **server_options(),  # type: ignore[arg-type]
    )


@main.command(short_help="Run a named query, or list them.")
@click.argument("name", required=False)
@click.option(
    "--param",
    "-p",
    "params",
    multiple=True,
    metavar="NAME=VALUE",
    help="A parameter of the query (repeatable): an occupation, skill or ISCO group by its "
    "ESCO UUID, code or URI, e.g. -p occupation=52b9e8dc-de6c-41dd-b29a-e1291c273f6f.",
)
@_setting_options("query")
@click.option(
    "--format",
    "output",
    default="table",
    show_default=True,
    type=click.Choice(["table", "json", "csv", "tsv"]),
)
@click.option("--limit", type=click.IntRange(min=1), help="Print at most this many rows.")
@click.option(
    "--release", help="The ESCO release to ask (e.g. v1.1.1); the store's newest by default."
)
def query(
    name: str | None,
    params: tuple[str, ...],
    store: Path | None,
    output: str,
    limit: int | None,
    release: str | None,
) -> None:
    """Run the named query NAME (a file of queries/); without NAME, list them."""
    runner = QueryRunner()
    if name is None:
        for named in runner.queries.values():
            signature = " ".join(f"{p}=<{spec.kind}>" for p, spec in named.params.items())
            click.echo(f"{named.name} {signature}".rstrip())
            click.echo(f"    {named.summary}")
        return
    bound: dict[str, str] = {}
    for item in params:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise click.ClickException(f"--param {item!r} is not NAME=VALUE")
        bound[key.lstrip("?")] = value
    with _one_line_errors():
        named = runner.get(name)
        concepts = {
            key: value
            for key, value in bound.items()
            if key in named.params and named.params[key].kind == "IRI"
        }
        for key, value in concepts.items():
            bound[key] = _concept_iri(key, value)
        runner.bind(name, bound)  # check the parameters before opening anything
        asked = LiveStore(_resolve_store(store)).get().release(release)
        for key, value in concepts.items():
            _require_concept(asked, key, bound[key], value)
        if output in ("csv", "tsv"):
            fmt = QueryResultsFormat.CSV if output == "csv" else QueryResultsFormat.TSV
            text = runner.serialize(asked, name, bound, fmt).decode()
            click.echo(_first_rows(text, output, limit), nl=False)
            return
        rows = runner.select(asked, name, bound, limit=limit)
    if output == "json":
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    _print_table(rows)


_OCCUPATION_PARAMS = ("occupation", "from", "to", "target")


def _concept_iri(param: str, value: str) -> str:
    """A parameter's value as the API takes it (an ESCO UUID, an ISCO code), as its URI."""
    if value.startswith(("http://", "https://")):
        return value
    if param in _OCCUPATION_PARAMS:
        return t.occupation_uri(value)
    if param == "skill":
        return t.skill_uri(value)
    if param == "group":
        return t.isco_uri(t.isco_code(value))
    raise click.ClickException(
        f"--param {param}={value}: give the concept's full URI (http://data.europa.eu/esco/...)"
    )


_CONCEPT_KINDS: dict[str, tuple[str, NamedNode, NamedNode]] = {
    **{param: ("occupation", t.TYPE, t.ESCO_OCCUPATION) for param in _OCCUPATION_PARAMS},
    "skill": ("skill", t.TYPE, t.ESCO_SKILL),
    "group": ("ISCO group", t.IN_SCHEME, NamedNode(t.ISCO_SCHEME)),
}
"""What a concept parameter must name, as the JSON API checks it before answering: the kind
said when it does not, and the triple (predicate, object) the store has about one. Any other
concept parameter (``concept``, ``onet``) must name something the store has a triple about,
as ``/resource`` requires."""


def _require_concept(store: StoreView, param: str, iri: str, given: str) -> None:
    """Refuse a concept parameter that names nothing of its kind in ``store``, as the API
    answers 404 (a query about it would answer no rows, which reads as "none" rather than
    "no such concept").

    :raises NotFoundError: naming the kind and the identifier as the user gave it.
    """
    kind, predicate, target = _CONCEPT_KINDS.get(param, ("concept", None, None))
    subject = NamedNode(iri)
    if next(store.quads_for_pattern(subject, predicate, target), None) is None:
        raise NotFoundError(kind, given)


def _first_rows(text: str, output: str, limit: int | None) -> str:
    """The header and the first ``limit`` rows of a CSV or TSV answer. A TSV row is one line
    (its terms escape line ends); a CSV cell may hold one, so CSV is read as CSV."""
    if limit is None:
        return text
    if output == "tsv":
        return "".join(text.splitlines(keepends=True)[: limit + 1])
    rows = list(itertools.islice(csv.reader(io.StringIO(text, newline="")), limit + 1))
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue()


def _print_table(rows: list[dict[str, Any]]) -> None:
    if not rows:
        click.echo("(no results)")
        return
    columns = list(rows[0])
    cells = [[("" if r[c] is None else str(r[c])) for c in columns] for r in rows]
    widths = []
    for i, column in enumerate(columns):
        width = max(len(column), *(len(row[i]) for row in cells))
        # A URI is there to be copied: never cut; other text at 60 characters, marked.
        uris = all(row[i].startswith(("http://", "https://")) or not row[i] for row in cells)
        widths.append(width if uris else min(60, width))
    click.echo("  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip())
    for row in cells:
        click.echo("  ".join(_cut(v, w) for v, w in zip(row, widths, strict=True)).rstrip())
    click.echo(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")


def _cut(value: str, width: int) -> str:
    """``value`` in ``width`` characters, its end replaced by '…' where it is cut."""
    return value.ljust(width) if len(value) <= width else value[: width - 1] + "…"
