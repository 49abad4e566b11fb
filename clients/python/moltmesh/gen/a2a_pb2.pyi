# Code generated from proto/moltmesh/v1 by scripts/gen.ts (grpcio-tools). DO NOT EDIT.
from . import types_pb2 as _types_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class GetIdentityRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class GetIdentityResponse(_message.Message):
    __slots__ = ("did", "peer_id", "public_key", "data_dir", "names")
    DID_FIELD_NUMBER: _ClassVar[int]
    PEER_ID_FIELD_NUMBER: _ClassVar[int]
    PUBLIC_KEY_FIELD_NUMBER: _ClassVar[int]
    DATA_DIR_FIELD_NUMBER: _ClassVar[int]
    NAMES_FIELD_NUMBER: _ClassVar[int]
    did: str
    peer_id: str
    public_key: str
    data_dir: str
    names: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, did: _Optional[str] = ..., peer_id: _Optional[str] = ..., public_key: _Optional[str] = ..., data_dir: _Optional[str] = ..., names: _Optional[_Iterable[str]] = ...) -> None: ...

class ConvertIdRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class ConvertIdResponse(_message.Message):
    __slots__ = ("did", "peer_id", "public_key")
    DID_FIELD_NUMBER: _ClassVar[int]
    PEER_ID_FIELD_NUMBER: _ClassVar[int]
    PUBLIC_KEY_FIELD_NUMBER: _ClassVar[int]
    did: str
    peer_id: str
    public_key: str
    def __init__(self, did: _Optional[str] = ..., peer_id: _Optional[str] = ..., public_key: _Optional[str] = ...) -> None: ...

class PublishAgentCardRequest(_message.Message):
    __slots__ = ("card", "ttl_ms")
    CARD_FIELD_NUMBER: _ClassVar[int]
    TTL_MS_FIELD_NUMBER: _ClassVar[int]
    card: _types_pb2.AgentCard
    ttl_ms: int
    def __init__(self, card: _Optional[_Union[_types_pb2.AgentCard, _Mapping]] = ..., ttl_ms: _Optional[int] = ...) -> None: ...

class PublishAgentCardResponse(_message.Message):
    __slots__ = ("card",)
    CARD_FIELD_NUMBER: _ClassVar[int]
    card: _types_pb2.AgentCard
    def __init__(self, card: _Optional[_Union[_types_pb2.AgentCard, _Mapping]] = ...) -> None: ...

class GetAgentCardRequest(_message.Message):
    __slots__ = ("did", "timeout_ms")
    DID_FIELD_NUMBER: _ClassVar[int]
    TIMEOUT_MS_FIELD_NUMBER: _ClassVar[int]
    did: str
    timeout_ms: int
    def __init__(self, did: _Optional[str] = ..., timeout_ms: _Optional[int] = ...) -> None: ...

class GetAgentCardResponse(_message.Message):
    __slots__ = ("card",)
    CARD_FIELD_NUMBER: _ClassVar[int]
    card: _types_pb2.AgentCard
    def __init__(self, card: _Optional[_Union[_types_pb2.AgentCard, _Mapping]] = ...) -> None: ...

class FindAgentsRequest(_message.Message):
    __slots__ = ("capability", "tags", "limit", "timeout_ms")
    CAPABILITY_FIELD_NUMBER: _ClassVar[int]
    TAGS_FIELD_NUMBER: _ClassVar[int]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    TIMEOUT_MS_FIELD_NUMBER: _ClassVar[int]
    capability: str
    tags: _containers.RepeatedScalarFieldContainer[str]
    limit: int
    timeout_ms: int
    def __init__(self, capability: _Optional[str] = ..., tags: _Optional[_Iterable[str]] = ..., limit: _Optional[int] = ..., timeout_ms: _Optional[int] = ...) -> None: ...

class FindAgentsResponse(_message.Message):
    __slots__ = ("card", "skill", "score", "connected")
    CARD_FIELD_NUMBER: _ClassVar[int]
    SKILL_FIELD_NUMBER: _ClassVar[int]
    SCORE_FIELD_NUMBER: _ClassVar[int]
    CONNECTED_FIELD_NUMBER: _ClassVar[int]
    card: _types_pb2.AgentCard
    skill: _types_pb2.Skill
    score: float
    connected: bool
    def __init__(self, card: _Optional[_Union[_types_pb2.AgentCard, _Mapping]] = ..., skill: _Optional[_Union[_types_pb2.Skill, _Mapping]] = ..., score: _Optional[float] = ..., connected: _Optional[bool] = ...) -> None: ...

class ListDemandRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class DemandEntry(_message.Message):
    __slots__ = ("capability", "count", "last_asked_at_ms")
    CAPABILITY_FIELD_NUMBER: _ClassVar[int]
    COUNT_FIELD_NUMBER: _ClassVar[int]
    LAST_ASKED_AT_MS_FIELD_NUMBER: _ClassVar[int]
    capability: str
    count: int
    last_asked_at_ms: int
    def __init__(self, capability: _Optional[str] = ..., count: _Optional[int] = ..., last_asked_at_ms: _Optional[int] = ...) -> None: ...

class ListDemandResponse(_message.Message):
    __slots__ = ("entries",)
    ENTRIES_FIELD_NUMBER: _ClassVar[int]
    entries: _containers.RepeatedCompositeFieldContainer[DemandEntry]
    def __init__(self, entries: _Optional[_Iterable[_Union[DemandEntry, _Mapping]]] = ...) -> None: ...

class ClaimNameRequest(_message.Message):
    __slots__ = ("name", "ttl_ms")
    NAME_FIELD_NUMBER: _ClassVar[int]
    TTL_MS_FIELD_NUMBER: _ClassVar[int]
    name: str
    ttl_ms: int
    def __init__(self, name: _Optional[str] = ..., ttl_ms: _Optional[int] = ...) -> None: ...

class ClaimNameResponse(_message.Message):
    __slots__ = ("name", "did", "expires_at_ms")
    NAME_FIELD_NUMBER: _ClassVar[int]
    DID_FIELD_NUMBER: _ClassVar[int]
    EXPIRES_AT_MS_FIELD_NUMBER: _ClassVar[int]
    name: str
    did: str
    expires_at_ms: int
    def __init__(self, name: _Optional[str] = ..., did: _Optional[str] = ..., expires_at_ms: _Optional[int] = ...) -> None: ...

class ResolveNameRequest(_message.Message):
    __slots__ = ("name", "timeout_ms")
    NAME_FIELD_NUMBER: _ClassVar[int]
    TIMEOUT_MS_FIELD_NUMBER: _ClassVar[int]
    name: str
    timeout_ms: int
    def __init__(self, name: _Optional[str] = ..., timeout_ms: _Optional[int] = ...) -> None: ...

class ResolveNameResponse(_message.Message):
    __slots__ = ("name", "did", "expires_at_ms", "warning")
    NAME_FIELD_NUMBER: _ClassVar[int]
    DID_FIELD_NUMBER: _ClassVar[int]
    EXPIRES_AT_MS_FIELD_NUMBER: _ClassVar[int]
    WARNING_FIELD_NUMBER: _ClassVar[int]
    name: str
    did: str
    expires_at_ms: int
    warning: str
    def __init__(self, name: _Optional[str] = ..., did: _Optional[str] = ..., expires_at_ms: _Optional[int] = ..., warning: _Optional[str] = ...) -> None: ...

class ReleaseNameRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class ReleaseNameResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListNamesRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListNamesResponse(_message.Message):
    __slots__ = ("names",)
    NAMES_FIELD_NUMBER: _ClassVar[int]
    names: _containers.RepeatedCompositeFieldContainer[ClaimNameResponse]
    def __init__(self, names: _Optional[_Iterable[_Union[ClaimNameResponse, _Mapping]]] = ...) -> None: ...

class SendMessageRequest(_message.Message):
    __slots__ = ("to", "parts", "context_id", "thread_id", "reply_to", "idempotency_key", "ttl_ms", "no_wait")
    TO_FIELD_NUMBER: _ClassVar[int]
    PARTS_FIELD_NUMBER: _ClassVar[int]
    CONTEXT_ID_FIELD_NUMBER: _ClassVar[int]
    THREAD_ID_FIELD_NUMBER: _ClassVar[int]
    REPLY_TO_FIELD_NUMBER: _ClassVar[int]
    IDEMPOTENCY_KEY_FIELD_NUMBER: _ClassVar[int]
    TTL_MS_FIELD_NUMBER: _ClassVar[int]
    NO_WAIT_FIELD_NUMBER: _ClassVar[int]
    to: str
    parts: _containers.RepeatedCompositeFieldContainer[_types_pb2.Part]
    context_id: str
    thread_id: str
    reply_to: str
    idempotency_key: str
    ttl_ms: int
    no_wait: bool
    def __init__(self, to: _Optional[str] = ..., parts: _Optional[_Iterable[_Union[_types_pb2.Part, _Mapping]]] = ..., context_id: _Optional[str] = ..., thread_id: _Optional[str] = ..., reply_to: _Optional[str] = ..., idempotency_key: _Optional[str] = ..., ttl_ms: _Optional[int] = ..., no_wait: _Optional[bool] = ...) -> None: ...

class SendMessageResponse(_message.Message):
    __slots__ = ("id", "queued", "message")
    ID_FIELD_NUMBER: _ClassVar[int]
    QUEUED_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    id: str
    queued: bool
    message: _types_pb2.Message
    def __init__(self, id: _Optional[str] = ..., queued: _Optional[bool] = ..., message: _Optional[_Union[_types_pb2.Message, _Mapping]] = ...) -> None: ...

class GetInboxRequest(_message.Message):
    __slots__ = ("context_id", "thread_id", "unread_only", "since_ms", "page_size", "page_token")
    FROM_FIELD_NUMBER: _ClassVar[int]
    CONTEXT_ID_FIELD_NUMBER: _ClassVar[int]
    THREAD_ID_FIELD_NUMBER: _ClassVar[int]
    UNREAD_ONLY_FIELD_NUMBER: _ClassVar[int]
    SINCE_MS_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    context_id: str
    thread_id: str
    unread_only: bool
    since_ms: int
    page_size: int
    page_token: str
    def __init__(self, context_id: _Optional[str] = ..., thread_id: _Optional[str] = ..., unread_only: _Optional[bool] = ..., since_ms: _Optional[int] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., **kwargs) -> None: ...

class GetInboxResponse(_message.Message):
    __slots__ = ("messages", "next_page_token", "unread_count")
    MESSAGES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    UNREAD_COUNT_FIELD_NUMBER: _ClassVar[int]
    messages: _containers.RepeatedCompositeFieldContainer[_types_pb2.Message]
    next_page_token: str
    unread_count: int
    def __init__(self, messages: _Optional[_Iterable[_Union[_types_pb2.Message, _Mapping]]] = ..., next_page_token: _Optional[str] = ..., unread_count: _Optional[int] = ...) -> None: ...

class GetMessageRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class GetMessageResponse(_message.Message):
    __slots__ = ("message",)
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    message: _types_pb2.Message
    def __init__(self, message: _Optional[_Union[_types_pb2.Message, _Mapping]] = ...) -> None: ...

class AckMessageRequest(_message.Message):
    __slots__ = ("ids",)
    IDS_FIELD_NUMBER: _ClassVar[int]
    ids: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, ids: _Optional[_Iterable[str]] = ...) -> None: ...

class AckMessageResponse(_message.Message):
    __slots__ = ("acknowledged",)
    ACKNOWLEDGED_FIELD_NUMBER: _ClassVar[int]
    acknowledged: int
    def __init__(self, acknowledged: _Optional[int] = ...) -> None: ...

class MarkReadRequest(_message.Message):
    __slots__ = ("ids", "unread")
    IDS_FIELD_NUMBER: _ClassVar[int]
    UNREAD_FIELD_NUMBER: _ClassVar[int]
    ids: _containers.RepeatedScalarFieldContainer[str]
    unread: bool
    def __init__(self, ids: _Optional[_Iterable[str]] = ..., unread: _Optional[bool] = ...) -> None: ...

class MarkReadResponse(_message.Message):
    __slots__ = ("updated",)
    UPDATED_FIELD_NUMBER: _ClassVar[int]
    updated: int
    def __init__(self, updated: _Optional[int] = ...) -> None: ...

class GetOutboxRequest(_message.Message):
    __slots__ = ("status", "to", "page_size", "page_token")
    STATUS_FIELD_NUMBER: _ClassVar[int]
    TO_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    status: _types_pb2.MessageStatus
    to: str
    page_size: int
    page_token: str
    def __init__(self, status: _Optional[_Union[_types_pb2.MessageStatus, str]] = ..., to: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class GetOutboxResponse(_message.Message):
    __slots__ = ("messages", "next_page_token")
    MESSAGES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    messages: _containers.RepeatedCompositeFieldContainer[_types_pb2.Message]
    next_page_token: str
    def __init__(self, messages: _Optional[_Iterable[_Union[_types_pb2.Message, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class CancelMessageRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class CancelMessageResponse(_message.Message):
    __slots__ = ("message",)
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    message: _types_pb2.Message
    def __init__(self, message: _Optional[_Union[_types_pb2.Message, _Mapping]] = ...) -> None: ...

class SubscribeInboxRequest(_message.Message):
    __slots__ = ("context_id", "thread_id", "after_cursor")
    FROM_FIELD_NUMBER: _ClassVar[int]
    CONTEXT_ID_FIELD_NUMBER: _ClassVar[int]
    THREAD_ID_FIELD_NUMBER: _ClassVar[int]
    AFTER_CURSOR_FIELD_NUMBER: _ClassVar[int]
    context_id: str
    thread_id: str
    after_cursor: str
    def __init__(self, context_id: _Optional[str] = ..., thread_id: _Optional[str] = ..., after_cursor: _Optional[str] = ..., **kwargs) -> None: ...

class SubscribeInboxResponse(_message.Message):
    __slots__ = ("message",)
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    message: _types_pb2.Message
    def __init__(self, message: _Optional[_Union[_types_pb2.Message, _Mapping]] = ...) -> None: ...

class CreateTaskRequest(_message.Message):
    __slots__ = ("to", "capability", "skill", "input", "idempotency_key", "timeout_ms", "max_price", "metadata", "context_id", "payment")
    class MetadataEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    TO_FIELD_NUMBER: _ClassVar[int]
    CAPABILITY_FIELD_NUMBER: _ClassVar[int]
    SKILL_FIELD_NUMBER: _ClassVar[int]
    INPUT_FIELD_NUMBER: _ClassVar[int]
    IDEMPOTENCY_KEY_FIELD_NUMBER: _ClassVar[int]
    TIMEOUT_MS_FIELD_NUMBER: _ClassVar[int]
    MAX_PRICE_FIELD_NUMBER: _ClassVar[int]
    METADATA_FIELD_NUMBER: _ClassVar[int]
    CONTEXT_ID_FIELD_NUMBER: _ClassVar[int]
    PAYMENT_FIELD_NUMBER: _ClassVar[int]
    to: str
    capability: str
    skill: str
    input: _containers.RepeatedCompositeFieldContainer[_types_pb2.Part]
    idempotency_key: str
    timeout_ms: int
    max_price: str
    metadata: _containers.ScalarMap[str, str]
    context_id: str
    payment: _types_pb2.PaymentAuthorization
    def __init__(self, to: _Optional[str] = ..., capability: _Optional[str] = ..., skill: _Optional[str] = ..., input: _Optional[_Iterable[_Union[_types_pb2.Part, _Mapping]]] = ..., idempotency_key: _Optional[str] = ..., timeout_ms: _Optional[int] = ..., max_price: _Optional[str] = ..., metadata: _Optional[_Mapping[str, str]] = ..., context_id: _Optional[str] = ..., payment: _Optional[_Union[_types_pb2.PaymentAuthorization, _Mapping]] = ...) -> None: ...

class CreateTaskResponse(_message.Message):
    __slots__ = ("task", "existing")
    TASK_FIELD_NUMBER: _ClassVar[int]
    EXISTING_FIELD_NUMBER: _ClassVar[int]
    task: _types_pb2.Task
    existing: bool
    def __init__(self, task: _Optional[_Union[_types_pb2.Task, _Mapping]] = ..., existing: _Optional[bool] = ...) -> None: ...

class GetTaskRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class GetTaskResponse(_message.Message):
    __slots__ = ("task",)
    TASK_FIELD_NUMBER: _ClassVar[int]
    task: _types_pb2.Task
    def __init__(self, task: _Optional[_Union[_types_pb2.Task, _Mapping]] = ...) -> None: ...

class ListTasksRequest(_message.Message):
    __slots__ = ("role", "states", "peer", "skill", "page_size", "page_token")
    ROLE_FIELD_NUMBER: _ClassVar[int]
    STATES_FIELD_NUMBER: _ClassVar[int]
    PEER_FIELD_NUMBER: _ClassVar[int]
    SKILL_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    role: _types_pb2.TaskRole
    states: _containers.RepeatedScalarFieldContainer[_types_pb2.TaskState]
    peer: str
    skill: str
    page_size: int
    page_token: str
    def __init__(self, role: _Optional[_Union[_types_pb2.TaskRole, str]] = ..., states: _Optional[_Iterable[_Union[_types_pb2.TaskState, str]]] = ..., peer: _Optional[str] = ..., skill: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListTasksResponse(_message.Message):
    __slots__ = ("tasks", "next_page_token")
    TASKS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    tasks: _containers.RepeatedCompositeFieldContainer[_types_pb2.Task]
    next_page_token: str
    def __init__(self, tasks: _Optional[_Iterable[_Union[_types_pb2.Task, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class CancelTaskRequest(_message.Message):
    __slots__ = ("id", "reason")
    ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    id: str
    reason: str
    def __init__(self, id: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class CancelTaskResponse(_message.Message):
    __slots__ = ("task",)
    TASK_FIELD_NUMBER: _ClassVar[int]
    task: _types_pb2.Task
    def __init__(self, task: _Optional[_Union[_types_pb2.Task, _Mapping]] = ...) -> None: ...

class WaitTaskRequest(_message.Message):
    __slots__ = ("id", "timeout_ms")
    ID_FIELD_NUMBER: _ClassVar[int]
    TIMEOUT_MS_FIELD_NUMBER: _ClassVar[int]
    id: str
    timeout_ms: int
    def __init__(self, id: _Optional[str] = ..., timeout_ms: _Optional[int] = ...) -> None: ...

class WaitTaskResponse(_message.Message):
    __slots__ = ("task", "timed_out")
    TASK_FIELD_NUMBER: _ClassVar[int]
    TIMED_OUT_FIELD_NUMBER: _ClassVar[int]
    task: _types_pb2.Task
    timed_out: bool
    def __init__(self, task: _Optional[_Union[_types_pb2.Task, _Mapping]] = ..., timed_out: _Optional[bool] = ...) -> None: ...

class SendTaskInputRequest(_message.Message):
    __slots__ = ("id", "input")
    ID_FIELD_NUMBER: _ClassVar[int]
    INPUT_FIELD_NUMBER: _ClassVar[int]
    id: str
    input: _containers.RepeatedCompositeFieldContainer[_types_pb2.Part]
    def __init__(self, id: _Optional[str] = ..., input: _Optional[_Iterable[_Union[_types_pb2.Part, _Mapping]]] = ...) -> None: ...

class SendTaskInputResponse(_message.Message):
    __slots__ = ("task",)
    TASK_FIELD_NUMBER: _ClassVar[int]
    task: _types_pb2.Task
    def __init__(self, task: _Optional[_Union[_types_pb2.Task, _Mapping]] = ...) -> None: ...

class SubscribeTaskEventsRequest(_message.Message):
    __slots__ = ("id", "after_sequence")
    ID_FIELD_NUMBER: _ClassVar[int]
    AFTER_SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    id: str
    after_sequence: int
    def __init__(self, id: _Optional[str] = ..., after_sequence: _Optional[int] = ...) -> None: ...

class SubscribeTaskEventsResponse(_message.Message):
    __slots__ = ("event",)
    EVENT_FIELD_NUMBER: _ClassVar[int]
    event: _types_pb2.TaskEvent
    def __init__(self, event: _Optional[_Union[_types_pb2.TaskEvent, _Mapping]] = ...) -> None: ...

class SubscribeTasksRequest(_message.Message):
    __slots__ = ("skills", "offers", "declared_only", "claim", "lease_ms", "max_claimed")
    SKILLS_FIELD_NUMBER: _ClassVar[int]
    OFFERS_FIELD_NUMBER: _ClassVar[int]
    DECLARED_ONLY_FIELD_NUMBER: _ClassVar[int]
    CLAIM_FIELD_NUMBER: _ClassVar[int]
    LEASE_MS_FIELD_NUMBER: _ClassVar[int]
    MAX_CLAIMED_FIELD_NUMBER: _ClassVar[int]
    skills: _containers.RepeatedScalarFieldContainer[str]
    offers: _containers.RepeatedCompositeFieldContainer[_types_pb2.Skill]
    declared_only: bool
    claim: bool
    lease_ms: int
    max_claimed: int
    def __init__(self, skills: _Optional[_Iterable[str]] = ..., offers: _Optional[_Iterable[_Union[_types_pb2.Skill, _Mapping]]] = ..., declared_only: _Optional[bool] = ..., claim: _Optional[bool] = ..., lease_ms: _Optional[int] = ..., max_claimed: _Optional[int] = ...) -> None: ...

class SubscribeTasksResponse(_message.Message):
    __slots__ = ("task", "lease_token", "lease_expires_at_ms")
    TASK_FIELD_NUMBER: _ClassVar[int]
    LEASE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    LEASE_EXPIRES_AT_MS_FIELD_NUMBER: _ClassVar[int]
    task: _types_pb2.Task
    lease_token: str
    lease_expires_at_ms: int
    def __init__(self, task: _Optional[_Union[_types_pb2.Task, _Mapping]] = ..., lease_token: _Optional[str] = ..., lease_expires_at_ms: _Optional[int] = ...) -> None: ...

class ClaimTaskRequest(_message.Message):
    __slots__ = ("id", "lease_ms")
    ID_FIELD_NUMBER: _ClassVar[int]
    LEASE_MS_FIELD_NUMBER: _ClassVar[int]
    id: str
    lease_ms: int
    def __init__(self, id: _Optional[str] = ..., lease_ms: _Optional[int] = ...) -> None: ...

class ClaimTaskResponse(_message.Message):
    __slots__ = ("task", "lease_token", "lease_expires_at_ms")
    TASK_FIELD_NUMBER: _ClassVar[int]
    LEASE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    LEASE_EXPIRES_AT_MS_FIELD_NUMBER: _ClassVar[int]
    task: _types_pb2.Task
    lease_token: str
    lease_expires_at_ms: int
    def __init__(self, task: _Optional[_Union[_types_pb2.Task, _Mapping]] = ..., lease_token: _Optional[str] = ..., lease_expires_at_ms: _Optional[int] = ...) -> None: ...

class RenewLeaseRequest(_message.Message):
    __slots__ = ("id", "lease_token", "lease_ms")
    ID_FIELD_NUMBER: _ClassVar[int]
    LEASE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    LEASE_MS_FIELD_NUMBER: _ClassVar[int]
    id: str
    lease_token: str
    lease_ms: int
    def __init__(self, id: _Optional[str] = ..., lease_token: _Optional[str] = ..., lease_ms: _Optional[int] = ...) -> None: ...

class RenewLeaseResponse(_message.Message):
    __slots__ = ("lease_expires_at_ms",)
    LEASE_EXPIRES_AT_MS_FIELD_NUMBER: _ClassVar[int]
    lease_expires_at_ms: int
    def __init__(self, lease_expires_at_ms: _Optional[int] = ...) -> None: ...

class UpdateTaskRequest(_message.Message):
    __slots__ = ("id", "lease_token", "state", "message")
    ID_FIELD_NUMBER: _ClassVar[int]
    LEASE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    id: str
    lease_token: str
    state: _types_pb2.TaskState
    message: _containers.RepeatedCompositeFieldContainer[_types_pb2.Part]
    def __init__(self, id: _Optional[str] = ..., lease_token: _Optional[str] = ..., state: _Optional[_Union[_types_pb2.TaskState, str]] = ..., message: _Optional[_Iterable[_Union[_types_pb2.Part, _Mapping]]] = ...) -> None: ...

class UpdateTaskResponse(_message.Message):
    __slots__ = ("task",)
    TASK_FIELD_NUMBER: _ClassVar[int]
    task: _types_pb2.Task
    def __init__(self, task: _Optional[_Union[_types_pb2.Task, _Mapping]] = ...) -> None: ...

class PublishTaskEventRequest(_message.Message):
    __slots__ = ("id", "lease_token", "kind", "parts", "progress", "note")
    ID_FIELD_NUMBER: _ClassVar[int]
    LEASE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    PARTS_FIELD_NUMBER: _ClassVar[int]
    PROGRESS_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    id: str
    lease_token: str
    kind: _types_pb2.TaskEventKind
    parts: _containers.RepeatedCompositeFieldContainer[_types_pb2.Part]
    progress: float
    note: str
    def __init__(self, id: _Optional[str] = ..., lease_token: _Optional[str] = ..., kind: _Optional[_Union[_types_pb2.TaskEventKind, str]] = ..., parts: _Optional[_Iterable[_Union[_types_pb2.Part, _Mapping]]] = ..., progress: _Optional[float] = ..., note: _Optional[str] = ...) -> None: ...

class PublishTaskEventResponse(_message.Message):
    __slots__ = ("sequence",)
    SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    sequence: int
    def __init__(self, sequence: _Optional[int] = ...) -> None: ...

class CompleteTaskRequest(_message.Message):
    __slots__ = ("id", "lease_token", "output")
    ID_FIELD_NUMBER: _ClassVar[int]
    LEASE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    OUTPUT_FIELD_NUMBER: _ClassVar[int]
    id: str
    lease_token: str
    output: _containers.RepeatedCompositeFieldContainer[_types_pb2.Part]
    def __init__(self, id: _Optional[str] = ..., lease_token: _Optional[str] = ..., output: _Optional[_Iterable[_Union[_types_pb2.Part, _Mapping]]] = ...) -> None: ...

class CompleteTaskResponse(_message.Message):
    __slots__ = ("task",)
    TASK_FIELD_NUMBER: _ClassVar[int]
    task: _types_pb2.Task
    def __init__(self, task: _Optional[_Union[_types_pb2.Task, _Mapping]] = ...) -> None: ...

class FailTaskRequest(_message.Message):
    __slots__ = ("id", "lease_token", "error")
    ID_FIELD_NUMBER: _ClassVar[int]
    LEASE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    id: str
    lease_token: str
    error: _types_pb2.TaskError
    def __init__(self, id: _Optional[str] = ..., lease_token: _Optional[str] = ..., error: _Optional[_Union[_types_pb2.TaskError, _Mapping]] = ...) -> None: ...

class FailTaskResponse(_message.Message):
    __slots__ = ("task",)
    TASK_FIELD_NUMBER: _ClassVar[int]
    task: _types_pb2.Task
    def __init__(self, task: _Optional[_Union[_types_pb2.Task, _Mapping]] = ...) -> None: ...

class RejectTaskRequest(_message.Message):
    __slots__ = ("id", "lease_token", "reason")
    ID_FIELD_NUMBER: _ClassVar[int]
    LEASE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    id: str
    lease_token: str
    reason: str
    def __init__(self, id: _Optional[str] = ..., lease_token: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class RejectTaskResponse(_message.Message):
    __slots__ = ("task",)
    TASK_FIELD_NUMBER: _ClassVar[int]
    task: _types_pb2.Task
    def __init__(self, task: _Optional[_Union[_types_pb2.Task, _Mapping]] = ...) -> None: ...

class PutBlobMetadata(_message.Message):
    __slots__ = ("name", "media_type", "size")
    NAME_FIELD_NUMBER: _ClassVar[int]
    MEDIA_TYPE_FIELD_NUMBER: _ClassVar[int]
    SIZE_FIELD_NUMBER: _ClassVar[int]
    name: str
    media_type: str
    size: int
    def __init__(self, name: _Optional[str] = ..., media_type: _Optional[str] = ..., size: _Optional[int] = ...) -> None: ...

class PutBlobRequest(_message.Message):
    __slots__ = ("metadata", "chunk")
    METADATA_FIELD_NUMBER: _ClassVar[int]
    CHUNK_FIELD_NUMBER: _ClassVar[int]
    metadata: PutBlobMetadata
    chunk: bytes
    def __init__(self, metadata: _Optional[_Union[PutBlobMetadata, _Mapping]] = ..., chunk: _Optional[bytes] = ...) -> None: ...

class PutBlobResponse(_message.Message):
    __slots__ = ("artifact",)
    ARTIFACT_FIELD_NUMBER: _ClassVar[int]
    artifact: _types_pb2.Artifact
    def __init__(self, artifact: _Optional[_Union[_types_pb2.Artifact, _Mapping]] = ...) -> None: ...

class GetBlobRequest(_message.Message):
    __slots__ = ("cid", "offset")
    CID_FIELD_NUMBER: _ClassVar[int]
    OFFSET_FIELD_NUMBER: _ClassVar[int]
    FROM_FIELD_NUMBER: _ClassVar[int]
    cid: str
    offset: int
    def __init__(self, cid: _Optional[str] = ..., offset: _Optional[int] = ..., **kwargs) -> None: ...

class GetBlobResponse(_message.Message):
    __slots__ = ("offset", "chunk", "artifact")
    OFFSET_FIELD_NUMBER: _ClassVar[int]
    CHUNK_FIELD_NUMBER: _ClassVar[int]
    ARTIFACT_FIELD_NUMBER: _ClassVar[int]
    offset: int
    chunk: bytes
    artifact: _types_pb2.Artifact
    def __init__(self, offset: _Optional[int] = ..., chunk: _Optional[bytes] = ..., artifact: _Optional[_Union[_types_pb2.Artifact, _Mapping]] = ...) -> None: ...

class StatBlobRequest(_message.Message):
    __slots__ = ("cid",)
    CID_FIELD_NUMBER: _ClassVar[int]
    cid: str
    def __init__(self, cid: _Optional[str] = ...) -> None: ...

class StatBlobResponse(_message.Message):
    __slots__ = ("artifact", "references")
    ARTIFACT_FIELD_NUMBER: _ClassVar[int]
    REFERENCES_FIELD_NUMBER: _ClassVar[int]
    artifact: _types_pb2.Artifact
    references: int
    def __init__(self, artifact: _Optional[_Union[_types_pb2.Artifact, _Mapping]] = ..., references: _Optional[int] = ...) -> None: ...

class CollectBlobsRequest(_message.Message):
    __slots__ = ("dry_run",)
    DRY_RUN_FIELD_NUMBER: _ClassVar[int]
    dry_run: bool
    def __init__(self, dry_run: _Optional[bool] = ...) -> None: ...

class CollectBlobsResponse(_message.Message):
    __slots__ = ("removed", "bytes_freed")
    REMOVED_FIELD_NUMBER: _ClassVar[int]
    BYTES_FREED_FIELD_NUMBER: _ClassVar[int]
    removed: int
    bytes_freed: int
    def __init__(self, removed: _Optional[int] = ..., bytes_freed: _Optional[int] = ...) -> None: ...

class ListThreadsRequest(_message.Message):
    __slots__ = ("peer", "page_size", "page_token")
    PEER_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    peer: str
    page_size: int
    page_token: str
    def __init__(self, peer: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ThreadSummary(_message.Message):
    __slots__ = ("thread_id", "participants", "message_count", "last_message_at_ms", "ordered", "title")
    THREAD_ID_FIELD_NUMBER: _ClassVar[int]
    PARTICIPANTS_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_COUNT_FIELD_NUMBER: _ClassVar[int]
    LAST_MESSAGE_AT_MS_FIELD_NUMBER: _ClassVar[int]
    ORDERED_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    thread_id: str
    participants: _containers.RepeatedScalarFieldContainer[str]
    message_count: int
    last_message_at_ms: int
    ordered: bool
    title: str
    def __init__(self, thread_id: _Optional[str] = ..., participants: _Optional[_Iterable[str]] = ..., message_count: _Optional[int] = ..., last_message_at_ms: _Optional[int] = ..., ordered: _Optional[bool] = ..., title: _Optional[str] = ...) -> None: ...

class ListThreadsResponse(_message.Message):
    __slots__ = ("threads", "next_page_token")
    THREADS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    threads: _containers.RepeatedCompositeFieldContainer[ThreadSummary]
    next_page_token: str
    def __init__(self, threads: _Optional[_Iterable[_Union[ThreadSummary, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class GetThreadRequest(_message.Message):
    __slots__ = ("thread_id", "page_size", "page_token")
    THREAD_ID_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    thread_id: str
    page_size: int
    page_token: str
    def __init__(self, thread_id: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class GetThreadResponse(_message.Message):
    __slots__ = ("messages", "next_page_token", "ordered_entries")
    MESSAGES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    ORDERED_ENTRIES_FIELD_NUMBER: _ClassVar[int]
    messages: _containers.RepeatedCompositeFieldContainer[_types_pb2.Message]
    next_page_token: str
    ordered_entries: _containers.RepeatedCompositeFieldContainer[_types_pb2.ThreadEntry]
    def __init__(self, messages: _Optional[_Iterable[_Union[_types_pb2.Message, _Mapping]]] = ..., next_page_token: _Optional[str] = ..., ordered_entries: _Optional[_Iterable[_Union[_types_pb2.ThreadEntry, _Mapping]]] = ...) -> None: ...

class GetBalanceRequest(_message.Message):
    __slots__ = ("peer",)
    PEER_FIELD_NUMBER: _ClassVar[int]
    peer: str
    def __init__(self, peer: _Optional[str] = ...) -> None: ...

class GetBalanceResponse(_message.Message):
    __slots__ = ("balance",)
    BALANCE_FIELD_NUMBER: _ClassVar[int]
    balance: _types_pb2.Balance
    def __init__(self, balance: _Optional[_Union[_types_pb2.Balance, _Mapping]] = ...) -> None: ...

class ListBalancesRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListBalancesResponse(_message.Message):
    __slots__ = ("balances", "default_credit_limit")
    BALANCES_FIELD_NUMBER: _ClassVar[int]
    DEFAULT_CREDIT_LIMIT_FIELD_NUMBER: _ClassVar[int]
    balances: _containers.RepeatedCompositeFieldContainer[_types_pb2.Balance]
    default_credit_limit: str
    def __init__(self, balances: _Optional[_Iterable[_Union[_types_pb2.Balance, _Mapping]]] = ..., default_credit_limit: _Optional[str] = ...) -> None: ...

class ListLedgerEntriesRequest(_message.Message):
    __slots__ = ("peer", "page_size", "page_token")
    PEER_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    peer: str
    page_size: int
    page_token: str
    def __init__(self, peer: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListLedgerEntriesResponse(_message.Message):
    __slots__ = ("entries", "next_page_token")
    ENTRIES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    entries: _containers.RepeatedCompositeFieldContainer[_types_pb2.LedgerEntry]
    next_page_token: str
    def __init__(self, entries: _Optional[_Iterable[_Union[_types_pb2.LedgerEntry, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class GetReceiptRequest(_message.Message):
    __slots__ = ("task_id",)
    TASK_ID_FIELD_NUMBER: _ClassVar[int]
    task_id: str
    def __init__(self, task_id: _Optional[str] = ...) -> None: ...

class GetReceiptResponse(_message.Message):
    __slots__ = ("receipt",)
    RECEIPT_FIELD_NUMBER: _ClassVar[int]
    receipt: _types_pb2.Receipt
    def __init__(self, receipt: _Optional[_Union[_types_pb2.Receipt, _Mapping]] = ...) -> None: ...

class ListReceiptsRequest(_message.Message):
    __slots__ = ("peer", "page_size", "page_token")
    PEER_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    peer: str
    page_size: int
    page_token: str
    def __init__(self, peer: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListReceiptsResponse(_message.Message):
    __slots__ = ("receipts", "next_page_token")
    RECEIPTS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    receipts: _containers.RepeatedCompositeFieldContainer[_types_pb2.Receipt]
    next_page_token: str
    def __init__(self, receipts: _Optional[_Iterable[_Union[_types_pb2.Receipt, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class SetCreditLimitRequest(_message.Message):
    __slots__ = ("peer", "default_limit", "amount", "network")
    PEER_FIELD_NUMBER: _ClassVar[int]
    DEFAULT_LIMIT_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    NETWORK_FIELD_NUMBER: _ClassVar[int]
    peer: str
    default_limit: bool
    amount: str
    network: str
    def __init__(self, peer: _Optional[str] = ..., default_limit: _Optional[bool] = ..., amount: _Optional[str] = ..., network: _Optional[str] = ...) -> None: ...

class SetCreditLimitResponse(_message.Message):
    __slots__ = ("balance",)
    BALANCE_FIELD_NUMBER: _ClassVar[int]
    balance: _types_pb2.Balance
    def __init__(self, balance: _Optional[_Union[_types_pb2.Balance, _Mapping]] = ...) -> None: ...

class SettleBalanceRequest(_message.Message):
    __slots__ = ("peer", "amount", "reference")
    PEER_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    REFERENCE_FIELD_NUMBER: _ClassVar[int]
    peer: str
    amount: str
    reference: str
    def __init__(self, peer: _Optional[str] = ..., amount: _Optional[str] = ..., reference: _Optional[str] = ...) -> None: ...

class SettleBalanceResponse(_message.Message):
    __slots__ = ("settlement",)
    SETTLEMENT_FIELD_NUMBER: _ClassVar[int]
    settlement: _types_pb2.Settlement
    def __init__(self, settlement: _Optional[_Union[_types_pb2.Settlement, _Mapping]] = ...) -> None: ...

class RespondSettlementRequest(_message.Message):
    __slots__ = ("id", "accept")
    ID_FIELD_NUMBER: _ClassVar[int]
    ACCEPT_FIELD_NUMBER: _ClassVar[int]
    id: str
    accept: bool
    def __init__(self, id: _Optional[str] = ..., accept: _Optional[bool] = ...) -> None: ...

class RespondSettlementResponse(_message.Message):
    __slots__ = ("settlement",)
    SETTLEMENT_FIELD_NUMBER: _ClassVar[int]
    settlement: _types_pb2.Settlement
    def __init__(self, settlement: _Optional[_Union[_types_pb2.Settlement, _Mapping]] = ...) -> None: ...

class ListSettlementsRequest(_message.Message):
    __slots__ = ("peer", "status")
    PEER_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    peer: str
    status: str
    def __init__(self, peer: _Optional[str] = ..., status: _Optional[str] = ...) -> None: ...

class ListSettlementsResponse(_message.Message):
    __slots__ = ("settlements",)
    SETTLEMENTS_FIELD_NUMBER: _ClassVar[int]
    settlements: _containers.RepeatedCompositeFieldContainer[_types_pb2.Settlement]
    def __init__(self, settlements: _Optional[_Iterable[_Union[_types_pb2.Settlement, _Mapping]]] = ...) -> None: ...

class VerifyLedgerRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class VerifyLedgerResponse(_message.Message):
    __slots__ = ("ok", "peers_checked", "entries_checked", "problems")
    OK_FIELD_NUMBER: _ClassVar[int]
    PEERS_CHECKED_FIELD_NUMBER: _ClassVar[int]
    ENTRIES_CHECKED_FIELD_NUMBER: _ClassVar[int]
    PROBLEMS_FIELD_NUMBER: _ClassVar[int]
    ok: bool
    peers_checked: int
    entries_checked: int
    problems: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, ok: _Optional[bool] = ..., peers_checked: _Optional[int] = ..., entries_checked: _Optional[int] = ..., problems: _Optional[_Iterable[str]] = ...) -> None: ...
