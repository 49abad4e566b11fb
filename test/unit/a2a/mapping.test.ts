// The gateway's pure mappings: A2A parts <-> ours, 0.3 <-> 1.0 shapes, moltmesh errors -> JSON-RPC.

import { describe, expect, it } from 'vitest'
import { type Part, TaskState } from '../../../clients/ts/gen/moltmesh/v1/types.ts'
import { acceptsOurOutput } from '../../../daemon/a2a/card-map.ts'
import { A2aRpcError, RPC, toRpcError } from '../../../daemon/a2a/json-rpc-errors.ts'
import { fromA2aParts, toA2aParts } from '../../../daemon/a2a/parts-map.ts'
import { toA2aTask } from '../../../daemon/a2a/task-map.ts'
import { paramsIn, resultOut, streamEventOut } from '../../../daemon/a2a/v03-compat.ts'
import { skillIdOf } from '../../../daemon/mcp-bridge/mcp-bridge.ts'

const noUpload = async () => {
  throw new Error('no upload expected')
}

const part = (p: Partial<Part>): Part => ({ mediaType: '', metadata: {}, ...p }) as Part

describe('A2A parts', () => {
  it('maps text, data and url parts both ways', async () => {
    const ours = await fromA2aParts(
      [{ text: 'hi' }, { data: { n: 1 } }, { url: 'https://example.org/f.txt', filename: 'f.txt' }],
      noUpload,
    )
    expect(ours[0]).toMatchObject({ text: 'hi' })
    expect(ours[1]).toMatchObject({ dataJson: '{"n":1}', mediaType: 'application/json' })
    expect(ours[2]?.metadata).toMatchObject({ 'a2a.url': 'https://example.org/f.txt' })
    const back = toA2aParts(ours.map((p) => part(p as Partial<Part>)))
    expect(back[0]).toMatchObject({ text: 'hi' })
    expect(back[1]).toMatchObject({ data: { n: 1 } })
    expect(back[2]).toMatchObject({ url: 'https://example.org/f.txt', filename: 'f.txt' })
  })

  it('uploads file bytes as an artifact', async () => {
    const uploads: string[] = []
    const ours = await fromA2aParts(
      [{ raw: Buffer.from('abc').toString('base64'), filename: 'a.txt', mediaType: 'text/plain' }],
      async (bytes, name, mediaType) => {
        uploads.push(`${name}:${mediaType}:${bytes.toString()}`)
        return { cid: 'bafk', size: 3, mediaType, name, inlineData: Buffer.from('abc'), holderDid: '' }
      },
    )
    expect(uploads).toEqual(['a.txt:text/plain:abc'])
    expect(ours[0]?.artifact?.cid).toBe('bafk')
  })

  it('refuses empty and content-free parts with invalid params', async () => {
    await expect(fromA2aParts([], noUpload)).rejects.toMatchObject({ code: RPC.INVALID_PARAMS })
    await expect(fromA2aParts([{ metadata: {} }], noUpload)).rejects.toMatchObject({
      code: RPC.INVALID_PARAMS,
    })
    await expect(fromA2aParts('nope', noUpload)).rejects.toBeInstanceOf(A2aRpcError)
  })
})

describe('A2A 0.3 compatibility', () => {
  it('translates 0.3 requests in', () => {
    const p = paramsIn('message/send', {
      message: {
        kind: 'message',
        messageId: 'm',
        role: 'user',
        parts: [
          { kind: 'text', text: 'hi' },
          { kind: 'file', file: { bytes: 'YWJj', mimeType: 'text/plain', name: 'a' } },
        ],
      },
      configuration: { blocking: false },
    })
    expect(p.message).toMatchObject({
      role: 'ROLE_USER',
      parts: [{ text: 'hi' }, { raw: 'YWJj', mediaType: 'text/plain', filename: 'a' }],
    })
    expect(p.configuration).toMatchObject({ returnImmediately: true })
    expect(paramsIn('tasks/pushNotificationConfig/get', { id: 't', pushNotificationConfigId: 'c' })).toEqual({
      taskId: 't',
      id: 'c',
    })
  })

  it('translates 1.0 results out', () => {
    const task = toA2aTask({
      id: 'task_1',
      contextId: 'ctx',
      state: TaskState.TASK_STATE_INPUT_REQUIRED,
      statusMessage: [part({ text: 'why?' })],
      input: [part({ text: 'q' })],
      output: [],
      updatedAtMs: 1,
      lastSequence: 2,
      skill: 's',
      assignee: 'a',
      requester: 'r',
    } as never)
    const out = resultOut('tasks/get', task) as Record<string, unknown>
    expect(out).toMatchObject({ kind: 'task', status: { state: 'input-required' } })
    expect((out.status as { message: unknown }).message).toMatchObject({
      kind: 'message',
      role: 'agent',
      parts: [{ kind: 'text', text: 'why?' }],
    })
    const update = streamEventOut({
      statusUpdate: { taskId: 't', contextId: 'c', status: { state: 'TASK_STATE_COMPLETED' } },
    })
    expect(update).toMatchObject({ kind: 'status-update', final: true, status: { state: 'completed' } })
  })
})

describe('errors and ids', () => {
  it('maps moltmesh reasons and gRPC codes to A2A error codes, keeping the reason', () => {
    expect(toRpcError({ reason: 'TASK_NOT_FOUND', code: 5, details: 'gone' })).toMatchObject({
      code: RPC.TASK_NOT_FOUND,
      message: 'gone',
      data: { reason: 'TASK_NOT_FOUND' },
    })
    expect(toRpcError({ reason: 'TASK_TERMINAL', code: 9 }).code).toBe(RPC.TASK_NOT_CANCELABLE)
    expect(toRpcError({ reason: 'INVALID_INPUT', code: 3 }).code).toBe(RPC.INVALID_PARAMS)
    expect(toRpcError(new Error('boom'))).toMatchObject({ code: RPC.INTERNAL, data: { reason: 'INTERNAL' } })
  })

  it('turns MCP tool names into skill ids, or refuses them', () => {
    expect(skillIdOf('ev', 'get_sum')).toBe('ev-get-sum')
    expect(skillIdOf('ev', 'Read.File')).toBe('ev-read-file')
    expect(skillIdOf('ev', 'weird!name')).toBeUndefined()
    expect(skillIdOf('ev', 'x'.repeat(70))).toBeUndefined()
  })
})

describe('accepted output modes', () => {
  it('takes an empty list, one of our modes or a wildcard covering one; refuses the rest', () => {
    expect(acceptsOurOutput(undefined)).toBe(true)
    expect(acceptsOurOutput([])).toBe(true)
    expect(acceptsOurOutput(['image/png', 'text/plain; charset=utf-8'])).toBe(true)
    expect(acceptsOurOutput(['*/*'])).toBe(true)
    expect(acceptsOurOutput(['application/*'])).toBe(true)
    expect(acceptsOurOutput(['image/png'])).toBe(false)
    expect(acceptsOurOutput(['image/*', 42])).toBe(false)
  })
})
