"""The command line: the only place that prints or exits.

Commands, in pipeline order: ``parse`` (text to record), ``validate`` (graph against the
shapes), ``build`` (everything, into ``build/``).  Exit codes: 0 ok, 1 validation failed,
2 bad input or usage.
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

base_option = click.option(
    "--base-iri", default=DEFAULT_BASE, show_default=True, envvar="UNLD_BASE_IRI",
    metavar="IRI", help="Base of every data IRI (must end with '/').")


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
    build     texts -> validated dumps in build/
    """


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["json"]), default="json", show_default=True,
              help="Output format of the record.")
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
@click.option("--from", "from_dir", type=click.Path(path_type=Path), metavar="DIR",
              help="Validate the dataset built in DIR (its unld.nq).")
@base_option
@click.option("--warnings/--no-warnings", default=True, show_default=True,
              help="Also print warnings (they never fail validation).")
def validate(files: tuple[Path, ...], from_dir: Path | None, base_iri: str, warnings: bool) -> None:
    """Validate resolutions against the SHACL shapes; exit 1 if any violates them.

    FILES are resolution texts (parsed and mapped first) or RDF files (.ttl, .nt, .nq,
    .trig).  Example: unld validate --from build/
    """
    from unld.checking import validate_paths

    if not files and not from_dir:
        _fail("give resolution files, RDF files, or --from DIR")
    try:
        problems, graphs = validate_paths(list(files), from_dir, base_iri)
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
@click.option("--out", type=click.Path(path_type=Path), default=Path("build"), show_default=True,
              metavar="DIR", help="Output folder.")
@base_option
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None, metavar="N",
              help="Worker processes (default: all cores).")
@click.option("--no-cache", is_flag=True,
              help="Process every source again, ignoring the cache in DIR/.unld-cache.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar or summary.")
def build(sources: tuple[Path, ...], out: Path, base_iri: str, jobs: int | None,
          no_cache: bool, quiet: bool) -> None:
    """Parse, map and validate SOURCES (files or folders) and write the dumps into --out.

    With no SOURCES, builds the bundled examples.  Example: unld build ../shared/corpus
    """
    from unld.build import build as run_build
    from unld.progress import Progress

    srcs = [str(s) for s in sources] or [str(EXAMPLES)]
    try:
        with Progress(quiet=quiet, unit="resolution") as bar:
            result = run_build(srcs, out, base_iri, jobs, progress=bar.advance,
                               total=bar.set_total, use_cache=not no_cache)
    except UnldError as exc:
        _fail(str(exc), exc.exit_code)
    for o in result.skipped:
        click.echo(f"skipped: {o.error}", err=True)
    for p in result.violations:
        click.echo(p.line(), err=True)
    if not quiet:
        built = len(result.outcomes) - len(result.skipped) - len(result.duplicates)
        click.echo(f"built {built} resolution(s) into {out}/: {result.triples} triples, "
                   f"{len(result.violations)} violation(s), {len(result.warnings)} warning(s), "
                   f"{len(result.skipped)} skipped, {len(result.duplicates)} duplicate(s)")
        for o in result.duplicates:
            click.echo(f"  duplicate: {o.path} gives {o.symbol}, already built from "
                       f"{o.duplicate_of}")
    if result.violations:
        sys.exit(EXIT_INVALID)
    if result.skipped:
        sys.exit(EXIT_BAD_INPUT)
