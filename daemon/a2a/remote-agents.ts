// External A2A agents serving mesh skills ([[a2a.remote]]). For each remote the daemon fetches and
// checks its agent card (@a2a-js/sdk client, 1.0 or 0.3), offers each of its skills here as
// "<name>-<skill>" (tagged "a2a-bridge", so finders can tell a bridged skill), and serves mesh tasks
// for them through a worker on the daemon's own socket: the task input becomes an A2A message
// (metadata.skill = the remote skill), sent streaming when the card offers it (chunks are passed on),
// INPUT_REQUIRED becomes our INPUT_REQUIRED and the answer goes back on the same remote task, the
// final artifacts become the output, FAILED/REJECTED/CANCELED fail the task with the remote's text,
// and a mesh cancel cancels the remote task. A remote whose card cannot be read is retried with
// back-off. A config reload reconciles the remotes by name (new ones start, removed ones stop,
// changed ones restart).

import { type AgentCard, Message, Task as SdkTask, SendMessageRequest, StreamResponse } from '@a2a-js/sdk'
import {
  type Client as A2aClient,
  ClientFactory,
  ClientFactoryOptions,
  DefaultAgentCardResolver,
  JsonRpcTransportFactory,
} from '@a2a-js/sdk/client'
import { type Client, runWorker, type SkillOffer, TaskFailure, uploadStream } from '../../clients/ts/index.ts'
import type { A2aRemoteConfig } from '../config/options.ts'
import type { Logger } from '../log/logger.ts'
import type { A2aPart, A2aTask } from './a2a-types.ts'
import { fromA2aParts, toA2aParts } from './parts-map.ts'
import { createSupervisor, sleep } from './supervisor.ts'

const MIN_BACKOFF_MS = 1000
const MAX_BACKOFF_MS = 60_000
const SKILL_ID = /^[a-z0-9]+(?:-[a-z0-9]+)*$/
const MAX_TURNS = 20

export function remoteSkillId(name: string, skill: string): string | undefined {
  const id = `${name}-${skill.toLowerCase().replace(/[\s_./:]+/g, '-')}`
  return id.length <= 63 && SKILL_ID.test(id) ? id : undefined
}

export function createRemoteAgents(c: { client: Client; logger: Logger }) {
  const supervisor = createSupervisor<A2aRemoteConfig>((remote, signal) => serveRemote(remote, signal))
  const upload = (bytes: Buffer, name: string, mediaType: string) =>
    uploadStream(c.client, [bytes], { name, mediaType, size: bytes.length })

  async function connect(remote: A2aRemoteConfig): Promise<{ a2a: A2aClient; card: AgentCard }> {
    const fetchImpl: typeof fetch = (input, init) => {
      const headers = new Headers(init?.headers)
      if (remote.token !== '') headers.set('authorization', `Bearer ${remote.token}`)
      return fetch(input, { ...init, headers })
    }
    const factory = new ClientFactory(
      ClientFactoryOptions.createFrom(ClientFactoryOptions.default, {
        transports: [new JsonRpcTransportFactory({ fetchImpl, legacyCompat: { enabled: true } })],
        cardResolver: new DefaultAgentCardResolver({ fetchImpl, legacyCompat: { enabled: true } }),
      }),
    )
    const a2a = await factory.createFromUrl(remote.url, '')
    const card = await a2a.getAgentCard()
    if (card.skills.length === 0) throw new Error('the remote agent card lists no skills')
    return { a2a, card }
  }

  async function serveRemote(remote: A2aRemoteConfig, signal: AbortSignal): Promise<void> {
    const log = c.logger.child({ remote: remote.name })
    let backoff = MIN_BACKOFF_MS
    while (!signal.aborted) {
      try {
        const { a2a, card } = await connect(remote)
        backoff = MIN_BACKOFF_MS
        const skills = new Map<string, string>()
        const offers: SkillOffer[] = []
        for (const s of card.skills) {
          const id = remoteSkillId(remote.name, s.id)
          if (id == null) {
            log.warn({ skill: s.id }, 'remote skill skipped: its id makes no valid skill id')
            continue
          }
          skills.set(id, s.id)
          offers.push({
            id,
            name: `${card.name}: ${s.name || s.id}`.slice(0, 256),
            description: (s.description || `A2A skill ${s.id} of ${card.name}`).slice(0, 500),
            tags: ['a2a-bridge'],
          })
        }
        const streaming = card.capabilities?.streaming === true
        log.info({ skills: [...skills.keys()], streaming }, 'remote A2A agent served as skills')
        await runWorker(
          c.client,
          offers,
          (ctx) => forward(a2a, streaming, skills.get(ctx.task.skill) ?? '', ctx),
          { signal, concurrency: 4, reconnect: false, onStatus: () => {} },
        )
      } catch (err) {
        if (signal.aborted) break
        log.warn({ err: (err as Error).message, retryInMs: backoff }, 'remote A2A agent unavailable')
      }
      if (signal.aborted) break
      await sleep(backoff, signal)
      backoff = Math.min(backoff * 2, MAX_BACKOFF_MS)
    }
  }

  /** A direct reply (a message, no task) is the output. */
  const replyParts = async (parts: A2aPart[] | undefined) =>
    parts != null && parts.length > 0 ? fromA2aParts(parts, upload) : []

  /** One mesh task as one remote A2A task (several messages when it asks for input). */
  async function forward(
    a2a: A2aClient,
    streaming: boolean,
    remoteSkill: string,
    ctx: Parameters<Parameters<typeof runWorker>[2]>[0],
  ) {
    let parts: A2aPart[] = toA2aParts(ctx.task.input)
    let taskId: string | undefined
    let contextId = ctx.task.contextId !== '' ? ctx.task.contextId : undefined
    const cancelRemote = () => {
      if (taskId != null)
        void a2a.cancelTask({ tenant: '', id: taskId, metadata: undefined }).catch(() => undefined)
    }
    ctx.signal.addEventListener('abort', cancelRemote, { once: true })
    try {
      for (let turn = 0; turn < MAX_TURNS; turn++) {
        const request = SendMessageRequest.fromJSON({
          message: {
            messageId: `${ctx.task.id}-${turn}`,
            role: 'ROLE_USER',
            parts,
            ...(taskId != null ? { taskId } : {}),
            ...(contextId != null ? { contextId } : {}),
            metadata: { skill: remoteSkill },
          },
        })
        let task: A2aTask | undefined
        if (streaming) {
          for await (const event of a2a.sendMessageStream(request, { signal: ctx.signal })) {
            const e = StreamResponse.toJSON(event) as {
              task?: A2aTask
              message?: { parts?: A2aPart[] }
              statusUpdate?: { taskId: string }
              artifactUpdate?: { taskId: string; artifact: { parts?: A2aPart[] } }
            }
            if (e.message != null) return replyParts(e.message.parts)
            taskId ??= e.task?.id ?? e.statusUpdate?.taskId ?? e.artifactUpdate?.taskId
            const chunk = e.artifactUpdate?.artifact.parts
            if (chunk != null && chunk.length > 0) await ctx.chunk(await fromA2aParts(chunk, upload))
          }
          if (taskId == null) throw new TaskFailure('REMOTE_PROTOCOL', 'the remote stream carried no task')
          task = SdkTask.toJSON(
            await a2a.getTask({ tenant: '', id: taskId, historyLength: undefined }),
          ) as A2aTask
        } else {
          const result = await a2a.sendMessage(request, { signal: ctx.signal })
          if ('messageId' in result)
            return replyParts((Message.toJSON(result) as { parts?: A2aPart[] }).parts)
          task = SdkTask.toJSON(result) as A2aTask
        }
        taskId = task.id
        contextId = task.contextId
        const state = task.status.state
        const said = (task.status.message?.parts ?? []).map((p) => p.text ?? '').join('\n')
        if (state === 'TASK_STATE_INPUT_REQUIRED') {
          const answer = await ctx.askInput(
            await fromA2aParts(task.status.message?.parts ?? [{ text: '?' }], upload),
          )
          parts = toA2aParts(answer)
          continue
        }
        if (state === 'TASK_STATE_COMPLETED') {
          const out = (task.artifacts ?? []).flatMap((a) => a.parts)
          return out.length > 0 ? fromA2aParts(out, upload) : []
        }
        throw new TaskFailure(
          `REMOTE_${state.replace('TASK_STATE_', '')}`,
          said || `the remote task ended ${state}`,
        )
      }
      throw new TaskFailure('REMOTE_TOO_MANY_TURNS', `more than ${MAX_TURNS} input requests`)
    } finally {
      ctx.signal.removeEventListener('abort', cancelRemote)
    }
  }

  return {
    /** Starts, stops and restarts remotes so that exactly `remotes` are served (at start and on reload). */
    reconcile: (remotes: A2aRemoteConfig[]) => supervisor.reconcile(remotes),
    stop: () => supervisor.stop(),
  }
}

export type RemoteAgents = ReturnType<typeof createRemoteAgents>
