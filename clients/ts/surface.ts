// The SDK surface: method groups mapped to `Service.Rpc` (the same table as ../surface.json, which the
// Python SDK uses too; a unit test keeps the two equal). `createClient` builds `client.<group>.<method>`
// from it, and the types below follow each entry to the generated RPC's request and response types.

export const SURFACE = {
  identity: {
    get: 'A2ANode.GetIdentity',
    convertId: 'A2ANode.ConvertId',
  },
  cards: {
    publish: 'A2ANode.PublishAgentCard',
    get: 'A2ANode.GetAgentCard',
  },
  agents: {
    find: 'A2ANode.FindAgents',
    listDemand: 'A2ANode.ListDemand',
  },
  names: {
    claim: 'A2ANode.ClaimName',
    resolve: 'A2ANode.ResolveName',
    release: 'A2ANode.ReleaseName',
    list: 'A2ANode.ListNames',
  },
  messages: {
    send: 'A2ANode.SendMessage',
    get: 'A2ANode.GetMessage',
    outbox: 'A2ANode.GetOutbox',
    cancel: 'A2ANode.CancelMessage',
  },
  inbox: {
    list: 'A2ANode.GetInbox',
    ack: 'A2ANode.AckMessage',
    markRead: 'A2ANode.MarkRead',
    subscribe: 'A2ANode.SubscribeInbox',
  },
  threads: {
    list: 'A2ANode.ListThreads',
    get: 'A2ANode.GetThread',
  },
  tasks: {
    create: 'A2ANode.CreateTask',
    get: 'A2ANode.GetTask',
    list: 'A2ANode.ListTasks',
    cancel: 'A2ANode.CancelTask',
    wait: 'A2ANode.WaitTask',
    sendInput: 'A2ANode.SendTaskInput',
    events: 'A2ANode.SubscribeTaskEvents',
  },
  worker: {
    subscribe: 'A2ANode.SubscribeTasks',
    claim: 'A2ANode.ClaimTask',
    renewLease: 'A2ANode.RenewLease',
    update: 'A2ANode.UpdateTask',
    publishEvent: 'A2ANode.PublishTaskEvent',
    complete: 'A2ANode.CompleteTask',
    fail: 'A2ANode.FailTask',
    reject: 'A2ANode.RejectTask',
  },
  blobs: {
    put: 'A2ANode.PutBlob',
    get: 'A2ANode.GetBlob',
    stat: 'A2ANode.StatBlob',
    collect: 'A2ANode.CollectBlobs',
  },
  ledger: {
    balance: 'A2ANode.GetBalance',
    balances: 'A2ANode.ListBalances',
    entries: 'A2ANode.ListLedgerEntries',
    receipt: 'A2ANode.GetReceipt',
    receipts: 'A2ANode.ListReceipts',
    setCreditLimit: 'A2ANode.SetCreditLimit',
    settle: 'A2ANode.SettleBalance',
    respondSettlement: 'A2ANode.RespondSettlement',
    settlements: 'A2ANode.ListSettlements',
    verify: 'A2ANode.VerifyLedger',
  },
  node: {
    health: 'Diag.Health',
    info: 'Diag.GetInfo',
    peers: 'Diag.ListPeers',
    ping: 'Diag.Ping',
    connect: 'Diag.ConnectPeer',
    disconnect: 'Diag.DisconnectPeer',
    metrics: 'Diag.GetMetrics',
    activity: 'Diag.GetActivity',
    shutdown: 'Diag.Shutdown',
    openUi: 'Diag.OpenUi',
  },
  topics: {
    publish: 'Ext.Publish',
    subscribe: 'Ext.SubscribeTopic',
    list: 'Ext.ListTopics',
  },
  networks: {
    create: 'Ext.CreateNetwork',
    invite: 'Ext.InviteToNetwork',
    invitations: 'Ext.ListInvitations',
    join: 'Ext.JoinNetwork',
    leave: 'Ext.LeaveNetwork',
    removeMember: 'Ext.RemoveMember',
    list: 'Ext.ListNetworks',
    members: 'Ext.ListNetworkMembers',
    broadcast: 'Ext.BroadcastNetwork',
    subscribe: 'Ext.SubscribeNetwork',
  },
  ordered: {
    create: 'Ext.CreateOrderedThread',
    invitations: 'Ext.ListThreadInvitations',
    accept: 'Ext.AcceptThreadInvitation',
    append: 'Ext.AppendToThread',
    read: 'Ext.ReadThread',
    subscribe: 'Ext.SubscribeThread',
    status: 'Ext.GetThreadStatus',
    addMember: 'Ext.AddThreadMember',
    removeMember: 'Ext.RemoveThreadMember',
    export: 'Ext.ExportThread',
    verify: 'Ext.VerifyThread',
  },
  webhooks: {
    create: 'Ext.CreateWebhook',
    list: 'Ext.ListWebhooks',
    delete: 'Ext.DeleteWebhook',
    deliveries: 'Ext.ListWebhookDeliveries',
    redeliver: 'Ext.RedeliverWebhook',
    test: 'Ext.TestWebhook',
  },
  events: {
    watch: 'Ext.WatchEvents',
  },
} as const

export type Surface = typeof SURFACE
export type GroupName = keyof Surface
