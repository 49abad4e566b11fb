"""The SDK without a daemon: the surface (every surface.json method on Client and AsyncClient, and
every RPC in surface.json), request building, part conversion and error mapping."""

from __future__ import annotations

import asyncio
import inspect
import json
import pathlib
import pickle
import re
import socket
from typing import Any

import grpc
import moltmesh
import pytest
from moltmesh import surface as surface_mod
from moltmesh._requests import build_request, put_blob_requests
from moltmesh.gen import a2a_pb2, types_pb2
from moltmesh.surface import all_methods, raw_surface, snake_case

REPO_ROOT = pathlib.Path(__file__).resolve().parents[3]
SHARED_SURFACE = REPO_ROOT / "clients" / "surface.json"
PACKAGE_SURFACE = pathlib.Path(surface_mod.__file__).with_name("surface.json")
PROTO_DIR = REPO_ROOT / "proto" / "moltmesh" / "v1"


def test_the_packaged_surface_is_a_copy_of_clients_surface_json() -> None:
    assert json.loads(PACKAGE_SURFACE.read_text()) == json.loads(SHARED_SURFACE.read_text()), (
        "clients/python/moltmesh/surface.json differs from clients/surface.json: "
        "cp clients/surface.json clients/python/moltmesh/surface.json"
    )


def test_every_rpc_of_the_protos_is_in_the_surface() -> None:
    listed = {target for methods in raw_surface().values() for target in methods.values()}
    declared = set()
    for path in PROTO_DIR.glob("*.proto"):
        text = re.sub(r"//[^\n]*", "", path.read_text())
        for service in re.finditer(r"^service\s+(\w+)\s*\{(.*?)^\}", text, re.S | re.M):
            declared |= {f"{service.group(1)}.{rpc}" for rpc in re.findall(r"\brpc\s+(\w+)\s*\(", service.group(2))}
    assert declared, "no RPC found in proto/moltmesh/v1"
    assert sorted(declared - listed) == [], "RPCs missing from clients/surface.json"
    assert sorted(listed - declared) == [], "surface.json names RPCs that do not exist"


def test_snake_case_names() -> None:
    assert snake_case("sendInput") == "send_input"
    assert snake_case("markRead") == "mark_read"
    assert snake_case("get") == "get"
    assert snake_case("setCreditLimit") == "set_credit_limit"


@pytest.mark.parametrize("spec", all_methods(), ids=lambda s: f"{s.group}.{s.name}")
def test_every_surface_method_exists_on_both_clients(spec: Any) -> None:
    client = moltmesh.Client("/nonexistent/moltmesh.sock")
    try:
        method = getattr(getattr(client, spec.group), spec.name)
        assert callable(method)
        assert f"{spec.service}.{spec.rpc}" in (method.__doc__ or "")
    finally:
        client.close()

    async def check_async() -> None:
        async with moltmesh.AsyncClient("/nonexistent/moltmesh.sock") as aclient:
            amethod = getattr(getattr(aclient, spec.group), spec.name)
            assert callable(amethod)
            # Unary and client-stream calls are coroutines; server streams return an AsyncStream.
            assert inspect.iscoroutinefunction(amethod) == (spec.kind != "server_stream")

    asyncio.run(check_async())


def test_the_typed_stubs_are_up_to_date_and_list_every_method() -> None:
    from moltmesh import _stubgen

    stub = pathlib.Path(moltmesh.client.__file__).with_name("_groups.pyi").read_text()
    assert stub == _stubgen.render(), "moltmesh/_groups.pyi is stale: run `.venv/bin/python -m moltmesh._stubgen`"
    for spec in all_methods():
        assert re.search(rf"class {_camel(spec.group)}Group\b.*?def {spec.name}\(", stub, re.S), spec
        assert re.search(rf"class Async{_camel(spec.group)}Group\b.*?def {spec.name}\(", stub, re.S), spec


def _camel(group: str) -> str:
    return group[:1].upper() + group[1:]


def test_requests_from_keywords_messages_and_dicts() -> None:
    spec = next(s for s in all_methods() if (s.group, s.name) == ("tasks", "create"))
    req = build_request(spec, None, {"to": "swift-falcon", "skill": "s", "input": {"n": 1}, "max_price": None})
    assert isinstance(req, a2a_pb2.CreateTaskRequest)
    assert req.to == "swift-falcon" and req.max_price == ""
    assert json.loads(req.input[0].data_json) == {"n": 1}
    given = a2a_pb2.CreateTaskRequest(to="x")
    assert build_request(spec, given, {}) is given
    assert build_request(spec, {"to": "y", "input": "hi"}, {}).input[0].text == "hi"
    with pytest.raises(TypeError, match="not both"):
        build_request(spec, given, {"to": "z"})
    with pytest.raises(TypeError, match="unexpected keyword argument 'colour'"):
        build_request(spec, None, {"colour": "red"})
    inbox = next(s for s in all_methods() if (s.group, s.name) == ("inbox", "list"))
    assert getattr(build_request(inbox, None, {"from_": "did:key:z6Mk"}), "from") == "did:key:z6Mk"


def kinds(parts: list[types_pb2.Part]) -> list[str | None]:
    return [p.WhichOneof("content") for p in parts]


def test_parts_from_python_values() -> None:
    assert kinds(moltmesh.to_parts("one")) == ["text"]
    assert kinds(moltmesh.to_parts(b"\x00\x01")) == ["raw"]
    assert kinds(moltmesh.to_parts({"a": 1})) == ["data_json"]
    assert moltmesh.to_parts({"a": 1})[0].media_type == "application/json"
    # A list is one JSON document, unless it is a list of parts (as the TypeScript SDK's toParts).
    assert [p.data_json for p in moltmesh.to_parts([1, "x"])] == ['[1, "x"]']
    mixed = moltmesh.to_parts(
        [moltmesh.text("t", media_type="text/markdown"), {"data_json": "{}"}, types_pb2.Artifact(cid="bafkreiabc")]
    )
    assert kinds(mixed) == ["text", "data_json", "artifact"]
    assert mixed[0].media_type == "text/markdown" and mixed[2].artifact.cid == "bafkreiabc"
    assert moltmesh.to_parts(None) == [] and moltmesh.to_parts([]) == []
    assert kinds(moltmesh.to_parts(2.5)) == ["data_json"]
    parts = [moltmesh.text("a"), moltmesh.data({"a": 1}), moltmesh.raw(b"\x00"), moltmesh.text("b")]
    assert moltmesh.parts_text(parts) == "a\nb"
    assert moltmesh.parts_data(parts) == {"a": 1}
    assert moltmesh.part_value(parts[2]) == b"\x00"
    # A repeated field of parts (e.g. a task's output) passes through as it is.
    task = types_pb2.Task(output=parts)
    assert moltmesh.to_parts(task.output) == parts


def test_upload_requests_start_with_metadata() -> None:
    reqs = list(put_blob_requests([b"ab", b"cd"], {"name": "f.txt", "size": 4}))
    assert reqs[0].metadata.name == "f.txt" and reqs[0].metadata.size == 4
    assert [r.chunk for r in reqs[1:]] == [b"ab", b"cd"]
    own = [a2a_pb2.PutBlobMetadata(name="g"), b"x"]
    assert [r.WhichOneof("item") for r in put_blob_requests(own, {})] == ["metadata", "chunk"]
    assert [r.WhichOneof("item") for r in put_blob_requests([], {})] == ["metadata"]
    with pytest.raises(TypeError, match="twice"):
        list(put_blob_requests(own, {"name": "h"}))


class FakeRpcError(grpc.RpcError):
    def __init__(
        self, code: grpc.StatusCode, details: str, reason: str | None = None, status_details: bytes | None = None
    ) -> None:
        self._code, self._details, self._reason, self._status_details = code, details, reason, status_details

    def code(self) -> grpc.StatusCode:
        return self._code

    def details(self) -> str:
        return self._details

    def trailing_metadata(self) -> tuple[tuple[str, str | bytes], ...]:
        trailers: list[tuple[str, str | bytes]] = []
        if self._reason:
            trailers.append(("moltmesh-reason", self._reason))
        if self._status_details is not None:
            trailers.append(("grpc-status-details-bin", self._status_details))
        return tuple(trailers)


def _status_details(code: grpc.StatusCode, message: str, reason: str, domain: str = "moltmesh", **metadata: str) -> bytes:
    from google.protobuf import any_pb2
    from google.rpc import error_details_pb2, status_pb2

    detail = any_pb2.Any()
    detail.Pack(error_details_pb2.ErrorInfo(reason=reason, domain=domain, metadata=metadata))
    return status_pb2.Status(code=code.value[0], message=message, details=[detail]).SerializeToString()


def test_the_reason_comes_from_the_standard_error_details_without_the_trailer() -> None:
    raw = _status_details(grpc.StatusCode.INVALID_ARGUMENT, "id is required", "INVALID_ARGUMENT", field="id")
    err = moltmesh.errors.to_moltmesh_error(FakeRpcError(grpc.StatusCode.INVALID_ARGUMENT, "id is required", None, raw))
    assert type(err) is moltmesh.InvalidArgumentError and err.reason == "INVALID_ARGUMENT"
    assert err.error_info is not None and err.error_info.domain == "moltmesh"
    assert dict(err.error_info.metadata) == {"field": "id"}
    copy = pickle.loads(pickle.dumps(err))
    assert copy.error_info == err.error_info and copy.reason == "INVALID_ARGUMENT"
    # The trailer wins when both are there; ErrorInfo of another domain and garbage are ignored.
    both = FakeRpcError(grpc.StatusCode.NOT_FOUND, "x", "FROM_TRAILER", raw)
    assert moltmesh.errors.to_moltmesh_error(both).reason == "FROM_TRAILER"
    foreign = _status_details(grpc.StatusCode.NOT_FOUND, "x", "OTHER", domain="example.com")
    assert moltmesh.errors.to_moltmesh_error(FakeRpcError(grpc.StatusCode.NOT_FOUND, "x", None, foreign)).reason == "NOT_FOUND"
    garbage = FakeRpcError(grpc.StatusCode.NOT_FOUND, "x", None, b"\xff\xff\xff")
    assert moltmesh.errors.to_moltmesh_error(garbage).error_info is None


@pytest.mark.parametrize(
    ("code", "cls"),
    [
        (grpc.StatusCode.INVALID_ARGUMENT, moltmesh.InvalidArgumentError),
        (grpc.StatusCode.OUT_OF_RANGE, moltmesh.InvalidArgumentError),
        (grpc.StatusCode.NOT_FOUND, moltmesh.NotFoundError),
        (grpc.StatusCode.ALREADY_EXISTS, moltmesh.AlreadyExistsError),
        (grpc.StatusCode.FAILED_PRECONDITION, moltmesh.FailedPreconditionError),
        (grpc.StatusCode.PERMISSION_DENIED, moltmesh.PermissionDeniedError),
        (grpc.StatusCode.UNAUTHENTICATED, moltmesh.UnauthenticatedError),
        (grpc.StatusCode.RESOURCE_EXHAUSTED, moltmesh.ResourceExhaustedError),
        (grpc.StatusCode.UNAVAILABLE, moltmesh.UnavailableError),
        (grpc.StatusCode.DEADLINE_EXCEEDED, moltmesh.DeadlineExceededError),
        (grpc.StatusCode.UNIMPLEMENTED, moltmesh.NotImplementedError),
        (grpc.StatusCode.ABORTED, moltmesh.AbortedError),
        (grpc.StatusCode.CANCELLED, moltmesh.CanceledError),
        (grpc.StatusCode.INTERNAL, moltmesh.InternalError),
        (grpc.StatusCode.UNKNOWN, moltmesh.InternalError),
    ],
)
def test_status_codes_map_to_error_classes(code: grpc.StatusCode, cls: type[moltmesh.MoltmeshError]) -> None:
    err = moltmesh.errors.to_moltmesh_error(FakeRpcError(code, "went wrong", "SOME_REASON"), socket="/x.sock")
    assert type(err) is cls
    assert (err.reason, err.code, err.details) == ("SOME_REASON", code, "went wrong")
    assert str(err) == "went wrong [SOME_REASON]"
    assert moltmesh.is_reason(err, "SOME_REASON")
    copy = pickle.loads(pickle.dumps(err))
    assert type(copy) is cls and copy.reason == "SOME_REASON"
    # Without a trailer, the status name is the reason.
    assert moltmesh.errors.to_moltmesh_error(FakeRpcError(code, "x")).reason == code.name


def test_a_failed_connect_is_daemon_not_running(tmp_path: pathlib.Path) -> None:
    missing = str(tmp_path / "none.sock")
    with moltmesh.Client(missing) as client, pytest.raises(moltmesh.DaemonNotRunningError) as err:
        client.identity.get()
    assert err.value.socket == missing and err.value.state == "missing"
    assert str(err.value) == f"moltmesh daemon is not running (no socket at {missing}) — start it with `moltmesh start`"
    assert isinstance(err.value, moltmesh.UnavailableError)

    stale = str(tmp_path / "stale.sock")
    s = socket.socket(socket.AF_UNIX)
    s.bind(stale)
    s.close()
    with moltmesh.Client(stale) as client, pytest.raises(moltmesh.DaemonNotRunningError) as err:
        list(client.inbox.subscribe())
    assert err.value.state == "stale"

    # An UNAVAILABLE that carries a reason came from a running daemon.
    busy = FakeRpcError(grpc.StatusCode.UNAVAILABLE, "peer gone", "PEER_UNREACHABLE")
    assert type(moltmesh.errors.to_moltmesh_error(busy, socket=missing)) is moltmesh.UnavailableError

    # An AsyncClient may be made outside the event loop (its channel is opened at the first call).
    aclient = moltmesh.AsyncClient(pathlib.Path(missing))

    async def check_async() -> None:
        async with aclient:
            with pytest.raises(moltmesh.DaemonNotRunningError):
                await aclient.node.health()

    asyncio.run(check_async())


def test_the_default_socket(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MOLTMESH_SOCKET", "/tmp/env.sock")
    with moltmesh.Client() as client:
        assert client.socket == "/tmp/env.sock"
    monkeypatch.delenv("MOLTMESH_SOCKET")
    monkeypatch.setenv("HOME", "/home/agent")
    with moltmesh.Client(timeout=5) as client:
        assert client.socket == "/home/agent/.moltmesh/moltmesh.sock"
        assert client.timeout == 5


class FakeCall:
    """A server-streaming call that yields items, then fails with ``error`` (if given)."""

    def __init__(self, items: list[int], error: grpc.RpcError | None = None) -> None:
        self.items = list(items)
        self.error = error
        self.canceled = False

    def __next__(self) -> int:
        if self.canceled:
            raise FakeRpcError(grpc.StatusCode.CANCELLED, "Locally cancelled by application!")
        if self.items:
            return self.items.pop(0)
        if self.error is not None:
            raise self.error
        raise StopIteration

    async def read(self) -> Any:
        try:
            return next(self)
        except StopIteration:
            return grpc.aio.EOF

    def cancel(self) -> bool:
        self.canceled = True
        return True

    def cancelled(self) -> bool:
        return self.canceled


def test_leaving_a_stream_early_cancels_the_call() -> None:
    fail = moltmesh.errors.to_moltmesh_error
    call = FakeCall([1, 2, 3])
    for item in moltmesh.Stream[int](call, fail):
        if item == 1:
            break  # the stream is dropped here (CPython): its __del__ cancels the call
    assert call.canceled

    call = FakeCall([1, 2, 3])
    with moltmesh.Stream[int](call, fail) as stream:
        assert next(stream) == 1
    assert call.canceled and stream.closed
    assert list(stream) == []  # a closed stream just ends

    call = FakeCall([1], FakeRpcError(grpc.StatusCode.NOT_FOUND, "no such task", "TASK_NOT_FOUND"))
    stream = moltmesh.Stream[int](call, fail)
    assert next(stream) == 1
    with pytest.raises(moltmesh.NotFoundError):
        next(stream)

    async def check_async() -> None:
        acall = FakeCall([1, 2, 3])
        astream = moltmesh.AsyncStream[int](acall, fail)
        async with astream:
            async for item in astream:
                assert item == 1
                break
        assert acall.canceled
        acall = FakeCall([1], FakeRpcError(grpc.StatusCode.NOT_FOUND, "gone", "TASK_NOT_FOUND"))
        with pytest.raises(moltmesh.NotFoundError):
            _ = [x async for x in moltmesh.AsyncStream[int](acall, fail)]
        assert [x async for x in moltmesh.AsyncStream[int](FakeCall([4, 5]), fail)] == [4, 5]

    asyncio.run(check_async())


def test_tool_functions_have_plain_signatures_and_docs() -> None:
    for name in moltmesh.tools.Toolkit.TOOL_NAMES:
        fn = getattr(moltmesh.tools, name)
        params = list(inspect.signature(fn).parameters)
        assert "self" not in params and params[-1] == "socket", (name, params)
        assert fn.__doc__ and len(fn.__doc__) > 40
    with pytest.raises(moltmesh.DaemonNotRunningError):
        moltmesh.tools.resolve_name("swift-falcon", socket="/nonexistent/moltmesh.sock")
