"""nginx in front of several portal replicas, on loopback: the replica test and the benchmark run
the deployment of docs/deployment.md with ``deploy/nginx.conf`` filled in, nginx started as the
current user with its pid, logs, temporary files and cache under a temporary prefix.

Works from a checkout (the template is ``deploy/nginx.conf`` at the repository root).
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import subprocess
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import httpx

from oppvekst.web.process import free_port, running, serve_command

TEMPLATE = Path(__file__).resolve().parents[3] / "deploy" / "nginx.conf"
NGINX = "/usr/sbin/nginx"


@dataclass(frozen=True, slots=True)
class Deployment:
    base: str  # nginx, e.g. http://127.0.0.1:8123
    replicas: tuple[str, ...]  # each replica's own address
    pids: tuple[int, ...]  # the replicas' process ids


def nginx_binary() -> str | None:
    return shutil.which("nginx") or (NGINX if Path(NGINX).exists() else None)


def nginx_config(prefix: Path, listen: str, upstreams: Sequence[str], workers: str = "1") -> str:
    """``deploy/nginx.conf`` with its placeholders filled in."""
    servers = "\n        ".join(f"server {address};" for address in upstreams)
    values = {
        "PREFIX": str(prefix),
        "CACHE_DIR": str(prefix / "cache"),
        "LISTEN": listen,
        "UPSTREAMS": servers,
        "WORKERS": workers,
    }
    # Only the braced ${NAME} form: nginx's own $variables stay as they are.
    text = TEMPLATE.read_text(encoding="utf-8")
    for name, value in values.items():
        text = text.replace("${" + name + "}", value)
    if "${" in text:
        raise ValueError(f"an unfilled placeholder in {TEMPLATE}")
    return text


@contextlib.contextmanager
def nginx(prefix: Path, upstreams: Sequence[str], workers: str = "1") -> Iterator[str]:
    """nginx on a free loopback port in front of ``upstreams`` (host:port); yields its URL."""
    binary = nginx_binary()
    if binary is None:
        raise RuntimeError("nginx is missing: make system (apt-get install nginx-light)")
    prefix.mkdir(parents=True, exist_ok=True)
    port = free_port()
    config = prefix / "nginx.conf"
    config.write_text(
        nginx_config(prefix, f"127.0.0.1:{port}", upstreams, workers), encoding="utf-8"
    )
    # "daemon off" keeps nginx our child, so stopping it is stopping this one process. Started
    # by root, nginx's workers would switch to "nobody" and could not write under a private
    # temporary directory: they stay the current user, as they do for anyone else.
    directives = "daemon off;"
    if os.geteuid() == 0:
        directives += f" user {pwd.getpwuid(0).pw_name};"
    process = subprocess.Popen(
        [binary, "-p", str(prefix), "-c", str(config), "-g", directives],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            if process.poll() is not None:
                error = process.stderr.read().decode() if process.stderr else ""
                raise RuntimeError(f"nginx exited: {error[-2000:]}")
            with contextlib.suppress(httpx.HTTPError):
                httpx.get(f"{base}/api/v1/status", timeout=5)
                break
            time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextlib.contextmanager
def deployment(
    data_dir: Path,
    prefix: Path,
    replicas: int = 2,
    environment: Mapping[str, str] | None = None,
    command: Sequence[str] | None = None,
) -> Iterator[Deployment]:
    """``replicas`` portals on one data directory (each ``oppvekst serve`` on its own port, or
    ``command`` + ``--port``) behind nginx."""
    ports = [free_port() for _ in range(replicas)]
    with contextlib.ExitStack() as stack:
        started = []
        for port in ports:
            argv = [*command, "--port", str(port)] if command else serve_command(data_dir, port)
            started.append(stack.enter_context(running(argv, port, environment=environment or {})))
        base = stack.enter_context(nginx(prefix, [f"127.0.0.1:{p}" for p in ports]))
        yield Deployment(base, tuple(s.base for s in started), tuple(s.pid for s in started))
