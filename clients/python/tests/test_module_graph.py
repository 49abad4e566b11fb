"""The SDK's own modules import each other without a cycle (type-only imports included): a client
builds workers, the workers know the client only by the calls they make (``WorkerClient``)."""

from __future__ import annotations

import ast
import pathlib

import moltmesh

PACKAGE = pathlib.Path(moltmesh.__file__).parent


def local_imports(path: pathlib.Path) -> set[str]:
    """The package's own modules that ``path`` imports anywhere (also under TYPE_CHECKING, in functions)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            if node.module is not None:
                found.add(node.module.split(".")[0])
            else:
                found.update(alias.name for alias in node.names)
    return found


def test_no_import_cycles_between_sdk_modules() -> None:
    modules = {p.stem: p for p in PACKAGE.glob("*.py")}
    graph = {name: {m for m in local_imports(path) if m in modules and m != name} for name, path in modules.items()}
    assert graph["worker"], "the scan found no imports at all"

    cycles: list[list[str]] = []

    def visit(name: str, trail: list[str]) -> None:
        for dep in sorted(graph[name]):
            if dep in trail:
                cycles.append([*trail[trail.index(dep) :], dep])
            elif len(trail) < len(graph):
                visit(dep, [*trail, dep])

    for name in sorted(graph):
        visit(name, [name])
    assert cycles == []


def test_worker_does_not_import_the_clients() -> None:
    assert local_imports(PACKAGE / "worker.py").isdisjoint({"client", "aio"})
    assert local_imports(PACKAGE / "_serving.py").isdisjoint({"client", "aio", "worker"})
