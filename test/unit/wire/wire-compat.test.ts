// The daemon-to-daemon protocol owns its messages (proto/moltmesh/wire, issue 18): it imports nothing
// from the public API, and splitting them off kept the bytes. wire-before-split.binpb is the wire
// protos as they were when they still imported moltmesh/v1 (built with `buf build --path
// moltmesh/wire --exclude-source-info` at commit d62fb9a); every field reachable from the old frames
// must still be there with the same number, kind and type, and a frame encoded with the old
// definitions decodes to the same values with today's generated code and re-encodes to the same bytes.
// (Later changes are held to the wire rules by `buf breaking`: test/unit/proto-breaking.test.ts.)
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  create,
  createFileRegistry,
  type DescField,
  type DescMessage,
  type FileRegistry,
  fromBinary,
  toBinary,
} from '@bufbuild/protobuf'
import { FileDescriptorSetSchema } from '@bufbuild/protobuf/wkt'
import { afterAll, describe, expect, it } from 'vitest'
import { MessageBody, MessagingFrame } from '../../../daemon/wire/gen/moltmesh/wire/v1/messaging.ts'
import { TaskEventKind, TaskState } from '../../../daemon/wire/gen/moltmesh/wire/v1/tasks.ts'
import { REPO_ROOT } from '../../harness/paths.ts'

const WIRE_DIR = join(REPO_ROOT, 'proto', 'moltmesh', 'wire', 'v1')
const PKG = 'moltmesh.wire.v1'

function registry(bytes: Uint8Array): FileRegistry {
  return createFileRegistry(fromBinary(FileDescriptorSetSchema, bytes))
}

const tmp = mkdtempSync(join(tmpdir(), 'mm-wire-compat-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

const before = registry(readFileSync(join(import.meta.dirname, 'wire-before-split.binpb')))
const now = (() => {
  const out = join(tmp, 'wire.binpb')
  const run = spawnSync(
    join(REPO_ROOT, 'node_modules', '.bin', 'buf'),
    ['build', '.', '--path', 'moltmesh/wire', '--exclude-source-info', '-o', out],
    { cwd: join(REPO_ROOT, 'proto'), encoding: 'utf8' },
  )
  if (run.status !== 0) throw new Error(`buf build failed: ${run.stderr}`)
  return registry(readFileSync(out))
})()

/** Differences that would change the bytes: old field -> new field, followed into message types. */
function incompatibilities(old: DescMessage, cur: DescMessage, seen = new Set<string>()): string[] {
  const key = `${old.typeName}->${cur.typeName}`
  if (seen.has(key)) return []
  seen.add(key)
  const problems: string[] = []
  for (const f of old.fields) {
    const g = cur.fields.find((x) => x.number === f.number)
    const where = `${old.typeName}.${f.name} (${f.number})`
    if (g == null) {
      problems.push(`${where}: gone`)
      continue
    }
    problems.push(...fieldIncompatibilities(where, f, g, seen))
  }
  return problems
}

function fieldIncompatibilities(where: string, f: DescField, g: DescField, seen: Set<string>): string[] {
  if (f.fieldKind !== g.fieldKind) return [`${where}: ${f.fieldKind} became ${g.fieldKind}`]
  if ((f.oneof == null) !== (g.oneof == null)) return [`${where}: moved in or out of a oneof`]
  const inner = (a: DescField, b: DescField): string[] => {
    if (a.scalar !== b.scalar) return [`${where}: scalar type ${a.scalar} became ${b.scalar}`]
    if (a.message != null && b.message != null) return incompatibilities(a.message, b.message, seen)
    if (a.enum != null && b.enum != null) {
      const numbers = new Set(b.enum.values.map((v) => v.number))
      const lost = a.enum.values.filter((v) => !numbers.has(v.number)).map((v) => v.name)
      return lost.length > 0 ? [`${where}: enum values gone: ${lost.join(', ')}`] : []
    }
    if ((a.message == null) !== (b.message == null) || (a.enum == null) !== (b.enum == null))
      return [`${where}: element type changed`]
    return []
  }
  if (f.fieldKind === 'map' && g.fieldKind === 'map') {
    if (f.mapKey !== g.mapKey) return [`${where}: map key ${f.mapKey} became ${g.mapKey}`]
    if (f.mapKind !== g.mapKind) return [`${where}: map value kind ${f.mapKind} became ${g.mapKind}`]
  }
  if (f.fieldKind === 'list' && g.fieldKind === 'list' && f.listKind !== g.listKind)
    return [`${where}: list of ${f.listKind} became list of ${g.listKind}`]
  return inner(f, g)
}

describe('wire protocol messages', () => {
  it('import nothing from the public API', () => {
    const files = readdirSync(WIRE_DIR).filter((f) => f.endsWith('.proto'))
    expect(files.length).toBeGreaterThan(4)
    for (const f of files) {
      const text = readFileSync(join(WIRE_DIR, f), 'utf8').replace(/\/\/.*$/gm, '') // comments may name it
      expect(text, f).not.toMatch(/^\s*import\s+"moltmesh\/v1\//m)
      expect(text, f).not.toMatch(/\bmoltmesh\.v1\./)
    }
    // The old set did import it: the fixture is the pre-split protocol.
    expect(before.getMessage('moltmesh.v1.Part')).toBeDefined()
    expect(now.getMessage('moltmesh.v1.Part')).toBeUndefined()
  })

  it('keep every field of the pre-split frames, with the same number and type', () => {
    const roots = ['MessagingFrame', 'MessageBody', 'TaskFrame', 'NetSyncFrame', 'BlobFrame', 'TopicMessage']
    for (const name of roots) {
      const old = before.getMessage(`${PKG}.${name}`)
      const cur = now.getMessage(`${PKG}.${name}`)
      expect(old, name).toBeDefined()
      expect(cur, name).toBeDefined()
      expect(incompatibilities(old!, cur!), name).toEqual([])
    }
  })

  it('the comparison notices a changed type (it can fail)', () => {
    // Part.raw (bytes) against Part.text (string), through a pretend message holding each.
    const oldPart = before.getMessage('moltmesh.v1.Part')!
    const curPart = now.getMessage(`${PKG}.Part`)!
    const swapped = {
      ...curPart,
      fields: curPart.fields.map((f) => (f.number === 1 ? curPart.fields[2]! : f)),
    }
    const found = incompatibilities(oldPart, swapped as DescMessage)
    expect(found.join('\n')).toMatch(/Part\.text \(1\)/)
  })

  it('decode a frame encoded by the old definitions to the same values, and re-encode it byte for byte', () => {
    const OldBody = before.getMessage(`${PKG}.MessageBody`)!
    const part = (content: { case: string; value: unknown }, mediaType = '') =>
      ({ content, mediaType, metadata: { k: 'v' } }) as never
    const quote = {
      price: '2.5',
      nonce: 'n1',
      expiresAtMs: 1_700_000_000_000n,
      providerDid: 'did:p',
      signature: 's',
    }
    const oldBody = create(OldBody, {
      parts: [
        part({ case: 'text', value: 'hello' }, 'text/plain'),
        part({ case: 'dataJson', value: '{"a":1}' }),
        part({ case: 'raw', value: new Uint8Array([0, 1, 255]) }),
        part({
          case: 'artifact',
          value: {
            cid: 'bafkreiabc',
            size: 3n,
            mediaType: 'x/y',
            name: 'f',
            inlineData: new Uint8Array([7]),
            holderDid: 'did:h',
          },
        }),
      ],
      contextId: 'ctx',
      threadId: 'th',
      replyTo: 'r',
      task: {
        frame: {
          case: 'update',
          value: {
            taskId: 'task_1',
            sequence: 4n,
            kind: 1,
            state: 6,
            progress: 0.5,
            note: 'n',
            error: { reason: 'CREDIT_LIMIT_EXCEEDED', message: 'm', quote },
            output: [part({ case: 'text', value: 'out' })],
            price: '2.5',
            attempts: 2,
            createdAtMs: 5n,
            receipt: {
              taskId: 'task_1',
              requester: 'did:r',
              provider: 'did:p',
              skill: 'sk',
              price: '2.5',
              resultHash: 'ab',
              issuedAtMs: 6n,
              providerSignature: 'ps',
              requesterSignature: '',
              status: 'pending',
            },
          },
        },
      } as never,
    })
    const oldBytes = toBinary(OldBody, oldBody)
    const decoded = MessageBody.decode(oldBytes)
    expect(decoded.parts.map((p) => [p.text, p.dataJson, p.raw && [...p.raw], p.artifact?.cid])).toEqual([
      ['hello', undefined, undefined, undefined],
      [undefined, '{"a":1}', undefined, undefined],
      [undefined, undefined, [0, 1, 255], undefined],
      [undefined, undefined, undefined, 'bafkreiabc'],
    ])
    expect(decoded.parts[3]?.artifact).toMatchObject({ size: 3, holderDid: 'did:h', name: 'f' })
    const update = decoded.task?.update
    expect(update?.kind).toBe(TaskEventKind.TASK_EVENT_KIND_STATUS)
    expect(update?.state).toBe(TaskState.TASK_STATE_FAILED)
    expect(update?.error?.quote).toMatchObject({ price: '2.5', nonce: 'n1', expiresAtMs: 1_700_000_000_000 })
    expect(update?.receipt).toMatchObject({ taskId: 'task_1', issuedAtMs: 6, status: 'pending' })
    expect(Buffer.from(MessageBody.encode(decoded).finish())).toEqual(Buffer.from(oldBytes))

    // And the other way: today's envelope frame carrying that body reads back with the old definitions.
    const frame = MessagingFrame.encode({
      envelope: {
        id: 'm1',
        from: 'did:a',
        to: 'did:b',
        createdAtMs: 1,
        expiresAtMs: 2,
        body: Buffer.from(oldBytes),
        signature: Buffer.from([9]),
      },
    }).finish()
    const OldFrame = before.getMessage(`${PKG}.MessagingFrame`)!
    const back = fromBinary(OldFrame, frame) as unknown as {
      frame: { case: string; value: { body: Uint8Array } }
    }
    expect(back.frame.case).toBe('envelope')
    expect(Buffer.from(back.frame.value.body)).toEqual(Buffer.from(oldBytes))
  })
})
