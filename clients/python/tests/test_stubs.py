"""The generated stubs import inside the package and cover every service and RPC of the proto."""

import pathlib
import re

import grpc

import moltmesh
from moltmesh.gen import a2a_pb2, a2a_pb2_grpc, diag_pb2, diag_pb2_grpc, ext_pb2, ext_pb2_grpc, types_pb2

PROTO_DIR = pathlib.Path(__file__).resolve().parents[3] / "proto" / "moltmesh" / "v1"


def proto_rpcs() -> dict[str, list[str]]:
    services: dict[str, list[str]] = {}
    for path in PROTO_DIR.glob("*.proto"):
        text = path.read_text()
        for match in re.finditer(r"service (\w+) \{(.*?)\n\}", text, re.S):
            services[match.group(1)] = re.findall(r"rpc (\w+)\(", match.group(2))
    return services


def test_every_service_and_rpc_has_a_stub() -> None:
    stubs = {"A2ANode": a2a_pb2_grpc.A2ANodeStub, "Diag": diag_pb2_grpc.DiagStub, "Ext": ext_pb2_grpc.ExtStub}
    services = proto_rpcs()
    assert set(services) == set(stubs)
    channel = grpc.insecure_channel("unix:/nonexistent.sock")
    try:
        for name, rpcs in services.items():
            stub = stubs[name](channel)
            assert len(rpcs) > 0
            for rpc in rpcs:
                assert callable(getattr(stub, rpc)), f"{name}.{rpc} missing"
    finally:
        channel.close()


def test_messages_round_trip() -> None:
    req = diag_pb2.PingRequest(target="did:key:z6Mk", count=3)
    assert diag_pb2.PingRequest.FromString(req.SerializeToString()) == req
    part = types_pb2.Part(text="hello")
    msg = a2a_pb2.SendMessageRequest(to="swift-falcon", parts=[part])
    assert a2a_pb2.SendMessageRequest.FromString(msg.SerializeToString()).parts[0].text == "hello"
    assert ext_pb2.PublishRequest(topic="t").topic == "t"


def test_connect_uses_the_socket_from_the_environment(monkeypatch) -> None:
    monkeypatch.setenv("MOLTMESH_SOCKET", "/tmp/some.sock")
    assert moltmesh.default_socket() == "/tmp/some.sock"
    with moltmesh.connect() as conn:
        assert conn.diag is not None
