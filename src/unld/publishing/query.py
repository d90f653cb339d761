"""``unld query``: run a SPARQL query over a built dataset, with or without an endpoint.

Without an endpoint, the dataset's ``unld.nq`` is loaded into an embedded, in-memory
pyoxigraph store and queried with the union of all named graphs as the default graph, so
queries need no ``GRAPH`` clause.  With one, the query is sent with the SPARQL 1.1 Protocol
(an HTTP POST form); the endpoint should likewise expose the union as its default graph
(``oxigraph serve --union-default-graph``; Fuseki's ``tdb2:unionDefaultGraph true``).

Queries may use the project's prefixes (``unld:``, ``eli:``, ``dcterms:``, ``time:``, ...)
without declaring them: when the query names an undeclared prefix, the missing declarations
are added before it is run.

Results of both kinds come back as a :class:`QueryResult` holding SPARQL 1.1 JSON result
terms, and :func:`render` writes them as an aligned ``table``, ``csv`` (SPARQL 1.1 CSV
results) or ``json`` (SPARQL 1.1 JSON results).  Nothing here prints or exits.
"""

from __future__ import annotations

import csv
import faulthandler
import io
import json
import multiprocessing
import multiprocessing.connection
import os
import re
import resource
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
import requests

from unld.core.errors import InputError, UnldError, UsageError
from unld.core.namespaces import RDF, RDF_LANG_STRING, XSD_STRING
from unld.publishing.dumps import PREFIXES as DUMP_PREFIXES
from unld.publishing.endpoint import (
    Credentials,
    EndpointError,
    answer_text,
    check_url,
    new_session,
    read_body,
)

PREFIXES = {**DUMP_PREFIXES, "rdf": RDF}
RESULTS_JSON = "application/sparql-results+json"
ACCEPT = f"{RESULTS_JSON}, application/n-triples;q=0.9, text/turtle;q=0.8, application/n-quads;q=0.5"
GRAPH_VARIABLES = ["subject", "predicate", "object"]
FORMATS = ("table", "csv", "json")

Term = dict  # a SPARQL 1.1 JSON results term: {"type": ..., "value": ..., ...}


class QueryError(UsageError):
    """The query is not valid SPARQL, or could not be evaluated (exit code 2)."""


@dataclass
class QueryResult:
    """Solutions (SELECT), a boolean (ASK) or triples (CONSTRUCT/DESCRIBE, as rows with the
    variables ``subject``, ``predicate``, ``object``)."""

    kind: str  # "bindings" | "boolean" | "graph"
    variables: list[str] = field(default_factory=list)
    rows: list[dict[str, Term]] = field(default_factory=list)
    boolean: bool | None = None


# --- the query text --------------------------------------------------------------------------

#: Deepest nesting of ``{``, ``(`` and ``[`` accepted: the SPARQL parser recurses once per
#: level, and a few thousand levels overflow its stack (the process dies without a word).
MAX_NESTING = 100
#: Longest query text accepted, in characters.
MAX_QUERY_CHARS = 1_000_000
#: Default limits of a query over a build (``--timeout``, ``--max-memory``) and of an answer
#: from an endpoint (``--max-answer``).
DEFAULT_TIMEOUT = 60.0
DEFAULT_MAX_MEMORY_MB = 2048
DEFAULT_MAX_ANSWER = 512 * 1024 * 1024

# what the scanner skips: comments, strings (long ones first) and IRI references
_SKIP = re.compile(
    r"#[^\n]*"
    r'|"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n]|\\.)*"'
    r"|'(?:[^'\\\n]|\\.)*'"
    r"|<[^<>\"{}|^`\\\x00-\x20]*>",
    re.DOTALL,
)
_SERVICE = re.compile(r"(?<![\w:?$])SERVICE(?![\w:-])", re.IGNORECASE)


def check_query(text: str, local: bool = False) -> None:
    """Refuse, before any parser sees it, a query that would crash or escape: nesting deeper
    than :data:`MAX_NESTING`, a text over :data:`MAX_QUERY_CHARS`, and, for a query over a
    build (``local``), a ``SERVICE`` clause, which would make the embedded store send
    requests to other servers.

    One pass over the text, skipping comments, strings and IRIs: linear in its length.
    """
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(f"the query is longer than {MAX_QUERY_CHARS} characters")
    pieces: list[str] = []
    pos = 0
    for m in _SKIP.finditer(text):
        pieces.append(text[pos : m.start()])
        # keep the line count: a comment or string may span lines
        pieces.append(" " + "\n" * text.count("\n", m.start(), m.end()))
        pos = m.end()
    pieces.append(text[pos:])
    bare = "".join(pieces)
    depth = 0
    line = 1
    for ch in bare:
        if ch in "{([":
            depth += 1
            if depth > MAX_NESTING:
                raise QueryError(
                    f"the query nests brackets more than {MAX_NESTING} deep (line {line}); "
                    "the SPARQL parser cannot take that"
                )
        elif ch in "})]":
            depth = max(0, depth - 1)
        elif ch == "\n":
            line += 1
    if local and _SERVICE.search(bare):
        raise QueryError(
            "SERVICE clauses are not run over a build (they would send requests to other "
            "servers); query an endpoint with --endpoint instead"
        )


_DECLARED = re.compile(r"\bPREFIX\s+([A-Za-z][\w.-]*)?\s*:", re.IGNORECASE)
_POSITION = re.compile(r"error at (\d+):(\d+)")


def _syntax_error(text: str) -> str | None:
    """The parser's complaint about ``text``, or ``None`` when it parses."""
    try:
        ox.Store().query(text)
    except SyntaxError as exc:
        return str(exc)
    except Exception:  # noqa: BLE001 - it parsed; evaluation is not this function's business
        return None
    return None


def _short(message: str) -> str:
    message = " ".join(message.split())
    return message if len(message) <= 240 else message[:240] + " ..."


def prepare(text: str) -> tuple[str, str | None]:
    """``text`` with the project prefixes it uses but does not declare added on one line
    before it, and the remaining syntax error (``None`` when it parses).

    Line numbers in the error are those of ``text`` as given.
    """
    error = _syntax_error(text)
    if error is None or "prefix not found" not in error.lower():
        return text, error
    declared = {m.group(1) or "" for m in _DECLARED.finditer(text)}
    missing = " ".join(f"PREFIX {p}: <{iri}>" for p, iri in PREFIXES.items() if p not in declared)
    fuller = f"{missing}\n{text}"
    error2 = _syntax_error(fuller)
    if error2 is None:
        return fuller, None
    shifted = _POSITION.sub(lambda m: f"error at {int(m.group(1)) - 1}:{m.group(2)}", error2)
    if "prefix not found" in shifted.lower():
        where = _POSITION.search(shifted)
        shifted = (
            f"{where.group(0) if where else 'error'}: a prefix that is not declared "
            f"(the project prefixes {', '.join(p + ':' for p in PREFIXES)} need no "
            "declaration)"
        )
    return text, shifted


# --- running it ------------------------------------------------------------------------------


def term(node: object) -> Term | None:
    """A pyoxigraph term as a SPARQL JSON results term."""
    if node is None:
        return None
    if isinstance(node, ox.NamedNode):
        return {"type": "uri", "value": node.value}
    if isinstance(node, ox.BlankNode):
        return {"type": "bnode", "value": node.value}
    if isinstance(node, ox.Literal):
        out: Term = {"type": "literal", "value": node.value}
        if node.language:
            out["xml:lang"] = node.language
        elif node.datatype.value != XSD_STRING:
            out["datatype"] = node.datatype.value
        return out
    if isinstance(node, ox.Triple):
        return {"type": "triple", "value": {k: term(getattr(node, k)) for k in GRAPH_VARIABLES}}
    return {"type": "literal", "value": str(node)}


def normalise(t: Term) -> Term:
    """One spelling for equal terms: plain literals without ``xsd:string``, no
    ``typed-literal``, no ``rdf:langString`` beside a language."""
    out = dict(t)
    if out.get("type") == "typed-literal":
        out["type"] = "literal"
    if out.get("datatype") == XSD_STRING or ("xml:lang" in out and out.get("datatype") == RDF_LANG_STRING):
        del out["datatype"]
    return out


def _triples_result(triples: Iterable[ox.Triple]) -> QueryResult:
    rows = [
        {k: value for k in GRAPH_VARIABLES if (value := term(getattr(t, k))) is not None} for t in triples
    ]
    return QueryResult("graph", list(GRAPH_VARIABLES), rows)


def load_store(from_dir: Path) -> ox.Store:
    """An in-memory store holding ``from_dir``'s ``unld.nq``."""
    dump = from_dir / "unld.nq"
    if not dump.is_file():
        raise UsageError(f"{dump} not found: run 'unld build --out {from_dir}' first, or give --endpoint URL")
    store = ox.Store()
    try:
        store.bulk_load(path=str(dump), format=ox.RdfFormat.N_QUADS)
    except SyntaxError as exc:
        raise InputError(str(dump), f"is not valid N-Quads: {exc}") from None
    return store


def query_store(store: ox.Store, text: str) -> QueryResult:
    """Run ``text`` over ``store``, the union of its graphs as the default graph.

    No time or memory limit here (see :func:`query_local`); ``SERVICE`` and deep nesting
    are refused.
    """
    check_query(text, local=True)
    text, error = prepare(text)
    if error is not None:
        raise QueryError(f"the query is not valid SPARQL: {_short(error)}")
    try:
        answer = store.query(text, use_default_graph_as_union=True)
        if isinstance(answer, ox.QueryBoolean):
            return QueryResult("boolean", boolean=bool(answer))
        if isinstance(answer, ox.QuerySolutions):
            names = [v.value for v in answer.variables]
            rows = [{n: t for n in names if (t := term(s[n])) is not None} for s in answer]
            return QueryResult("bindings", names, rows)
        return _triples_result(answer)
    except (OSError, RuntimeError, ValueError) as exc:
        raise QueryError(f"the query failed: {_short(str(exc))}") from None


def _query_child(
    conn: multiprocessing.connection.Connection, text: str, from_dir: Path, max_memory_mb: int | None
) -> None:
    """Load the build and run the query in a child process, under a memory limit.

    The embedded store aborts the process when an allocation fails: its stderr is closed so
    that the abort's own report (which reads like a traceback) is not shown; what happened
    is said by the parent.
    """
    faulthandler.disable()
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    os.close(devnull)
    try:
        if max_memory_mb:
            limit = max_memory_mb * 1024 * 1024
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        conn.send(("ok", query_store(load_store(from_dir), text)))
    except MemoryError:
        conn.send(("memory", None))
    except UnldError as exc:
        conn.send(("error", exc))
    finally:
        conn.close()


def query_local(
    text: str,
    from_dir: Path,
    timeout: float | None = DEFAULT_TIMEOUT,
    max_memory_mb: int | None = DEFAULT_MAX_MEMORY_MB,
) -> QueryResult:
    """Run ``text`` over the dataset built in ``from_dir``, within ``timeout`` seconds and
    ``max_memory_mb`` megabytes of address space.

    The embedded store cannot be interrupted, so the query runs in a child process that is
    killed at the deadline, with its address space limited (a cartesian product can
    otherwise take all the memory of the machine).
    """
    check_query(text, local=True)
    dump = from_dir / "unld.nq"
    if not dump.is_file():
        raise UsageError(f"{dump} not found: run 'unld build --out {from_dir}' first, or give --endpoint URL")
    ctx = multiprocessing.get_context("fork")
    receive, send = ctx.Pipe(duplex=False)
    child = ctx.Process(target=_query_child, args=(send, text, from_dir, max_memory_mb), daemon=True)
    child.start()
    send.close()
    try:
        if not receive.poll(timeout):
            raise QueryError(f"the query ran longer than {timeout:g} s (--timeout) and was stopped")
        try:
            kind, value = receive.recv()
        except EOFError:
            kind, value = "memory", None
    finally:
        if child.is_alive():
            child.kill()
        child.join()
        receive.close()
    if kind == "ok":
        return value
    if kind == "error":
        raise value
    raise QueryError(
        f"the query needed more than {max_memory_mb} MB (--max-memory) and was stopped"
        if max_memory_mb
        else "the query process died (out of memory?)"
    )


def _json_results(body: bytes, endpoint: str) -> QueryResult:
    """SPARQL 1.1 JSON results, checked for the shape they must have: a server that sends
    anything else gets an :class:`EndpointError`, not a traceback."""
    bad = EndpointError(f"{endpoint} sent results that are not SPARQL 1.1 JSON results")
    try:
        doc = json.loads(body)
    except (ValueError, RecursionError):
        raise EndpointError(f"{endpoint} sent results that are not JSON") from None
    if not isinstance(doc, dict):
        raise bad
    if "boolean" in doc:
        if not isinstance(doc["boolean"], bool):
            raise bad
        return QueryResult("boolean", boolean=doc["boolean"])
    head, results = doc.get("head", {}), doc.get("results", {})
    if not isinstance(head, dict) or not isinstance(results, dict):
        raise bad
    names, bindings = head.get("vars", []), results.get("bindings", [])
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise bad
    if not isinstance(bindings, list):
        raise bad
    rows: list[dict[str, Term]] = []
    for b in bindings:
        if not isinstance(b, dict):
            raise bad
        row: dict[str, Term] = {}
        for k, v in b.items():
            if not isinstance(v, dict) or not isinstance(v.get("type"), str) or "value" not in v:
                raise bad
            if v["type"] != "triple" and not isinstance(v["value"], str):
                raise bad
            row[str(k)] = normalise(v)
        rows.append(row)
    return QueryResult("bindings", [str(n) for n in names], rows)


def query_remote(
    text: str,
    endpoint: str,
    credentials: Credentials | None = None,
    timeout: float = 60.0,
    connect_timeout: float = 5.0,
    max_bytes: int | None = DEFAULT_MAX_ANSWER,
) -> QueryResult:
    """Send ``text`` to a SPARQL 1.1 Protocol ``endpoint`` (POST form).

    ``timeout`` is a total deadline for the answer, and an answer over ``max_bytes`` is
    refused.  A query that does not parse here is still sent as it is when the parser's only
    complaint might be an extension the endpoint knows; the endpoint's 400 answer then
    becomes a :class:`QueryError`.
    """
    check_url(endpoint, "--endpoint")
    credentials = credentials or Credentials.from_env()
    check_query(text)
    text, _error = prepare(text)
    deadline = time.monotonic() + timeout
    try:
        with (
            new_session() as session,
            session.post(
                endpoint,
                data={"query": text},
                headers={"Accept": ACCEPT},
                auth=credentials,
                timeout=(connect_timeout, timeout),
                stream=True,
            ) as response,
        ):
            status = response.status_code
            body = read_body(response, deadline, max_bytes)
            media = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
    except requests.Timeout:
        raise EndpointError(f"{endpoint} gave no answer within {timeout:g} s (--timeout)") from None
    except requests.RequestException as exc:
        reason = (
            "connection refused"
            if "refused" in str(exc).lower()
            else (f"connection failed ({type(exc).__name__})")
        )
        raise EndpointError(f"cannot reach the SPARQL endpoint {endpoint}: {reason}") from None
    except (ValueError, UnicodeError) as exc:
        # the HTTP client refusing a header; its own message may quote the header's value
        raise EndpointError(
            f"cannot send to {endpoint}: the HTTP client refused a header ({type(exc).__name__}); "
            "check the UNLD_ENDPOINT_* variables"
        ) from None
    return _answer(endpoint, status, media, body, credentials)


def _answer(endpoint: str, status: int, media: str, body: bytes, credentials: Credentials) -> QueryResult:
    """The result an endpoint's answer holds, or the error its status or body says."""
    answer = answer_text(body, credentials, 240)
    if status in (401, 403):
        raise EndpointError(credentials.refused(endpoint, status))
    if status == 400:
        raise QueryError(f"{endpoint} rejected the query: {answer}")
    if status != 200:
        raise EndpointError(f"{endpoint} answered HTTP {status}: {answer}")
    if media in (RESULTS_JSON, "application/json"):
        return _json_results(body, endpoint)
    fmt = ox.RdfFormat.from_media_type(media) if media else None
    if fmt is None:
        raise EndpointError(f"{endpoint} answered in an unexpected format ({media or 'none'})")
    try:
        parsed = list(ox.parse(body, format=fmt))
    except SyntaxError as exc:
        raise EndpointError(f"{endpoint} sent RDF that does not parse: {_short(str(exc))}") from None
    return _triples_result(q.triple if isinstance(q, ox.Quad) else q for q in parsed)


# --- writing the results ---------------------------------------------------------------------


def _short_iri(iri: str) -> str:
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns):
            local = iri[len(ns) :]
            if re.fullmatch(r"[A-Za-z_][\w-]*", local):
                return f"{prefix}:{local}"
    return f"<{iri}>"


def cell(t: Term | None) -> str:
    """How a term reads in a table: IRIs in the project's namespaces as prefixed names (other
    IRIs in ``<...>``), literals as their bare text, blank nodes as ``_:id``, unbound as
    nothing; line breaks become spaces."""
    if t is None:
        return ""
    kind = t.get("type")
    if kind == "uri":
        text = _short_iri(t["value"])
    elif kind == "bnode":
        text = f"_:{t['value']}"
    elif kind == "triple":
        v = t["value"]
        text = "<< " + " ".join(cell(v[k]) for k in GRAPH_VARIABLES) + " >>"
    else:
        text = str(t.get("value", ""))
    return " ".join(text.split()) if "\n" in text or "\r" in text or "\t" in text else text


def _csv_value(t: Term | None) -> str:
    if t is None:
        return ""
    if t.get("type") == "bnode":
        return f"_:{t['value']}"
    if t.get("type") == "triple":
        return cell(t)
    return str(t.get("value", ""))


def render(result: QueryResult, fmt: str = "table", footer: bool = True) -> str:
    """``result`` as text: ``table``, ``csv`` or ``json`` (see the module docstring);
    ``footer=False`` leaves out the table's row count (``--quiet``)."""
    if fmt == "json":
        if result.kind == "boolean":
            doc: dict = {"head": {}, "boolean": result.boolean}
        else:
            doc = {"head": {"vars": result.variables}, "results": {"bindings": result.rows}}
        return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
    if result.kind == "boolean":
        return ("true" if result.boolean else "false") + "\n"
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(result.variables)
        for row in result.rows:
            writer.writerow([_csv_value(row.get(v)) for v in result.variables])
        return out.getvalue()
    if fmt != "table":
        raise UsageError(f"unknown format {fmt!r}: expected one of {', '.join(FORMATS)}")
    table = [[cell(row.get(v)) for v in result.variables] for row in result.rows]
    widths = [max([len(v), *(len(r[i]) for r in table)]) for i, v in enumerate(result.variables)]

    def line(cells: list[str]) -> str:
        return "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()

    lines = [line(result.variables), line(["-" * w for w in widths])]
    lines += [line(r) for r in table]
    if footer:
        lines.append(f"({len(table)} row{'s' if len(table) != 1 else ''})")
    return "\n".join(lines) + "\n"
