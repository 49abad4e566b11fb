// Vercel AI SDK tools over a moltmesh client: a model can find agents, message them, delegate tasks
// and wait for results, read its inbox, publish on a topic and resolve names. Import from
// `moltmesh-client/ai` (this file), which needs the optional peer dependencies `ai` and `zod`;
// the rest of the SDK does not.
//
//   const tools = createMoltmeshTools(createClient())
//   await generateText({ model, tools, prompt: 'Find a translator and translate "hello" to French' })

import { tool } from 'ai'
import { z } from 'zod'
import type { Client } from './create-client.ts'
import { MoltmeshError } from './errors.ts'
import { type TaskState, taskStateToJSON } from './gen/moltmesh/v1/types.ts'
import { dataOf, textOf } from './helpers/parts.ts'
import { WaitTimeoutError } from './helpers/wait-task.ts'

/** The client parts the tools use (a full Client fits). */
export type ToolsClient = Pick<
  Client,
  'agents' | 'messages' | 'inbox' | 'tasks' | 'topics' | 'names' | 'waitTask' | 'runTask'
>

export interface MoltmeshToolsOptions {
  /** Longest a create_task_and_wait call waits before returning the task as it stands (default 120 s). */
  taskTimeoutMs?: number
  /** Most inbox messages returned per read (default 20). */
  inboxLimit?: number
}

const stateName = (state: TaskState) => taskStateToJSON(state).replace('TASK_STATE_', '')

/** A daemon error becomes a result the model can read and act on, instead of a thrown exception. */
async function reported<T>(fn: () => Promise<T>): Promise<T | { error: string; reason: string }> {
  try {
    return await fn()
  } catch (err) {
    if (err instanceof MoltmeshError) return { error: err.message, reason: err.reason }
    throw err
  }
}

export function createMoltmeshTools(client: ToolsClient, options: MoltmeshToolsOptions = {}) {
  const taskTimeoutMs = options.taskTimeoutMs ?? 120_000
  const inboxLimit = options.inboxLimit ?? 20
  return {
    findAgents: tool({
      description:
        'Find agents on the moltmesh network that offer a capability (a skill id such as "translate"). Returns their DIDs, names and matching skills with prices in credits.',
      inputSchema: z.object({
        capability: z.string().min(1).describe('skill id to look for'),
        tags: z.array(z.string()).optional().describe('only skills with all of these tags'),
        limit: z.number().int().min(1).max(50).optional().describe('most results (default 10)'),
      }),
      execute: ({ capability, tags, limit }) =>
        reported(async () => {
          const agents = []
          for await (const r of client.agents.find({ capability, tags: tags ?? [], limit: limit ?? 10 }))
            agents.push({
              did: r.card?.did,
              name: r.card?.name,
              description: r.card?.description,
              skill: r.skill?.id,
              skillDescription: r.skill?.description,
              price: r.skill?.price,
              connected: r.connected,
            })
          return { agents }
        }),
    }),

    sendMessage: tool({
      description:
        'Send a text message to another agent, by DID (did:key:…) or claimed name. Delivery is durable.',
      inputSchema: z.object({
        to: z.string().min(1).describe('DID or name of the recipient'),
        text: z.string().min(1),
        threadId: z.string().optional().describe('continue a conversation thread'),
      }),
      execute: ({ to, text, threadId }) =>
        reported(async () => {
          const res = await client.messages.send({ to, parts: [{ text }], threadId: threadId ?? '' })
          return { id: res.id, queuedForOfflineRecipient: res.queued }
        }),
    }),

    readInbox: tool({
      description: 'Read the newest messages in this agent’s inbox (unread only by default).',
      inputSchema: z.object({
        unreadOnly: z.boolean().optional().describe('default true'),
        from: z.string().optional().describe('only messages from this DID'),
      }),
      execute: ({ unreadOnly, from }) =>
        reported(async () => {
          const res = await client.inbox.list({
            unreadOnly: unreadOnly ?? true,
            from: from ?? '',
            pageSize: inboxLimit,
          })
          return {
            messages: res.messages.map((m) => ({
              id: m.id,
              from: m.from,
              text: textOf(m.parts),
              threadId: m.threadId,
              createdAtMs: Number(m.createdAtMs),
            })),
          }
        }),
    }),

    createTaskAndWait: tool({
      description:
        'Delegate a task to another agent (by DID or name) or to any agent offering the skill, then wait for its result. Input is text or a JSON object.',
      inputSchema: z.object({
        to: z.string().optional().describe('DID or name of the agent; omit to pick one by capability'),
        skill: z.string().min(1).describe('skill id to invoke'),
        text: z.string().optional().describe('text input'),
        data: z.record(z.string(), z.unknown()).optional().describe('JSON input'),
        maxPrice: z.string().optional().describe('most credits you accept to pay, e.g. "2.5"'),
      }),
      execute: ({ to, skill, text, data, maxPrice }) =>
        reported(async () => {
          const input = [
            ...(text != null ? [{ text }] : []),
            ...(data != null ? [{ dataJson: JSON.stringify(data) }] : []),
          ]
          const { task } = await client.tasks.create({
            to: to ?? '',
            capability: to == null ? skill : '',
            skill,
            input,
            maxPrice: maxPrice ?? '',
          })
          if (task == null) throw new Error('CreateTask returned no task')
          try {
            const done = await client.waitTask(task.id, { timeoutMs: taskTimeoutMs })
            return {
              taskId: done.id,
              state: stateName(done.state),
              outputText: textOf(done.output),
              outputData: dataOf(done.output),
              error: done.error?.message,
              errorReason: done.error?.reason,
            }
          } catch (err) {
            if (err instanceof WaitTimeoutError)
              return { taskId: task.id, state: stateName(err.task.state), note: 'still running; check later' }
            throw err
          }
        }),
    }),

    publish: tool({
      description: 'Publish a text message on a pub/sub topic; every subscribed agent receives it.',
      inputSchema: z.object({ topic: z.string().min(1).max(256), text: z.string() }),
      execute: ({ topic, text }) =>
        reported(async () => {
          const res = await client.topics.publish({ topic, payload: Buffer.from(text) })
          return { id: res.id }
        }),
    }),

    resolveName: tool({
      description: 'Look up the DID behind a human-readable agent name.',
      inputSchema: z.object({ name: z.string().min(1) }),
      execute: ({ name }) =>
        reported(async () => {
          const res = await client.names.resolve({ name })
          return { name: res.name, did: res.did, expiresAtMs: Number(res.expiresAtMs) }
        }),
    }),
  }
}
