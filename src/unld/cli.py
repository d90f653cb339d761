"""The command line: the only place that prints or exits.

Commands, in pipeline order: ``parse`` (text to record), ``validate`` (graph against the
shapes), ``build`` (everything, into ``build/``), ``site`` (the website of a build),
``publish`` (a build into a SPARQL store), ``query`` (SPARQL over a build or a store).
Exit codes: 0 ok, 1 validation or publishing failed, 2 bad input or usage.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import click

from unld import __version__
from unld.core.errors import EXIT_BAD_INPUT, EXIT_INVALID, EXIT_OK, InputError, UnldError
from unld.core.iri import DEFAULT_BASE

if TYPE_CHECKING:
    from unld.build.pipeline import BuildResult
    from unld.publishing.endpoint import GraphFile

engine_option = click.option(
    "--shacl-engine",
    type=click.Choice(["fast", "pyshacl"]),
    default="fast",
    show_default=True,
    help="SHACL engine: the compiled one, or pyshacl (the reference; same report, slower).",
)

base_option = click.option(
    "--base-iri",
    default=DEFAULT_BASE,
    show_default=True,
    envvar="UNLD_BASE_IRI",
    metavar="IRI",
    help="Base of every data IRI (must end with '/').",
)


F = TypeVar("F", bound=Callable[..., Any])


def seconds_option(name: str, default: float, help: str) -> Callable[[F], F]:
    """An option giving a number of seconds (at least 0.1)."""
    return click.option(
        name, type=click.FloatRange(min=0.1), default=default, show_default=True, metavar="S", help=help
    )


def from_option(help: str, default: Path | None = None, folders_only: bool = True) -> Callable[[F], F]:
    """``--from DIR``: the built folder a command reads."""
    return click.option(
        "--from",
        "from_dir",
        type=click.Path(path_type=Path, file_okay=not folders_only),
        default=default,
        show_default=default is not None,
        metavar="DIR",
        help=help,
    )


def verbosity(command: F) -> F:
    """``-q/--quiet`` and ``-v/--verbose``, the same on every command: quiet leaves only
    results and errors; verbose adds, on stderr, what was done and how long it took."""
    command = click.option(
        "--verbose", "-v", is_flag=True, help="Also say, on stderr, what was done and how long it took."
    )(command)
    return click.option(
        "--quiet", "-q", is_flag=True, help="Only results and errors: no progress bar, summary or warnings."
    )(command)


def _check_verbosity(quiet: bool, verbose: bool) -> None:
    if quiet and verbose:
        _fail("give --quiet or --verbose, not both")


def _note(message: str) -> None:
    """A verbose remark: on stderr, so that it never mixes with the results on stdout."""
    click.echo(message, err=True)


def _fail(message: str, code: int = EXIT_BAD_INPUT) -> NoReturn:
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


PIPELINE = ("parse", "validate", "build", "site", "publish", "query")


class _Commands(click.Group):
    """Lists the commands once, in pipeline order rather than alphabetically."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(self.commands, key=lambda n: (PIPELINE.index(n) if n in PIPELINE else len(PIPELINE), n))


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="unld")
def main() -> None:
    """unld: United Nations resolutions as linked data.

    Every command takes -q/--quiet (results and errors only) and -v/--verbose (what was
    done, on stderr).  Exit codes: 0 ok, 1 validation or publishing failed, 2 bad input
    or usage.
    """


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["json", "ttl", "jsonld"]),
    default="json",
    show_default=True,
    help="json: the record; ttl or jsonld: the resolution's graph (mapped, not validated).",
)
@base_option
@verbosity
def parse(files: tuple[Path, ...], fmt: str, base_iri: str, quiet: bool, verbose: bool) -> None:
    """Print the record of each FILE as JSON (one object, or an array for several files),
    or its triples as Turtle or JSON-LD (one document for all FILES).

    FILE is a resolution text (.txt, .md, .html) or PDF, or a folder of them.

    Example: unld parse examples/A_RES_76_19.md --format ttl
    """
    from unld.parse import parse_source
    from unld.sources import expand, read_source

    _check_verbosity(quiet, verbose)
    records, errors = [], []
    paths = list(expand(files))
    for f in paths:
        start = time.perf_counter()
        try:
            record = parse_source(read_source(f))
        except InputError as exc:
            errors.append(str(exc))
            continue
        records.append(record)
        if verbose:
            _note(
                f"{f}: {record['symbol']}, {len(record['preambular_paragraphs'])} preambular and "
                f"{len(record['operative_paragraphs'])} operative paragraph(s), "
                f"{len(record['citations'])} citation(s), {time.perf_counter() - start:.3f} s"
            )
    if records and fmt == "json":
        out = records[0] if len(paths) == 1 else records
        click.echo(json.dumps(out, ensure_ascii=False, indent=2))
    elif records:
        try:
            data = _graph_text(records, fmt, base_iri)
        except UnldError as exc:
            _fail(str(exc), exc.exit_code)
        click.echo(data.decode("utf-8"), nl=False)
    for e in errors:
        click.echo(f"error: {e}", err=True)
    if errors:
        sys.exit(EXIT_BAD_INPUT)


def _graph_text(records: list[dict], fmt: str, base_iri: str) -> bytes:
    """The mapped graphs of ``records``, merged, as Turtle or as JSON-LD with the context
    embedded (so that the output loads on its own, like the dump)."""
    from unld.core.iri import IriPolicy
    from unld.core.resources import mappings_dir
    from unld.mapping.mapper import Mapper
    from unld.publishing import dumps

    triples = sorted(
        {t for mapped in Mapper(IriPolicy(base_iri)).map_many(records) for t in mapped.triples},
        key=lambda t: (str(t.subject), str(t.predicate), str(t.object)),
    )
    if fmt == "ttl":
        return dumps.turtle_bytes(triples)
    context = json.loads((mappings_dir() / "context.jsonld").read_text(encoding="utf-8"))
    return dumps.jsonld(triples, context, context["@context"])


@main.command()
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@from_option("Validate the dataset built in DIR (its unld.nq).", folders_only=False)
@base_option
@click.option(
    "--warnings/--no-warnings",
    default=True,
    show_default=True,
    help="Also print warnings (they never fail validation).",
)
@engine_option
@verbosity
def validate(
    files: tuple[Path, ...],
    from_dir: Path | None,
    base_iri: str,
    warnings: bool,
    shacl_engine: str,
    quiet: bool,
    verbose: bool,
) -> None:
    """Validate resolutions against the SHACL shapes; exit 1 if any violates them.

    FILES are resolution texts or PDFs (parsed and mapped first), folders of them, or RDF
    files (.ttl, .nt, .nq, .trig).  Example: unld validate --from build/
    """
    from unld.validation.inputs import validate_paths

    _check_verbosity(quiet, verbose)
    if not files and not from_dir:
        _fail("give resolution files, RDF files, or --from DIR")
    start = time.perf_counter()
    try:
        problems, graphs = validate_paths(list(files), from_dir, base_iri, shacl_engine)
    except UnldError as exc:
        _fail(str(exc), exc.exit_code)
    shown = [p for p in problems if (warnings and not quiet) or p.severity == "Violation"]
    for p in shown:
        click.echo(p.line())
    n_viol = sum(p.severity == "Violation" for p in problems)
    n_warn = sum(p.severity == "Warning" for p in problems)
    if not quiet:
        click.echo(f"{graphs} graph(s) validated: {n_viol} violation(s), {n_warn} warning(s)")
    if verbose:
        _note(f"validated with the {shacl_engine} engine in {time.perf_counter() - start:.2f} s")
    sys.exit(EXIT_INVALID if n_viol else EXIT_OK)


@main.command()
@click.argument("sources", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=Path("build"),
    show_default=True,
    metavar="DIR",
    help="Output folder.",
)
@base_option
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    default=None,
    metavar="N",
    help="Worker processes (default: all cores).",
)
@click.option(
    "--no-cache", is_flag=True, help="Process every source again, ignoring the cache in DIR/.unld-cache."
)
@click.option(
    "--site/--no-site", default=True, show_default=True, help="Also write the static website into DIR/site."
)
@engine_option
@verbosity
def build(
    sources: tuple[Path, ...],
    out: Path,
    base_iri: str,
    jobs: int | None,
    no_cache: bool,
    site: bool,
    shacl_engine: str,
    quiet: bool,
    verbose: bool,
) -> None:
    """Parse, map and validate SOURCES (files or folders) and write the dumps into --out.

    With no SOURCES, builds the bundled examples/ of a source checkout.  Example: unld build ../shared/corpus
    """
    from unld.build.pipeline import build as run_build
    from unld.core.progress import Progress
    from unld.core.resources import examples_dir

    _check_verbosity(quiet, verbose)
    examples = examples_dir()
    if not sources and examples is None:
        _fail(
            "no SOURCES given: name the resolution texts or folders to build "
            "(e.g. 'unld build A_RES_76_19.txt' or 'unld build corpus/'); the bundled "
            "examples/ folder exists only in a source checkout"
        )
    srcs = [str(s) for s in sources] or [str(examples)]
    try:
        with Progress(quiet=quiet, unit="resolution") as bar:
            result = run_build(
                srcs,
                out,
                base_iri,
                jobs,
                progress=bar.advance,
                total=bar.set_total,
                use_cache=not no_cache,
                engine=shacl_engine,
                site=site,
            )
    except UnldError as exc:
        _fail(str(exc), exc.exit_code)
    except OSError as exc:  # a full disk, a folder we may not write: nothing was replaced
        _fail_on_os_error(exc, out)
    _report_build(result, out, quiet, verbose)


def _fail_on_os_error(exc: OSError, out: Path) -> NoReturn:
    """A build stopped by the file system: say which file, and that nothing was replaced."""
    if exc.filename and not Path(str(exc.filename)).resolve().is_relative_to(out.resolve()):
        # not the output folder's fault: name the file that could not be read
        _fail(f"cannot read {exc.filename}: {exc.strerror or exc}; the previous files are unchanged")
    _fail(f"cannot write into {out}: {exc.strerror or exc}; the previous files are unchanged")


def _report_build(result: BuildResult, out: Path, quiet: bool, verbose: bool) -> None:
    """Print what a build did (warnings, skipped sources, violations, the summary) and exit
    with the code that says how it went."""
    for warning in result.cache_warnings:
        click.echo(f"warning: {warning}", err=True)
    for o in result.skipped:
        click.echo(f"skipped: {o.error}", err=True)
    for p in result.violations:
        click.echo(p.line(), err=True)
    if not quiet:
        built = len(result.outcomes) - len(result.skipped) - len(result.duplicates)
        click.echo(
            f"built {built} resolution(s) into {out}/: {result.triples} triples, "
            f"{len(result.violations)} violation(s), {len(result.warnings)} warning(s), "
            f"{len(result.skipped)} skipped, {len(result.duplicates)} duplicate(s)"
        )
        for o in result.duplicates:
            click.echo(f"  duplicate: {o.path} gives {o.symbol}, already built from {o.duplicate_of}")
    if verbose:
        for stage, seconds in result.timings.items():
            _note(f"  {stage}: {seconds:.2f} s")
    if result.violations:
        sys.exit(EXIT_INVALID)
    if result.skipped:
        sys.exit(EXIT_BAD_INPUT)


# --- publish and query ---------------------------------------------------------------------

endpoint_option = click.option(
    "--endpoint",
    envvar="UNLD_ENDPOINT",
    show_envvar=True,
    metavar="URL",
    help="SPARQL query endpoint, e.g. http://localhost:7878/query (Oxigraph) or "
    "http://localhost:3030/unld/sparql (Fuseki).",
)


@main.command()
@click.argument("sources", nargs=-1, type=click.Path(path_type=Path))
@endpoint_option
@click.option(
    "--graph-store",
    envvar="UNLD_GRAPH_STORE",
    show_envvar=True,
    metavar="URL",
    help="Graph Store Protocol URL (default: derived from --endpoint: Oxigraph "
    ".../query -> .../store, Fuseki .../DATASET/sparql -> .../DATASET/data).",
)
@from_option("Publish the dataset built in DIR (its unld.nq)  [default: build/ when no SOURCES are given]")
@base_option
@click.option(
    "--dry-run", is_flag=True, help="List the graphs that would be sent (IRI and triple count); no network."
)
@seconds_option("--timeout", 60.0, "Seconds to wait for the answer to each request.")
@seconds_option("--connect-timeout", 5.0, "Seconds to wait for a connection.")
@click.option(
    "--retries",
    type=click.IntRange(0, 10),
    default=2,
    show_default=True,
    metavar="N",
    help="Retries after a 5xx answer or a connection error, with "
    "exponential back-off (0.5 s, 1 s, 2 s...); 4xx are not retried.",
)
@verbosity
def publish(
    sources: tuple[Path, ...],
    endpoint: str | None,
    graph_store: str | None,
    from_dir: Path | None,
    base_iri: str,
    dry_run: bool,
    timeout: float,
    connect_timeout: float,
    retries: int,
    quiet: bool,
    verbose: bool,
) -> None:
    """Load a built dataset into a SPARQL endpoint: one HTTP PUT per named graph.

    SOURCES (texts or folders) are built in a temporary folder first; without them the
    dataset built in --from DIR (default build/) is sent.  Each graph replaces the graph of
    the same name, so publishing twice changes nothing.  Credentials come only from the
    environment: UNLD_ENDPOINT_USER and UNLD_ENDPOINT_PASSWORD (HTTP Basic) or
    UNLD_ENDPOINT_TOKEN (Bearer).  Exit code 1 if a graph could not be sent.

    Example: unld publish --endpoint http://localhost:7878/query --from build/
    """
    from unld.build.pipeline import open_dataset
    from unld.core.progress import Progress
    from unld.publishing.endpoint import Credentials, PublishOptions, graph_store_url
    from unld.publishing.endpoint import publish as run_publish

    _check_verbosity(quiet, verbose)
    code = EXIT_OK
    try:
        target = (
            graph_store_url(endpoint, graph_store)
            if not dry_run or endpoint or graph_store
            else "(no endpoint)"
        )
        credentials = Credentials.from_env()
        options = PublishOptions(timeout=timeout, connect_timeout=connect_timeout, retries=retries)
        with (
            Progress(quiet=quiet, unit="resolution") as bar,
            open_dataset(
                from_dir, [str(s) for s in sources], base_iri, progress=bar.advance, total=bar.set_total
            ) as (dataset, built),
        ):
            if built is not None:
                code = _report_sources_built(built)
            with Progress(quiet=quiet or dry_run, unit="graph") as bar2:
                bar2.set_total(len(dataset.graphs))
                summary = run_publish(
                    dataset,
                    target,
                    credentials=credentials,
                    options=options,
                    dry_run=dry_run,
                    progress=bar2.advance,
                    on_graph=_listed if dry_run else (_sent if verbose else None),
                )
    except UnldError as exc:
        _fail(str(exc), exc.exit_code)
    for iri, problem in summary.failures:
        click.echo(f"failed: {iri}: {problem}", err=True)
    if not quiet or dry_run:
        click.echo(summary.line())
    if not summary.ok:
        code = EXIT_INVALID
    sys.exit(code)


def _report_sources_built(built: BuildResult) -> int:
    """Print what building the SOURCES of ``unld publish`` skipped or found invalid; the
    exit code that says so."""
    for o in built.skipped:
        click.echo(f"skipped: {o.error}", err=True)
    for p in built.violations:
        click.echo(p.line(), err=True)
    return EXIT_INVALID if built.violations else (EXIT_BAD_INPUT if built.skipped else EXIT_OK)


def _listed(g: GraphFile) -> None:
    click.echo(f"{g.iri}\t{g.triples} triples")


def _sent(g: GraphFile) -> None:
    _note(f"sent {g.iri}\t{g.triples} triples")


@main.command()
@click.argument("sparql", required=False, metavar="[SPARQL]")
@click.option(
    "--file",
    "-f",
    "query_file",
    type=click.Path(path_type=Path, dir_okay=False),
    metavar="Q.rq",
    help="Read the query from a file instead of the argument.",
)
@from_option("Query the dataset built in DIR (its unld.nq) in an embedded store.", Path("build"))
@endpoint_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "json"]),
    default="table",
    show_default=True,
    help="table: aligned text, IRIs as prefixed names; csv and json: the SPARQL 1.1 results formats.",
)
@seconds_option(
    "--timeout",
    60.0,
    "Seconds the query may take: over a build, the query is stopped then; with "
    "--endpoint, the whole answer must have arrived by then.",
)
@click.option(
    "--max-memory",
    type=click.IntRange(min=64),
    default=2048,
    show_default=True,
    metavar="MB",
    help="Megabytes the query may use over a build (address space of the query process); "
    "with --endpoint, the largest answer accepted.",
)
@verbosity
def query(
    sparql: str | None,
    query_file: Path | None,
    from_dir: Path,
    endpoint: str | None,
    fmt: str,
    timeout: float,
    quiet: bool,
    verbose: bool,
    max_memory: int,
) -> None:
    """Run a SPARQL query over a built dataset, or over an endpoint with --endpoint.

    The default graph is the union of all named graphs, so no GRAPH clause is needed; the
    project prefixes (unld:, eli:, dcterms:, time:, skos:, rdfs:...) need no declaration.
    Exit code 2 for a query that is not valid SPARQL.

    Example: unld query -f examples/queries/most-cited.rq --from build/
    """
    from unld.publishing.query import query_local, query_remote, render

    _check_verbosity(quiet, verbose)
    if (sparql is None) == (query_file is None):
        _fail("give the query as SPARQL or --file Q.rq (one of them)")
    ctx = click.get_current_context()
    from_given = ctx.get_parameter_source("from_dir") == click.core.ParameterSource.COMMANDLINE
    endpoint_given = ctx.get_parameter_source("endpoint") == (click.core.ParameterSource.COMMANDLINE)
    if from_given and endpoint_given:
        _fail("give --from DIR or --endpoint URL, not both")
    try:
        if query_file is not None:
            try:
                text = query_file.read_text(encoding="utf-8")
            except OSError as exc:
                raise InputError(str(query_file), f"cannot be read ({exc.strerror})") from None
        else:
            text = sparql or ""
        start = time.perf_counter()
        if endpoint and not from_given:
            where = endpoint
            result = query_remote(text, endpoint, timeout=timeout, max_bytes=max_memory * 1024 * 1024)
        else:
            where = str(from_dir / "unld.nq")
            result = query_local(text, from_dir, timeout, max_memory)
    except UnldError as exc:
        _fail(str(exc), exc.exit_code)
    click.echo(render(result, fmt, footer=not quiet), nl=False)
    if verbose:
        _note(f"{len(result.rows)} row(s) from {where} in {time.perf_counter() - start:.2f} s")


@main.command()
@from_option("Built folder to read (its unld.nq).", Path("build"), folders_only=False)
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=None,
    metavar="DIR",
    help="Output folder of the site  [default: DIR/site]",
)
@click.option(
    "--base-iri",
    default=None,
    envvar="UNLD_BASE_IRI",
    metavar="IRI",
    help="Base of the data IRIs (must end with '/')  [default: the build's own, "
    f"read from its VoID graph, else {DEFAULT_BASE}]",
)
@click.option(
    "--full",
    is_flag=True,
    default=False,
    help="Write every page again, instead of starting from the site already in the output "
    "folder (which is otherwise read: only the pages whose data changed are written again).",
)
@verbosity
def site(
    from_dir: Path, out: Path | None, base_iri: str | None, full: bool, quiet: bool, verbose: bool
) -> None:
    """Write the static linked-data website of a built folder.

    One folder per IRI with index.html, index.ttl and index.jsonld, listings, a home page
    with the dumps, sitemap.xml, robots.txt and server configuration for content
    negotiation and redirects (see docs/hosting.md).  A site already in the output folder
    is the start: its pages whose data did not change are kept (hard links), the others
    written again; the result is the same bytes as with --full.
    Example: unld site --from build --out build/site
    """
    from unld.core.iri import IriPolicy
    from unld.publishing.site import check_checksum, check_output, detect_base, generate, load_quads

    _check_verbosity(quiet, verbose)
    if not (from_dir / "unld.nq").is_file():
        _fail(f"{from_dir}: no unld.nq here (expected a folder written by 'unld build')")
    clock = time.perf_counter()
    try:
        quads = load_quads(from_dir)
        if not len(quads):
            raise InputError(str(from_dir / "unld.nq"), "holds no quads (expected the dataset a build wrote)")
        check_checksum(from_dir)  # a file cut at a line's end is still N-Quads
    except UnldError as exc:
        _fail(str(exc), exc.exit_code)
    except (OSError, SyntaxError, ValueError) as exc:
        _fail(f"{from_dir / 'unld.nq'}: cannot read it: {exc}")
    read = time.perf_counter() - clock
    detected = detect_base(quads)
    base = base_iri or detected or DEFAULT_BASE
    try:
        IriPolicy(base)  # a malformed base is a usage error before anything else
    except UnldError as exc:
        _fail(str(exc), exc.exit_code)
    if base_iri and not len(quads.iris_with_prefix(base_iri + "doc/")):
        # every page of the data would be missing, and its links would leave the site
        _fail(
            f"--base-iri {base_iri}: no document of {from_dir / 'unld.nq'} is under it"
            + (f" (the build's base is {detected})" if detected else "")
        )
    target = out or from_dir / "site"
    try:
        check_output(target, from_dir)
    except UnldError as exc:
        _fail(str(exc), exc.exit_code)
    # the site there now (a build's link into its generation resolved): what this one starts from
    previous = None if full or not target.is_dir() else target.resolve()
    try:
        report = generate(quads, target, base, from_dir, previous=previous, source=from_dir / "unld.nq")
    except UnldError as exc:
        _fail(str(exc), exc.exit_code)
    report.timings["read"] = read  # the store was read here, to find the base
    if not quiet:
        click.echo(report.summary())
    if verbose:
        for stage, seconds in report.timings.items():
            _note(f"  {stage}: {seconds:.2f} s")
