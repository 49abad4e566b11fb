# Code generated from proto/moltmesh/v1 by scripts/gen.ts (grpcio-tools). DO NOT EDIT.
from . import types_pb2 as _types_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class PublishRequest(_message.Message):
    __slots__ = ("topic", "payload")
    TOPIC_FIELD_NUMBER: _ClassVar[int]
    PAYLOAD_FIELD_NUMBER: _ClassVar[int]
    topic: str
    payload: bytes
    def __init__(self, topic: _Optional[str] = ..., payload: _Optional[bytes] = ...) -> None: ...

class PublishResponse(_message.Message):
    __slots__ = ("id", "recipients")
    ID_FIELD_NUMBER: _ClassVar[int]
    RECIPIENTS_FIELD_NUMBER: _ClassVar[int]
    id: str
    recipients: int
    def __init__(self, id: _Optional[str] = ..., recipients: _Optional[int] = ...) -> None: ...

class SubscribeTopicRequest(_message.Message):
    __slots__ = ("topic",)
    TOPIC_FIELD_NUMBER: _ClassVar[int]
    topic: str
    def __init__(self, topic: _Optional[str] = ...) -> None: ...

class SubscribeTopicResponse(_message.Message):
    __slots__ = ("message",)
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    message: _types_pb2.BroadcastMessage
    def __init__(self, message: _Optional[_Union[_types_pb2.BroadcastMessage, _Mapping]] = ...) -> None: ...

class ListTopicsRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class TopicInfo(_message.Message):
    __slots__ = ("topic", "peer_count", "local_subscribers")
    TOPIC_FIELD_NUMBER: _ClassVar[int]
    PEER_COUNT_FIELD_NUMBER: _ClassVar[int]
    LOCAL_SUBSCRIBERS_FIELD_NUMBER: _ClassVar[int]
    topic: str
    peer_count: int
    local_subscribers: int
    def __init__(self, topic: _Optional[str] = ..., peer_count: _Optional[int] = ..., local_subscribers: _Optional[int] = ...) -> None: ...

class ListTopicsResponse(_message.Message):
    __slots__ = ("topics",)
    TOPICS_FIELD_NUMBER: _ClassVar[int]
    topics: _containers.RepeatedCompositeFieldContainer[TopicInfo]
    def __init__(self, topics: _Optional[_Iterable[_Union[TopicInfo, _Mapping]]] = ...) -> None: ...

class CreateNetworkRequest(_message.Message):
    __slots__ = ("name", "description", "policy")
    NAME_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    POLICY_FIELD_NUMBER: _ClassVar[int]
    name: str
    description: str
    policy: _types_pb2.NetworkPolicy
    def __init__(self, name: _Optional[str] = ..., description: _Optional[str] = ..., policy: _Optional[_Union[_types_pb2.NetworkPolicy, str]] = ...) -> None: ...

class CreateNetworkResponse(_message.Message):
    __slots__ = ("network",)
    NETWORK_FIELD_NUMBER: _ClassVar[int]
    network: _types_pb2.Network
    def __init__(self, network: _Optional[_Union[_types_pb2.Network, _Mapping]] = ...) -> None: ...

class InviteToNetworkRequest(_message.Message):
    __slots__ = ("network_id", "did", "ttl_ms")
    NETWORK_ID_FIELD_NUMBER: _ClassVar[int]
    DID_FIELD_NUMBER: _ClassVar[int]
    TTL_MS_FIELD_NUMBER: _ClassVar[int]
    network_id: str
    did: str
    ttl_ms: int
    def __init__(self, network_id: _Optional[str] = ..., did: _Optional[str] = ..., ttl_ms: _Optional[int] = ...) -> None: ...

class InviteToNetworkResponse(_message.Message):
    __slots__ = ("invitation", "message_id")
    INVITATION_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_ID_FIELD_NUMBER: _ClassVar[int]
    invitation: _types_pb2.NetworkInvitation
    message_id: str
    def __init__(self, invitation: _Optional[_Union[_types_pb2.NetworkInvitation, _Mapping]] = ..., message_id: _Optional[str] = ...) -> None: ...

class ListInvitationsRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListInvitationsResponse(_message.Message):
    __slots__ = ("invitations",)
    INVITATIONS_FIELD_NUMBER: _ClassVar[int]
    invitations: _containers.RepeatedCompositeFieldContainer[_types_pb2.NetworkInvitation]
    def __init__(self, invitations: _Optional[_Iterable[_Union[_types_pb2.NetworkInvitation, _Mapping]]] = ...) -> None: ...

class JoinNetworkRequest(_message.Message):
    __slots__ = ("network_id", "invitation")
    NETWORK_ID_FIELD_NUMBER: _ClassVar[int]
    INVITATION_FIELD_NUMBER: _ClassVar[int]
    network_id: str
    invitation: _types_pb2.NetworkInvitation
    def __init__(self, network_id: _Optional[str] = ..., invitation: _Optional[_Union[_types_pb2.NetworkInvitation, _Mapping]] = ...) -> None: ...

class JoinNetworkResponse(_message.Message):
    __slots__ = ("network",)
    NETWORK_FIELD_NUMBER: _ClassVar[int]
    network: _types_pb2.Network
    def __init__(self, network: _Optional[_Union[_types_pb2.Network, _Mapping]] = ...) -> None: ...

class LeaveNetworkRequest(_message.Message):
    __slots__ = ("network_id",)
    NETWORK_ID_FIELD_NUMBER: _ClassVar[int]
    network_id: str
    def __init__(self, network_id: _Optional[str] = ...) -> None: ...

class LeaveNetworkResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class RemoveMemberRequest(_message.Message):
    __slots__ = ("network_id", "did")
    NETWORK_ID_FIELD_NUMBER: _ClassVar[int]
    DID_FIELD_NUMBER: _ClassVar[int]
    network_id: str
    did: str
    def __init__(self, network_id: _Optional[str] = ..., did: _Optional[str] = ...) -> None: ...

class RemoveMemberResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListNetworksRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListNetworksResponse(_message.Message):
    __slots__ = ("networks",)
    NETWORKS_FIELD_NUMBER: _ClassVar[int]
    networks: _containers.RepeatedCompositeFieldContainer[_types_pb2.Network]
    def __init__(self, networks: _Optional[_Iterable[_Union[_types_pb2.Network, _Mapping]]] = ...) -> None: ...

class ListNetworkMembersRequest(_message.Message):
    __slots__ = ("network_id",)
    NETWORK_ID_FIELD_NUMBER: _ClassVar[int]
    network_id: str
    def __init__(self, network_id: _Optional[str] = ...) -> None: ...

class ListNetworkMembersResponse(_message.Message):
    __slots__ = ("members",)
    MEMBERS_FIELD_NUMBER: _ClassVar[int]
    members: _containers.RepeatedCompositeFieldContainer[_types_pb2.NetworkMember]
    def __init__(self, members: _Optional[_Iterable[_Union[_types_pb2.NetworkMember, _Mapping]]] = ...) -> None: ...

class BroadcastNetworkRequest(_message.Message):
    __slots__ = ("network_id", "payload")
    NETWORK_ID_FIELD_NUMBER: _ClassVar[int]
    PAYLOAD_FIELD_NUMBER: _ClassVar[int]
    network_id: str
    payload: bytes
    def __init__(self, network_id: _Optional[str] = ..., payload: _Optional[bytes] = ...) -> None: ...

class BroadcastNetworkResponse(_message.Message):
    __slots__ = ("id", "recipients")
    ID_FIELD_NUMBER: _ClassVar[int]
    RECIPIENTS_FIELD_NUMBER: _ClassVar[int]
    id: str
    recipients: int
    def __init__(self, id: _Optional[str] = ..., recipients: _Optional[int] = ...) -> None: ...

class SubscribeNetworkRequest(_message.Message):
    __slots__ = ("network_id", "after_cursor")
    NETWORK_ID_FIELD_NUMBER: _ClassVar[int]
    AFTER_CURSOR_FIELD_NUMBER: _ClassVar[int]
    network_id: str
    after_cursor: str
    def __init__(self, network_id: _Optional[str] = ..., after_cursor: _Optional[str] = ...) -> None: ...

class SubscribeNetworkResponse(_message.Message):
    __slots__ = ("message",)
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    message: _types_pb2.BroadcastMessage
    def __init__(self, message: _Optional[_Union[_types_pb2.BroadcastMessage, _Mapping]] = ...) -> None: ...

class CreateWebhookRequest(_message.Message):
    __slots__ = ("url", "events", "description")
    URL_FIELD_NUMBER: _ClassVar[int]
    EVENTS_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    url: str
    events: _containers.RepeatedScalarFieldContainer[str]
    description: str
    def __init__(self, url: _Optional[str] = ..., events: _Optional[_Iterable[str]] = ..., description: _Optional[str] = ...) -> None: ...

class CreateWebhookResponse(_message.Message):
    __slots__ = ("webhook", "secret")
    WEBHOOK_FIELD_NUMBER: _ClassVar[int]
    SECRET_FIELD_NUMBER: _ClassVar[int]
    webhook: _types_pb2.Webhook
    secret: str
    def __init__(self, webhook: _Optional[_Union[_types_pb2.Webhook, _Mapping]] = ..., secret: _Optional[str] = ...) -> None: ...

class ListWebhooksRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListWebhooksResponse(_message.Message):
    __slots__ = ("webhooks",)
    WEBHOOKS_FIELD_NUMBER: _ClassVar[int]
    webhooks: _containers.RepeatedCompositeFieldContainer[_types_pb2.Webhook]
    def __init__(self, webhooks: _Optional[_Iterable[_Union[_types_pb2.Webhook, _Mapping]]] = ...) -> None: ...

class DeleteWebhookRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class DeleteWebhookResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListWebhookDeliveriesRequest(_message.Message):
    __slots__ = ("webhook_id", "status", "page_size", "page_token")
    WEBHOOK_ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    webhook_id: str
    status: str
    page_size: int
    page_token: str
    def __init__(self, webhook_id: _Optional[str] = ..., status: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListWebhookDeliveriesResponse(_message.Message):
    __slots__ = ("deliveries", "next_page_token")
    DELIVERIES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    deliveries: _containers.RepeatedCompositeFieldContainer[_types_pb2.WebhookDelivery]
    next_page_token: str
    def __init__(self, deliveries: _Optional[_Iterable[_Union[_types_pb2.WebhookDelivery, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class RedeliverWebhookRequest(_message.Message):
    __slots__ = ("delivery_id",)
    DELIVERY_ID_FIELD_NUMBER: _ClassVar[int]
    delivery_id: str
    def __init__(self, delivery_id: _Optional[str] = ...) -> None: ...

class RedeliverWebhookResponse(_message.Message):
    __slots__ = ("delivery",)
    DELIVERY_FIELD_NUMBER: _ClassVar[int]
    delivery: _types_pb2.WebhookDelivery
    def __init__(self, delivery: _Optional[_Union[_types_pb2.WebhookDelivery, _Mapping]] = ...) -> None: ...

class TestWebhookRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class TestWebhookResponse(_message.Message):
    __slots__ = ("ok", "status_code", "error", "latency_ms")
    OK_FIELD_NUMBER: _ClassVar[int]
    STATUS_CODE_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    LATENCY_MS_FIELD_NUMBER: _ClassVar[int]
    ok: bool
    status_code: int
    error: str
    latency_ms: float
    def __init__(self, ok: _Optional[bool] = ..., status_code: _Optional[int] = ..., error: _Optional[str] = ..., latency_ms: _Optional[float] = ...) -> None: ...

class CreateOrderedThreadRequest(_message.Message):
    __slots__ = ("members", "title")
    MEMBERS_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    members: _containers.RepeatedScalarFieldContainer[str]
    title: str
    def __init__(self, members: _Optional[_Iterable[str]] = ..., title: _Optional[str] = ...) -> None: ...

class SentThreadInvitation(_message.Message):
    __slots__ = ("member", "message_id")
    MEMBER_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_ID_FIELD_NUMBER: _ClassVar[int]
    member: str
    message_id: str
    def __init__(self, member: _Optional[str] = ..., message_id: _Optional[str] = ...) -> None: ...

class CreateOrderedThreadResponse(_message.Message):
    __slots__ = ("thread", "invitations")
    THREAD_FIELD_NUMBER: _ClassVar[int]
    INVITATIONS_FIELD_NUMBER: _ClassVar[int]
    thread: _types_pb2.OrderedThread
    invitations: _containers.RepeatedCompositeFieldContainer[SentThreadInvitation]
    def __init__(self, thread: _Optional[_Union[_types_pb2.OrderedThread, _Mapping]] = ..., invitations: _Optional[_Iterable[_Union[SentThreadInvitation, _Mapping]]] = ...) -> None: ...

class ListThreadInvitationsRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ThreadInvitation(_message.Message):
    __slots__ = ("thread_id", "title", "inviter", "genesis_voters", "added_later", "received_at_ms")
    THREAD_ID_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    INVITER_FIELD_NUMBER: _ClassVar[int]
    GENESIS_VOTERS_FIELD_NUMBER: _ClassVar[int]
    ADDED_LATER_FIELD_NUMBER: _ClassVar[int]
    RECEIVED_AT_MS_FIELD_NUMBER: _ClassVar[int]
    thread_id: str
    title: str
    inviter: str
    genesis_voters: _containers.RepeatedScalarFieldContainer[str]
    added_later: bool
    received_at_ms: int
    def __init__(self, thread_id: _Optional[str] = ..., title: _Optional[str] = ..., inviter: _Optional[str] = ..., genesis_voters: _Optional[_Iterable[str]] = ..., added_later: _Optional[bool] = ..., received_at_ms: _Optional[int] = ...) -> None: ...

class ListThreadInvitationsResponse(_message.Message):
    __slots__ = ("invitations",)
    INVITATIONS_FIELD_NUMBER: _ClassVar[int]
    invitations: _containers.RepeatedCompositeFieldContainer[ThreadInvitation]
    def __init__(self, invitations: _Optional[_Iterable[_Union[ThreadInvitation, _Mapping]]] = ...) -> None: ...

class AcceptThreadInvitationRequest(_message.Message):
    __slots__ = ("thread_id",)
    THREAD_ID_FIELD_NUMBER: _ClassVar[int]
    thread_id: str
    def __init__(self, thread_id: _Optional[str] = ...) -> None: ...

class AcceptThreadInvitationResponse(_message.Message):
    __slots__ = ("thread",)
    THREAD_FIELD_NUMBER: _ClassVar[int]
    thread: _types_pb2.OrderedThread
    def __init__(self, thread: _Optional[_Union[_types_pb2.OrderedThread, _Mapping]] = ...) -> None: ...

class AppendToThreadRequest(_message.Message):
    __slots__ = ("thread_id", "parts", "client_id", "seq", "timeout_ms")
    THREAD_ID_FIELD_NUMBER: _ClassVar[int]
    PARTS_FIELD_NUMBER: _ClassVar[int]
    CLIENT_ID_FIELD_NUMBER: _ClassVar[int]
    SEQ_FIELD_NUMBER: _ClassVar[int]
    TIMEOUT_MS_FIELD_NUMBER: _ClassVar[int]
    thread_id: str
    parts: _containers.RepeatedCompositeFieldContainer[_types_pb2.Part]
    client_id: str
    seq: int
    timeout_ms: int
    def __init__(self, thread_id: _Optional[str] = ..., parts: _Optional[_Iterable[_Union[_types_pb2.Part, _Mapping]]] = ..., client_id: _Optional[str] = ..., seq: _Optional[int] = ..., timeout_ms: _Optional[int] = ...) -> None: ...

class AppendToThreadResponse(_message.Message):
    __slots__ = ("index", "term", "duplicate")
    INDEX_FIELD_NUMBER: _ClassVar[int]
    TERM_FIELD_NUMBER: _ClassVar[int]
    DUPLICATE_FIELD_NUMBER: _ClassVar[int]
    index: int
    term: int
    duplicate: bool
    def __init__(self, index: _Optional[int] = ..., term: _Optional[int] = ..., duplicate: _Optional[bool] = ...) -> None: ...

class ReadThreadRequest(_message.Message):
    __slots__ = ("thread_id", "after_index", "limit", "timeout_ms")
    THREAD_ID_FIELD_NUMBER: _ClassVar[int]
    AFTER_INDEX_FIELD_NUMBER: _ClassVar[int]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    TIMEOUT_MS_FIELD_NUMBER: _ClassVar[int]
    thread_id: str
    after_index: int
    limit: int
    timeout_ms: int
    def __init__(self, thread_id: _Optional[str] = ..., after_index: _Optional[int] = ..., limit: _Optional[int] = ..., timeout_ms: _Optional[int] = ...) -> None: ...

class ReadThreadResponse(_message.Message):
    __slots__ = ("entries", "read_index")
    ENTRIES_FIELD_NUMBER: _ClassVar[int]
    READ_INDEX_FIELD_NUMBER: _ClassVar[int]
    entries: _containers.RepeatedCompositeFieldContainer[_types_pb2.ThreadEntry]
    read_index: int
    def __init__(self, entries: _Optional[_Iterable[_Union[_types_pb2.ThreadEntry, _Mapping]]] = ..., read_index: _Optional[int] = ...) -> None: ...

class SubscribeThreadRequest(_message.Message):
    __slots__ = ("thread_id", "after_index")
    THREAD_ID_FIELD_NUMBER: _ClassVar[int]
    AFTER_INDEX_FIELD_NUMBER: _ClassVar[int]
    thread_id: str
    after_index: int
    def __init__(self, thread_id: _Optional[str] = ..., after_index: _Optional[int] = ...) -> None: ...

class SubscribeThreadResponse(_message.Message):
    __slots__ = ("entry",)
    ENTRY_FIELD_NUMBER: _ClassVar[int]
    entry: _types_pb2.ThreadEntry
    def __init__(self, entry: _Optional[_Union[_types_pb2.ThreadEntry, _Mapping]] = ...) -> None: ...

class GetThreadStatusRequest(_message.Message):
    __slots__ = ("thread_id",)
    THREAD_ID_FIELD_NUMBER: _ClassVar[int]
    thread_id: str
    def __init__(self, thread_id: _Optional[str] = ...) -> None: ...

class GetThreadStatusResponse(_message.Message):
    __slots__ = ("thread", "role", "term", "leader", "commit_index", "applied_index", "last_index", "members")
    THREAD_FIELD_NUMBER: _ClassVar[int]
    ROLE_FIELD_NUMBER: _ClassVar[int]
    TERM_FIELD_NUMBER: _ClassVar[int]
    LEADER_FIELD_NUMBER: _ClassVar[int]
    COMMIT_INDEX_FIELD_NUMBER: _ClassVar[int]
    APPLIED_INDEX_FIELD_NUMBER: _ClassVar[int]
    LAST_INDEX_FIELD_NUMBER: _ClassVar[int]
    MEMBERS_FIELD_NUMBER: _ClassVar[int]
    thread: _types_pb2.OrderedThread
    role: str
    term: int
    leader: str
    commit_index: int
    applied_index: int
    last_index: int
    members: _containers.RepeatedCompositeFieldContainer[_types_pb2.OrderedThreadMember]
    def __init__(self, thread: _Optional[_Union[_types_pb2.OrderedThread, _Mapping]] = ..., role: _Optional[str] = ..., term: _Optional[int] = ..., leader: _Optional[str] = ..., commit_index: _Optional[int] = ..., applied_index: _Optional[int] = ..., last_index: _Optional[int] = ..., members: _Optional[_Iterable[_Union[_types_pb2.OrderedThreadMember, _Mapping]]] = ...) -> None: ...

class AddThreadMemberRequest(_message.Message):
    __slots__ = ("thread_id", "member", "timeout_ms")
    THREAD_ID_FIELD_NUMBER: _ClassVar[int]
    MEMBER_FIELD_NUMBER: _ClassVar[int]
    TIMEOUT_MS_FIELD_NUMBER: _ClassVar[int]
    thread_id: str
    member: str
    timeout_ms: int
    def __init__(self, thread_id: _Optional[str] = ..., member: _Optional[str] = ..., timeout_ms: _Optional[int] = ...) -> None: ...

class AddThreadMemberResponse(_message.Message):
    __slots__ = ("index", "invitation")
    INDEX_FIELD_NUMBER: _ClassVar[int]
    INVITATION_FIELD_NUMBER: _ClassVar[int]
    index: int
    invitation: SentThreadInvitation
    def __init__(self, index: _Optional[int] = ..., invitation: _Optional[_Union[SentThreadInvitation, _Mapping]] = ...) -> None: ...

class RemoveThreadMemberRequest(_message.Message):
    __slots__ = ("thread_id", "member", "timeout_ms")
    THREAD_ID_FIELD_NUMBER: _ClassVar[int]
    MEMBER_FIELD_NUMBER: _ClassVar[int]
    TIMEOUT_MS_FIELD_NUMBER: _ClassVar[int]
    thread_id: str
    member: str
    timeout_ms: int
    def __init__(self, thread_id: _Optional[str] = ..., member: _Optional[str] = ..., timeout_ms: _Optional[int] = ...) -> None: ...

class RemoveThreadMemberResponse(_message.Message):
    __slots__ = ("index",)
    INDEX_FIELD_NUMBER: _ClassVar[int]
    index: int
    def __init__(self, index: _Optional[int] = ...) -> None: ...

class ExportThreadRequest(_message.Message):
    __slots__ = ("thread_id",)
    THREAD_ID_FIELD_NUMBER: _ClassVar[int]
    thread_id: str
    def __init__(self, thread_id: _Optional[str] = ...) -> None: ...

class ExportThreadResponse(_message.Message):
    __slots__ = ("jsonl", "entries")
    JSONL_FIELD_NUMBER: _ClassVar[int]
    ENTRIES_FIELD_NUMBER: _ClassVar[int]
    jsonl: str
    entries: int
    def __init__(self, jsonl: _Optional[str] = ..., entries: _Optional[int] = ...) -> None: ...

class VerifyThreadRequest(_message.Message):
    __slots__ = ("thread_id", "jsonl")
    THREAD_ID_FIELD_NUMBER: _ClassVar[int]
    JSONL_FIELD_NUMBER: _ClassVar[int]
    thread_id: str
    jsonl: str
    def __init__(self, thread_id: _Optional[str] = ..., jsonl: _Optional[str] = ...) -> None: ...

class VerifyThreadResponse(_message.Message):
    __slots__ = ("ok", "entries", "bad_index", "reason", "last_hash")
    OK_FIELD_NUMBER: _ClassVar[int]
    ENTRIES_FIELD_NUMBER: _ClassVar[int]
    BAD_INDEX_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    LAST_HASH_FIELD_NUMBER: _ClassVar[int]
    ok: bool
    entries: int
    bad_index: int
    reason: str
    last_hash: str
    def __init__(self, ok: _Optional[bool] = ..., entries: _Optional[int] = ..., bad_index: _Optional[int] = ..., reason: _Optional[str] = ..., last_hash: _Optional[str] = ...) -> None: ...

class WatchEventsRequest(_message.Message):
    __slots__ = ("types",)
    TYPES_FIELD_NUMBER: _ClassVar[int]
    types: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, types: _Optional[_Iterable[str]] = ...) -> None: ...

class WatchEventsResponse(_message.Message):
    __slots__ = ("event",)
    EVENT_FIELD_NUMBER: _ClassVar[int]
    event: _types_pb2.DaemonEvent
    def __init__(self, event: _Optional[_Union[_types_pb2.DaemonEvent, _Mapping]] = ...) -> None: ...
