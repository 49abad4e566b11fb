"""Fixtures: a pair of real daemons for the scenario tests (marked ``daemon``)."""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Iterator

import pytest

sys.path.insert(0, os.path.dirname(__file__))

from daemons import Pair, node_available


def _terminate(signum: int, frame: object) -> None:
    # Killed from outside (e.g. a test runner's timeout): unwind so the fixtures stop their daemons.
    raise KeyboardInterrupt(f"signal {signum}")


signal.signal(signal.SIGTERM, _terminate)

_pair: Pair | None = None


@pytest.fixture(scope="session")
def pair() -> Iterator[Pair]:
    """Two connected daemons, started once for the session and stopped at its end."""
    global _pair
    if not node_available():
        if os.environ.get("MOLTMESH_REQUIRE_DAEMON") == "1":
            pytest.fail("node_modules/node/bin/node or cli/main.ts is missing: run `npm install`")
        pytest.skip("no daemon to test against: run `npm install` in the repository")
    _pair = Pair().start()
    try:
        yield _pair
    finally:
        _pair.stop()
        _pair = None


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    if report.failed and _pair is not None and "pair" in getattr(item, "fixturenames", ()):
        report.sections.append(("daemon logs", _pair.logs()))
