"""Every generated module imports inside the ``moltmesh`` package, and every service and RPC declared
in proto/moltmesh/v1 has a generated stub class, servicer and registration function."""

from __future__ import annotations

import importlib
import pathlib
import pkgutil
import re

import grpc

import moltmesh
import moltmesh.gen

PROTO_DIR = pathlib.Path(__file__).resolve().parents[3] / "proto" / "moltmesh" / "v1"
GEN_DIR = pathlib.Path(moltmesh.gen.__file__).parent


def proto_files() -> list[pathlib.Path]:
    files = sorted(PROTO_DIR.glob("*.proto"))
    assert files, f"no .proto files in {PROTO_DIR}"
    return files


def proto_services() -> dict[str, tuple[str, list[str]]]:
    """Service name -> (proto file stem, RPC names), read from the .proto sources."""
    services: dict[str, tuple[str, list[str]]] = {}
    for path in proto_files():
        text = re.sub(r"//[^\n]*", "", path.read_text())
        for match in re.finditer(r"^service\s+(\w+)\s*\{(.*?)^\}", text, re.S | re.M):
            services[match.group(1)] = (path.stem, re.findall(r"\brpc\s+(\w+)\s*\(", match.group(2)))
    return services


def test_every_proto_has_generated_modules_that_import() -> None:
    found = {m.name for m in pkgutil.iter_modules(moltmesh.gen.__path__)}
    for path in proto_files():
        for suffix in ("_pb2", "_pb2_grpc"):
            name = f"{path.stem}{suffix}"
            assert name in found, f"moltmesh.gen.{name} was not generated"
        assert (GEN_DIR / f"{path.stem}_pb2.pyi").is_file(), f"{path.stem}_pb2.pyi missing"
    for name in sorted(found):
        module = importlib.import_module(f"moltmesh.gen.{name}")
        assert module.__name__ == f"moltmesh.gen.{name}"


def test_generated_files_carry_the_header_and_package_relative_imports() -> None:
    files = sorted(p for p in GEN_DIR.iterdir() if p.suffix in (".py", ".pyi"))
    assert files
    for path in files:
        text = path.read_text()
        assert "DO NOT EDIT" in text.splitlines()[0], f"{path.name}: no DO-NOT-EDIT header"
        assert not re.search(r"^\s*(from|import) moltmesh\.v1\b", text, re.M), f"{path.name}: absolute import"


def test_every_service_and_rpc_has_a_stub() -> None:
    services = proto_services()
    assert {"A2ANode", "Diag", "Ext"} <= set(services)
    channel = grpc.insecure_channel("unix:/nonexistent.sock")
    try:
        for service, (stem, rpcs) in services.items():
            assert rpcs, f"{service} declares no RPC"
            grpc_module = importlib.import_module(f"moltmesh.gen.{stem}_pb2_grpc")
            pb2 = importlib.import_module(f"moltmesh.gen.{stem}_pb2")
            assert [m.name for m in pb2.DESCRIPTOR.services_by_name[service].methods] == rpcs
            assert callable(getattr(grpc_module, f"add_{service}Servicer_to_server"))
            servicer = getattr(grpc_module, f"{service}Servicer")
            stub = getattr(grpc_module, f"{service}Stub")(channel)
            for rpc in rpcs:
                assert callable(getattr(stub, rpc, None)), f"{service}Stub.{rpc} missing"
                assert callable(getattr(servicer, rpc, None)), f"{service}Servicer.{rpc} missing"
    finally:
        channel.close()


def test_the_package_exposes_the_stubs_of_each_service() -> None:
    with moltmesh.connect("/nonexistent.sock") as conn:
        assert isinstance(conn, grpc.Channel)
        assert isinstance(conn.a2a, moltmesh.a2a_pb2_grpc.A2ANodeStub)
        assert isinstance(conn.diag, moltmesh.diag_pb2_grpc.DiagStub)
        assert isinstance(conn.ext, moltmesh.ext_pb2_grpc.ExtStub)
        assert isinstance(moltmesh.diag_stub(conn), moltmesh.diag_pb2_grpc.DiagStub)
    assert re.fullmatch(r"\d+\.\d+\.\d+.*", moltmesh.__version__)
