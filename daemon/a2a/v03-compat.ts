// A2A 0.3 <-> 1.0. The gateway works in 1.0 shapes; a request made with a 0.3 method name is
// translated in (parts with `kind`, roles `user`/`agent`) and its result translated out (states in
// kebab case, `kind` on every object, status updates with `final`).

import type {
  A2aMessage,
  A2aPart,
  A2aPushConfig,
  A2aStatus,
  A2aStreamResponse,
  A2aTask,
} from './a2a-types.ts'
import { INTERRUPTED_STATES, TERMINAL_STATES } from './a2a-types.ts'

/** 0.3 method name -> the 1.0 method it is. */
export const V03_METHODS: Record<string, string> = {
  'message/send': 'SendMessage',
  'message/stream': 'SendStreamingMessage',
  'tasks/get': 'GetTask',
  'tasks/list': 'ListTasks',
  'tasks/cancel': 'CancelTask',
  'tasks/resubscribe': 'SubscribeToTask',
  'tasks/pushNotificationConfig/set': 'CreateTaskPushNotificationConfig',
  'tasks/pushNotificationConfig/get': 'GetTaskPushNotificationConfig',
  'tasks/pushNotificationConfig/list': 'ListTaskPushNotificationConfigs',
  'tasks/pushNotificationConfig/delete': 'DeleteTaskPushNotificationConfig',
  'agent/getAuthenticatedExtendedCard': 'GetExtendedAgentCard',
}

type Json = Record<string, unknown>
const obj = (v: unknown): Json => (v != null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {})

function partIn(p: unknown): A2aPart {
  const part = obj(p)
  const metadata = part.metadata as Json | undefined
  if (part.kind === 'data') return { data: part.data, metadata }
  if (part.kind === 'file') {
    const file = obj(part.file)
    const common = {
      mediaType: file.mimeType as string | undefined,
      filename: file.name as string | undefined,
      metadata,
    }
    if (typeof file.bytes === 'string') return { raw: file.bytes, ...common }
    return { url: file.uri as string, ...common }
  }
  return { text: part.text as string, metadata }
}

function messageIn(m: unknown): unknown {
  if (m == null || typeof m !== 'object') return m
  const msg = m as Json
  return {
    ...msg,
    role: msg.role === 'agent' ? 'ROLE_AGENT' : 'ROLE_USER',
    parts: Array.isArray(msg.parts) ? msg.parts.map(partIn) : msg.parts,
  }
}

function pushConfigIn(taskId: unknown, c: unknown): Json {
  const config = obj(c)
  const auth = obj(config.authentication)
  const scheme = Array.isArray(auth.schemes) ? auth.schemes[0] : undefined
  return {
    taskId,
    id: config.id,
    url: config.url,
    token: config.token,
    ...(scheme != null ? { authentication: { scheme, credentials: auth.credentials } } : {}),
  }
}

/** 0.3 params -> 1.0 params of the same request. */
export function paramsIn(method: string, params: Json): Json {
  switch (method) {
    case 'message/send':
    case 'message/stream': {
      const config = obj(params.configuration)
      return {
        ...params,
        message: messageIn(params.message),
        configuration: {
          returnImmediately: config.blocking === false,
          acceptedOutputModes: config.acceptedOutputModes,
          ...(config.pushNotificationConfig != null
            ? { taskPushNotificationConfig: pushConfigIn(undefined, config.pushNotificationConfig) }
            : {}),
        },
      }
    }
    case 'tasks/pushNotificationConfig/set':
      return pushConfigIn(params.taskId, params.pushNotificationConfig)
    case 'tasks/pushNotificationConfig/get':
    case 'tasks/pushNotificationConfig/delete':
      return { taskId: params.id, id: params.pushNotificationConfigId }
    case 'tasks/pushNotificationConfig/list':
      return { taskId: params.id }
    default:
      return params
  }
}

const stateOut = (state: string) =>
  state
    .replace(/^TASK_STATE_/, '')
    .toLowerCase()
    .replace(/_/g, '-')

function partOut(p: A2aPart): Json {
  const metadata = p.metadata != null ? { metadata: p.metadata } : {}
  if (p.text != null) return { kind: 'text', text: p.text, ...metadata }
  if (p.data !== undefined) return { kind: 'data', data: p.data, ...metadata }
  const file: Json = { mimeType: p.mediaType, name: p.filename }
  if (p.raw != null) file.bytes = p.raw
  else file.uri = p.url
  return { kind: 'file', file, ...metadata }
}

function messageOut(m: A2aMessage): Json {
  return {
    ...m,
    kind: 'message',
    role: m.role === 'ROLE_AGENT' ? 'agent' : 'user',
    parts: m.parts.map(partOut),
  }
}

function statusOut(s: A2aStatus): Json {
  return { ...s, state: stateOut(s.state), ...(s.message != null ? { message: messageOut(s.message) } : {}) }
}

export function taskOut(t: A2aTask): Json {
  return {
    ...t,
    kind: 'task',
    status: statusOut(t.status),
    ...(t.artifacts != null
      ? { artifacts: t.artifacts.map((a) => ({ ...a, parts: a.parts.map(partOut) })) }
      : {}),
    ...(t.history != null ? { history: t.history.map(messageOut) } : {}),
  }
}

function pushConfigOut(c: A2aPushConfig): Json {
  return {
    taskId: c.taskId,
    pushNotificationConfig: {
      id: c.id,
      url: c.url,
      token: c.token,
      ...(c.authentication != null
        ? {
            authentication: { schemes: [c.authentication.scheme], credentials: c.authentication.credentials },
          }
        : {}),
    },
  }
}

export function streamEventOut(e: A2aStreamResponse): Json {
  if (e.task != null) return taskOut(e.task)
  if (e.message != null) return messageOut(e.message)
  if (e.statusUpdate != null) {
    const state = e.statusUpdate.status.state
    return {
      kind: 'status-update',
      taskId: e.statusUpdate.taskId,
      contextId: e.statusUpdate.contextId,
      status: statusOut(e.statusUpdate.status),
      final: TERMINAL_STATES.has(state) || INTERRUPTED_STATES.has(state),
    }
  }
  const a = e.artifactUpdate
  if (a == null) return {}
  return {
    kind: 'artifact-update',
    taskId: a.taskId,
    contextId: a.contextId,
    artifact: { ...a.artifact, parts: a.artifact.parts.map(partOut) },
    append: a.append ?? false,
    lastChunk: a.lastChunk ?? false,
  }
}

/** A 1.0 result -> the 0.3 result of the same request. */
export function resultOut(method: string, result: unknown): unknown {
  const r = obj(result)
  switch (method) {
    case 'message/send':
      return r.task != null ? taskOut(r.task as A2aTask) : messageOut(r.message as A2aMessage)
    case 'tasks/get':
    case 'tasks/cancel':
      return taskOut(result as A2aTask)
    case 'tasks/list':
      return { ...r, tasks: ((r.tasks as A2aTask[]) ?? []).map(taskOut) }
    case 'tasks/pushNotificationConfig/set':
    case 'tasks/pushNotificationConfig/get':
      return pushConfigOut(result as A2aPushConfig)
    case 'tasks/pushNotificationConfig/list':
      return ((r.configs as A2aPushConfig[]) ?? []).map(pushConfigOut)
    case 'tasks/pushNotificationConfig/delete':
      return null
    default:
      return result
  }
}
