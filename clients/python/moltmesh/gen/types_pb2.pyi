# Code generated from proto/moltmesh/v1 by scripts/gen.ts (grpcio-tools). DO NOT EDIT.
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Visibility(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    VISIBILITY_UNSPECIFIED: _ClassVar[Visibility]
    VISIBILITY_PUBLIC: _ClassVar[Visibility]
    VISIBILITY_WHITELIST: _ClassVar[Visibility]
    VISIBILITY_PRIVATE: _ClassVar[Visibility]

class MessageStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    MESSAGE_STATUS_UNSPECIFIED: _ClassVar[MessageStatus]
    MESSAGE_STATUS_QUEUED: _ClassVar[MessageStatus]
    MESSAGE_STATUS_DELIVERED: _ClassVar[MessageStatus]
    MESSAGE_STATUS_EXPIRED: _ClassVar[MessageStatus]
    MESSAGE_STATUS_UNREAD: _ClassVar[MessageStatus]
    MESSAGE_STATUS_READ: _ClassVar[MessageStatus]
    MESSAGE_STATUS_FAILED: _ClassVar[MessageStatus]

class TaskState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    TASK_STATE_UNSPECIFIED: _ClassVar[TaskState]
    TASK_STATE_SUBMITTED: _ClassVar[TaskState]
    TASK_STATE_WORKING: _ClassVar[TaskState]
    TASK_STATE_INPUT_REQUIRED: _ClassVar[TaskState]
    TASK_STATE_AUTH_REQUIRED: _ClassVar[TaskState]
    TASK_STATE_COMPLETED: _ClassVar[TaskState]
    TASK_STATE_FAILED: _ClassVar[TaskState]
    TASK_STATE_CANCELED: _ClassVar[TaskState]
    TASK_STATE_REJECTED: _ClassVar[TaskState]

class TaskRole(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    TASK_ROLE_UNSPECIFIED: _ClassVar[TaskRole]
    TASK_ROLE_REQUESTER: _ClassVar[TaskRole]
    TASK_ROLE_ASSIGNEE: _ClassVar[TaskRole]

class TaskEventKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    TASK_EVENT_KIND_UNSPECIFIED: _ClassVar[TaskEventKind]
    TASK_EVENT_KIND_STATUS: _ClassVar[TaskEventKind]
    TASK_EVENT_KIND_CHUNK: _ClassVar[TaskEventKind]
    TASK_EVENT_KIND_PROGRESS: _ClassVar[TaskEventKind]
    TASK_EVENT_KIND_TOOL_CALL: _ClassVar[TaskEventKind]
    TASK_EVENT_KIND_ARTIFACT: _ClassVar[TaskEventKind]
    TASK_EVENT_KIND_INPUT: _ClassVar[TaskEventKind]

class NetworkPolicy(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    NETWORK_POLICY_UNSPECIFIED: _ClassVar[NetworkPolicy]
    NETWORK_POLICY_INVITE_ONLY: _ClassVar[NetworkPolicy]
    NETWORK_POLICY_OPEN: _ClassVar[NetworkPolicy]
VISIBILITY_UNSPECIFIED: Visibility
VISIBILITY_PUBLIC: Visibility
VISIBILITY_WHITELIST: Visibility
VISIBILITY_PRIVATE: Visibility
MESSAGE_STATUS_UNSPECIFIED: MessageStatus
MESSAGE_STATUS_QUEUED: MessageStatus
MESSAGE_STATUS_DELIVERED: MessageStatus
MESSAGE_STATUS_EXPIRED: MessageStatus
MESSAGE_STATUS_UNREAD: MessageStatus
MESSAGE_STATUS_READ: MessageStatus
MESSAGE_STATUS_FAILED: MessageStatus
TASK_STATE_UNSPECIFIED: TaskState
TASK_STATE_SUBMITTED: TaskState
TASK_STATE_WORKING: TaskState
TASK_STATE_INPUT_REQUIRED: TaskState
TASK_STATE_AUTH_REQUIRED: TaskState
TASK_STATE_COMPLETED: TaskState
TASK_STATE_FAILED: TaskState
TASK_STATE_CANCELED: TaskState
TASK_STATE_REJECTED: TaskState
TASK_ROLE_UNSPECIFIED: TaskRole
TASK_ROLE_REQUESTER: TaskRole
TASK_ROLE_ASSIGNEE: TaskRole
TASK_EVENT_KIND_UNSPECIFIED: TaskEventKind
TASK_EVENT_KIND_STATUS: TaskEventKind
TASK_EVENT_KIND_CHUNK: TaskEventKind
TASK_EVENT_KIND_PROGRESS: TaskEventKind
TASK_EVENT_KIND_TOOL_CALL: TaskEventKind
TASK_EVENT_KIND_ARTIFACT: TaskEventKind
TASK_EVENT_KIND_INPUT: TaskEventKind
NETWORK_POLICY_UNSPECIFIED: NetworkPolicy
NETWORK_POLICY_INVITE_ONLY: NetworkPolicy
NETWORK_POLICY_OPEN: NetworkPolicy

class Part(_message.Message):
    __slots__ = ("text", "data_json", "raw", "artifact", "media_type", "metadata")
    class MetadataEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    TEXT_FIELD_NUMBER: _ClassVar[int]
    DATA_JSON_FIELD_NUMBER: _ClassVar[int]
    RAW_FIELD_NUMBER: _ClassVar[int]
    ARTIFACT_FIELD_NUMBER: _ClassVar[int]
    MEDIA_TYPE_FIELD_NUMBER: _ClassVar[int]
    METADATA_FIELD_NUMBER: _ClassVar[int]
    text: str
    data_json: str
    raw: bytes
    artifact: Artifact
    media_type: str
    metadata: _containers.ScalarMap[str, str]
    def __init__(self, text: _Optional[str] = ..., data_json: _Optional[str] = ..., raw: _Optional[bytes] = ..., artifact: _Optional[_Union[Artifact, _Mapping]] = ..., media_type: _Optional[str] = ..., metadata: _Optional[_Mapping[str, str]] = ...) -> None: ...

class Artifact(_message.Message):
    __slots__ = ("cid", "size", "media_type", "name", "inline_data", "holder_did")
    CID_FIELD_NUMBER: _ClassVar[int]
    SIZE_FIELD_NUMBER: _ClassVar[int]
    MEDIA_TYPE_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    INLINE_DATA_FIELD_NUMBER: _ClassVar[int]
    HOLDER_DID_FIELD_NUMBER: _ClassVar[int]
    cid: str
    size: int
    media_type: str
    name: str
    inline_data: bytes
    holder_did: str
    def __init__(self, cid: _Optional[str] = ..., size: _Optional[int] = ..., media_type: _Optional[str] = ..., name: _Optional[str] = ..., inline_data: _Optional[bytes] = ..., holder_did: _Optional[str] = ...) -> None: ...

class Skill(_message.Message):
    __slots__ = ("id", "name", "description", "tags", "input_schema_json", "output_schema_json", "price", "visibility", "allowed_dids")
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    TAGS_FIELD_NUMBER: _ClassVar[int]
    INPUT_SCHEMA_JSON_FIELD_NUMBER: _ClassVar[int]
    OUTPUT_SCHEMA_JSON_FIELD_NUMBER: _ClassVar[int]
    PRICE_FIELD_NUMBER: _ClassVar[int]
    VISIBILITY_FIELD_NUMBER: _ClassVar[int]
    ALLOWED_DIDS_FIELD_NUMBER: _ClassVar[int]
    id: str
    name: str
    description: str
    tags: _containers.RepeatedScalarFieldContainer[str]
    input_schema_json: str
    output_schema_json: str
    price: str
    visibility: Visibility
    allowed_dids: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, id: _Optional[str] = ..., name: _Optional[str] = ..., description: _Optional[str] = ..., tags: _Optional[_Iterable[str]] = ..., input_schema_json: _Optional[str] = ..., output_schema_json: _Optional[str] = ..., price: _Optional[str] = ..., visibility: _Optional[_Union[Visibility, str]] = ..., allowed_dids: _Optional[_Iterable[str]] = ...) -> None: ...

class AgentCard(_message.Message):
    __slots__ = ("did", "name", "description", "skills", "addresses", "protocols", "sequence", "published_at_ms", "expires_at_ms", "signature", "claimed_name")
    DID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    SKILLS_FIELD_NUMBER: _ClassVar[int]
    ADDRESSES_FIELD_NUMBER: _ClassVar[int]
    PROTOCOLS_FIELD_NUMBER: _ClassVar[int]
    SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    PUBLISHED_AT_MS_FIELD_NUMBER: _ClassVar[int]
    EXPIRES_AT_MS_FIELD_NUMBER: _ClassVar[int]
    SIGNATURE_FIELD_NUMBER: _ClassVar[int]
    CLAIMED_NAME_FIELD_NUMBER: _ClassVar[int]
    did: str
    name: str
    description: str
    skills: _containers.RepeatedCompositeFieldContainer[Skill]
    addresses: _containers.RepeatedScalarFieldContainer[str]
    protocols: _containers.RepeatedScalarFieldContainer[str]
    sequence: int
    published_at_ms: int
    expires_at_ms: int
    signature: str
    claimed_name: str
    def __init__(self, did: _Optional[str] = ..., name: _Optional[str] = ..., description: _Optional[str] = ..., skills: _Optional[_Iterable[_Union[Skill, _Mapping]]] = ..., addresses: _Optional[_Iterable[str]] = ..., protocols: _Optional[_Iterable[str]] = ..., sequence: _Optional[int] = ..., published_at_ms: _Optional[int] = ..., expires_at_ms: _Optional[int] = ..., signature: _Optional[str] = ..., claimed_name: _Optional[str] = ...) -> None: ...

class PeerInfo(_message.Message):
    __slots__ = ("peer_id", "did", "addresses", "latency_ms", "transport", "direction", "protocols", "agent_version", "connected_at_ms")
    PEER_ID_FIELD_NUMBER: _ClassVar[int]
    DID_FIELD_NUMBER: _ClassVar[int]
    ADDRESSES_FIELD_NUMBER: _ClassVar[int]
    LATENCY_MS_FIELD_NUMBER: _ClassVar[int]
    TRANSPORT_FIELD_NUMBER: _ClassVar[int]
    DIRECTION_FIELD_NUMBER: _ClassVar[int]
    PROTOCOLS_FIELD_NUMBER: _ClassVar[int]
    AGENT_VERSION_FIELD_NUMBER: _ClassVar[int]
    CONNECTED_AT_MS_FIELD_NUMBER: _ClassVar[int]
    peer_id: str
    did: str
    addresses: _containers.RepeatedScalarFieldContainer[str]
    latency_ms: float
    transport: str
    direction: str
    protocols: _containers.RepeatedScalarFieldContainer[str]
    agent_version: str
    connected_at_ms: int
    def __init__(self, peer_id: _Optional[str] = ..., did: _Optional[str] = ..., addresses: _Optional[_Iterable[str]] = ..., latency_ms: _Optional[float] = ..., transport: _Optional[str] = ..., direction: _Optional[str] = ..., protocols: _Optional[_Iterable[str]] = ..., agent_version: _Optional[str] = ..., connected_at_ms: _Optional[int] = ...) -> None: ...

class Message(_message.Message):
    __slots__ = ("id", "to", "parts", "context_id", "thread_id", "reply_to", "created_at_ms", "expires_at_ms", "status", "attempts", "delivered_at_ms", "cursor", "last_error")
    ID_FIELD_NUMBER: _ClassVar[int]
    FROM_FIELD_NUMBER: _ClassVar[int]
    TO_FIELD_NUMBER: _ClassVar[int]
    PARTS_FIELD_NUMBER: _ClassVar[int]
    CONTEXT_ID_FIELD_NUMBER: _ClassVar[int]
    THREAD_ID_FIELD_NUMBER: _ClassVar[int]
    REPLY_TO_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_MS_FIELD_NUMBER: _ClassVar[int]
    EXPIRES_AT_MS_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    ATTEMPTS_FIELD_NUMBER: _ClassVar[int]
    DELIVERED_AT_MS_FIELD_NUMBER: _ClassVar[int]
    CURSOR_FIELD_NUMBER: _ClassVar[int]
    LAST_ERROR_FIELD_NUMBER: _ClassVar[int]
    id: str
    to: str
    parts: _containers.RepeatedCompositeFieldContainer[Part]
    context_id: str
    thread_id: str
    reply_to: str
    created_at_ms: int
    expires_at_ms: int
    status: MessageStatus
    attempts: int
    delivered_at_ms: int
    cursor: str
    last_error: str
    def __init__(self, id: _Optional[str] = ..., to: _Optional[str] = ..., parts: _Optional[_Iterable[_Union[Part, _Mapping]]] = ..., context_id: _Optional[str] = ..., thread_id: _Optional[str] = ..., reply_to: _Optional[str] = ..., created_at_ms: _Optional[int] = ..., expires_at_ms: _Optional[int] = ..., status: _Optional[_Union[MessageStatus, str]] = ..., attempts: _Optional[int] = ..., delivered_at_ms: _Optional[int] = ..., cursor: _Optional[str] = ..., last_error: _Optional[str] = ..., **kwargs) -> None: ...

class PaymentQuote(_message.Message):
    __slots__ = ("price", "nonce", "expires_at_ms", "provider_did", "signature")
    PRICE_FIELD_NUMBER: _ClassVar[int]
    NONCE_FIELD_NUMBER: _ClassVar[int]
    EXPIRES_AT_MS_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_DID_FIELD_NUMBER: _ClassVar[int]
    SIGNATURE_FIELD_NUMBER: _ClassVar[int]
    price: str
    nonce: str
    expires_at_ms: int
    provider_did: str
    signature: str
    def __init__(self, price: _Optional[str] = ..., nonce: _Optional[str] = ..., expires_at_ms: _Optional[int] = ..., provider_did: _Optional[str] = ..., signature: _Optional[str] = ...) -> None: ...

class PaymentAuthorization(_message.Message):
    __slots__ = ("quote", "requester_did", "signature")
    QUOTE_FIELD_NUMBER: _ClassVar[int]
    REQUESTER_DID_FIELD_NUMBER: _ClassVar[int]
    SIGNATURE_FIELD_NUMBER: _ClassVar[int]
    quote: PaymentQuote
    requester_did: str
    signature: str
    def __init__(self, quote: _Optional[_Union[PaymentQuote, _Mapping]] = ..., requester_did: _Optional[str] = ..., signature: _Optional[str] = ...) -> None: ...

class TaskError(_message.Message):
    __slots__ = ("reason", "message", "quote")
    REASON_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    QUOTE_FIELD_NUMBER: _ClassVar[int]
    reason: str
    message: str
    quote: PaymentQuote
    def __init__(self, reason: _Optional[str] = ..., message: _Optional[str] = ..., quote: _Optional[_Union[PaymentQuote, _Mapping]] = ...) -> None: ...

class Task(_message.Message):
    __slots__ = ("id", "requester", "assignee", "skill", "input", "output", "state", "role", "idempotency_key", "metadata", "max_price", "price", "status_message", "error", "created_at_ms", "updated_at_ms", "deadline_ms", "last_sequence", "context_id", "attempts")
    class MetadataEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    ID_FIELD_NUMBER: _ClassVar[int]
    REQUESTER_FIELD_NUMBER: _ClassVar[int]
    ASSIGNEE_FIELD_NUMBER: _ClassVar[int]
    SKILL_FIELD_NUMBER: _ClassVar[int]
    INPUT_FIELD_NUMBER: _ClassVar[int]
    OUTPUT_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    ROLE_FIELD_NUMBER: _ClassVar[int]
    IDEMPOTENCY_KEY_FIELD_NUMBER: _ClassVar[int]
    METADATA_FIELD_NUMBER: _ClassVar[int]
    MAX_PRICE_FIELD_NUMBER: _ClassVar[int]
    PRICE_FIELD_NUMBER: _ClassVar[int]
    STATUS_MESSAGE_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_MS_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_MS_FIELD_NUMBER: _ClassVar[int]
    DEADLINE_MS_FIELD_NUMBER: _ClassVar[int]
    LAST_SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    CONTEXT_ID_FIELD_NUMBER: _ClassVar[int]
    ATTEMPTS_FIELD_NUMBER: _ClassVar[int]
    id: str
    requester: str
    assignee: str
    skill: str
    input: _containers.RepeatedCompositeFieldContainer[Part]
    output: _containers.RepeatedCompositeFieldContainer[Part]
    state: TaskState
    role: TaskRole
    idempotency_key: str
    metadata: _containers.ScalarMap[str, str]
    max_price: str
    price: str
    status_message: _containers.RepeatedCompositeFieldContainer[Part]
    error: TaskError
    created_at_ms: int
    updated_at_ms: int
    deadline_ms: int
    last_sequence: int
    context_id: str
    attempts: int
    def __init__(self, id: _Optional[str] = ..., requester: _Optional[str] = ..., assignee: _Optional[str] = ..., skill: _Optional[str] = ..., input: _Optional[_Iterable[_Union[Part, _Mapping]]] = ..., output: _Optional[_Iterable[_Union[Part, _Mapping]]] = ..., state: _Optional[_Union[TaskState, str]] = ..., role: _Optional[_Union[TaskRole, str]] = ..., idempotency_key: _Optional[str] = ..., metadata: _Optional[_Mapping[str, str]] = ..., max_price: _Optional[str] = ..., price: _Optional[str] = ..., status_message: _Optional[_Iterable[_Union[Part, _Mapping]]] = ..., error: _Optional[_Union[TaskError, _Mapping]] = ..., created_at_ms: _Optional[int] = ..., updated_at_ms: _Optional[int] = ..., deadline_ms: _Optional[int] = ..., last_sequence: _Optional[int] = ..., context_id: _Optional[str] = ..., attempts: _Optional[int] = ...) -> None: ...

class TaskEvent(_message.Message):
    __slots__ = ("task_id", "sequence", "kind", "task", "parts", "progress", "note", "created_at_ms")
    TASK_ID_FIELD_NUMBER: _ClassVar[int]
    SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    TASK_FIELD_NUMBER: _ClassVar[int]
    PARTS_FIELD_NUMBER: _ClassVar[int]
    PROGRESS_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_MS_FIELD_NUMBER: _ClassVar[int]
    task_id: str
    sequence: int
    kind: TaskEventKind
    task: Task
    parts: _containers.RepeatedCompositeFieldContainer[Part]
    progress: float
    note: str
    created_at_ms: int
    def __init__(self, task_id: _Optional[str] = ..., sequence: _Optional[int] = ..., kind: _Optional[_Union[TaskEventKind, str]] = ..., task: _Optional[_Union[Task, _Mapping]] = ..., parts: _Optional[_Iterable[_Union[Part, _Mapping]]] = ..., progress: _Optional[float] = ..., note: _Optional[str] = ..., created_at_ms: _Optional[int] = ...) -> None: ...

class Receipt(_message.Message):
    __slots__ = ("task_id", "requester", "provider", "skill", "price", "result_hash", "issued_at_ms", "provider_signature", "requester_signature", "status")
    TASK_ID_FIELD_NUMBER: _ClassVar[int]
    REQUESTER_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_FIELD_NUMBER: _ClassVar[int]
    SKILL_FIELD_NUMBER: _ClassVar[int]
    PRICE_FIELD_NUMBER: _ClassVar[int]
    RESULT_HASH_FIELD_NUMBER: _ClassVar[int]
    ISSUED_AT_MS_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_SIGNATURE_FIELD_NUMBER: _ClassVar[int]
    REQUESTER_SIGNATURE_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    task_id: str
    requester: str
    provider: str
    skill: str
    price: str
    result_hash: str
    issued_at_ms: int
    provider_signature: str
    requester_signature: str
    status: str
    def __init__(self, task_id: _Optional[str] = ..., requester: _Optional[str] = ..., provider: _Optional[str] = ..., skill: _Optional[str] = ..., price: _Optional[str] = ..., result_hash: _Optional[str] = ..., issued_at_ms: _Optional[int] = ..., provider_signature: _Optional[str] = ..., requester_signature: _Optional[str] = ..., status: _Optional[str] = ...) -> None: ...

class LedgerEntry(_message.Message):
    __slots__ = ("id", "peer", "amount", "kind", "reference", "created_at_ms", "balance_after")
    ID_FIELD_NUMBER: _ClassVar[int]
    PEER_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    REFERENCE_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_MS_FIELD_NUMBER: _ClassVar[int]
    BALANCE_AFTER_FIELD_NUMBER: _ClassVar[int]
    id: str
    peer: str
    amount: str
    kind: str
    reference: str
    created_at_ms: int
    balance_after: str
    def __init__(self, id: _Optional[str] = ..., peer: _Optional[str] = ..., amount: _Optional[str] = ..., kind: _Optional[str] = ..., reference: _Optional[str] = ..., created_at_ms: _Optional[int] = ..., balance_after: _Optional[str] = ...) -> None: ...

class Balance(_message.Message):
    __slots__ = ("peer", "balance", "reserved", "credit_limit", "tasks_completed", "tasks_failed")
    PEER_FIELD_NUMBER: _ClassVar[int]
    BALANCE_FIELD_NUMBER: _ClassVar[int]
    RESERVED_FIELD_NUMBER: _ClassVar[int]
    CREDIT_LIMIT_FIELD_NUMBER: _ClassVar[int]
    TASKS_COMPLETED_FIELD_NUMBER: _ClassVar[int]
    TASKS_FAILED_FIELD_NUMBER: _ClassVar[int]
    peer: str
    balance: str
    reserved: str
    credit_limit: str
    tasks_completed: int
    tasks_failed: int
    def __init__(self, peer: _Optional[str] = ..., balance: _Optional[str] = ..., reserved: _Optional[str] = ..., credit_limit: _Optional[str] = ..., tasks_completed: _Optional[int] = ..., tasks_failed: _Optional[int] = ...) -> None: ...

class Settlement(_message.Message):
    __slots__ = ("id", "proposer", "counterparty", "amount", "reference", "status", "proposer_signature", "counterparty_signature", "created_at_ms")
    ID_FIELD_NUMBER: _ClassVar[int]
    PROPOSER_FIELD_NUMBER: _ClassVar[int]
    COUNTERPARTY_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    REFERENCE_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    PROPOSER_SIGNATURE_FIELD_NUMBER: _ClassVar[int]
    COUNTERPARTY_SIGNATURE_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_MS_FIELD_NUMBER: _ClassVar[int]
    id: str
    proposer: str
    counterparty: str
    amount: str
    reference: str
    status: str
    proposer_signature: str
    counterparty_signature: str
    created_at_ms: int
    def __init__(self, id: _Optional[str] = ..., proposer: _Optional[str] = ..., counterparty: _Optional[str] = ..., amount: _Optional[str] = ..., reference: _Optional[str] = ..., status: _Optional[str] = ..., proposer_signature: _Optional[str] = ..., counterparty_signature: _Optional[str] = ..., created_at_ms: _Optional[int] = ...) -> None: ...

class Network(_message.Message):
    __slots__ = ("id", "name", "description", "policy", "creator", "member_count", "joined", "admin", "created_at_ms")
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    POLICY_FIELD_NUMBER: _ClassVar[int]
    CREATOR_FIELD_NUMBER: _ClassVar[int]
    MEMBER_COUNT_FIELD_NUMBER: _ClassVar[int]
    JOINED_FIELD_NUMBER: _ClassVar[int]
    ADMIN_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_MS_FIELD_NUMBER: _ClassVar[int]
    id: str
    name: str
    description: str
    policy: NetworkPolicy
    creator: str
    member_count: int
    joined: bool
    admin: bool
    created_at_ms: int
    def __init__(self, id: _Optional[str] = ..., name: _Optional[str] = ..., description: _Optional[str] = ..., policy: _Optional[_Union[NetworkPolicy, str]] = ..., creator: _Optional[str] = ..., member_count: _Optional[int] = ..., joined: _Optional[bool] = ..., admin: _Optional[bool] = ..., created_at_ms: _Optional[int] = ...) -> None: ...

class NetworkMember(_message.Message):
    __slots__ = ("did", "role", "joined_at_ms", "name")
    DID_FIELD_NUMBER: _ClassVar[int]
    ROLE_FIELD_NUMBER: _ClassVar[int]
    JOINED_AT_MS_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    did: str
    role: str
    joined_at_ms: int
    name: str
    def __init__(self, did: _Optional[str] = ..., role: _Optional[str] = ..., joined_at_ms: _Optional[int] = ..., name: _Optional[str] = ...) -> None: ...

class NetworkInvitation(_message.Message):
    __slots__ = ("network_id", "network_name", "invitee", "inviter", "expires_at_ms", "signature", "issued_at_ms")
    NETWORK_ID_FIELD_NUMBER: _ClassVar[int]
    NETWORK_NAME_FIELD_NUMBER: _ClassVar[int]
    INVITEE_FIELD_NUMBER: _ClassVar[int]
    INVITER_FIELD_NUMBER: _ClassVar[int]
    EXPIRES_AT_MS_FIELD_NUMBER: _ClassVar[int]
    SIGNATURE_FIELD_NUMBER: _ClassVar[int]
    ISSUED_AT_MS_FIELD_NUMBER: _ClassVar[int]
    network_id: str
    network_name: str
    invitee: str
    inviter: str
    expires_at_ms: int
    signature: str
    issued_at_ms: int
    def __init__(self, network_id: _Optional[str] = ..., network_name: _Optional[str] = ..., invitee: _Optional[str] = ..., inviter: _Optional[str] = ..., expires_at_ms: _Optional[int] = ..., signature: _Optional[str] = ..., issued_at_ms: _Optional[int] = ...) -> None: ...

class BroadcastMessage(_message.Message):
    __slots__ = ("id", "topic", "payload", "sent_at_ms", "cursor")
    ID_FIELD_NUMBER: _ClassVar[int]
    TOPIC_FIELD_NUMBER: _ClassVar[int]
    FROM_FIELD_NUMBER: _ClassVar[int]
    PAYLOAD_FIELD_NUMBER: _ClassVar[int]
    SENT_AT_MS_FIELD_NUMBER: _ClassVar[int]
    CURSOR_FIELD_NUMBER: _ClassVar[int]
    id: str
    topic: str
    payload: bytes
    sent_at_ms: int
    cursor: str
    def __init__(self, id: _Optional[str] = ..., topic: _Optional[str] = ..., payload: _Optional[bytes] = ..., sent_at_ms: _Optional[int] = ..., cursor: _Optional[str] = ..., **kwargs) -> None: ...

class Webhook(_message.Message):
    __slots__ = ("id", "url", "events", "description", "enabled", "created_at_ms", "disabled_reason")
    ID_FIELD_NUMBER: _ClassVar[int]
    URL_FIELD_NUMBER: _ClassVar[int]
    EVENTS_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    ENABLED_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_MS_FIELD_NUMBER: _ClassVar[int]
    DISABLED_REASON_FIELD_NUMBER: _ClassVar[int]
    id: str
    url: str
    events: _containers.RepeatedScalarFieldContainer[str]
    description: str
    enabled: bool
    created_at_ms: int
    disabled_reason: str
    def __init__(self, id: _Optional[str] = ..., url: _Optional[str] = ..., events: _Optional[_Iterable[str]] = ..., description: _Optional[str] = ..., enabled: _Optional[bool] = ..., created_at_ms: _Optional[int] = ..., disabled_reason: _Optional[str] = ...) -> None: ...

class WebhookDelivery(_message.Message):
    __slots__ = ("id", "webhook_id", "event_type", "status", "attempts", "last_status_code", "last_error", "next_attempt_at_ms", "created_at_ms")
    ID_FIELD_NUMBER: _ClassVar[int]
    WEBHOOK_ID_FIELD_NUMBER: _ClassVar[int]
    EVENT_TYPE_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    ATTEMPTS_FIELD_NUMBER: _ClassVar[int]
    LAST_STATUS_CODE_FIELD_NUMBER: _ClassVar[int]
    LAST_ERROR_FIELD_NUMBER: _ClassVar[int]
    NEXT_ATTEMPT_AT_MS_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_MS_FIELD_NUMBER: _ClassVar[int]
    id: str
    webhook_id: str
    event_type: str
    status: str
    attempts: int
    last_status_code: int
    last_error: str
    next_attempt_at_ms: int
    created_at_ms: int
    def __init__(self, id: _Optional[str] = ..., webhook_id: _Optional[str] = ..., event_type: _Optional[str] = ..., status: _Optional[str] = ..., attempts: _Optional[int] = ..., last_status_code: _Optional[int] = ..., last_error: _Optional[str] = ..., next_attempt_at_ms: _Optional[int] = ..., created_at_ms: _Optional[int] = ...) -> None: ...

class DaemonEvent(_message.Message):
    __slots__ = ("id", "type", "created_at_ms", "message", "task", "broadcast", "member", "peer", "receipt", "settlement", "thread_entry", "network_id")
    ID_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_MS_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    TASK_FIELD_NUMBER: _ClassVar[int]
    BROADCAST_FIELD_NUMBER: _ClassVar[int]
    MEMBER_FIELD_NUMBER: _ClassVar[int]
    PEER_FIELD_NUMBER: _ClassVar[int]
    RECEIPT_FIELD_NUMBER: _ClassVar[int]
    SETTLEMENT_FIELD_NUMBER: _ClassVar[int]
    THREAD_ENTRY_FIELD_NUMBER: _ClassVar[int]
    NETWORK_ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    type: str
    created_at_ms: int
    message: Message
    task: Task
    broadcast: BroadcastMessage
    member: NetworkMember
    peer: PeerInfo
    receipt: Receipt
    settlement: Settlement
    thread_entry: ThreadEntry
    network_id: str
    def __init__(self, id: _Optional[str] = ..., type: _Optional[str] = ..., created_at_ms: _Optional[int] = ..., message: _Optional[_Union[Message, _Mapping]] = ..., task: _Optional[_Union[Task, _Mapping]] = ..., broadcast: _Optional[_Union[BroadcastMessage, _Mapping]] = ..., member: _Optional[_Union[NetworkMember, _Mapping]] = ..., peer: _Optional[_Union[PeerInfo, _Mapping]] = ..., receipt: _Optional[_Union[Receipt, _Mapping]] = ..., settlement: _Optional[_Union[Settlement, _Mapping]] = ..., thread_entry: _Optional[_Union[ThreadEntry, _Mapping]] = ..., network_id: _Optional[str] = ...) -> None: ...

class OrderedThread(_message.Message):
    __slots__ = ("id", "title", "genesis_voters", "created_at_ms")
    ID_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    GENESIS_VOTERS_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_MS_FIELD_NUMBER: _ClassVar[int]
    id: str
    title: str
    genesis_voters: _containers.RepeatedScalarFieldContainer[str]
    created_at_ms: int
    def __init__(self, id: _Optional[str] = ..., title: _Optional[str] = ..., genesis_voters: _Optional[_Iterable[str]] = ..., created_at_ms: _Optional[int] = ...) -> None: ...

class OrderedThreadMember(_message.Message):
    __slots__ = ("did", "voter", "match_index")
    DID_FIELD_NUMBER: _ClassVar[int]
    VOTER_FIELD_NUMBER: _ClassVar[int]
    MATCH_INDEX_FIELD_NUMBER: _ClassVar[int]
    did: str
    voter: bool
    match_index: int
    def __init__(self, did: _Optional[str] = ..., voter: _Optional[bool] = ..., match_index: _Optional[int] = ...) -> None: ...

class ThreadEntry(_message.Message):
    __slots__ = ("thread_id", "index", "term", "kind", "proposer", "client_id", "seq", "parts", "change", "prev_hash", "hash", "signature")
    THREAD_ID_FIELD_NUMBER: _ClassVar[int]
    INDEX_FIELD_NUMBER: _ClassVar[int]
    TERM_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    PROPOSER_FIELD_NUMBER: _ClassVar[int]
    CLIENT_ID_FIELD_NUMBER: _ClassVar[int]
    SEQ_FIELD_NUMBER: _ClassVar[int]
    PARTS_FIELD_NUMBER: _ClassVar[int]
    CHANGE_FIELD_NUMBER: _ClassVar[int]
    PREV_HASH_FIELD_NUMBER: _ClassVar[int]
    HASH_FIELD_NUMBER: _ClassVar[int]
    SIGNATURE_FIELD_NUMBER: _ClassVar[int]
    thread_id: str
    index: int
    term: int
    kind: str
    proposer: str
    client_id: str
    seq: int
    parts: _containers.RepeatedCompositeFieldContainer[Part]
    change: str
    prev_hash: str
    hash: str
    signature: str
    def __init__(self, thread_id: _Optional[str] = ..., index: _Optional[int] = ..., term: _Optional[int] = ..., kind: _Optional[str] = ..., proposer: _Optional[str] = ..., client_id: _Optional[str] = ..., seq: _Optional[int] = ..., parts: _Optional[_Iterable[_Union[Part, _Mapping]]] = ..., change: _Optional[str] = ..., prev_hash: _Optional[str] = ..., hash: _Optional[str] = ..., signature: _Optional[str] = ...) -> None: ...
