"""Writes ``_groups.pyi``: typed stubs of the method groups that ``Client`` and ``AsyncClient`` build at
run time from surface.json, so editors and type checkers know every method, its request type and its
return type. Keyword arguments are the request's fields (typed ``Any`` here, so the stub only changes
with surface.json). Run ``python -m moltmesh._stubgen`` after copying a changed surface.json
(tests/test_sdk.py fails while the committed file is stale)."""

from __future__ import annotations

import pathlib
import sys

from .surface import MethodSpec, surface

HEADER = "# Generated from surface.json and the protos by `python -m moltmesh._stubgen`. DO NOT EDIT.\n"


def _module_of(file_name: str) -> str:
    return f"{pathlib.PurePosixPath(file_name).stem}_pb2"


def _method(spec: MethodSpec, is_async: bool) -> str:
    req = f"{_module_of(spec.request_class.DESCRIPTOR.file.name)}.{spec.request_class.__name__}"
    res = f"{_module_of(spec.response_class.DESCRIPTOR.file.name)}.{spec.response_class.__name__}"
    doc = f'        """{spec.service}.{spec.rpc}"""'
    if spec.kind == "client_stream":
        source = "Iterable[Any] | AsyncIterable[Any]" if is_async else "Iterable[Any]"
        params = [
            "self",
            f"requests: {source}",
            "/",
            "*",
            "timeout: float | None = ...",
            "name: str | None = ...",
            "media_type: str | None = ...",
            "size: int | None = ...",
        ]
        returns = res
    else:
        params = [
            "self",
            f"request: {req} | Mapping[str, Any] | None = ...",
            "/",
            "*",
            "timeout: float | None = ...",
            "**fields: Any",
        ]
        if spec.kind == "server_stream":
            returns = f"AsyncStream[{res}]" if is_async else f"Stream[{res}]"
        else:
            returns = res
    prefix = "async def" if is_async and spec.kind != "server_stream" else "def"
    lines = [f"    {prefix} {spec.name}(", *[f"        {p}," for p in params], f"    ) -> {returns}:", doc]
    return "\n".join(lines)


def _class_name(group: str, is_async: bool) -> str:
    return f"{'Async' if is_async else ''}{group[:1].upper()}{group[1:]}Group"


def render() -> str:
    parts = [
        HEADER,
        "from collections.abc import AsyncIterable, Iterable, Mapping",
        "from typing import Any",
        "",
        "from .aio import AsyncStream",
        "from .client import Stream",
        "from .gen import a2a_pb2, diag_pb2, ext_pb2",
        "",
    ]
    for is_async in (False, True):
        for group, specs in surface().items():
            parts.append(f"\nclass {_class_name(group, is_async)}:")
            for spec in specs:
                parts.append(_method(spec, is_async))
    for is_async in (False, True):
        parts.append(f"\nclass {'Async' if is_async else ''}Groups:")
        for group in surface():
            parts.append(f"    {group}: {_class_name(group, is_async)}")
    return "\n".join(parts) + "\n"


def main() -> None:
    path = pathlib.Path(__file__).with_name("_groups.pyi")
    text = render()
    if "--check" in sys.argv:
        sys.exit(0 if path.exists() and path.read_text() == text else 1)
    path.write_text(text)
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
