"""Worker subscriptions without a daemon: how skills are described for the card, and the reconnection
state (ready, lost, reconnected, giving up, errors that are not a lost daemon)."""

from __future__ import annotations

import time

import grpc
import pytest
from moltmesh._serving import Reconnect, describe_skills, is_connection_loss
from moltmesh.errors import DaemonNotRunningError, InvalidArgumentError, UnavailableError
from moltmesh.gen import types_pb2


def test_skills_by_id_take_the_keyword_description() -> None:
    ids, offers = describe_skills("word-count", description="counts", tags=["text"], price="1", input_schema={"type": "string"})
    assert ids == ["word-count"]
    assert offers[0].description == "counts"
    assert list(offers[0].tags) == ["text"]
    assert offers[0].price == "1"
    assert offers[0].input_schema_json == '{"type": "string"}'


def test_skills_as_messages_and_dicts() -> None:
    ids, offers = describe_skills(
        [types_pb2.Skill(id="a", price="2"), {"id": "b", "description": "bee", "input_schema": {"type": "object"}}, "c"]
    )
    assert ids == ["a", "b", "c"]
    assert offers[0].price == "2"
    assert offers[1].description == "bee"
    assert offers[1].input_schema_json == '{"type": "object"}'
    assert offers[2].description == ""


def test_reconnects_then_reports_it() -> None:
    seen: list[str] = []
    state = Reconnect(60, ["a"], lambda kind, message: seen.append(f"{kind}: {message}"))
    state.ready()
    wait = state.lost(DaemonNotRunningError("/x.sock"))
    assert 0 < wait <= 2
    state.ready()
    assert seen[0] == "ready: serving a"
    assert seen[1].startswith("lost: lost the daemon (moltmesh daemon is not running")
    assert seen[2].startswith("reconnected: reconnected after ")


def test_a_clean_end_counts_as_lost() -> None:
    seen: list[str] = []
    state = Reconnect(60, ["a"], lambda kind, message: seen.append(kind))
    state.ready()
    state.lost(None)
    assert seen == ["ready", "lost"]


def test_gives_up_with_daemon_gone() -> None:
    state = Reconnect(0.01, ["a"], lambda kind, message: None)
    state.ready()
    state.lost(DaemonNotRunningError("/x.sock"))
    time.sleep(0.02)
    with pytest.raises(UnavailableError) as info:
        state.lost(DaemonNotRunningError("/x.sock"))
    assert info.value.reason == "DAEMON_GONE"


def test_raises_at_once_before_ready_or_for_other_errors() -> None:
    with pytest.raises(DaemonNotRunningError):
        Reconnect(60, ["a"], None).lost(DaemonNotRunningError("/x.sock"))
    state = Reconnect(60, ["a"], lambda kind, message: None)
    state.ready()
    bad = InvalidArgumentError("bad skill", reason="INVALID_CARD", code=grpc.StatusCode.INVALID_ARGUMENT)
    assert not is_connection_loss(bad)
    with pytest.raises(InvalidArgumentError):
        state.lost(bad)
    off = Reconnect(0, ["a"], lambda kind, message: None)
    off.ready()
    with pytest.raises(DaemonNotRunningError):
        off.lost(DaemonNotRunningError("/x.sock"))
