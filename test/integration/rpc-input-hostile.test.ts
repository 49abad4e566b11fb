// Hostile local API input (issue 15, items 9-12): unbounded intervals and timeouts, int64 values past
// 2^53, negative or non-decimal numbers, a 1 MB value echoed in an error, invalid UTF-8, and a stop
// while a long call is pending. Every case is INVALID_ARGUMENT naming the field (or a capped echo),
// and `stop` ends the process.
import { readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { Client, credentials, type Metadata, type ServiceError } from '@grpc/grpc-js'
import { afterAll, describe, expect, it } from 'vitest'
import { MoltmeshError } from '../../clients/ts/index.ts'
import { useMesh } from '../harness/mesh.ts'
import { callsReached } from '../harness/wait-for.ts'

/** A protobuf varint. */
function varint(n: bigint): number[] {
  const out: number[] = []
  let v = BigInt.asUintN(64, n)
  do {
    let byte = Number(v & 0x7fn)
    v >>= 7n
    if (v > 0n) byte |= 0x80
    out.push(byte)
  } while (v > 0n)
  return out
}
const stringField = (field: number, bytes: number[]) => [
  (field << 3) | 2,
  ...varint(BigInt(bytes.length)),
  ...bytes,
]
const varintField = (field: number, n: bigint) => [field << 3, ...varint(n)]

/** `REASON: message` of the call's failure; throws if it succeeds. */
async function message(p: Promise<unknown>): Promise<string> {
  try {
    await p
  } catch (err) {
    if (err instanceof MoltmeshError) return `${err.reason}: ${err.message}`
    throw err
  }
  throw new Error('expected the call to fail')
}

describe('hostile local API input', () => {
  const mesh = useMesh()
  const raw: Client[] = []
  afterAll(() => {
    for (const c of raw) c.close()
  })

  /** Sends hand-made protobuf bytes; answers `STATUS:REASON message`. */
  function rawCall(socket: string, path: string, bytes: number[]): Promise<string> {
    const client = new Client(`unix:${socket}`, credentials.createInsecure())
    raw.push(client)
    return new Promise((resolve) => {
      client.makeUnaryRequest(
        path,
        (b: Buffer) => b,
        (b: Buffer) => b,
        Buffer.from(bytes),
        (err: ServiceError | null) => {
          const md = err?.metadata as Metadata | undefined
          resolve(err == null ? 'OK' : `${err.code}:${md?.get('moltmesh-reason')[0]} ${err.details}`)
        },
      )
    })
  }

  it('refuses out-of-range, undecodable and non-UTF-8 input naming the field', async () => {
    const [a, b] = await mesh.spawnMany(2)
    if (a == null || b == null) throw new Error('spawn failed')

    // Item 9: an interval of 2^31-1 ms used to park the call (and a stopping daemon) for 24 days.
    expect(await message(a.client.diag.ping({ target: b.did, count: 2, intervalMs: 2147483647 }))).toMatch(
      /^INVALID_ARGUMENT: interval_ms must be at most 60000/,
    )
    expect(await message(a.client.diag.ping({ target: b.did, timeoutMs: 2147483647 }))).toMatch(
      /timeout_ms must be at most/,
    )
    // Item 10: negative and non-decimal values.
    expect(await message(a.client.a2a.claimName({ name: 'neg-ttl', ttlMs: -1 }))).toBe(
      'INVALID_ARGUMENT: ttl_ms must not be negative',
    )
    for (const maxPrice of ['-1', 'abc', '1e9'])
      expect(
        await message(a.client.a2a.createTask({ to: b.did, skill: 'x', input: [{ text: 'x' }], maxPrice })),
      ).toMatch(/^INVALID_ARGUMENT: max_price must be a non-negative decimal amount/)
    // A proper decimal passes.
    const ok = await a.client.a2a.createTask({
      to: b.did,
      skill: 'x',
      input: [{ text: 'x' }],
      maxPrice: '2.5',
    })
    expect(ok.task?.maxPrice).toBe('2.5')
    // An int64 at 2^63-1 no longer fails as INTERNAL "Error deserializing request".
    const claimName = '/moltmesh.v1.A2ANode/ClaimName'
    const big = [...stringField(1, [...Buffer.from('big-ttl')]), ...varintField(2, 2n ** 63n - 1n)]
    expect(await rawCall(a.socket, claimName, big)).toBe(
      '3:INVALID_ARGUMENT ttl_ms is larger than 2^53-1 (9007199254740991)',
    )
    // The same through the SDK (which encodes 2^60 faithfully): the field is named.
    expect(
      await message(
        a.client.a2a.createTask({ to: b.did, skill: 'x', input: [{ text: 'x' }], timeoutMs: 2 ** 60 }),
      ),
    ).toBe('INVALID_ARGUMENT: timeout_ms is larger than 2^53-1 (9007199254740991)')
    // Item 12: invalid UTF-8 is refused, not silently replaced with U+FFFD.
    const broken = stringField(1, [0x61, 0x62, 0xff, 0x63])
    expect(await rawCall(a.socket, claimName, broken)).toBe('3:INVALID_ARGUMENT name is not valid UTF-8')
    // Checked exactly (a fatal UTF-8 decoder on the field's bytes), nested fields named by their path.
    const createTask = '/moltmesh.v1.A2ANode/CreateTask'
    const part = (bytes: number[]) => stringField(4, stringField(1, bytes))
    const nested = [
      ...stringField(1, [...Buffer.from(b.did)]),
      ...part([0x6f, 0x6b]),
      ...part([0x61, 0xc3, 0x28]),
    ]
    expect(await rawCall(a.socket, createTask, nested)).toBe(
      '3:INVALID_ARGUMENT input[1].text is not valid UTF-8',
    )
    // The old check compared U+FFFD counts with EF BF BD sequences in the whole request: a raw bytes
    // part holding EF BF BD hid the invalid text next to it.
    const rawPart = stringField(4, stringField(3, [0xef, 0xbf, 0xbd]))
    const hidden = [...stringField(1, [...Buffer.from(b.did)]), ...rawPart, ...part([0x61, 0xff])]
    expect(await rawCall(a.socket, createTask, hidden)).toBe(
      '3:INVALID_ARGUMENT input[1].text is not valid UTF-8',
    )
    // An overlong encoding ("/" as C0 AF) is invalid too, though every byte of it looks like UTF-8.
    expect(await rawCall(a.socket, claimName, stringField(1, [0x61, 0xc0, 0xaf]))).toBe(
      '3:INVALID_ARGUMENT name is not valid UTF-8',
    )
    // A real U+FFFD in the text is fine (it reaches the name rules, which refuse it for their reasons).
    expect(await rawCall(a.socket, claimName, stringField(1, [...Buffer.from('ab\uFFFDc')]))).toMatch(
      /^3:INVALID_NAME/,
    )
    // Item 11: a 1 MB name is echoed in 80 characters with an ellipsis, so the error reaches the client.
    const huge = await message(a.client.a2a.claimName({ name: 'a'.repeat(1 << 20) }))
    expect(huge).toMatch(/^INVALID_NAME: "a{80}…" is not a valid name/)
    expect(huge.length).toBeLessThan(400)
    // The daemon still serves.
    expect((await a.client.diag.health({})).ok).toBe(true)
  }, 60_000)

  it('stop ends the process even while a long call is pending', async () => {
    const [a, b] = await mesh.spawnMany(2)
    if (a == null || b == null) throw new Error('spawn failed')
    // 100 pings a minute apart: the longest a Ping may now be.
    const pending = a.client.diag.ping({ target: b.did, count: 100, intervalMs: 60_000 }).catch((e) => e)
    await callsReached(a.client) // the Ping is under way
    const exited = new Promise<number | null>((resolve) => a.child?.once('exit', (code) => resolve(code)))
    const t0 = Date.now()
    const stop = await a.cli('stop')
    expect(stop.code, stop.stderr).toBe(0)
    expect(await exited).toBe(0)
    console.log(`daemon exited ${Date.now() - t0} ms after stop with a Ping pending`)
    const result = await pending
    // The pending call ends too: answered with what it had, or cut by the shutdown.
    expect(result).toBeDefined()
  }, 60_000)

  it('limits networks, names and unmet-demand entries (item 14) with clear errors', async () => {
    const d = await mesh.spawn('limits', {
      env: {
        MOLTMESH_NETWORKS_MAX_NETWORKS: '2',
        MOLTMESH_NAMES_MAX_NAMES: '2',
        MOLTMESH_DISCOVERY_MAX_DEMAND_ENTRIES: '3',
        // Alone on the network: name lookups and puts give up quickly.
        MOLTMESH_NAMES_LOOKUP_TIMEOUT_MS: '300',
      },
    })
    for (const name of ['net-one', 'net-two']) await d.client.ext.createNetwork({ name })
    expect(await message(d.client.ext.createNetwork({ name: 'net-three' }))).toMatch(
      /^TOO_MANY_NETWORKS: this agent is in 2 networks, the limit \(networks.max_networks\)/,
    )
    for (const name of ['first-name', 'second-name']) await d.client.a2a.claimName({ name, ttlMs: 60_000 })
    expect(await message(d.client.a2a.claimName({ name: 'third-name' }))).toMatch(/^TOO_MANY_NAMES:/)
    // Renewing a held name is not a new one.
    await d.client.a2a.claimName({ name: 'first-name', ttlMs: 60_000 })
    for (const capability of ['ask-one', 'ask-two', 'ask-three', 'ask-four', 'ask-five']) {
      for await (const _ of d.client.a2a.findAgents({ capability, timeoutMs: 200 })) {
        // nobody offers these
      }
    }
    const demand = (await d.client.a2a.listDemand({})).entries.map((e) => e.capability).sort()
    expect(demand).toEqual(['ask-five', 'ask-four', 'ask-three'])
  }, 60_000)

  it('keeps the database and blobs owner-only (item 15)', async () => {
    const d = await mesh.spawn('perms')
    await d.client.ext.createNetwork({ name: 'some-writes' })
    const mode = (p: string) => statSync(p).mode & 0o777
    for (const dir of ['db', 'blobs', 'blobs/data'])
      expect(mode(join(d.dataDir, dir)).toString(8), dir).toBe('700')
    const files = readdirSync(join(d.dataDir, 'db'))
    expect(files.length).toBeGreaterThan(3)
    for (const f of files) expect(mode(join(d.dataDir, 'db', f)).toString(8), f).toBe('600')
  }, 60_000)
})
