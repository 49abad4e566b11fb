"""Stubs generated from the protos by a user (protoc's package ``moltmesh.v1``) work next to the SDK
package ``moltmesh``: the layout documented in docs/other-languages.md, run in a fresh interpreter
where the SDK is a regular package on sys.path (as a wheel install is) and ``gen`` comes first."""

from __future__ import annotations

import os
import pathlib
import subprocess
import sys
from typing import Any

import pytest

REPO = pathlib.Path(__file__).resolve().parents[3]
SDK_DIR = REPO / "clients" / "python"


@pytest.fixture(scope="module")
def own_stubs(tmp_path_factory: pytest.TempPathFactory) -> pathlib.Path:
    gen = tmp_path_factory.mktemp("own") / "gen"
    gen.mkdir()
    protos = sorted(str(p.relative_to(REPO / "proto")) for p in (REPO / "proto" / "moltmesh" / "v1").glob("*.proto"))
    subprocess.run(
        [sys.executable, "-m", "grpc_tools.protoc", "-Iproto", f"--python_out={gen}", f"--grpc_python_out={gen}", *protos],
        cwd=REPO,
        check=True,
    )
    assert (gen / "moltmesh" / "v1" / "a2a_pb2_grpc.py").exists()
    return gen


def run_python(gen: pathlib.Path, code: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(gen), str(SDK_DIR)]), "PYTHONDONTWRITEBYTECODE": "1"}
    return subprocess.run([sys.executable, "-c", code, *args], env=env, capture_output=True, text=True, timeout=60)


def test_own_stubs_import_next_to_the_sdk(own_stubs: pathlib.Path) -> None:
    res = run_python(
        own_stubs,
        "import moltmesh\n"
        "from moltmesh.v1 import a2a_pb2, a2a_pb2_grpc\n"
        "from moltmesh.gen import a2a_pb2 as sdk_a2a\n"
        "assert moltmesh.Client is not None and a2a_pb2_grpc.A2ANodeStub is not None\n"
        "assert a2a_pb2.__file__.startswith(%r)\n"
        "assert a2a_pb2.SendMessageRequest is sdk_a2a.SendMessageRequest\n"
        "print('ok')\n" % str(own_stubs),
    )
    assert res.returncode == 0, res.stderr
    assert res.stdout.strip() == "ok"


@pytest.mark.daemon
def test_own_stubs_call_a_daemon(own_stubs: pathlib.Path, pair: Any) -> None:
    res = run_python(
        own_stubs,
        "import sys, grpc, moltmesh\n"
        "from moltmesh.v1 import a2a_pb2, a2a_pb2_grpc\n"
        "with grpc.insecure_channel('unix://' + sys.argv[1]) as ch:\n"
        "    print(a2a_pb2_grpc.A2ANodeStub(ch).GetIdentity(a2a_pb2.GetIdentityRequest(), timeout=10).did)\n"
        "    try:\n"
        "        a2a_pb2_grpc.A2ANodeStub(ch).ConvertId(a2a_pb2.ConvertIdRequest(id=''), timeout=10)\n"
        "    except grpc.RpcError as err:\n"
        "        print(moltmesh.errors.to_moltmesh_error(err).error_info.metadata['field'])\n",
        pair.a.socket,
    )
    assert res.returncode == 0, res.stderr
    assert res.stdout.split() == [pair.a.did, "id"]
