"""The command line: the only place that prints or exits.

Commands, in pipeline order: ``parse`` (text to record), ``validate`` (graph against the
shapes), ``build`` (everything, into ``build/``), ``site`` (the website of a build),
``publish`` (a build into a SPARQL store), ``query`` (SPARQL over a build or a store).
Exit codes: 0 ok, 1 validation or publishing failed, 2 bad input or usage.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from unld import __version__
from unld.errors import EXIT_BAD_INPUT, EXIT_INVALID, EXIT_OK, InputError, UnldError
from unld.iri import DEFAULT_BASE

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

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


def _fail(message: str, code: int = EXIT_BAD_INPUT) -> None:
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="unld")
def main() -> None:
    """unld: United Nations resolutions as linked data.

    \b
    parse     text of a resolution -> JSON record
    validate  graph -> SHACL report
    build     texts -> validated dumps and website in build/
    site      build/ -> static linked-data website
    publish   build/ -> SPARQL store (Graph Store Protocol)
    query     SPARQL over build/ or over an endpoint
    """


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["json"]),
    default="json",
    show_default=True,
    help="Output format of the record.",
)
def parse(files: tuple[Path, ...], fmt: str) -> None:
    """Print the record of each FILE as JSON (one object, or an array for several files).

    Example: unld parse examples/A_RES_76_19.md
    """
    from unld.parse import parse_source
    from unld.sources import read_source

    records, errors = [], []
    for f in files:
        try:
            records.append(parse_source(read_source(f)))
        except InputError as exc:
            errors.append(str(exc))
    out = records[0] if len(files) == 1 and records else records
    if records:
        click.echo(json.dumps(out, ensure_ascii=False, indent=2))
    for e in errors:
        click.echo(f"error: {e}", err=True)
    if errors:
        sys.exit(EXIT_BAD_INPUT)


@main.command()
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--from",
    "from_dir",
    type=click.Path(path_type=Path),
    metavar="DIR",
    help="Validate the dataset built in DIR (its unld.nq).",
)
@base_option
@click.option(
    "--warnings/--no-warnings",
    default=True,
    show_default=True,
    help="Also print warnings (they never fail validation).",
)
@engine_option
def validate(
    files: tuple[Path, ...], from_dir: Path | None, base_iri: str, warnings: bool, shacl_engine: str
) -> None:
    """Validate resolutions against the SHACL shapes; exit 1 if any violates them.

    FILES are resolution texts (parsed and mapped first) or RDF files (.ttl, .nt, .nq,
    .trig).  Example: unld validate --from build/
    """
    from unld.checking import validate_paths

    if not files and not from_dir:
        _fail("give resolution files, RDF files, or --from DIR")
    try:
        problems, graphs = validate_paths(list(files), from_dir, base_iri, shacl_engine)
    except UnldError as exc:
        _fail(str(exc), exc.exit_code)
    shown = [p for p in problems if warnings or p.severity == "Violation"]
    for p in shown:
        click.echo(p.line())
    n_viol = sum(p.severity == "Violation" for p in problems)
    n_warn = sum(p.severity == "Warning" for p in problems)
    click.echo(f"{graphs} graph(s) validated: {n_viol} violation(s), {n_warn} warning(s)")
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
@click.option("--quiet", "-q", is_flag=True, help="No progress bar or summary.")
@engine_option
def build(
    sources: tuple[Path, ...],
    out: Path,
    base_iri: str,
    jobs: int | None,
    no_cache: bool,
    site: bool,
    quiet: bool,
    shacl_engine: str,
) -> None:
    """Parse, map and validate SOURCES (files or folders) and write the dumps into --out.

    With no SOURCES, builds the bundled examples.  Example: unld build ../shared/corpus
    """
    from unld.build import build as run_build
    from unld.progress import Progress

    srcs = [str(s) for s in sources] or [str(EXAMPLES)]
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
        _fail(f"cannot write into {out}: {exc.strerror or exc}; the previous files are unchanged")
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
@click.option(
    "--from",
    "from_dir",
    type=click.Path(path_type=Path, file_okay=False),
    metavar="DIR",
    help="Publish the dataset built in DIR (its unld.nq)  [default: build/ when no SOURCES are given]",
)
@base_option
@click.option(
    "--dry-run", is_flag=True, help="List the graphs that would be sent (IRI and triple count); no network."
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0.1),
    default=60.0,
    show_default=True,
    metavar="S",
    help="Seconds to wait for the answer to each request.",
)
@click.option(
    "--connect-timeout",
    type=click.FloatRange(min=0.1),
    default=5.0,
    show_default=True,
    metavar="S",
    help="Seconds to wait for a connection.",
)
@click.option(
    "--retries",
    type=click.IntRange(0, 10),
    default=2,
    show_default=True,
    metavar="N",
    help="Retries after a 5xx answer or a connection error, with "
    "exponential back-off (0.5 s, 1 s, 2 s...); 4xx are not retried.",
)
@click.option("--quiet", "-q", is_flag=True, help="No progress bar or summary.")
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
) -> None:
    """Load a built dataset into a SPARQL endpoint: one HTTP PUT per named graph.

    SOURCES (texts or folders) are built in a temporary folder first; without them the
    dataset built in --from DIR (default build/) is sent.  Each graph replaces the graph of
    the same name, so publishing twice changes nothing.  Credentials come only from the
    environment: UNLD_ENDPOINT_USER and UNLD_ENDPOINT_PASSWORD (HTTP Basic) or
    UNLD_ENDPOINT_TOKEN (Bearer).  Exit code 1 if a graph could not be sent.

    Example: unld publish --endpoint http://localhost:7878/query --from build/
    """
    from unld.endpoint import Credentials, PublishOptions, graph_store_url, open_dataset
    from unld.endpoint import publish as run_publish
    from unld.progress import Progress

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
                for o in built.skipped:
                    click.echo(f"skipped: {o.error}", err=True)
                for p in built.violations:
                    click.echo(p.line(), err=True)
                code = EXIT_INVALID if built.violations else (EXIT_BAD_INPUT if built.skipped else EXIT_OK)

            def listed(g) -> None:
                click.echo(f"{g.iri}\t{g.triples} triples")

            with Progress(quiet=quiet or dry_run, unit="graph") as bar2:
                bar2.set_total(len(dataset.graphs))
                summary = run_publish(
                    dataset,
                    target,
                    credentials=credentials,
                    options=options,
                    dry_run=dry_run,
                    progress=bar2.advance,
                    on_graph=listed if dry_run else None,
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
@click.option(
    "--from",
    "from_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("build"),
    show_default=True,
    metavar="DIR",
    help="Query the dataset built in DIR (its unld.nq) in an embedded store.",
)
@endpoint_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "json"]),
    default="table",
    show_default=True,
    help="table: aligned text, IRIs as prefixed names; csv and json: the SPARQL 1.1 results formats.",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0.1),
    default=60.0,
    show_default=True,
    metavar="S",
    help="Seconds the query may take: over a build, the query is stopped then; with "
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
def query(
    sparql: str | None,
    query_file: Path | None,
    from_dir: Path,
    endpoint: str | None,
    fmt: str,
    timeout: float,
    max_memory: int,
) -> None:
    """Run a SPARQL query over a built dataset, or over an endpoint with --endpoint.

    The default graph is the union of all named graphs, so no GRAPH clause is needed; the
    project prefixes (unld:, eli:, dcterms:, time:, skos:, rdfs:...) need no declaration.
    Exit code 2 for a query that is not valid SPARQL.

    Example: unld query -f examples/queries/most-cited.rq --from build/
    """
    from unld.query import query_local, query_remote, render

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
        if endpoint and not from_given:
            result = query_remote(text, endpoint, timeout=timeout, max_bytes=max_memory * 1024 * 1024)
        else:
            result = query_local(text, from_dir, timeout, max_memory)
    except UnldError as exc:
        _fail(str(exc), exc.exit_code)
    click.echo(render(result, fmt), nl=False)


@main.command()
@click.option(
    "--from",
    "from_dir",
    type=click.Path(path_type=Path),
    default=Path("build"),
    show_default=True,
    metavar="DIR",
    help="Built folder to read (its unld.nq).",
)
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
def site(from_dir: Path, out: Path | None, base_iri: str | None) -> None:
    """Write the static linked-data website of a built folder.

    One folder per IRI with index.html, index.ttl and index.jsonld, listings, a home page
    with the dumps, sitemap.xml, robots.txt and server configuration for content
    negotiation (see docs/site.md).  Example: unld site --from build --out build/site
    """
    from unld.site import detect_base, generate, load_quads

    if not (from_dir / "unld.nq").is_file():
        _fail(f"{from_dir}: no unld.nq here (expected a folder written by 'unld build')")
    try:
        quads = load_quads(from_dir)
    except (OSError, SyntaxError, ValueError) as exc:
        _fail(f"{from_dir / 'unld.nq'}: cannot read it: {exc}")
    base = base_iri or detect_base(quads) or DEFAULT_BASE
    try:
        report = generate(quads, out or from_dir / "site", base, from_dir)
    except UnldError as exc:
        _fail(str(exc), exc.exit_code)
    click.echo(report.summary())
