// Compact JSON views of daemon objects for a model: snake_case, ISO times, enum names in lower case,
// content parts folded into text / data / attachments, signatures and other plumbing left out.

import {
  formatCredits,
  isTerminalState,
  messageStatusName,
  taskStateName,
  types,
} from '../../clients/ts/index.ts'

export interface Content {
  /** The text parts, joined by newlines. */
  text?: string
  /** The JSON parts, parsed. */
  data?: unknown[]
  /** Binary parts and artifacts, described (never inlined). */
  attachments?: Array<Record<string, unknown>>
}

export function compactParts(parts: types.Part[]): Content {
  const texts: string[] = []
  const data: unknown[] = []
  const attachments: Array<Record<string, unknown>> = []
  for (const p of parts) {
    if (p.text !== undefined) texts.push(p.text)
    else if (p.dataJson !== undefined) data.push(parseJson(p.dataJson))
    else if (p.raw !== undefined)
      attachments.push(omitEmpty({ bytes: p.raw.length, media_type: p.mediaType }))
    else if (p.artifact !== undefined)
      attachments.push(
        omitEmpty({
          artifact_cid: p.artifact.cid,
          name: p.artifact.name,
          size: p.artifact.size,
          media_type: p.artifact.mediaType || p.mediaType,
        }),
      )
  }
  return omitEmpty({
    text: texts.length > 0 ? texts.join('\n') : undefined,
    data: data.length > 0 ? data : undefined,
    attachments: attachments.length > 0 ? attachments : undefined,
  })
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}

export function iso(ms: number): string | undefined {
  return ms > 0 ? new Date(ms).toISOString() : undefined
}

/** TASK_STATE_COMPLETED -> "completed". */
export function stateName(state: types.TaskState): string {
  return taskStateName(state).toLowerCase()
}

export function compactTask(t: types.Task, opts: { input?: boolean } = {}): Record<string, unknown> {
  const requester = t.role === types.TaskRole.TASK_ROLE_REQUESTER
  return omitEmpty({
    id: t.id,
    state: stateName(t.state),
    terminal: isTerminalState(t.state),
    skill: t.skill,
    role: requester ? 'requester' : t.role === types.TaskRole.TASK_ROLE_ASSIGNEE ? 'assignee' : undefined,
    // The counterparty only: this agent's own DID is in node_info.
    assignee: t.role !== types.TaskRole.TASK_ROLE_ASSIGNEE ? t.assignee : undefined,
    requester: requester ? undefined : t.requester,
    input: opts.input === true ? compactParts(t.input) : undefined,
    output: t.output.length > 0 ? compactParts(t.output) : undefined,
    question: t.statusMessage.length > 0 ? compactParts(t.statusMessage) : undefined,
    error:
      t.error != null && t.error.reason !== ''
        ? { reason: t.error.reason, message: t.error.message }
        : undefined,
    price: t.price !== '' && t.price !== '0' ? t.price : undefined,
    context_id: t.contextId,
    created_at: iso(t.createdAtMs),
    updated_at: iso(t.updatedAtMs),
    deadline: iso(t.deadlineMs),
  })
}

export function compactMessage(m: types.Message): Record<string, unknown> {
  return omitEmpty({
    id: m.id,
    from: m.from,
    at: iso(m.deliveredAtMs) ?? iso(m.createdAtMs),
    status: messageStatusName(m.status),
    thread_id: m.threadId,
    context_id: m.contextId,
    reply_to: m.replyTo,
    ...compactParts(m.parts),
  })
}

const VISIBILITY: Record<number, string> = { 1: 'public', 2: 'whitelist', 3: 'private' }

export function compactSkill(s: types.Skill): Record<string, unknown> {
  return omitEmpty({
    id: s.id,
    name: s.name !== s.id ? s.name : undefined,
    description: s.description,
    tags: s.tags.length > 0 ? s.tags : undefined,
    price: s.price !== '' && s.price !== '0' ? formatCredits(s.price) : 'free',
    visibility: s.visibility > 1 ? VISIBILITY[s.visibility] : undefined,
    input_schema: s.inputSchemaJson !== '' ? parseJson(s.inputSchemaJson) : undefined,
  })
}

export function compactCard(c: types.AgentCard): Record<string, unknown> {
  return omitEmpty({
    did: c.did,
    name: c.name,
    claimed_name: c.claimedName,
    description: c.description,
    skills: c.skills.map(compactSkill),
    published_at: iso(c.publishedAtMs),
    expires_at: iso(c.expiresAtMs),
  })
}

export function compactBalance(b: types.Balance): Record<string, unknown> {
  return {
    peer: b.peer,
    balance: b.balance,
    reserved: b.reserved,
    credit_limit: b.creditLimit,
    tasks_completed: b.tasksCompleted,
    tasks_failed: b.tasksFailed,
  }
}

/** Drops undefined and empty-string fields so the model reads only what is set. */
export function omitEmpty<T extends Record<string, unknown>>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== '')) as T
}
