"""The package as a user installs it: a wheel built from the project's files, installed into
a fresh virtual environment outside the checkout, every command run from an empty folder.

A source checkout hides packaging faults (the ontology, mappings and templates are read in
place there), so these tests never import unld from the checkout: they copy the files a
wheel is built from into a temporary folder, build the wheel there with pip (which fetches
the build back-end from the package index, as any user's pip does), install it with its
dependencies into a new venv, and call that venv's ``unld``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import rdflib
from rdflib.compare import isomorphic

from tests.conftest import CORPUS, ROOT

SOURCE = CORPUS / "A_RES_80_163.txt"
#: what a wheel is built from (the rest of the checkout is not needed)
WHEEL_INPUTS = ["pyproject.toml", "README.md", "src", "ontology", "mappings"]


def _run(
    args: list[str], cwd: Path, env: dict[str, str], timeout: float = 600
) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """(the venv's ``unld`` executable, the environment to run it in)."""
    root = tmp_path_factory.mktemp("wheel")
    src = root / "src"
    src.mkdir()
    for name in WHEEL_INPUTS:
        path = ROOT / name
        if path.is_dir():
            shutil.copytree(path, src / name, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
        else:
            shutil.copy2(path, src / name)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "UNLD_BASE_IRI")}
    dist = root / "dist"
    done = _run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(dist), str(src)], root, env
    )
    assert done.returncode == 0, done.stderr[-3000:]
    wheels = sorted(dist.glob("unld-*.whl"))
    assert len(wheels) == 1, wheels
    venv = root / "venv"
    done = _run([sys.executable, "-m", "venv", str(venv)], root, env)
    assert done.returncode == 0, done.stderr
    done = _run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q", str(wheels[0])], root, env)
    assert done.returncode == 0, done.stderr[-3000:]
    return venv / "bin" / "unld", env


@pytest.fixture()
def work(tmp_path: Path) -> Path:
    """An empty folder (no examples/, no ontology/) holding one corpus text."""
    folder = tmp_path / "work"
    folder.mkdir()
    shutil.copy2(SOURCE, folder / SOURCE.name)
    return folder


def test_runs_from_the_wheel_not_the_checkout(installed: tuple[Path, dict[str, str]], work: Path) -> None:
    unld, env = installed
    python = unld.parent / "python"
    done = _run(
        [
            str(python),
            "-c",
            "import unld.core.resources as r; print(r.ontology_dir()); print(r.mappings_dir())",
        ],
        work,
        env,
    )
    assert done.returncode == 0, done.stderr
    for line in done.stdout.split():
        assert Path(line).is_relative_to(unld.parents[1]), line
        assert str(ROOT) not in line
    assert (Path(done.stdout.split()[0]) / "shapes.ttl").is_file()


def test_parse_in_every_format(installed: tuple[Path, dict[str, str]], work: Path) -> None:
    unld, env = installed
    done = _run([str(unld), "parse", SOURCE.name], work, env)
    assert done.returncode == 0, done.stderr
    record = json.loads(done.stdout)
    assert record["symbol"] == "A/RES/80/163"
    assert len(record["operative_paragraphs"]) > 3
    ttl = _run([str(unld), "parse", "--format", "ttl", SOURCE.name], work, env)
    assert ttl.returncode == 0, ttl.stderr
    jsonld = _run([str(unld), "parse", "--format", "jsonld", SOURCE.name], work, env)
    assert jsonld.returncode == 0, jsonld.stderr
    g_ttl = rdflib.Graph().parse(data=ttl.stdout, format="turtle")
    g_jsonld = rdflib.Graph().parse(data=jsonld.stdout, format="json-ld")
    assert len(g_ttl) > 300
    assert isomorphic(g_ttl, g_jsonld)
    # the same triples as the checkout's code gives
    from unld.core.iri import IriPolicy
    from unld.mapping.mapper import Mapper
    from unld.parse import parse_source
    from unld.sources import read_source

    mapped = Mapper(IriPolicy("https://w3id.org/unld/")).map_one(parse_source(read_source(SOURCE)))
    reference = rdflib.Graph().parse(data=mapped.ntriples.decode(), format="nt")
    assert isomorphic(g_ttl, reference)


def test_validate_build_site_query_publish(installed: tuple[Path, dict[str, str]], work: Path) -> None:
    unld, env = installed
    done = _run([str(unld), "validate", SOURCE.name], work, env)
    assert done.returncode == 0, done.stderr
    assert "1 graph(s) validated: 0 violation(s)" in done.stdout

    done = _run([str(unld), "build", SOURCE.name, "--no-site"], work, env)
    assert done.returncode == 0, done.stderr
    assert "built 1 resolution(s) into build/" in done.stdout
    build = work / "build"
    for name in ("unld.nq", "unld.ttl", "unld.jsonld", "context.jsonld", "ontology.html", "SHA256SUMS"):
        assert (build / name).is_file(), name
    nt = rdflib.Graph().parse(build / "unld.nt", format="nt")
    assert isomorphic(rdflib.Graph().parse(build / "unld.jsonld", format="json-ld"), nt)

    done = _run([str(unld), "site"], work, env)
    assert done.returncode == 0, done.stderr
    assert "site written to build/site/" in done.stdout
    page = build / "site" / "doc" / "A" / "RES" / "80" / "163" / "index.html"
    assert "A/RES/80/163" in page.read_text(encoding="utf-8")
    assert (build / "site" / "context.jsonld").is_file()

    done = _run(
        [str(unld), "query", 'SELECT ?t WHERE { ?r unld:symbol "A/RES/80/163" ; dcterms:title ?t }', "-q"],
        work,
        env,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[2].startswith("United Nations Programme of Assistance in the Teaching")
    assert len(done.stdout.splitlines()) == 3  # header, rule, the row: no row count with -q

    done = _run([str(unld), "publish", "--dry-run"], work, env)
    assert done.returncode == 0, done.stderr
    assert "https://w3id.org/unld/graph/A/RES/80/163\t" in done.stdout


def test_build_without_sources_says_what_to_do(installed: tuple[Path, dict[str, str]], work: Path) -> None:
    unld, env = installed
    done = _run([str(unld), "build"], work, env)
    assert done.returncode == 2
    assert "no SOURCES given" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (work / "build").exists()


def test_version_and_help(installed: tuple[Path, dict[str, str]], work: Path) -> None:
    unld, env = installed
    done = _run([str(unld), "-V"], work, env)
    assert done.returncode == 0
    assert done.stdout.startswith("unld, version ")
    done = _run([str(unld), "--help"], work, env)
    listed = [line.split()[0] for line in done.stdout.split("Commands:")[1].splitlines() if line.strip()]
    assert listed == ["parse", "validate", "build", "site", "publish", "query"]
