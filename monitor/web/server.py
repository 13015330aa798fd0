"""Serve the web app with uvicorn: inside the daemon's event loop, or on its own.

We bind the socket ourselves, so a busy port is a clear error here rather than uvicorn
calling sys.exit() inside a task, and so tests can bind port 0 and read the real port.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import logging
import socket
from collections.abc import Iterator

import uvicorn
from sqlalchemy import Engine as DbEngine

from monitor.config import Config
from monitor.errors import ConfigError, MonitorError
from monitor.web.app import create_app

log = logging.getLogger("monitor.web")


def parse_listen(addr: str) -> tuple[str, int]:
    """'127.0.0.1:8080' or '[::1]:8080' → (host, port)."""
    host, sep, port = addr.rpartition(":")
    if not sep or not host or not port.isdigit() or int(port) > 65535:
        raise ConfigError(f"web listen address {addr!r} must look like 127.0.0.1:8080")
    return host.removeprefix("[").removesuffix("]"), int(port)


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False  # a host name other than localhost may resolve anywhere


def check_listen(addr: str, config: Config) -> tuple[str, int]:
    """The (host, port) to bind, refusing anything but loopback without an access token."""
    host, port = parse_listen(addr)
    if not is_loopback(host) and not config.web.token:
        raise ConfigError(
            f"refusing to serve the web pages on {addr}, which other machines can reach, "
            "without an access token: set [web] token in the config "
            "(e.g. token = \"${OM_WEB_TOKEN}\"), or listen on 127.0.0.1"
        )
    return host, port


def bind_socket(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(128)
    except OSError as exc:
        sock.close()
        raise MonitorError(f"cannot serve the web pages on {host}:{port}: {exc.strerror}") from None
    sock.set_inheritable(True)
    return sock


def _uvicorn_config(config: Config, db: DbEngine) -> uvicorn.Config:
    # No access log: a `?token=` in a request line must not end up in the logs.
    return uvicorn.Config(
        create_app(config, db), log_config=None, access_log=False, lifespan="off",
        server_header=False,
    )


class EmbeddedServer(uvicorn.Server):
    """A uvicorn server that leaves signal handling to the daemon that hosts it."""

    task: asyncio.Task[None] | None = None

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


async def start_server(config: Config, db: DbEngine, addr: str | None = None) -> uvicorn.Server:
    """Start serving in the running loop; set `server.should_exit = True` to stop."""
    host, port = check_listen(addr or config.web.listen, config)
    sock = bind_socket(host, port)
    server = EmbeddedServer(_uvicorn_config(config, db))
    server.task = asyncio.create_task(server.serve(sockets=[sock]), name="web")
    while not server.started:
        if server.task.done():
            sock.close()
            server.task.result()  # raises what stopped it
            raise MonitorError(f"the web server on {addr} stopped while starting")
        await asyncio.sleep(0.02)
    log.info("web pages at http://%s/%s", _display(host, bound_port(server)),
             " (token required)" if config.web.token else "")
    return server


def bound_port(server: uvicorn.Server) -> int:
    return server.servers[0].sockets[0].getsockname()[1]


def _display(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def serve_forever(config: Config, db: DbEngine, addr: str | None = None) -> None:
    """Serve until SIGINT/SIGTERM (uvicorn's own handling), for `oversight-monitor serve`."""
    host, port = check_listen(addr or config.web.listen, config)
    sock = bind_socket(host, port)
    log.info("web pages at http://%s/%s", _display(host, sock.getsockname()[1]),
             " (token required)" if config.web.token else "")
    try:
        uvicorn.Server(_uvicorn_config(config, db)).run(sockets=[sock])
    finally:
        sock.close()
