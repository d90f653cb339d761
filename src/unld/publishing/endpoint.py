"""``unld publish``: load a built dataset into a SPARQL endpoint, one named graph at a time.

Each named graph of ``unld.nq`` (one per resolution, plus the shared graphs) is sent with the
SPARQL 1.1 Graph Store Protocol: ``PUT <graph store>?graph=<graph IRI>`` with an N-Triples
body.  A PUT replaces the whole graph, so publishing twice leaves the store as it was, and a
resolution parsed again replaces its old graph.

The steps, in order:

1. :class:`SpooledGraphs` spools every named graph of a built folder's ``unld.nq`` into an
   N-Triples file of its own, so that bodies are streamed from disk and a retry can resend
   one (``unld publish SOURCES`` builds them first: :func:`unld.build.pipeline.open_dataset`);
2. :func:`graph_store_url` finds where to send them (``--graph-store``, or derived from the
   query endpoint of Oxigraph or Fuseki);
3. :class:`Credentials` reads the secret from the environment, never from arguments;
4. :func:`publish` sends the graphs, retrying 5xx answers and connection errors with
   exponential back-off, and returns a :class:`PublishSummary`.

Nothing here prints or exits; errors are :class:`EndpointError` (exit code 1) or
:class:`~unld.core.errors.UsageError` (exit code 2).  No message ever holds a secret.
"""

from __future__ import annotations

import base64
import os
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pyoxigraph as ox
import requests

from unld.core.errors import InputError, PublishError, UsageError

ENV_USER = "UNLD_ENDPOINT_USER"
ENV_PASSWORD = "UNLD_ENDPOINT_PASSWORD"
ENV_TOKEN = "UNLD_ENDPOINT_TOKEN"
CREDENTIALS_HINT = (
    f"set {ENV_USER} and {ENV_PASSWORD} (HTTP Basic) or {ENV_TOKEN} (Bearer token) in the environment"
)
NTRIPLES = "application/n-triples"
BATCH = 20_000  # triples serialised at a time while spooling


class EndpointError(PublishError):
    """Talking to a SPARQL endpoint failed (exit code 1).

    ``summary`` holds what had been done before the failure, when a publish was under way.
    """

    def __init__(self, message: str, summary: PublishSummary | None = None, resumable: bool = False) -> None:
        super().__init__(message)
        self.summary = summary
        self.resumable = resumable  # running the same command again may finish the job


class AuthenticationError(EndpointError):
    """The endpoint refused the credentials (HTTP 401 or 403)."""


# --- 1. the dataset, one N-Triples file per named graph -----------------------------------


@dataclass(frozen=True)
class GraphFile:
    """One named graph, spooled to ``path`` as N-Triples."""

    iri: str
    path: Path
    triples: int
    bytes: int


@dataclass
class SpooledGraphs:
    """The named graphs of a built dataset, in the order of its N-Quads dump."""

    source: Path
    graphs: list[GraphFile]

    @property
    def triples(self) -> int:
        return sum(g.triples for g in self.graphs)

    @property
    def bytes(self) -> int:
        return sum(g.bytes for g in self.graphs)

    @classmethod
    def from_nquads(cls, dump: Path, workdir: Path) -> SpooledGraphs:
        """Split ``dump`` into one N-Triples file per named graph inside ``workdir``.

        Quads are streamed: at most :data:`BATCH` triples are held at a time, so the size of
        the dump does not matter.  The dumps of ``unld build`` are sorted by graph, so each
        file is written in one run; a graph that comes back later is appended to.
        """
        workdir.mkdir(parents=True, exist_ok=True)
        files: dict[str, Path] = {}
        counts: dict[str, int] = {}
        current: str | None = None
        batch: list[ox.Triple] = []

        def flush() -> None:
            if current is not None and batch:
                with open(files[current], "ab") as fh:
                    ox.serialize(batch, fh, format=ox.RdfFormat.N_TRIPLES)
                batch.clear()

        try:
            with open(dump, "rb") as fh:
                for quad in ox.parse(fh, format=ox.RdfFormat.N_QUADS):
                    if not isinstance(quad.graph_name, ox.NamedNode):
                        raise InputError(
                            str(dump), "holds triples outside a named graph; unld publishes named graphs only"
                        )
                    name = quad.graph_name.value
                    if name != current or len(batch) >= BATCH:
                        flush()
                        current = name
                        if name not in files:
                            files[name] = workdir / f"{len(files):06d}.nt"
                            counts[name] = 0
                    batch.append(quad.triple)
                    counts[name] += 1
                flush()
        except FileNotFoundError:
            raise UsageError(f"{dump} not found: run 'unld build --out {dump.parent}' first") from None
        except SyntaxError as exc:
            raise InputError(str(dump), f"is not valid N-Quads: {exc}") from None
        except OSError as exc:
            raise InputError(str(dump), f"cannot be read ({exc.strerror})") from None
        graphs = [GraphFile(name, path, counts[name], path.stat().st_size) for name, path in files.items()]
        return cls(dump, graphs)


# --- 2. where to send it ---------------------------------------------------------------------


def check_url(url: str, option: str) -> str:
    """An http(s) URL without credentials in it (they belong in the environment)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(f"{option} must be an http:// or https:// URL")
    if parts.username is not None or parts.password is not None:
        # the URL is not repeated: it holds a secret
        raise UsageError(f"{option} must not hold a user name or password; {CREDENTIALS_HINT}")
    return url


def graph_store_url(endpoint: str | None, graph_store: str | None) -> str:
    """The Graph Store Protocol URL: ``graph_store`` when given, else derived from the query
    ``endpoint`` of the two servers whose layout is known:

    * Oxigraph: ``http://host:7878/query`` -> ``http://host:7878/store``;
    * Apache Jena Fuseki: ``http://host:3030/DATASET/sparql`` (or ``/query``) ->
      ``http://host:3030/DATASET/data``.

    Anything else needs ``--graph-store`` (a :class:`~unld.core.errors.UsageError`).
    """
    if graph_store:
        return check_url(graph_store, "--graph-store")
    if not endpoint:
        raise UsageError("give --endpoint URL (or set UNLD_ENDPOINT), or --graph-store URL")
    parts = urlsplit(check_url(endpoint, "--endpoint"))
    segments = parts.path.rstrip("/").split("/")[1:]
    if not parts.query and not parts.fragment:
        if segments == ["query"]:
            return urlunsplit(parts._replace(path="/store"))
        if len(segments) >= 2 and segments[-1] in ("sparql", "query"):
            return urlunsplit(parts._replace(path="/".join(["", *segments[:-1], "data"])))
    raise UsageError(
        f"cannot tell the Graph Store Protocol URL of {endpoint}: give "
        "--graph-store URL (Oxigraph: .../store, Fuseki: .../DATASET/data, "
        "Virtuoso: .../sparql-graph-crud-auth)"
    )


# --- 3. credentials --------------------------------------------------------------------------


def _check_secret(name: str, value: str | None) -> None:
    """Refuse a credential that cannot go into an HTTP header, naming the variable only.

    The HTTP client would otherwise fail while sending, with the whole header (the secret)
    in its message: a carriage return left by an env file with Windows line ends, another
    control character, or (for a token, which is sent as it is) a non-Latin-1 character.
    """
    if not value:
        return
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in value):
        hint = (
            " (a carriage return: was it read from a file with Windows line ends?)" if "\r" in value else ""
        )
        raise UsageError(f"{name} holds a control character{hint}; set it without one")
    if name == ENV_TOKEN and (not value.isascii() or " " in value):
        raise UsageError(f"{name} must be printable ASCII without spaces (a bearer token)")


class _Session(requests.Session):
    """A session that never reads ``~/.netrc`` (nor the file ``NETRC`` names).

    ``requests`` looks credentials up in netrc when a redirect leads to another host; here
    the only credentials are those of the environment, and they are dropped (not replaced)
    when a redirect leaves the host they were meant for.
    """

    def rebuild_auth(self, prepared_request: requests.PreparedRequest, response: requests.Response) -> None:
        url = prepared_request.url or ""
        if "Authorization" in prepared_request.headers and self.should_strip_auth(
            response.request.url or "", url
        ):
            del prepared_request.headers["Authorization"]


def new_session() -> requests.Session:
    """The HTTP session of every request unld makes (see :class:`_Session`)."""
    return _Session()


class Credentials(requests.auth.AuthBase):
    """HTTP Basic or Bearer credentials from the environment; their repr shows no secret.

    Setting ``auth`` on every request also keeps ``requests`` from reading ``~/.netrc``:
    the environment variables are the only source of credentials.
    """

    def __init__(
        self,
        header: str | None,
        source: str,
        secrets: Sequence[str] = (),
        login: tuple[str, str] | None = None,
    ) -> None:
        self._header = header
        self.source = source
        self._secrets = tuple(s for s in secrets if s)
        #: user and password, kept for a store that asks for HTTP Digest instead of Basic
        self._login = login
        self._digest: requests.auth.HTTPDigestAuth | None = None

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Credentials:
        env = os.environ if env is None else env
        user, password, token = env.get(ENV_USER), env.get(ENV_PASSWORD), env.get(ENV_TOKEN)
        for name, value in ((ENV_USER, user), (ENV_PASSWORD, password), (ENV_TOKEN, token)):
            _check_secret(name, value)
        if token and (user or password):
            raise UsageError(f"set either {ENV_TOKEN} or {ENV_USER}/{ENV_PASSWORD}, not both")
        if token:
            return cls(f"Bearer {token}", ENV_TOKEN, [token])
        if user or password:
            if not (user and password):
                raise UsageError(f"{ENV_USER} and {ENV_PASSWORD} must be set together")
            basic = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
            return cls(f"Basic {basic}", f"{ENV_USER}/{ENV_PASSWORD}", [password, basic], (user, password))
        return cls(None, "none")

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        if self._digest is not None:
            return self._digest(request)
        if self._header:
            request.headers["Authorization"] = self._header
        return request

    def switch_to_digest(self, response: requests.Response) -> bool:
        """After a 401 to HTTP Basic whose challenge is HTTP Digest, or that has no challenge
        at all (Virtuoso's authenticated graph store answers a Basic attempt so, and
        challenges with Digest only a request without credentials), answer further
        challenges with the same user and password through ``requests``' own Digest
        implementation; True when the request should be sent again.  Switches once: a
        Digest answer refused in turn, or a server that challenges with Basic, is a refusal."""
        challenge = response.headers.get("WWW-Authenticate", "").strip().lower()
        if self._digest is not None or self._login is None:
            return False
        if challenge and not challenge.startswith("digest"):
            return False
        self._digest = requests.auth.HTTPDigestAuth(*self._login)
        return True

    def __repr__(self) -> str:
        return f"Credentials(from={self.source})"

    def scrub(self, text: str) -> str:
        """``text`` with any secret replaced by ``***`` (for messages built from answers)."""
        for secret in self._secrets:
            text = text.replace(secret, "***")
        return text

    def refused(self, url: str, status: int) -> str:
        """The message for a 401/403 answer: which variables to set, never their values."""
        what = "Unauthorized" if status == 401 else "Forbidden"
        if self.source == "none":
            sent = "no credentials were sent"
        else:
            sent = f"the credentials from {self.source} were refused"
        return f"{url} answered {status} {what}: {sent}; {CREDENTIALS_HINT}"


# --- 4. sending ------------------------------------------------------------------------------


@dataclass
class PublishOptions:
    """Timeouts (seconds) and the retry policy.

    A request that fails with a 5xx answer or a connection error is tried again up to
    ``retries`` times, waiting ``backoff``, then twice as long each time (at most
    ``max_backoff``); no graph waits more than ``max_retry_seconds`` in all, so an
    unreachable server fails within seconds.  4xx answers are never retried.
    """

    timeout: float = 60.0
    connect_timeout: float = 5.0
    retries: int = 2
    backoff: float = 0.5
    max_backoff: float = 8.0
    max_retry_seconds: float = 30.0


@dataclass
class PublishSummary:
    """What a publish did (or, for a dry run, would do)."""

    target: str
    graphs: int
    sent: int = 0
    triples: int = 0
    bytes: int = 0
    failures: list[tuple[str, str]] = field(default_factory=list)
    seconds: float = 0.0
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.failures and (self.dry_run or self.sent == self.graphs)

    def line(self) -> str:
        if self.dry_run:
            return (
                f"dry run: would send {self.graphs} graph(s), {self.triples} triples, "
                f"{self.bytes} bytes to {self.target}"
            )
        rate = self.triples / self.seconds if self.seconds > 0 else 0.0
        return (
            f"published {self.sent} of {self.graphs} graph(s) to {self.target}: "
            f"{self.triples} triples, {self.bytes} bytes, {len(self.failures)} failure(s), "
            f"{self.seconds:.2f} s ({rate:.0f} triples/s)"
        )


# answers that say the graph store URL or the protocol is wrong: no other graph would fare
# better, so the run stops at the first one
_FATAL_STATUSES = {404, 405, 406, 415, 501}
#: Not an HTTP status: the answer asked for Digest authentication, so the request is sent again.
_SEND_AGAIN = 0


def _reason(exc: requests.RequestException, options: PublishOptions) -> str:
    """A short reason for a connection failure, without the request's details."""
    if isinstance(exc, requests.ConnectTimeout):
        return f"no connection within {options.connect_timeout:g} s"
    if isinstance(exc, requests.Timeout):
        return f"no answer within {options.timeout:g} s"
    text = str(exc).lower()
    if "refused" in text:
        return "connection refused"
    if (
        "name or service not known" in text
        or "nodename nor servname" in text
        or ("failed to resolve" in text)
    ):
        return "host name not found"
    if "reset" in text or "aborted" in text or "remotedisconnected" in text:
        return "connection closed by the server"
    return f"connection failed ({type(exc).__name__})"


def answer_text(body: bytes, credentials: Credentials, limit: int = 200) -> str:
    """The start of an answer's body for a message: secrets removed *before* it is cut, so
    that a server echoing the request cannot leave the first characters of one."""
    text = credentials.scrub(" ".join(body.decode("utf-8", "replace").split()))
    return text if len(text) <= limit else text[:limit] + " ..."


def read_body(response: requests.Response, deadline: float, limit: int | None = None) -> bytes:
    """The body of a streamed ``response``, within the total ``deadline`` (a monotonic
    time): a server that trickles bytes cannot hold the client longer than the deadline,
    since the per-read timeout of the HTTP client restarts with every byte.

    Raises :class:`requests.Timeout` past the deadline and :class:`EndpointError` when the
    body is larger than ``limit`` bytes.
    """
    chunks: list[bytes] = []
    size = 0
    raw = response.raw
    # read1 returns what has arrived (iter_content waits to fill its chunk, byte by byte)
    reader = getattr(raw, "read1", None)
    pieces = (
        iter(lambda: reader(65536, decode_content=True), b"")
        if reader is not None
        else response.iter_content(chunk_size=65536)
    )
    if time.monotonic() > deadline:
        raise requests.Timeout("total deadline")
    for chunk in pieces:
        chunks.append(chunk)
        size += len(chunk)
        if limit is not None and size > limit:
            raise EndpointError(f"{response.url} sent an answer larger than {limit} bytes")
        if time.monotonic() > deadline:
            raise requests.Timeout("total deadline")
    return b"".join(chunks)


class GraphStore:
    """A Graph Store Protocol endpoint that graphs are PUT into."""

    def __init__(
        self,
        url: str,
        credentials: Credentials | None = None,
        options: PublishOptions | None = None,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.url = url
        self.credentials = credentials or Credentials(None, "none")
        self.options = options or PublishOptions()
        self.session = session or new_session()
        self.sleep = sleep

    def put(self, graph: GraphFile) -> str | None:
        """Replace ``graph`` in the store; ``None`` when done, else why it failed (a 4xx or
        a 5xx answer that persisted).

        Raises :class:`AuthenticationError` for 401/403 and :class:`EndpointError` when the
        store cannot be reached or the URL is wrong (no other graph would get through).
        """
        opts = self.options
        deadline = time.monotonic() + opts.max_retry_seconds
        delay = opts.backoff
        attempt = 0
        while True:
            attempt += 1
            status, problem = self._attempt(graph)
            if status == _SEND_AGAIN:
                attempt -= 1  # the same request, now answering the Digest challenge
                continue
            if status is not None:
                if 200 <= status < 300:
                    return None
                if status in (401, 403):
                    raise AuthenticationError(self.credentials.refused(self.url, status))
                if status in _FATAL_STATUSES:
                    raise EndpointError(
                        f"{self.url} answered {problem} to a Graph Store PUT: is it the "
                        "Graph Store Protocol URL? (give --graph-store)"
                    )
                if status < 500:
                    return problem
            if attempt > opts.retries or time.monotonic() + delay > deadline:
                if status is None:
                    raise EndpointError(
                        f"cannot reach the graph store {self.url}: {problem} ({attempt} attempt(s))",
                        resumable=True,
                    )
                return f"{problem} ({attempt} attempt(s))"
            self.sleep(delay)
            delay = min(delay * 2, opts.max_backoff)

    def _attempt(self, graph: GraphFile) -> tuple[int | None, str]:
        """One PUT of ``graph``: the HTTP status and the problem the answer states, or
        ``None`` and why the store could not be reached; :data:`_SEND_AGAIN` when the server
        asked for Digest authentication and the request must be sent again at once."""
        opts = self.options
        try:
            # --timeout is a total deadline for the request (sending and answer)
            request_deadline = time.monotonic() + opts.timeout
            with (
                open(graph.path, "rb") as body,
                self.session.put(
                    self.url,
                    params={"graph": graph.iri},
                    data=body,
                    headers={"Content-Type": NTRIPLES},
                    auth=self.credentials,
                    timeout=(opts.connect_timeout, opts.timeout),
                    stream=True,
                ) as response,
            ):
                status = response.status_code
                content = read_body(response, request_deadline, 1 << 20)
                if 200 <= status < 300:
                    return status, ""
                if status == 401 and self.credentials.switch_to_digest(response):
                    return _SEND_AGAIN, ""
                return status, f"HTTP {status} {answer_text(content, self.credentials)}".rstrip()
        except requests.RequestException as exc:
            return None, _reason(exc, opts)
        except (ValueError, UnicodeError) as exc:
            # the HTTP client refusing what it was given; its message may quote a header
            raise EndpointError(
                f"cannot send to {self.url}: {self.credentials.scrub(type(exc).__name__)} "
                "(a header value the HTTP client refused; check the UNLD_ENDPOINT_* variables)"
            ) from None


def publish(
    dataset: SpooledGraphs,
    store_url: str,
    *,
    credentials: Credentials | None = None,
    options: PublishOptions | None = None,
    dry_run: bool = False,
    session: requests.Session | None = None,
    progress: Callable[[int], None] | None = None,
    on_graph: Callable[[GraphFile], None] | None = None,
) -> PublishSummary:
    """PUT every graph of ``dataset`` into the graph store at ``store_url``.

    ``on_graph`` is called after each graph has been sent (or, for a dry run, listed).  A
    graph that fails (a 4xx answer, or a 5xx one after the retries) is recorded in the
    summary and the others are still sent; a failure that no other graph could escape
    (refused credentials, an unreachable store, a wrong URL) raises :class:`EndpointError`
    carrying the summary so far.  Sending the same dataset again is always safe.
    """
    summary = PublishSummary(store_url, len(dataset.graphs), dry_run=dry_run)
    started = time.monotonic()
    if dry_run:
        for g in dataset.graphs:
            summary.triples += g.triples
            summary.bytes += g.bytes
            if on_graph:
                on_graph(g)
        return summary
    store = GraphStore(store_url, credentials, options, session)
    try:
        for g in dataset.graphs:
            try:
                problem = store.put(g)
            except EndpointError as exc:
                summary.seconds = time.monotonic() - started
                exc.summary = summary
                if exc.resumable:
                    exc.args = (
                        f"{exc}; {summary.sent} of {summary.graphs} graph(s) had been "
                        "sent: run the command again to finish (each graph is "
                        "replaced, so sending it again is safe)",
                    )
                raise
            if problem is None:
                summary.sent += 1
                summary.triples += g.triples
                summary.bytes += g.bytes
            else:
                summary.failures.append((g.iri, problem))
            if progress:
                progress(1)
            if on_graph:
                on_graph(g)
    finally:
        if session is None:
            store.session.close()
    summary.seconds = time.monotonic() - started
    return summary
