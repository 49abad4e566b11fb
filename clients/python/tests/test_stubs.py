"""The generated messages serialise, and connect() finds the daemon socket."""

from moltmesh.gen import a2a_pb2, diag_pb2, ext_pb2, types_pb2

import moltmesh


def test_messages_round_trip() -> None:
    req = diag_pb2.PingRequest(target="did:key:z6Mk", count=3)
    assert diag_pb2.PingRequest.FromString(req.SerializeToString()) == req
    part = types_pb2.Part(text="hello")
    msg = a2a_pb2.SendMessageRequest(to="swift-falcon", parts=[part])
    assert a2a_pb2.SendMessageRequest.FromString(msg.SerializeToString()).parts[0].text == "hello"
    assert ext_pb2.PublishRequest(topic="t").topic == "t"


def test_default_socket_comes_from_the_environment(monkeypatch) -> None:
    monkeypatch.setenv("MOLTMESH_SOCKET", "/tmp/some.sock")
    assert moltmesh.default_socket() == "/tmp/some.sock"
    monkeypatch.delenv("MOLTMESH_SOCKET")
    monkeypatch.setenv("HOME", "/home/agent")
    assert moltmesh.default_socket() == "/home/agent/.moltmesh/moltmesh.sock"


def test_connect_returns_a_closable_channel(monkeypatch) -> None:
    monkeypatch.setenv("MOLTMESH_SOCKET", "/tmp/some.sock")
    with moltmesh.connect() as conn:
        assert conn.diag is not None
    conn = moltmesh.connect("/tmp/other.sock")
    conn.close()
