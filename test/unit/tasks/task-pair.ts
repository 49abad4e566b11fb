// Two task subsystems (requester and assignee) wired together without a network: each has its own
// LevelDB in a temporary dir, its own identity and credit ledger, and a stub of the messaging layer.
// `pump()` hands the frames one side queued for the other to the other side's task-frame sink, as the
// delivery and receiver loops would, so the whole task lifecycle runs in milliseconds.

import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { generateKeyPair } from '@libp2p/crypto/keys'
import type { LocalSkill } from '../../../daemon/cards/local-card.ts'
import { createEventBus, type EventBus } from '../../../daemon/events/event-bus.ts'
import { createIdentity, type Identity } from '../../../daemon/identity/identity.ts'
import { createLedger, type Ledger } from '../../../daemon/ledger/ledger.ts'
import { silentLogger } from '../../../daemon/log/logger.ts'
import { type ChannelSpec, createChannelRegistry } from '../../../daemon/messaging/channels.ts'
import type { Messaging } from '../../../daemon/messaging/messaging.ts'
import { signOutbound } from '../../../daemon/messaging/outbound.ts'
import { type OutboxStore, openOutboxStore } from '../../../daemon/messaging/outbox-store.ts'
import type { OutboxRecord } from '../../../daemon/messaging/records.ts'
import { openThreadIndex } from '../../../daemon/messaging/thread-index.ts'
import { createMetrics } from '../../../daemon/metrics/metrics.ts'
import { openStore, type Store } from '../../../daemon/store/store.ts'
import type { TaskArtifacts } from '../../../daemon/tasks/task-artifacts.ts'
import { openTaskStore } from '../../../daemon/tasks/task-store.ts'
import { createTasks, type Tasks } from '../../../daemon/tasks/tasks.ts'
import { MessageBody } from '../../../daemon/wire/gen/moltmesh/wire/v1/messaging.ts'

type TaskFrameSink = ChannelSpec<'task'>['handle']

export interface Side {
  identity: Identity
  store: Store
  events: EventBus
  ledger: Ledger
  tasks: Tasks
  outbox: OutboxStore
  /** DIDs delivery was asked to start for (the engine's kick). */
  kicks: string[]
  /** The handler the task subsystem registered for messaging's 'task' channel at start. */
  sink(): TaskFrameSink
  /** Frames the peer refused for good are reported here (as delivery.ts does, through the channel). */
  frameFailed(record: OutboxRecord): void
  skills: LocalSkill[]
}

export const skill = (id: string, patch: Partial<LocalSkill> = {}): LocalSkill => ({
  id,
  name: id,
  description: '',
  tags: [],
  inputSchema: '',
  outputSchema: '',
  price: '',
  visibility: 'public',
  allowedDids: [],
  ...patch,
})

/** Task content passes through unchanged: artifact handling is not under test here. */
const passThroughArtifacts: TaskArtifacts = {
  outgoing: async (parts) => parts,
  incoming: async () => undefined,
}

export async function createSide(
  options: { skills?: LocalSkill[]; creditLimit?: string; maxOpenPerRequester?: number } = {},
): Promise<Side> {
  const dir = await mkdtemp(join(tmpdir(), 'tasks-unit-'))
  const store = await openStore(dir)
  const identity = createIdentity(await generateKeyPair('Ed25519'))
  const events = createEventBus()
  const logger = silentLogger()
  const threads = await openThreadIndex(store)
  const outbox = await openOutboxStore(store, threads)
  const ledger = await createLedger(
    { identity, store, events, logger, sharedNetworks: () => [] },
    { defaultCreditLimit: options.creditLimit ?? '0', quoteTtlMs: 60_000 },
  )
  const kicks: string[] = []
  // Only what the task subsystem uses of messaging: the outbox, delivery's kick, the channel registry
  // it registers with, and frame signing.
  const channels = createChannelRegistry({ logger })
  const messaging = {
    outbox,
    delivery: { kick: (did: string) => kicks.push(did) },
    channels,
    signFrame: (name: 'task', input: Parameters<Messaging['signFrame']>[1]) =>
      signOutbound(identity, { ...input, channel: { name, idPrefix: channels.idPrefix(name) } }),
  } as unknown as Messaging
  const skills = options.skills ?? []
  const tasks = await createTasks(
    {
      identity,
      store,
      messaging,
      events,
      logger,
      metrics: createMetrics(),
      resolveTarget: async (value) => value,
      findAssignee: async (capability) => {
        throw new Error(`no agent for ${capability} in unit tests`)
      },
      localSkills: () => skills,
      maxFrameBytes: 256 * 1024,
      artifacts: passThroughArtifacts,
      ledger,
    },
    {
      defaultTimeoutMs: 60_000,
      defaultLeaseMs: 30_000,
      maxAttempts: 3,
      maxOpenPerRequester: options.maxOpenPerRequester ?? 100,
    },
  )
  await tasks.start()
  return {
    identity,
    store,
    events,
    ledger,
    tasks,
    outbox,
    kicks,
    sink: () => async (from, frame) => {
      const outcome = await channels.dispatch(from, 'task', frame)
      if (outcome.status === 'not_ready' || outcome.status === 'unknown')
        throw new Error('the task subsystem did not register its channel')
      return outcome
    },
    frameFailed: (record) => channels.failed(record),
    skills,
  }
}

/**
 * Delivers every frame `from` has queued for `to`, in order, the way the receiver would: the frame
 * is decoded and handed to `to`'s sink with the authenticated sender. Returns the sink outcomes.
 */
export async function pump(from: Side, to: Side) {
  const outcomes: Array<Awaited<ReturnType<TaskFrameSink>>> = []
  for (const record of await from.outbox.queued(to.identity.did, 1000)) {
    const frame = MessageBody.decode(Buffer.from(record.body, 'base64')).task
    if (frame == null) throw new Error(`queued record ${record.id} is not a task frame`)
    const outcome = await to.sink()(from.identity.did, frame)
    outcomes.push(outcome)
    if (outcome.status === 'rejected') {
      const done = await from.outbox.finish(record, 'failed', { lastError: outcome.reason })
      if (done != null) from.frameFailed(done)
    } else await from.outbox.finish(record, 'delivered', { deliveredAtMs: Date.now() })
  }
  return outcomes
}

/** Pumps both ways until neither side has anything queued for the other. */
export async function settle(a: Side, b: Side): Promise<void> {
  for (let round = 0; round < 20; round++) {
    const moved = (await pump(a, b)).length + (await pump(b, a)).length
    if (moved === 0) return
  }
  throw new Error('frames kept flowing after 20 rounds')
}

export async function closeSides(...sides: Side[]): Promise<void> {
  for (const s of sides) {
    await s.tasks.stop()
    await s.store.close()
  }
}

export const text = (t: string) => ({ text: t, mediaType: '', metadata: {} })

/** Every stored event of a task on one side, in order. */
export async function storedEvents(side: Side, id: string) {
  return (await openTaskStore(side.store)).events(id, 0, 1000)
}
