# Code generated from proto/moltmesh/v1 by scripts/gen.ts (grpcio-tools). DO NOT EDIT.
from . import types_pb2 as _types_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class HealthRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class HealthResponse(_message.Message):
    __slots__ = ("ok", "version", "did", "peer_count", "uptime_ms", "api_version")
    OK_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    DID_FIELD_NUMBER: _ClassVar[int]
    PEER_COUNT_FIELD_NUMBER: _ClassVar[int]
    UPTIME_MS_FIELD_NUMBER: _ClassVar[int]
    API_VERSION_FIELD_NUMBER: _ClassVar[int]
    ok: bool
    version: str
    did: str
    peer_count: int
    uptime_ms: int
    api_version: str
    def __init__(self, ok: _Optional[bool] = ..., version: _Optional[str] = ..., did: _Optional[str] = ..., peer_count: _Optional[int] = ..., uptime_ms: _Optional[int] = ..., api_version: _Optional[str] = ...) -> None: ...

class GetInfoRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class GetInfoResponse(_message.Message):
    __slots__ = ("did", "peer_id", "listen_addresses", "announce_addresses", "data_dir", "socket", "version", "uptime_ms", "peer_count", "dht_mode", "mdns", "public_key", "config_file", "pid", "public_network")
    DID_FIELD_NUMBER: _ClassVar[int]
    PEER_ID_FIELD_NUMBER: _ClassVar[int]
    LISTEN_ADDRESSES_FIELD_NUMBER: _ClassVar[int]
    ANNOUNCE_ADDRESSES_FIELD_NUMBER: _ClassVar[int]
    DATA_DIR_FIELD_NUMBER: _ClassVar[int]
    SOCKET_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    UPTIME_MS_FIELD_NUMBER: _ClassVar[int]
    PEER_COUNT_FIELD_NUMBER: _ClassVar[int]
    DHT_MODE_FIELD_NUMBER: _ClassVar[int]
    MDNS_FIELD_NUMBER: _ClassVar[int]
    PUBLIC_KEY_FIELD_NUMBER: _ClassVar[int]
    CONFIG_FILE_FIELD_NUMBER: _ClassVar[int]
    PID_FIELD_NUMBER: _ClassVar[int]
    PUBLIC_NETWORK_FIELD_NUMBER: _ClassVar[int]
    did: str
    peer_id: str
    listen_addresses: _containers.RepeatedScalarFieldContainer[str]
    announce_addresses: _containers.RepeatedScalarFieldContainer[str]
    data_dir: str
    socket: str
    version: str
    uptime_ms: int
    peer_count: int
    dht_mode: str
    mdns: bool
    public_key: str
    config_file: str
    pid: int
    public_network: PublicNetworkStatus
    def __init__(self, did: _Optional[str] = ..., peer_id: _Optional[str] = ..., listen_addresses: _Optional[_Iterable[str]] = ..., announce_addresses: _Optional[_Iterable[str]] = ..., data_dir: _Optional[str] = ..., socket: _Optional[str] = ..., version: _Optional[str] = ..., uptime_ms: _Optional[int] = ..., peer_count: _Optional[int] = ..., dht_mode: _Optional[str] = ..., mdns: _Optional[bool] = ..., public_key: _Optional[str] = ..., config_file: _Optional[str] = ..., pid: _Optional[int] = ..., public_network: _Optional[_Union[PublicNetworkStatus, _Mapping]] = ...) -> None: ...

class PublicNetworkStatus(_message.Message):
    __slots__ = ("joined", "reachability", "reachability_reason", "relays", "relay_addresses", "relay_service", "relayed_peers", "public_bootstrap_connected", "rendezvous_found", "rendezvous_peers", "rendezvous_provided_at_ms", "rendezvous_provided_to")
    JOINED_FIELD_NUMBER: _ClassVar[int]
    REACHABILITY_FIELD_NUMBER: _ClassVar[int]
    REACHABILITY_REASON_FIELD_NUMBER: _ClassVar[int]
    RELAYS_FIELD_NUMBER: _ClassVar[int]
    RELAY_ADDRESSES_FIELD_NUMBER: _ClassVar[int]
    RELAY_SERVICE_FIELD_NUMBER: _ClassVar[int]
    RELAYED_PEERS_FIELD_NUMBER: _ClassVar[int]
    PUBLIC_BOOTSTRAP_CONNECTED_FIELD_NUMBER: _ClassVar[int]
    RENDEZVOUS_FOUND_FIELD_NUMBER: _ClassVar[int]
    RENDEZVOUS_PEERS_FIELD_NUMBER: _ClassVar[int]
    RENDEZVOUS_PROVIDED_AT_MS_FIELD_NUMBER: _ClassVar[int]
    RENDEZVOUS_PROVIDED_TO_FIELD_NUMBER: _ClassVar[int]
    joined: bool
    reachability: str
    reachability_reason: str
    relays: _containers.RepeatedScalarFieldContainer[str]
    relay_addresses: _containers.RepeatedScalarFieldContainer[str]
    relay_service: bool
    relayed_peers: int
    public_bootstrap_connected: int
    rendezvous_found: bool
    rendezvous_peers: int
    rendezvous_provided_at_ms: int
    rendezvous_provided_to: int
    def __init__(self, joined: _Optional[bool] = ..., reachability: _Optional[str] = ..., reachability_reason: _Optional[str] = ..., relays: _Optional[_Iterable[str]] = ..., relay_addresses: _Optional[_Iterable[str]] = ..., relay_service: _Optional[bool] = ..., relayed_peers: _Optional[int] = ..., public_bootstrap_connected: _Optional[int] = ..., rendezvous_found: _Optional[bool] = ..., rendezvous_peers: _Optional[int] = ..., rendezvous_provided_at_ms: _Optional[int] = ..., rendezvous_provided_to: _Optional[int] = ...) -> None: ...

class ListPeersRequest(_message.Message):
    __slots__ = ("include_disconnected",)
    INCLUDE_DISCONNECTED_FIELD_NUMBER: _ClassVar[int]
    include_disconnected: bool
    def __init__(self, include_disconnected: _Optional[bool] = ...) -> None: ...

class ListPeersResponse(_message.Message):
    __slots__ = ("peers",)
    PEERS_FIELD_NUMBER: _ClassVar[int]
    peers: _containers.RepeatedCompositeFieldContainer[_types_pb2.PeerInfo]
    def __init__(self, peers: _Optional[_Iterable[_Union[_types_pb2.PeerInfo, _Mapping]]] = ...) -> None: ...

class PingRequest(_message.Message):
    __slots__ = ("target", "count", "timeout_ms", "interval_ms")
    TARGET_FIELD_NUMBER: _ClassVar[int]
    COUNT_FIELD_NUMBER: _ClassVar[int]
    TIMEOUT_MS_FIELD_NUMBER: _ClassVar[int]
    INTERVAL_MS_FIELD_NUMBER: _ClassVar[int]
    target: str
    count: int
    timeout_ms: int
    interval_ms: int
    def __init__(self, target: _Optional[str] = ..., count: _Optional[int] = ..., timeout_ms: _Optional[int] = ..., interval_ms: _Optional[int] = ...) -> None: ...

class PingAttempt(_message.Message):
    __slots__ = ("ok", "latency_ms", "error")
    OK_FIELD_NUMBER: _ClassVar[int]
    LATENCY_MS_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    ok: bool
    latency_ms: float
    error: str
    def __init__(self, ok: _Optional[bool] = ..., latency_ms: _Optional[float] = ..., error: _Optional[str] = ...) -> None: ...

class PingResponse(_message.Message):
    __slots__ = ("reachable", "peer_id", "did", "attempts", "average_latency_ms", "transport", "address", "error")
    REACHABLE_FIELD_NUMBER: _ClassVar[int]
    PEER_ID_FIELD_NUMBER: _ClassVar[int]
    DID_FIELD_NUMBER: _ClassVar[int]
    ATTEMPTS_FIELD_NUMBER: _ClassVar[int]
    AVERAGE_LATENCY_MS_FIELD_NUMBER: _ClassVar[int]
    TRANSPORT_FIELD_NUMBER: _ClassVar[int]
    ADDRESS_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    reachable: bool
    peer_id: str
    did: str
    attempts: _containers.RepeatedCompositeFieldContainer[PingAttempt]
    average_latency_ms: float
    transport: str
    address: str
    error: str
    def __init__(self, reachable: _Optional[bool] = ..., peer_id: _Optional[str] = ..., did: _Optional[str] = ..., attempts: _Optional[_Iterable[_Union[PingAttempt, _Mapping]]] = ..., average_latency_ms: _Optional[float] = ..., transport: _Optional[str] = ..., address: _Optional[str] = ..., error: _Optional[str] = ...) -> None: ...

class ConnectPeerRequest(_message.Message):
    __slots__ = ("target", "timeout_ms")
    TARGET_FIELD_NUMBER: _ClassVar[int]
    TIMEOUT_MS_FIELD_NUMBER: _ClassVar[int]
    target: str
    timeout_ms: int
    def __init__(self, target: _Optional[str] = ..., timeout_ms: _Optional[int] = ...) -> None: ...

class ConnectPeerResponse(_message.Message):
    __slots__ = ("peer",)
    PEER_FIELD_NUMBER: _ClassVar[int]
    peer: _types_pb2.PeerInfo
    def __init__(self, peer: _Optional[_Union[_types_pb2.PeerInfo, _Mapping]] = ...) -> None: ...

class DisconnectPeerRequest(_message.Message):
    __slots__ = ("target",)
    TARGET_FIELD_NUMBER: _ClassVar[int]
    target: str
    def __init__(self, target: _Optional[str] = ...) -> None: ...

class DisconnectPeerResponse(_message.Message):
    __slots__ = ("was_connected",)
    WAS_CONNECTED_FIELD_NUMBER: _ClassVar[int]
    was_connected: bool
    def __init__(self, was_connected: _Optional[bool] = ...) -> None: ...

class GetMetricsRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class Metric(_message.Message):
    __slots__ = ("name", "help", "type", "labels", "value")
    class LabelsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    NAME_FIELD_NUMBER: _ClassVar[int]
    HELP_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    LABELS_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    name: str
    help: str
    type: str
    labels: _containers.ScalarMap[str, str]
    value: float
    def __init__(self, name: _Optional[str] = ..., help: _Optional[str] = ..., type: _Optional[str] = ..., labels: _Optional[_Mapping[str, str]] = ..., value: _Optional[float] = ...) -> None: ...

class GetMetricsResponse(_message.Message):
    __slots__ = ("metrics", "prometheus_text")
    METRICS_FIELD_NUMBER: _ClassVar[int]
    PROMETHEUS_TEXT_FIELD_NUMBER: _ClassVar[int]
    metrics: _containers.RepeatedCompositeFieldContainer[Metric]
    prometheus_text: str
    def __init__(self, metrics: _Optional[_Iterable[_Union[Metric, _Mapping]]] = ..., prometheus_text: _Optional[str] = ...) -> None: ...

class GetActivityRequest(_message.Message):
    __slots__ = ("minutes",)
    MINUTES_FIELD_NUMBER: _ClassVar[int]
    minutes: int
    def __init__(self, minutes: _Optional[int] = ...) -> None: ...

class ActivitySeries(_message.Message):
    __slots__ = ("name", "counts")
    NAME_FIELD_NUMBER: _ClassVar[int]
    COUNTS_FIELD_NUMBER: _ClassVar[int]
    name: str
    counts: _containers.RepeatedScalarFieldContainer[int]
    def __init__(self, name: _Optional[str] = ..., counts: _Optional[_Iterable[int]] = ...) -> None: ...

class GetActivityResponse(_message.Message):
    __slots__ = ("start_ms", "since_ms", "series")
    START_MS_FIELD_NUMBER: _ClassVar[int]
    SINCE_MS_FIELD_NUMBER: _ClassVar[int]
    SERIES_FIELD_NUMBER: _ClassVar[int]
    start_ms: int
    since_ms: int
    series: _containers.RepeatedCompositeFieldContainer[ActivitySeries]
    def __init__(self, start_ms: _Optional[int] = ..., since_ms: _Optional[int] = ..., series: _Optional[_Iterable[_Union[ActivitySeries, _Mapping]]] = ...) -> None: ...

class ShutdownRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ShutdownResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class OpenUiRequest(_message.Message):
    __slots__ = ("listen",)
    LISTEN_FIELD_NUMBER: _ClassVar[int]
    listen: str
    def __init__(self, listen: _Optional[str] = ...) -> None: ...

class OpenUiResponse(_message.Message):
    __slots__ = ("url", "login_token", "login_url")
    URL_FIELD_NUMBER: _ClassVar[int]
    LOGIN_TOKEN_FIELD_NUMBER: _ClassVar[int]
    LOGIN_URL_FIELD_NUMBER: _ClassVar[int]
    url: str
    login_token: str
    login_url: str
    def __init__(self, url: _Optional[str] = ..., login_token: _Optional[str] = ..., login_url: _Optional[str] = ...) -> None: ...
