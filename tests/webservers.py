"""Real web servers for the tests: nginx and Apache httpd (Debian's packages), started on a
free port of 127.0.0.1 with a configuration of our own, in the foreground, and stopped by
the fixture that started them."""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.conftest import unavailable

APACHE_MODULES = Path("/usr/lib/apache2/modules")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _binary(name: str, *places: str) -> str | None:
    return shutil.which(name) or next((p for p in places if os.access(p, os.X_OK)), None)


def nginx_binary() -> str:
    found = _binary("nginx", "/usr/sbin/nginx", "/usr/local/sbin/nginx")
    if not found:
        unavailable("nginx is not installed (Debian package 'nginx')")
    return found


def apache_binary() -> str:
    found = _binary("apache2", "/usr/sbin/apache2")
    if not found or not APACHE_MODULES.is_dir():
        unavailable("Apache httpd is not installed (Debian package 'apache2')")
    return found


def _wait(proc: subprocess.Popen, port: int, what: str, log: Path) -> None:
    deadline = time.monotonic() + 20
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                out = proc.stdout.read().decode() if proc.stdout and proc.poll() is not None else ""
                proc.kill()
                pytest.fail(f"{what} did not start: {out}\n{log.read_text() if log.exists() else ''}")
            time.sleep(0.1)


def _stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@contextmanager
def nginx(root: Path, prefix: Path, port: int, server: str | None = None, http: str = "") -> Iterator[str]:
    """nginx serving ``root`` with the site's own snippet (or with the ``server`` block's
    own directives, and ``http`` ones beside it: a plain static host); yields its URL."""
    binary = nginx_binary()
    temps = " ".join(
        f"{k}_temp_path {prefix}/{k};" for k in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    if server is None:
        server = f"server_name localhost; root {root}; include {root}/_config/nginx-unld.conf;"
    conf = prefix / "nginx.conf"
    conf.write_text(f"""
daemon off;
master_process off;
worker_processes 1;
error_log {prefix}/error.log;
pid {prefix}/nginx.pid;
events {{ worker_connections 64; }}
http {{
    access_log off;
    {temps}
    {http}
    server {{
        listen 127.0.0.1:{port};
        {server}
    }}
}}
""")
    proc = subprocess.Popen(
        [binary, "-c", str(conf), "-p", str(prefix), "-e", str(prefix / "error.log")],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    _wait(proc, port, "nginx", prefix / "error.log")
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        _stop(proc)


def _run_as() -> tuple[str, str]:
    """The user Apache switches to when started as root (it refuses to serve as root)."""
    for user in ("www-data", "nobody"):
        try:
            entry = pwd.getpwnam(user)
        except KeyError:
            continue
        import grp

        return user, grp.getgrgid(entry.pw_gid).gr_name
    return "nobody", "nogroup"


def readable_copy(folder: Path, dest: Path) -> Path:
    """A copy of ``folder`` that Apache's unprivileged user can read (pytest's temporary
    folders are private to their owner)."""
    shutil.copytree(folder, dest, symlinks=False)
    for p in [dest, *dest.rglob("*")]:
        p.chmod(0o755 if p.is_dir() else 0o644)
    return dest


@contextmanager
def apache(sites: dict[int, Path], prefix: Path) -> Iterator[dict[int, str]]:
    """Apache httpd with one virtual host per (port, document root), each allowed to use its
    .htaccess files (``AllowOverride FileInfo Indexes``, as the site's .htaccess asks, and
    ``Options FollowSymLinks`` for mod_rewrite); yields the URL of each port."""
    binary = apache_binary()
    prefix.chmod(0o755)
    user, group = _run_as()
    modules = [
        "mpm_event",
        "authz_core",
        "dir",
        "mime",
        "rewrite",
        "headers",
        "alias",
        "env",
        "setenvif",
    ]
    lines = [f"LoadModule {m}_module {APACHE_MODULES}/mod_{m}.so" for m in modules]
    lines += [
        f"ServerRoot {prefix}",
        "ServerName localhost",
        f"PidFile {prefix}/httpd.pid",
        f"ErrorLog {prefix}/error.log",
        "LogLevel warn",
        f"Mutex file:{prefix} default",
        f"DefaultRuntimeDir {prefix}",
        f"User {user}",
        f"Group {group}",
        "StartServers 1",
        "ServerLimit 1",
        "ThreadsPerChild 8",
        "MaxRequestWorkers 8",
    ]
    if Path("/etc/mime.types").is_file():  # Debian's media-types; the .htaccess adds the data types
        lines.append("TypesConfig /etc/mime.types")
    for port, root in sites.items():
        lines += [
            f"Listen 127.0.0.1:{port}",
            f"<VirtualHost 127.0.0.1:{port}>",
            f"    DocumentRoot {root}",
            f"    <Directory {root}>",
            "        Options FollowSymLinks",
            "        AllowOverride FileInfo Indexes Options=FollowSymLinks",
            "        Require all granted",
            "    </Directory>",
            "</VirtualHost>",
        ]
    conf = prefix / "httpd.conf"
    conf.write_text("\n".join(lines) + "\n")
    proc = subprocess.Popen(
        [binary, "-f", str(conf), "-DFOREGROUND"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env={**os.environ, "APACHE_RUN_DIR": str(prefix), "APACHE_LOG_DIR": str(prefix)},
    )
    for port in sites:
        _wait(proc, port, "Apache httpd", prefix / "error.log")
    try:
        yield {port: f"http://127.0.0.1:{port}" for port in sites}
    finally:
        _stop(proc)
