"""Real daemon processes for the SDK scenario tests: ``moltmesh start`` with the repository's node, in a
temporary dir, on 127.0.0.1 with OS-chosen ports and mDNS off (as test/harness/daemon-process.ts)."""

from __future__ import annotations

import os
import pathlib
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field

import moltmesh

REPO_ROOT = pathlib.Path(__file__).resolve().parents[3]
NODE = REPO_ROOT / "node_modules" / "node" / "bin" / "node"
CLI_MAIN = REPO_ROOT / "cli" / "main.ts"


def node_available() -> bool:
    return NODE.is_file() and CLI_MAIN.is_file()


@dataclass
class Daemon:
    name: str
    home: pathlib.Path
    process: subprocess.Popen[bytes] | None = None
    did: str = ""
    tcp_address: str = ""
    log_path: pathlib.Path = field(init=False)

    def __post_init__(self) -> None:
        self.home.mkdir(parents=True, exist_ok=True)
        self.log_path = self.home / "daemon.log"

    @property
    def socket(self) -> str:
        # Short path: unix socket paths are limited to 107 bytes.
        return str(self.home / "s.sock")

    def client(self, timeout: float | None = 30.0) -> moltmesh.Client:
        return moltmesh.Client(self.socket, timeout=timeout)

    def start(
        self, bootstrap: list[str] | None = None, env: dict[str, str] | None = None, ready_timeout: float = 60.0
    ) -> Daemon:
        args = [
            str(NODE), str(CLI_MAIN), "start",
            "--data-dir", str(self.home / "data"),
            "--socket", self.socket,
            "--port", "0",
            "--no-mdns",
        ]  # fmt: skip
        if bootstrap:
            args += ["--bootstrap", ",".join(bootstrap)]
        env = {
            **os.environ,
            "HOME": str(self.home),
            "MOLTMESH_SOCKET": self.socket,
            "MOLTMESH_P2P_HOST": "127.0.0.1",
            "MOLTMESH_P2P_DHT_MODE": "server",
            "MOLTMESH_LOG_LEVEL": "debug",
            **(env or {}),
        }
        log = open(self.log_path, "ab")  # noqa: SIM115 - handed to the child, closed with it
        self.process = subprocess.Popen(
            args, cwd=self.home, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT
        )
        log.close()
        deadline = time.monotonic() + ready_timeout
        last: Exception | None = None
        with self.client(timeout=2.0) as c:
            while time.monotonic() < deadline:
                if self.process.poll() is not None:
                    raise RuntimeError(f"{self.name} exited during startup:\n{self.log_tail()}")
                try:
                    if c.node.health().ok:
                        break
                except moltmesh.MoltmeshError as err:
                    last = err
                time.sleep(0.1)
            else:
                raise RuntimeError(f"{self.name} not healthy after {ready_timeout} s ({last}):\n{self.log_tail()}")
            info = c.node.info()
        self.did = info.did
        self.tcp_address = next((a for a in info.listen_addresses if "/tcp/" in a), "")
        return self

    def stop(self) -> None:
        proc = self.process
        if proc is None or proc.poll() is not None:
            return
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)

    def log_tail(self, lines: int = 40) -> str:
        try:
            text = self.log_path.read_text(errors="replace").splitlines()
        except OSError:
            return "(no log)"
        return "\n".join([f"===== {self.name} ({self.home})", *text[-lines:]])


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Pair:
    """Two connected daemons, ``a`` and ``b`` (b bootstraps to a, then a connects to b). ``a`` also
    serves gRPC on TCP at ``tcp_rpc`` with bearer token ``TCP_TOKEN``."""

    TCP_TOKEN = "py-sdk-test-token-0123456789"

    def __init__(self) -> None:
        self.root = pathlib.Path(tempfile.mkdtemp(prefix="mm-py-", dir="/tmp"))
        self.a = Daemon("a", self.root / "a")
        self.b = Daemon("b", self.root / "b")
        self.tcp_rpc = f"127.0.0.1:{free_port()}"

    def start(self) -> Pair:
        try:
            self.a.start(env={"MOLTMESH_RPC_TCP_LISTEN": self.tcp_rpc, "MOLTMESH_RPC_TCP_TOKEN": self.TCP_TOKEN})
            self.b.start(bootstrap=[self.a.tcp_address])
            with self.a.client() as c:
                c.node.connect(target=self.b.tcp_address)
                deadline = time.monotonic() + 30
                while c.node.health().peer_count < 1:
                    if time.monotonic() > deadline:
                        raise RuntimeError("the two daemons did not connect")
                    time.sleep(0.1)
        except BaseException:
            self.stop()
            raise
        return self

    def logs(self) -> str:
        return "\n".join(d.log_tail() for d in (self.a, self.b))

    def stop(self) -> None:
        for d in (self.a, self.b):
            try:
                d.stop()
            except Exception:
                if d.process is not None:
                    d.process.kill()
        shutil.rmtree(self.root, ignore_errors=True)
