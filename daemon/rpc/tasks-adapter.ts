// Task RPCs of A2ANode (requester and worker sides): proto <-> task records, nothing else.

import type { A2ANodeService, SubscribeTasksResponse } from '../../clients/ts/gen/moltmesh/v1/a2a.ts'
import { type Task, type TaskEvent, TaskEventKind, TaskRole } from '../../clients/ts/gen/moltmesh/v1/types.ts'
import { normalizeCapability } from '../cards/capability.ts'
import type { LocalSkill } from '../cards/local-card.ts'
import { bareSkill } from '../cards/served-skills.ts'
import { invalidArgument } from '../errors/moltmesh-error.ts'
import { decodeParts } from '../tasks/parts-codec.ts'
import type { TaskEventRecord, TaskRecord } from '../tasks/records.ts'
import type { StreamItem } from '../tasks/streams.ts'
import type { TasksService } from '../tasks/tasks.ts'
import { localSkillOf } from './cards-adapter.ts'
import {
  apiParts,
  apiPaymentQuote,
  apiTaskEventKind,
  apiTaskState,
  wireParts,
  wirePaymentQuote,
  wireTaskEventKind,
  wireTaskState,
} from './convert.ts'
import type { ServiceHandlers } from './service-types.ts'

export function taskProto(t: TaskRecord): Task {
  return {
    id: t.id,
    requester: t.requester,
    assignee: t.assignee,
    skill: t.skill,
    input: apiParts(decodeParts(t.input)),
    output: apiParts(decodeParts(t.output)),
    state: apiTaskState(t.state),
    role: t.role === 'requester' ? TaskRole.TASK_ROLE_REQUESTER : TaskRole.TASK_ROLE_ASSIGNEE,
    idempotencyKey: t.idempotencyKey,
    metadata: t.metadata,
    maxPrice: t.maxPrice,
    price: t.price,
    statusMessage: apiParts(decodeParts(t.statusMessage)),
    error:
      t.error != null
        ? {
            reason: t.error.reason,
            message: t.error.message,
            quote: t.error.quote === undefined ? undefined : apiPaymentQuote(t.error.quote),
          }
        : undefined,
    createdAtMs: t.createdAtMs,
    updatedAtMs: t.updatedAtMs,
    deadlineMs: t.deadlineMs,
    lastSequence: t.lastSequence,
    contextId: t.contextId,
    attempts: t.attempts,
  }
}

/** A STATUS event carries the task as it was after that change (state, error, question). */
function eventProto(task: TaskRecord, e: TaskEventRecord): TaskEvent {
  const status = e.kind === TaskEventKind.TASK_EVENT_KIND_STATUS
  return {
    taskId: e.taskId,
    sequence: e.sequence,
    kind: apiTaskEventKind(e.kind),
    task: status
      ? {
          ...taskProto(task),
          state: apiTaskState(e.state ?? task.state),
          error: e.error != null ? { reason: e.error.reason, message: e.error.message } : undefined,
          statusMessage: apiParts(decodeParts(e.parts)),
        }
      : undefined,
    parts: status ? [] : apiParts(decodeParts(e.parts)),
    progress: e.progress,
    note: e.note,
    createdAtMs: e.createdAtMs,
  }
}

/** The stream's first item is the current task as a STATUS event with sequence 0. */
function streamItemProto(item: StreamItem): TaskEvent {
  if (item.event != null) return eventProto(item.task, item.event)
  return {
    taskId: item.task.id,
    sequence: 0,
    kind: TaskEventKind.TASK_EVENT_KIND_STATUS,
    task: taskProto(item.task),
    parts: [],
    progress: 0,
    note: 'current',
    createdAtMs: item.task.updatedAtMs,
  }
}

function roleOf(role: TaskRole): TaskRecord['role'] | undefined {
  if (role === TaskRole.TASK_ROLE_REQUESTER) return 'requester'
  if (role === TaskRole.TASK_ROLE_ASSIGNEE) return 'assignee'
  if (role === TaskRole.TASK_ROLE_UNSPECIFIED) return undefined
  throw invalidArgument('INVALID_ARGUMENT', `unknown task role ${role}`)
}

/** Offers skills on the local card while a worker serves them (CardsService.serve). */
export type ServeSkills = (skills: LocalSkill[]) => Promise<() => Promise<void>>

export function tasksAdapter(tasks: TasksService, serve: ServeSkills) {
  return {
    async createTask(req) {
      if (req.payment != null && req.payment.quote == null)
        throw invalidArgument('PAYMENT_INVALID', 'payment needs the quote from the refusal (error.quote)')
      const { task, existing } = await tasks.create({
        to: req.to,
        capability: req.capability,
        skill: req.skill,
        input: wireParts(req.input),
        idempotencyKey: req.idempotencyKey,
        timeoutMs: req.timeoutMs,
        maxPrice: req.maxPrice,
        metadata: req.metadata,
        contextId: req.contextId,
        payment: req.payment?.quote === undefined ? undefined : wirePaymentQuote(req.payment.quote),
      })
      return { task: taskProto(task), existing }
    },
    async getTask(req) {
      return { task: taskProto(await tasks.get(req.id)) }
    },
    async listTasks(req) {
      const page = await tasks.list({
        role: roleOf(req.role),
        states: req.states.map(wireTaskState),
        peer: req.peer,
        skill: req.skill,
        pageSize: req.pageSize,
        pageToken: req.pageToken,
      })
      return { tasks: page.tasks.map(taskProto), nextPageToken: page.nextPageToken }
    },
    async cancelTask(req) {
      return { task: taskProto(await tasks.cancel(req.id, req.reason)) }
    },
    async waitTask(req, ctx) {
      const { task, timedOut } = await tasks.wait(req.id, req.timeoutMs, ctx.signal)
      return { task: taskProto(task), timedOut }
    },
    async sendTaskInput(req) {
      return { task: taskProto(await tasks.sendInput(req.id, wireParts(req.input))) }
    },
    async *subscribeTaskEvents(req, ctx) {
      for await (const item of tasks.events(req.id, req.afterSequence, ctx.signal))
        yield { event: streamItemProto(item) }
    },
    async *subscribeTasks(req, ctx): AsyncGenerator<SubscribeTasksResponse> {
      const unclaimed = { leaseToken: '', leaseExpiresAtMs: 0 }
      // Every skill the worker names is served: described by its offer, else bare (public, free).
      // Offering checks the skills (INVALID_CARD) before anything is served.
      const offers = new Map(req.offers.map((o) => [o.id, localSkillOf(o)]))
      const ids = [...new Set([...req.skills, ...offers.keys()])]
      const withdraw =
        ids.length > 0 && !req.declaredOnly
          ? await serve(ids.map((id) => offers.get(id) ?? bareSkill(id)))
          : undefined
      try {
        // Ids as the card has them (a full capability key names the same skill as its short form).
        const skills = ids.map((id) => {
          try {
            return normalizeCapability(id)
          } catch (err) {
            throw invalidArgument('INVALID_ARGUMENT', `skill "${id}": ${(err as Error).message}`)
          }
        })
        const wanted = req.skills.length === 0 ? [] : skills
        if (!req.claim) {
          if (req.leaseMs !== 0 || req.maxClaimed !== 0)
            throw invalidArgument('INVALID_ARGUMENT', 'lease_ms and max_claimed apply only with claim')
          yield unclaimed // the subscription is active and its skills are on the card
          for await (const task of tasks.waiting(wanted, ctx.signal))
            yield { task: taskProto(task), ...unclaimed }
          return
        }
        // Checks the options before the subscription is confirmed.
        const claimed = tasks.claimedOffers(
          wanted,
          { leaseMs: req.leaseMs, maxClaimed: req.maxClaimed },
          ctx.signal,
        )
        yield unclaimed
        for await (const task of claimed)
          yield {
            task: taskProto(task),
            leaseToken: task.lease?.token ?? '',
            leaseExpiresAtMs: task.lease?.expiresAtMs ?? 0,
          }
      } finally {
        await withdraw?.()
      }
    },
    async claimTask(req) {
      const task = await tasks.claim(req.id, req.leaseMs)
      return {
        task: taskProto(task),
        leaseToken: task.lease?.token ?? '',
        leaseExpiresAtMs: task.lease?.expiresAtMs ?? 0,
      }
    },
    async renewLease(req) {
      const task = await tasks.renew(req.id, req.leaseToken, req.leaseMs)
      return { leaseExpiresAtMs: task.lease?.expiresAtMs ?? 0 }
    },
    async updateTask(req) {
      return {
        task: taskProto(
          await tasks.update(req.id, req.leaseToken, wireTaskState(req.state), wireParts(req.message)),
        ),
      }
    },
    async publishTaskEvent(req) {
      const sequence = await tasks.publish(req.id, req.leaseToken, {
        kind: wireTaskEventKind(req.kind),
        parts: wireParts(req.parts),
        progress: req.progress,
        note: req.note,
      })
      return { sequence }
    },
    async completeTask(req) {
      return { task: taskProto(await tasks.complete(req.id, req.leaseToken, wireParts(req.output))) }
    },
    async failTask(req) {
      const error = { reason: req.error?.reason ?? '', message: req.error?.message ?? '' }
      return { task: taskProto(await tasks.fail(req.id, req.leaseToken, error)) }
    },
    async rejectTask(req) {
      return { task: taskProto(await tasks.reject(req.id, req.leaseToken, req.reason)) }
    },
  } satisfies ServiceHandlers<typeof A2ANodeService>
}
