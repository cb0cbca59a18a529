"""How ``hub serve --workers N`` spreads connections: one listening socket per worker.

uvicorn's supervisor hands every worker the same listening socket, and whichever worker wakes
first accepts. Clients that hold a few long-lived connections (a load balancer's pool, the
portals' keep-alive, wrk) then often sit mostly on one worker while the other idles, and the
tail latency is that worker's queue: over twelve runs of ``bench/read_path.py`` the 16
connections split 2/14 to 7/9, and a 1/15 run had a p99 of 797 ms beside 94-294 ms for 7/9.
Here each worker listens on a socket of its own, bound to the same address with
``SO_REUSEPORT``, and the kernel spreads new connections over the sockets by a hash of the
client's address and port. A worker that dies is replaced on its own socket, so connections
queued there wait for the replacement instead of being refused.

The supervision itself (health checks, restarts, signals) is uvicorn's; only which socket a
worker is given differs.
"""

from __future__ import annotations

import socket
import sys

from uvicorn.config import STARTUP_FAILURE, Config
from uvicorn.supervisors.multiprocess import Multiprocess, Process, logger

from hub.errors import HubError

SPREADS = hasattr(socket, "SO_REUSEPORT") and sys.platform.startswith("linux")
"""Only Linux balances new connections over the sockets of a ``SO_REUSEPORT`` group."""


def listening_sockets(host: str, port: int, count: int) -> list[socket.socket]:
    """``count`` sockets bound to one address (port 0: the port the first was given)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sockets: list[socket.socket] = []
    try:
        for _ in range(count):
            sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
            sockets.append(sock)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
            sock.bind((host, port))
            port = sock.getsockname()[1]
            sock.set_inheritable(True)
    except OSError as error:
        for sock in sockets:
            sock.close()
        raise HubError(f"cannot listen on {host}:{port}: {error.strerror}") from error
    return sockets


class SpreadWorkers(Multiprocess):
    """uvicorn's supervisor, each worker on the socket of its index in ``sockets``."""

    def init_processes(self) -> None:
        for sock in self.sockets:
            process = Process(self.config, [sock])
            process.start()
            self.processes.append(process)

    def restart_all(self) -> None:
        # As uvicorn's (SIGHUP): each replacement in service before its predecessor retires.
        for index, old in enumerate(self.processes):
            if self.should_exit.is_set():
                return
            new = Process(self.config, [self.sockets[index]])
            new.start()
            if not new.wait_until_ready(self.config.timeout_worker_healthcheck, self.should_exit):
                new.kill()
                new.join()
                if not self.should_exit.is_set():
                    logger.error(f"New child process [{new.pid}] was not ready in time")
                return
            old.terminate()
            old.join()
            self.processes[index] = new

    def keep_subprocess_alive(self) -> None:
        if self.should_exit.is_set():
            return
        for index, process in enumerate(self.processes):
            if process.is_alive(timeout=self.config.timeout_worker_healthcheck):
                continue
            process.kill()  # hung, or already gone
            process.join()
            if process.exitcode == STARTUP_FAILURE:
                # The app or the database is broken: every replacement would fail the same way.
                logger.error(f"Child process [{process.pid}] failed to start, stopping.")
                self.should_exit.set()
                return
            if self.should_exit.is_set():
                return
            logger.info(f"Child process [{process.pid}] died")
            replacement = Process(self.config, [self.sockets[index]])
            replacement.start()
            self.processes[index] = replacement


def serve(config: Config) -> None:
    """Run ``config.workers`` workers, each on its own socket of the configured address."""
    sockets = listening_sockets(config.host, config.port, config.workers)
    try:
        SpreadWorkers(config, sockets=sockets).run()
    finally:
        for sock in sockets:
            sock.close()
