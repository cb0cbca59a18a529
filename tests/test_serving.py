"""``hub serve --workers N``: a listening socket per worker, replaced with its worker; websockets
sent uncompressed."""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from websockets.sync.client import connect

from hub import serving
from hub.errors import HubError

pytestmark = pytest.mark.skipif(
    not serving.SPREADS, reason="only Linux spreads connections over SO_REUSEPORT sockets"
)


def listening(port: int) -> int:
    """How many sockets listen on ``port`` (IPv4), as the kernel lists them."""
    rows = Path("/proc/net/tcp").read_text().splitlines()[1:]
    return sum(
        1
        for row in rows
        if (fields := row.split())[3] == "0A" and int(fields[1].split(":")[1], 16) == port
    )


def children(pid: int) -> list[int]:
    """The worker processes of ``hub serve`` (not multiprocessing's resource tracker)."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        for child in (task / "children").read_text().split():
            try:
                command = Path(f"/proc/{child}/cmdline").read_bytes()
            except FileNotFoundError:  # gone meanwhile
                continue
            if b"spawn_main" in command:
                found.append(int(child))
    return found


def answered(port: int, connections: int) -> int:
    """How many of ``connections`` new connections get a 200 from /health/live."""
    ok = 0
    for _ in range(connections):
        client = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            client.request("GET", "/health/live")
            ok += client.getresponse().status == 200
        finally:
            client.close()
    return ok


def test_sockets_share_one_address_and_a_taken_address_is_named() -> None:
    sockets = serving.listening_sockets("127.0.0.1", 0, 3)
    try:
        ports = {sock.getsockname()[1] for sock in sockets}
        assert len(ports) == 1, "port 0: every socket on the port the first was given"
        for sock in sockets:
            sock.listen()
        assert listening(ports.pop()) == 3
    finally:
        for sock in sockets:
            sock.close()

    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    port = taken.getsockname()[1]
    try:
        with pytest.raises(HubError, match=f"cannot listen on 127.0.0.1:{port}: "):
            serving.listening_sockets("127.0.0.1", port, 2)
    finally:
        taken.close()


@pytest.fixture
def hub_with_two_workers(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[bytes], int]]:
    env = {"PATH": os.environ["PATH"], "HUB_DATA_DIR": str(tmp_path)}
    subprocess.run([sys.executable, "-m", "hub", "migrate"], env=env, check=True, timeout=120)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "hub", "serve", "--workers", "2", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 90
        while listening(port) < 2 or len(children(server.pid)) < 2:
            assert server.poll() is None, "hub serve stopped"
            assert time.monotonic() < deadline, "the workers did not start listening"
            time.sleep(0.2)
        yield server, port
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()


def test_each_worker_listens_on_its_own_socket_and_a_dead_one_is_replaced_on_it(
    hub_with_two_workers: tuple[subprocess.Popen[bytes], int],
) -> None:
    server, port = hub_with_two_workers

    assert listening(port) == 2, "one socket per worker, not one shared"
    assert answered(port, 20) == 20

    [victim, survivor] = children(server.pid)
    os.kill(victim, signal.SIGKILL)
    deadline = time.monotonic() + 90
    while victim in children(server.pid) or len(children(server.pid)) < 2:
        assert time.monotonic() < deadline, "the dead worker was not replaced"
        time.sleep(0.2)

    # Connections the kernel hashes to the dead worker's socket wait for its replacement.
    assert answered(port, 20) == 20
    assert survivor in children(server.pid)
    assert listening(port) == 2


def test_websockets_are_not_compressed_even_when_the_client_offers_to(
    hub_with_two_workers: tuple[subprocess.Popen[bytes], int],
) -> None:
    _server, port = hub_with_two_workers

    # The client offers permessage-deflate, as browsers and the websockets library do.
    with connect(
        f"ws://127.0.0.1:{port}/graphql",
        subprotocols=["graphql-transport-ws"],  # type: ignore[list-item]
        compression="deflate",
    ) as websocket:
        assert websocket.response is not None
        extensions = websocket.response.headers.get("Sec-WebSocket-Extensions")

    assert extensions is None, "each event would be compressed again for every subscriber"
