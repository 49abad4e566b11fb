// The task subsystem: requester and worker sides of the A2A task lifecycle between two daemons. Task
// frames travel in the messaging layer's signed, durable envelopes; both daemons keep the task and
// its event log. createTasks(components, options) returns the service plus its lifecycle.

import type { LocalSkill } from '../cards/local-card.ts'
import { pageSize, parseCursor } from '../common/paging.ts'
import type { TasksOptions } from '../config/options.ts'
import { invalidArgument } from '../errors/moltmesh-error.ts'
import type { EventBus } from '../events/event-bus.ts'
import type { Identity } from '../identity/identity.ts'
import { debtTier } from '../ledger/debt-tier.ts'
import type { Ledger } from '../ledger/ledger.ts'
import type { Logger } from '../log/logger.ts'
import type { Messaging } from '../messaging/messaging.ts'
import type { OutboxRecord } from '../messaging/records.ts'
import type { Metrics } from '../metrics/metrics.ts'
import type { Store } from '../store/store.ts'
import { MessageBody } from '../wire/gen/moltmesh/wire/v1/messaging.ts'
import type { TaskFrame } from '../wire/gen/moltmesh/wire/v1/tasks.ts'
import { TaskState } from '../wire/gen/moltmesh/wire/v1/tasks.ts'
import { createClaimedOffers } from './claimed-offers.ts'
import { createInbound, taskFrameKey } from './inbound.ts'
import { createInputValidator } from './input-validator.ts'
import { createOpenTaskQuota } from './open-task-quota.ts'
import type { TaskRecord, TaskRole } from './records.ts'
import { createRequester } from './requester.ts'
import { isTerminal } from './state-machine.ts'
import { createTaskStreams } from './streams.ts'
import type { TaskArtifacts } from './task-artifacts.ts'
import { mustGet, transition } from './task-changes.ts'
import { createTaskEngine } from './task-engine.ts'
import { openTaskStore } from './task-store.ts'
import { createTaskTimers } from './timers.ts'
import { createWorker } from './worker.ts'

export interface TasksComponents {
  identity: Identity
  store: Store
  messaging: Messaging
  events: EventBus
  logger: Logger
  metrics: Metrics
  resolveTarget: (value: string) => Promise<string>
  findAssignee: (capability: string, timeoutMs: number) => Promise<string>
  localSkills: () => LocalSkill[]
  /** Largest serialized frame body (the messaging payload limit). */
  maxFrameBytes: number
  /** Artifacts in task content (inline or by reference). */
  artifacts: TaskArtifacts
  /** Credit ledger: admission of priced tasks, receipts, settlements. */
  ledger: Ledger
}

export interface ListInput {
  role?: TaskRole
  states: number[]
  peer: string
  skill: string
  pageSize: number
  pageToken: string
}

/** Longest a task input may take to check against its skill's schema (see input-validator.ts). */
const INPUT_CHECK_BUDGET_MS = 2_000

export async function createTasks(c: TasksComponents, options: TasksOptions) {
  const logger = c.logger.child({ component: 'tasks' })
  const tasks = await openTaskStore(c.store)
  const engine = createTaskEngine({
    signFrame: (input) => c.messaging.signFrame('task', input),
    store: c.store,
    tasks,
    outbox: c.messaging.outbox,
    kick: (did) => c.messaging.delivery.kick(did),
    events: c.events,
    logger,
    maxFrameBytes: c.maxFrameBytes,
    // A provider's task that ends other than COMPLETED gives its reservation back.
    ledgerOps: (task) =>
      task.role === 'assignee' && isTerminal(task.state) && task.state !== TaskState.TASK_STATE_COMPLETED
        ? c.ledger.release(task.id, task.state === TaskState.TASK_STATE_FAILED)
        : [],
  })
  const timers = createTaskTimers({ engine, tasks, maxAttempts: options.maxAttempts, logger })
  engine.changes.on('task', timers.schedule)
  const requester = createRequester({
    identity: c.identity,
    engine,
    tasks,
    resolveTarget: c.resolveTarget,
    findAssignee: c.findAssignee,
    maxFrameBytes: c.maxFrameBytes,
    defaultTimeoutMs: options.defaultTimeoutMs,
    artifacts: c.artifacts,
    ledger: c.ledger,
  })
  const worker = createWorker({
    engine,
    tasks,
    defaultLeaseMs: options.defaultLeaseMs,
    maxAttempts: options.maxAttempts,
    artifacts: c.artifacts,
    ledger: c.ledger,
  })
  const streams = createTaskStreams({
    engine,
    tasks,
    localSkillIds: () => c.localSkills().map((s) => s.id),
    tierOf: (task) => (task.role === 'assignee' ? debtTier(c.ledger.balance(task.requester)) : 0),
  })
  let daemonStopping = false
  c.events.on('daemon.stopping', () => {
    daemonStopping = true
  })
  const { claimedOffers, takeAtAdmission } = createClaimedOffers({
    daemonStopping: () => daemonStopping,
    engine,
    waiting: streams.waiting,
    claim: worker.claim,
    release: timers.release,
    defaultLeaseMs: options.defaultLeaseMs,
    logger,
  })
  const quota = createOpenTaskQuota(options.maxOpenPerRequester, engine.changes)
  const validator = createInputValidator({ budgetMs: INPUT_CHECK_BUDGET_MS })
  const inbound = createInbound({
    selfDid: c.identity.did,
    engine,
    tasks,
    quota,
    maxOpenPerRequester: options.maxOpenPerRequester,
    validator,
    takeAtAdmission,
    localSkill: (id) => c.localSkills().find((s) => s.id === id),
    logger,
    artifacts: c.artifacts,
    ledger: c.ledger,
  })
  // Every open task has timers (its deadline), so their count is the number of open tasks.
  c.metrics.gauge('moltmesh_tasks_open', 'Tasks not yet in a terminal state', () => timers.size())
  c.metrics.gauge('moltmesh_task_workers', 'Workers subscribed to tasks, by skill ("*" = every skill)', () =>
    streams.workerCounts().map(({ skill, workers }) => ({ labels: { skill }, value: workers })),
  )

  const service = {
    ...requester,
    ...worker,
    ...streams,
    claimedOffers,
    get: (id: string): Promise<TaskRecord> => mustGet(tasks, id),

    /** Proposes a settlement (we paid `peer`); stored and sent in one write. */
    async proposeSettlement(peer: string, amount: string, reference: string) {
      const { settlement, ops } = await c.ledger.propose(peer, amount, reference)
      await engine.send(peer, { settlement }, ops)
      return settlement
    },

    /** Countersigns or rejects a settlement proposed to us; the answer goes back to the proposer. */
    respondSettlement(id: string, accept: boolean) {
      return engine.lock(id, async () => {
        const { settlement, ops } = await c.ledger.respond(id, accept)
        await engine.send(settlement.proposer, { settlement }, ops)
        return settlement
      })
    },

    async list(req: ListInput): Promise<{ tasks: TaskRecord[]; nextPageToken: string }> {
      const limit = pageSize(req.pageSize)
      const peer = req.peer.trim() === '' ? undefined : await c.resolveTarget(req.peer)
      if (req.skill.length > 256) throw invalidArgument('INVALID_ARGUMENT', 'skill is at most 256 characters')
      const page = await tasks.list(
        {
          role: req.role,
          states: new Set(req.states),
          peer,
          skill: req.skill === '' ? undefined : req.skill,
        },
        parseCursor(req.pageToken, 'page_token'),
        limit,
      )
      const last = page.at(-1)
      return { tasks: page, nextPageToken: page.length === limit && last != null ? String(last.order) : '' }
    },
  }

  /**
   * A task frame the peer refused for good (e.g. PAYLOAD_TOO_LARGE under its limits) or that expired:
   * a refused offer fails the requester's task at once instead of at its deadline; others are logged.
   */
  async function undeliverable(record: OutboxRecord): Promise<void> {
    let frame: TaskFrame | undefined
    try {
      frame = MessageBody.decode(Buffer.from(record.body, 'base64')).task
    } catch {
      return
    }
    const id = frame?.offer?.taskId
    if (id == null) {
      logger.warn({ to: record.to, error: record.lastError }, 'task frame could not be delivered')
      return
    }
    await engine
      .lock(id, async () => {
        const task = await tasks.get(id)
        if (task == null || task.role !== 'requester' || isTerminal(task.state)) return
        const error = {
          reason: 'UNDELIVERABLE',
          message: `the assignee did not accept the task: ${record.lastError}`,
        }
        logger.warn(
          { task: id, to: record.to, error: record.lastError },
          'task offer refused by the assignee',
        )
        await engine.commit(transition(task, TaskState.TASK_STATE_FAILED, { error }))
      })
      .catch((err: unknown) => logger.error({ err, task: id }, 'cannot fail an undeliverable task'))
  }

  return {
    service,
    async start(): Promise<void> {
      quota.load(await tasks.open())
      // Task frames travel on messaging's 'task' channel, registered once the open-task quota is
      // loaded (until then peers are asked to retry); frames that failed before are handed over now.
      c.messaging.channels.register({
        name: 'task',
        idPrefix: 'tfr',
        handle: inbound.sink,
        key: taskFrameKey,
        failed: (record) => void undeliverable(record),
      })
      const open = await timers.start()
      if (open > 0) logger.info({ open }, 'resumed open tasks')
    },
    async stop(): Promise<void> {
      timers.stop()
      await validator.stop()
    },
  }
}

export type Tasks = Awaited<ReturnType<typeof createTasks>>
export type TasksService = Tasks['service']
