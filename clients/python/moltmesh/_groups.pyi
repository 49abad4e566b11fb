# Generated from surface.json and the protos by `python -m moltmesh._stubgen`. DO NOT EDIT.

from collections.abc import AsyncIterable, Iterable, Mapping
from typing import Any

from .aio import AsyncStream
from .client import Stream
from .gen import a2a_pb2, diag_pb2, ext_pb2


class IdentityGroup:
    def get(
        self,
        request: a2a_pb2.GetIdentityRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> a2a_pb2.GetIdentityResponse:
        """A2ANode.GetIdentity"""
    def convert_id(
        self,
        request: a2a_pb2.ConvertIdRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> a2a_pb2.ConvertIdResponse:
        """A2ANode.ConvertId"""

class CardsGroup:
    def publish(
        self,
        request: a2a_pb2.PublishAgentCardRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> a2a_pb2.PublishAgentCardResponse:
        """A2ANode.PublishAgentCard"""
    def get(
        self,
        request: a2a_pb2.GetAgentCardRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> a2a_pb2.GetAgentCardResponse:
        """A2ANode.GetAgentCard"""

class AgentsGroup:
    def find(
        self,
        request: a2a_pb2.FindAgentsRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> Stream[a2a_pb2.FindAgentsResponse]:
        """A2ANode.FindAgents"""
    def list_demand(
        self,
        request: a2a_pb2.ListDemandRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> a2a_pb2.ListDemandResponse:
        """A2ANode.ListDemand"""

class NamesGroup:
    def claim(
        self,
        request: a2a_pb2.ClaimNameRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> a2a_pb2.ClaimNameResponse:
        """A2ANode.ClaimName"""
    def resolve(
        self,
        request: a2a_pb2.ResolveNameRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> a2a_pb2.ResolveNameResponse:
        """A2ANode.ResolveName"""
    def release(
        self,
        request: a2a_pb2.ReleaseNameRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> a2a_pb2.ReleaseNameResponse:
        """A2ANode.ReleaseName"""
    def list(
        self,
        request: a2a_pb2.ListNamesRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> a2a_pb2.ListNamesResponse:
        """A2ANode.ListNames"""

class MessagesGroup:
    def send(
        self,
        request: a2a_pb2.SendMessageRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> a2a_pb2.SendMessageResponse:
        """A2ANode.SendMessage"""
    def get(
        self,
        request: a2a_pb2.GetMessageRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> a2a_pb2.GetMessageResponse:
        """A2ANode.GetMessage"""
    def outbox(
        self,
        request: a2a_pb2.GetOutboxRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> a2a_pb2.GetOutboxResponse:
        """A2ANode.GetOutbox"""
    def cancel(
        self,
        request: a2a_pb2.CancelMessageRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> a2a_pb2.CancelMessageResponse:
        """A2ANode.CancelMessage"""

class InboxGroup:
    def list(
        self,
        request: a2a_pb2.GetInboxRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> a2a_pb2.GetInboxResponse:
        """A2ANode.GetInbox"""
    def ack(
        self,
        request: a2a_pb2.AckMessageRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> a2a_pb2.AckMessageResponse:
        """A2ANode.AckMessage"""
    def mark_read(
        self,
        request: a2a_pb2.MarkReadRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> a2a_pb2.MarkReadResponse:
        """A2ANode.MarkRead"""
    def subscribe(
        self,
        request: a2a_pb2.SubscribeInboxRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> Stream[a2a_pb2.SubscribeInboxResponse]:
        """A2ANode.SubscribeInbox"""

class ThreadsGroup:
    def list(
        self,
        request: a2a_pb2.ListThreadsRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> a2a_pb2.ListThreadsResponse:
        """A2ANode.ListThreads"""
    def get(
        self,
        request: a2a_pb2.GetThreadRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> a2a_pb2.GetThreadResponse:
        """A2ANode.GetThread"""

class TasksGroup:
    def create(
        self,
        request: a2a_pb2.CreateTaskRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> a2a_pb2.CreateTaskResponse:
        """A2ANode.CreateTask"""
    def get(
        self,
        request: a2a_pb2.GetTaskRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> a2a_pb2.GetTaskResponse:
        """A2ANode.GetTask"""
    def list(
        self,
        request: a2a_pb2.ListTasksRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> a2a_pb2.ListTasksResponse:
        """A2ANode.ListTasks"""
    def cancel(
        self,
        request: a2a_pb2.CancelTaskRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> a2a_pb2.CancelTaskResponse:
        """A2ANode.CancelTask"""
    def wait(
        self,
        request: a2a_pb2.WaitTaskRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> a2a_pb2.WaitTaskResponse:
        """A2ANode.WaitTask"""
    def send_input(
        self,
        request: a2a_pb2.SendTaskInputRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> a2a_pb2.SendTaskInputResponse:
        """A2ANode.SendTaskInput"""
    def events(
        self,
        request: a2a_pb2.SubscribeTaskEventsRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> Stream[a2a_pb2.SubscribeTaskEventsResponse]:
        """A2ANode.SubscribeTaskEvents"""

class WorkerGroup:
    def subscribe(
        self,
        request: a2a_pb2.SubscribeTasksRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> Stream[a2a_pb2.SubscribeTasksResponse]:
        """A2ANode.SubscribeTasks"""
    def claim(
        self,
        request: a2a_pb2.ClaimTaskRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> a2a_pb2.ClaimTaskResponse:
        """A2ANode.ClaimTask"""
    def renew_lease(
        self,
        request: a2a_pb2.RenewLeaseRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> a2a_pb2.RenewLeaseResponse:
        """A2ANode.RenewLease"""
    def update(
        self,
        request: a2a_pb2.UpdateTaskRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> a2a_pb2.UpdateTaskResponse:
        """A2ANode.UpdateTask"""
    def publish_event(
        self,
        request: a2a_pb2.PublishTaskEventRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> a2a_pb2.PublishTaskEventResponse:
        """A2ANode.PublishTaskEvent"""
    def complete(
        self,
        request: a2a_pb2.CompleteTaskRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> a2a_pb2.CompleteTaskResponse:
        """A2ANode.CompleteTask"""
    def fail(
        self,
        request: a2a_pb2.FailTaskRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> a2a_pb2.FailTaskResponse:
        """A2ANode.FailTask"""
    def reject(
        self,
        request: a2a_pb2.RejectTaskRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> a2a_pb2.RejectTaskResponse:
        """A2ANode.RejectTask"""

class BlobsGroup:
    def put(
        self,
        requests: Iterable[Any],
        /,
        *,
        timeout: float | None = ...,
        name: str | None = ...,
        media_type: str | None = ...,
        size: int | None = ...,
    ) -> a2a_pb2.PutBlobResponse:
        """A2ANode.PutBlob"""
    def get(
        self,
        request: a2a_pb2.GetBlobRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> Stream[a2a_pb2.GetBlobResponse]:
        """A2ANode.GetBlob"""
    def stat(
        self,
        request: a2a_pb2.StatBlobRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> a2a_pb2.StatBlobResponse:
        """A2ANode.StatBlob"""
    def collect(
        self,
        request: a2a_pb2.CollectBlobsRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> a2a_pb2.CollectBlobsResponse:
        """A2ANode.CollectBlobs"""

class LedgerGroup:
    def balance(
        self,
        request: a2a_pb2.GetBalanceRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> a2a_pb2.GetBalanceResponse:
        """A2ANode.GetBalance"""
    def balances(
        self,
        request: a2a_pb2.ListBalancesRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> a2a_pb2.ListBalancesResponse:
        """A2ANode.ListBalances"""
    def entries(
        self,
        request: a2a_pb2.ListLedgerEntriesRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> a2a_pb2.ListLedgerEntriesResponse:
        """A2ANode.ListLedgerEntries"""
    def receipt(
        self,
        request: a2a_pb2.GetReceiptRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> a2a_pb2.GetReceiptResponse:
        """A2ANode.GetReceipt"""
    def receipts(
        self,
        request: a2a_pb2.ListReceiptsRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> a2a_pb2.ListReceiptsResponse:
        """A2ANode.ListReceipts"""
    def set_credit_limit(
        self,
        request: a2a_pb2.SetCreditLimitRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> a2a_pb2.SetCreditLimitResponse:
        """A2ANode.SetCreditLimit"""
    def settle(
        self,
        request: a2a_pb2.SettleBalanceRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> a2a_pb2.SettleBalanceResponse:
        """A2ANode.SettleBalance"""
    def respond_settlement(
        self,
        request: a2a_pb2.RespondSettlementRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> a2a_pb2.RespondSettlementResponse:
        """A2ANode.RespondSettlement"""
    def settlements(
        self,
        request: a2a_pb2.ListSettlementsRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> a2a_pb2.ListSettlementsResponse:
        """A2ANode.ListSettlements"""
    def verify(
        self,
        request: a2a_pb2.VerifyLedgerRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> a2a_pb2.VerifyLedgerResponse:
        """A2ANode.VerifyLedger"""

class NodeGroup:
    def health(
        self,
        request: diag_pb2.HealthRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> diag_pb2.HealthResponse:
        """Diag.Health"""
    def info(
        self,
        request: diag_pb2.GetInfoRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> diag_pb2.GetInfoResponse:
        """Diag.GetInfo"""
    def peers(
        self,
        request: diag_pb2.ListPeersRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> diag_pb2.ListPeersResponse:
        """Diag.ListPeers"""
    def ping(
        self,
        request: diag_pb2.PingRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> diag_pb2.PingResponse:
        """Diag.Ping"""
    def connect(
        self,
        request: diag_pb2.ConnectPeerRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> diag_pb2.ConnectPeerResponse:
        """Diag.ConnectPeer"""
    def disconnect(
        self,
        request: diag_pb2.DisconnectPeerRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> diag_pb2.DisconnectPeerResponse:
        """Diag.DisconnectPeer"""
    def metrics(
        self,
        request: diag_pb2.GetMetricsRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> diag_pb2.GetMetricsResponse:
        """Diag.GetMetrics"""
    def activity(
        self,
        request: diag_pb2.GetActivityRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> diag_pb2.GetActivityResponse:
        """Diag.GetActivity"""
    def shutdown(
        self,
        request: diag_pb2.ShutdownRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> diag_pb2.ShutdownResponse:
        """Diag.Shutdown"""
    def open_ui(
        self,
        request: diag_pb2.OpenUiRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> diag_pb2.OpenUiResponse:
        """Diag.OpenUi"""

class TopicsGroup:
    def publish(
        self,
        request: ext_pb2.PublishRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> ext_pb2.PublishResponse:
        """Ext.Publish"""
    def subscribe(
        self,
        request: ext_pb2.SubscribeTopicRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> Stream[ext_pb2.SubscribeTopicResponse]:
        """Ext.SubscribeTopic"""
    def list(
        self,
        request: ext_pb2.ListTopicsRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> ext_pb2.ListTopicsResponse:
        """Ext.ListTopics"""

class NetworksGroup:
    def create(
        self,
        request: ext_pb2.CreateNetworkRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> ext_pb2.CreateNetworkResponse:
        """Ext.CreateNetwork"""
    def invite(
        self,
        request: ext_pb2.InviteToNetworkRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> ext_pb2.InviteToNetworkResponse:
        """Ext.InviteToNetwork"""
    def invitations(
        self,
        request: ext_pb2.ListInvitationsRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> ext_pb2.ListInvitationsResponse:
        """Ext.ListInvitations"""
    def join(
        self,
        request: ext_pb2.JoinNetworkRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> ext_pb2.JoinNetworkResponse:
        """Ext.JoinNetwork"""
    def leave(
        self,
        request: ext_pb2.LeaveNetworkRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> ext_pb2.LeaveNetworkResponse:
        """Ext.LeaveNetwork"""
    def remove_member(
        self,
        request: ext_pb2.RemoveMemberRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> ext_pb2.RemoveMemberResponse:
        """Ext.RemoveMember"""
    def list(
        self,
        request: ext_pb2.ListNetworksRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> ext_pb2.ListNetworksResponse:
        """Ext.ListNetworks"""
    def members(
        self,
        request: ext_pb2.ListNetworkMembersRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> ext_pb2.ListNetworkMembersResponse:
        """Ext.ListNetworkMembers"""
    def broadcast(
        self,
        request: ext_pb2.BroadcastNetworkRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> ext_pb2.BroadcastNetworkResponse:
        """Ext.BroadcastNetwork"""
    def subscribe(
        self,
        request: ext_pb2.SubscribeNetworkRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> Stream[ext_pb2.SubscribeNetworkResponse]:
        """Ext.SubscribeNetwork"""

class OrderedGroup:
    def create(
        self,
        request: ext_pb2.CreateOrderedThreadRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> ext_pb2.CreateOrderedThreadResponse:
        """Ext.CreateOrderedThread"""
    def invitations(
        self,
        request: ext_pb2.ListThreadInvitationsRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> ext_pb2.ListThreadInvitationsResponse:
        """Ext.ListThreadInvitations"""
    def accept(
        self,
        request: ext_pb2.AcceptThreadInvitationRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> ext_pb2.AcceptThreadInvitationResponse:
        """Ext.AcceptThreadInvitation"""
    def append(
        self,
        request: ext_pb2.AppendToThreadRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> ext_pb2.AppendToThreadResponse:
        """Ext.AppendToThread"""
    def read(
        self,
        request: ext_pb2.ReadThreadRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> ext_pb2.ReadThreadResponse:
        """Ext.ReadThread"""
    def subscribe(
        self,
        request: ext_pb2.SubscribeThreadRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> Stream[ext_pb2.SubscribeThreadResponse]:
        """Ext.SubscribeThread"""
    def status(
        self,
        request: ext_pb2.GetThreadStatusRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> ext_pb2.GetThreadStatusResponse:
        """Ext.GetThreadStatus"""
    def add_member(
        self,
        request: ext_pb2.AddThreadMemberRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> ext_pb2.AddThreadMemberResponse:
        """Ext.AddThreadMember"""
    def remove_member(
        self,
        request: ext_pb2.RemoveThreadMemberRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> ext_pb2.RemoveThreadMemberResponse:
        """Ext.RemoveThreadMember"""
    def export(
        self,
        request: ext_pb2.ExportThreadRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> ext_pb2.ExportThreadResponse:
        """Ext.ExportThread"""
    def verify(
        self,
        request: ext_pb2.VerifyThreadRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> ext_pb2.VerifyThreadResponse:
        """Ext.VerifyThread"""

class WebhooksGroup:
    def create(
        self,
        request: ext_pb2.CreateWebhookRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> ext_pb2.CreateWebhookResponse:
        """Ext.CreateWebhook"""
    def list(
        self,
        request: ext_pb2.ListWebhooksRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> ext_pb2.ListWebhooksResponse:
        """Ext.ListWebhooks"""
    def delete(
        self,
        request: ext_pb2.DeleteWebhookRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> ext_pb2.DeleteWebhookResponse:
        """Ext.DeleteWebhook"""
    def deliveries(
        self,
        request: ext_pb2.ListWebhookDeliveriesRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> ext_pb2.ListWebhookDeliveriesResponse:
        """Ext.ListWebhookDeliveries"""
    def redeliver(
        self,
        request: ext_pb2.RedeliverWebhookRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> ext_pb2.RedeliverWebhookResponse:
        """Ext.RedeliverWebhook"""
    def test(
        self,
        request: ext_pb2.TestWebhookRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> ext_pb2.TestWebhookResponse:
        """Ext.TestWebhook"""

class EventsGroup:
    def watch(
        self,
        request: ext_pb2.WatchEventsRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> Stream[ext_pb2.WatchEventsResponse]:
        """Ext.WatchEvents"""

class AsyncIdentityGroup:
    async def get(
        self,
        request: a2a_pb2.GetIdentityRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> a2a_pb2.GetIdentityResponse:
        """A2ANode.GetIdentity"""
    async def convert_id(
        self,
        request: a2a_pb2.ConvertIdRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> a2a_pb2.ConvertIdResponse:
        """A2ANode.ConvertId"""

class AsyncCardsGroup:
    async def publish(
        self,
        request: a2a_pb2.PublishAgentCardRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> a2a_pb2.PublishAgentCardResponse:
        """A2ANode.PublishAgentCard"""
    async def get(
        self,
        request: a2a_pb2.GetAgentCardRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> a2a_pb2.GetAgentCardResponse:
        """A2ANode.GetAgentCard"""

class AsyncAgentsGroup:
    def find(
        self,
        request: a2a_pb2.FindAgentsRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> AsyncStream[a2a_pb2.FindAgentsResponse]:
        """A2ANode.FindAgents"""
    async def list_demand(
        self,
        request: a2a_pb2.ListDemandRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> a2a_pb2.ListDemandResponse:
        """A2ANode.ListDemand"""

class AsyncNamesGroup:
    async def claim(
        self,
        request: a2a_pb2.ClaimNameRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> a2a_pb2.ClaimNameResponse:
        """A2ANode.ClaimName"""
    async def resolve(
        self,
        request: a2a_pb2.ResolveNameRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> a2a_pb2.ResolveNameResponse:
        """A2ANode.ResolveName"""
    async def release(
        self,
        request: a2a_pb2.ReleaseNameRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> a2a_pb2.ReleaseNameResponse:
        """A2ANode.ReleaseName"""
    async def list(
        self,
        request: a2a_pb2.ListNamesRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> a2a_pb2.ListNamesResponse:
        """A2ANode.ListNames"""

class AsyncMessagesGroup:
    async def send(
        self,
        request: a2a_pb2.SendMessageRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> a2a_pb2.SendMessageResponse:
        """A2ANode.SendMessage"""
    async def get(
        self,
        request: a2a_pb2.GetMessageRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> a2a_pb2.GetMessageResponse:
        """A2ANode.GetMessage"""
    async def outbox(
        self,
        request: a2a_pb2.GetOutboxRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> a2a_pb2.GetOutboxResponse:
        """A2ANode.GetOutbox"""
    async def cancel(
        self,
        request: a2a_pb2.CancelMessageRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> a2a_pb2.CancelMessageResponse:
        """A2ANode.CancelMessage"""

class AsyncInboxGroup:
    async def list(
        self,
        request: a2a_pb2.GetInboxRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> a2a_pb2.GetInboxResponse:
        """A2ANode.GetInbox"""
    async def ack(
        self,
        request: a2a_pb2.AckMessageRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> a2a_pb2.AckMessageResponse:
        """A2ANode.AckMessage"""
    async def mark_read(
        self,
        request: a2a_pb2.MarkReadRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> a2a_pb2.MarkReadResponse:
        """A2ANode.MarkRead"""
    def subscribe(
        self,
        request: a2a_pb2.SubscribeInboxRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> AsyncStream[a2a_pb2.SubscribeInboxResponse]:
        """A2ANode.SubscribeInbox"""

class AsyncThreadsGroup:
    async def list(
        self,
        request: a2a_pb2.ListThreadsRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> a2a_pb2.ListThreadsResponse:
        """A2ANode.ListThreads"""
    async def get(
        self,
        request: a2a_pb2.GetThreadRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> a2a_pb2.GetThreadResponse:
        """A2ANode.GetThread"""

class AsyncTasksGroup:
    async def create(
        self,
        request: a2a_pb2.CreateTaskRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> a2a_pb2.CreateTaskResponse:
        """A2ANode.CreateTask"""
    async def get(
        self,
        request: a2a_pb2.GetTaskRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> a2a_pb2.GetTaskResponse:
        """A2ANode.GetTask"""
    async def list(
        self,
        request: a2a_pb2.ListTasksRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> a2a_pb2.ListTasksResponse:
        """A2ANode.ListTasks"""
    async def cancel(
        self,
        request: a2a_pb2.CancelTaskRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> a2a_pb2.CancelTaskResponse:
        """A2ANode.CancelTask"""
    async def wait(
        self,
        request: a2a_pb2.WaitTaskRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> a2a_pb2.WaitTaskResponse:
        """A2ANode.WaitTask"""
    async def send_input(
        self,
        request: a2a_pb2.SendTaskInputRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> a2a_pb2.SendTaskInputResponse:
        """A2ANode.SendTaskInput"""
    def events(
        self,
        request: a2a_pb2.SubscribeTaskEventsRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> AsyncStream[a2a_pb2.SubscribeTaskEventsResponse]:
        """A2ANode.SubscribeTaskEvents"""

class AsyncWorkerGroup:
    def subscribe(
        self,
        request: a2a_pb2.SubscribeTasksRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> AsyncStream[a2a_pb2.SubscribeTasksResponse]:
        """A2ANode.SubscribeTasks"""
    async def claim(
        self,
        request: a2a_pb2.ClaimTaskRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> a2a_pb2.ClaimTaskResponse:
        """A2ANode.ClaimTask"""
    async def renew_lease(
        self,
        request: a2a_pb2.RenewLeaseRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> a2a_pb2.RenewLeaseResponse:
        """A2ANode.RenewLease"""
    async def update(
        self,
        request: a2a_pb2.UpdateTaskRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> a2a_pb2.UpdateTaskResponse:
        """A2ANode.UpdateTask"""
    async def publish_event(
        self,
        request: a2a_pb2.PublishTaskEventRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> a2a_pb2.PublishTaskEventResponse:
        """A2ANode.PublishTaskEvent"""
    async def complete(
        self,
        request: a2a_pb2.CompleteTaskRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> a2a_pb2.CompleteTaskResponse:
        """A2ANode.CompleteTask"""
    async def fail(
        self,
        request: a2a_pb2.FailTaskRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> a2a_pb2.FailTaskResponse:
        """A2ANode.FailTask"""
    async def reject(
        self,
        request: a2a_pb2.RejectTaskRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> a2a_pb2.RejectTaskResponse:
        """A2ANode.RejectTask"""

class AsyncBlobsGroup:
    async def put(
        self,
        requests: Iterable[Any] | AsyncIterable[Any],
        /,
        *,
        timeout: float | None = ...,
        name: str | None = ...,
        media_type: str | None = ...,
        size: int | None = ...,
    ) -> a2a_pb2.PutBlobResponse:
        """A2ANode.PutBlob"""
    def get(
        self,
        request: a2a_pb2.GetBlobRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> AsyncStream[a2a_pb2.GetBlobResponse]:
        """A2ANode.GetBlob"""
    async def stat(
        self,
        request: a2a_pb2.StatBlobRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> a2a_pb2.StatBlobResponse:
        """A2ANode.StatBlob"""
    async def collect(
        self,
        request: a2a_pb2.CollectBlobsRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> a2a_pb2.CollectBlobsResponse:
        """A2ANode.CollectBlobs"""

class AsyncLedgerGroup:
    async def balance(
        self,
        request: a2a_pb2.GetBalanceRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> a2a_pb2.GetBalanceResponse:
        """A2ANode.GetBalance"""
    async def balances(
        self,
        request: a2a_pb2.ListBalancesRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> a2a_pb2.ListBalancesResponse:
        """A2ANode.ListBalances"""
    async def entries(
        self,
        request: a2a_pb2.ListLedgerEntriesRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> a2a_pb2.ListLedgerEntriesResponse:
        """A2ANode.ListLedgerEntries"""
    async def receipt(
        self,
        request: a2a_pb2.GetReceiptRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> a2a_pb2.GetReceiptResponse:
        """A2ANode.GetReceipt"""
    async def receipts(
        self,
        request: a2a_pb2.ListReceiptsRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> a2a_pb2.ListReceiptsResponse:
        """A2ANode.ListReceipts"""
    async def set_credit_limit(
        self,
        request: a2a_pb2.SetCreditLimitRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> a2a_pb2.SetCreditLimitResponse:
        """A2ANode.SetCreditLimit"""
    async def settle(
        self,
        request: a2a_pb2.SettleBalanceRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> a2a_pb2.SettleBalanceResponse:
        """A2ANode.SettleBalance"""
    async def respond_settlement(
        self,
        request: a2a_pb2.RespondSettlementRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> a2a_pb2.RespondSettlementResponse:
        """A2ANode.RespondSettlement"""
    async def settlements(
        self,
        request: a2a_pb2.ListSettlementsRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> a2a_pb2.ListSettlementsResponse:
        """A2ANode.ListSettlements"""
    async def verify(
        self,
        request: a2a_pb2.VerifyLedgerRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> a2a_pb2.VerifyLedgerResponse:
        """A2ANode.VerifyLedger"""

class AsyncNodeGroup:
    async def health(
        self,
        request: diag_pb2.HealthRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> diag_pb2.HealthResponse:
        """Diag.Health"""
    async def info(
        self,
        request: diag_pb2.GetInfoRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> diag_pb2.GetInfoResponse:
        """Diag.GetInfo"""
    async def peers(
        self,
        request: diag_pb2.ListPeersRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> diag_pb2.ListPeersResponse:
        """Diag.ListPeers"""
    async def ping(
        self,
        request: diag_pb2.PingRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> diag_pb2.PingResponse:
        """Diag.Ping"""
    async def connect(
        self,
        request: diag_pb2.ConnectPeerRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> diag_pb2.ConnectPeerResponse:
        """Diag.ConnectPeer"""
    async def disconnect(
        self,
        request: diag_pb2.DisconnectPeerRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> diag_pb2.DisconnectPeerResponse:
        """Diag.DisconnectPeer"""
    async def metrics(
        self,
        request: diag_pb2.GetMetricsRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> diag_pb2.GetMetricsResponse:
        """Diag.GetMetrics"""
    async def activity(
        self,
        request: diag_pb2.GetActivityRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> diag_pb2.GetActivityResponse:
        """Diag.GetActivity"""
    async def shutdown(
        self,
        request: diag_pb2.ShutdownRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> diag_pb2.ShutdownResponse:
        """Diag.Shutdown"""
    async def open_ui(
        self,
        request: diag_pb2.OpenUiRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> diag_pb2.OpenUiResponse:
        """Diag.OpenUi"""

class AsyncTopicsGroup:
    async def publish(
        self,
        request: ext_pb2.PublishRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> ext_pb2.PublishResponse:
        """Ext.Publish"""
    def subscribe(
        self,
        request: ext_pb2.SubscribeTopicRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> AsyncStream[ext_pb2.SubscribeTopicResponse]:
        """Ext.SubscribeTopic"""
    async def list(
        self,
        request: ext_pb2.ListTopicsRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> ext_pb2.ListTopicsResponse:
        """Ext.ListTopics"""

class AsyncNetworksGroup:
    async def create(
        self,
        request: ext_pb2.CreateNetworkRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> ext_pb2.CreateNetworkResponse:
        """Ext.CreateNetwork"""
    async def invite(
        self,
        request: ext_pb2.InviteToNetworkRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> ext_pb2.InviteToNetworkResponse:
        """Ext.InviteToNetwork"""
    async def invitations(
        self,
        request: ext_pb2.ListInvitationsRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> ext_pb2.ListInvitationsResponse:
        """Ext.ListInvitations"""
    async def join(
        self,
        request: ext_pb2.JoinNetworkRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> ext_pb2.JoinNetworkResponse:
        """Ext.JoinNetwork"""
    async def leave(
        self,
        request: ext_pb2.LeaveNetworkRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> ext_pb2.LeaveNetworkResponse:
        """Ext.LeaveNetwork"""
    async def remove_member(
        self,
        request: ext_pb2.RemoveMemberRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> ext_pb2.RemoveMemberResponse:
        """Ext.RemoveMember"""
    async def list(
        self,
        request: ext_pb2.ListNetworksRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> ext_pb2.ListNetworksResponse:
        """Ext.ListNetworks"""
    async def members(
        self,
        request: ext_pb2.ListNetworkMembersRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> ext_pb2.ListNetworkMembersResponse:
        """Ext.ListNetworkMembers"""
    async def broadcast(
        self,
        request: ext_pb2.BroadcastNetworkRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> ext_pb2.BroadcastNetworkResponse:
        """Ext.BroadcastNetwork"""
    def subscribe(
        self,
        request: ext_pb2.SubscribeNetworkRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> AsyncStream[ext_pb2.SubscribeNetworkResponse]:
        """Ext.SubscribeNetwork"""

class AsyncOrderedGroup:
    async def create(
        self,
        request: ext_pb2.CreateOrderedThreadRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> ext_pb2.CreateOrderedThreadResponse:
        """Ext.CreateOrderedThread"""
    async def invitations(
        self,
        request: ext_pb2.ListThreadInvitationsRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> ext_pb2.ListThreadInvitationsResponse:
        """Ext.ListThreadInvitations"""
    async def accept(
        self,
        request: ext_pb2.AcceptThreadInvitationRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> ext_pb2.AcceptThreadInvitationResponse:
        """Ext.AcceptThreadInvitation"""
    async def append(
        self,
        request: ext_pb2.AppendToThreadRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> ext_pb2.AppendToThreadResponse:
        """Ext.AppendToThread"""
    async def read(
        self,
        request: ext_pb2.ReadThreadRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> ext_pb2.ReadThreadResponse:
        """Ext.ReadThread"""
    def subscribe(
        self,
        request: ext_pb2.SubscribeThreadRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> AsyncStream[ext_pb2.SubscribeThreadResponse]:
        """Ext.SubscribeThread"""
    async def status(
        self,
        request: ext_pb2.GetThreadStatusRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> ext_pb2.GetThreadStatusResponse:
        """Ext.GetThreadStatus"""
    async def add_member(
        self,
        request: ext_pb2.AddThreadMemberRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> ext_pb2.AddThreadMemberResponse:
        """Ext.AddThreadMember"""
    async def remove_member(
        self,
        request: ext_pb2.RemoveThreadMemberRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> ext_pb2.RemoveThreadMemberResponse:
        """Ext.RemoveThreadMember"""
    async def export(
        self,
        request: ext_pb2.ExportThreadRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> ext_pb2.ExportThreadResponse:
        """Ext.ExportThread"""
    async def verify(
        self,
        request: ext_pb2.VerifyThreadRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> ext_pb2.VerifyThreadResponse:
        """Ext.VerifyThread"""

class AsyncWebhooksGroup:
    async def create(
        self,
        request: ext_pb2.CreateWebhookRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> ext_pb2.CreateWebhookResponse:
        """Ext.CreateWebhook"""
    async def list(
        self,
        request: ext_pb2.ListWebhooksRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> ext_pb2.ListWebhooksResponse:
        """Ext.ListWebhooks"""
    async def delete(
        self,
        request: ext_pb2.DeleteWebhookRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> ext_pb2.DeleteWebhookResponse:
        """Ext.DeleteWebhook"""
    async def deliveries(
        self,
        request: ext_pb2.ListWebhookDeliveriesRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> ext_pb2.ListWebhookDeliveriesResponse:
        """Ext.ListWebhookDeliveries"""
    async def redeliver(
        self,
        request: ext_pb2.RedeliverWebhookRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> ext_pb2.RedeliverWebhookResponse:
        """Ext.RedeliverWebhook"""
    async def test(
        self,
        request: ext_pb2.TestWebhookRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> ext_pb2.TestWebhookResponse:
        """Ext.TestWebhook"""

class AsyncEventsGroup:
    def watch(
        self,
        request: ext_pb2.WatchEventsRequest | Mapping[str, Any] | None = ...,
        /,
        *,
        timeout: float | None = ...,
        **fields: Any,
    ) -> AsyncStream[ext_pb2.WatchEventsResponse]:
        """Ext.WatchEvents"""

class Groups:
    identity: IdentityGroup
    cards: CardsGroup
    agents: AgentsGroup
    names: NamesGroup
    messages: MessagesGroup
    inbox: InboxGroup
    threads: ThreadsGroup
    tasks: TasksGroup
    worker: WorkerGroup
    blobs: BlobsGroup
    ledger: LedgerGroup
    node: NodeGroup
    topics: TopicsGroup
    networks: NetworksGroup
    ordered: OrderedGroup
    webhooks: WebhooksGroup
    events: EventsGroup

class AsyncGroups:
    identity: AsyncIdentityGroup
    cards: AsyncCardsGroup
    agents: AsyncAgentsGroup
    names: AsyncNamesGroup
    messages: AsyncMessagesGroup
    inbox: AsyncInboxGroup
    threads: AsyncThreadsGroup
    tasks: AsyncTasksGroup
    worker: AsyncWorkerGroup
    blobs: AsyncBlobsGroup
    ledger: AsyncLedgerGroup
    node: AsyncNodeGroup
    topics: AsyncTopicsGroup
    networks: AsyncNetworksGroup
    ordered: AsyncOrderedGroup
    webhooks: AsyncWebhooksGroup
    events: AsyncEventsGroup
