// The real CLI process against the in-process fake daemon: output format, --json, exit codes.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from '../../harness/run-cli.ts'
import { FAKE_DID, type FakeDaemon, startFakeDaemon } from '../client/fake-daemon.ts'

let fake: FakeDaemon
let emptyDir: string

beforeAll(async () => {
  fake = await startFakeDaemon()
  emptyDir = mkdtempSync(join(tmpdir(), 'mm-cli-'))
})

afterAll(async () => {
  await fake.stop()
  rmSync(emptyDir, { recursive: true, force: true })
})

// The CLI must never fall back to a real daemon of the machine running the tests.
const cli = (...args: string[]) => runCli(['--socket', fake.socket, ...args], { timeoutMs: 20_000 })

/** The column where values start, for every "Label   value" line; one column means aligned. */
const valueColumns = (out: string) =>
  new Set(
    out
      .trimEnd()
      .split('\n')
      .map((line) => /^\S+(?: \S+)* {2,}/.exec(line)?.[0].length)
      .filter((n) => n != null),
  )

describe('moltmesh against a daemon', () => {
  it('health --json prints the response with proto JSON names, defaults included', async () => {
    const res = await cli('health', '--json')
    expect(res.code, res.stderr).toBe(0)
    expect(res.json()).toEqual({
      ok: true,
      version: '9.9.9',
      did: FAKE_DID,
      peerCount: 0,
      uptimeMs: 151_000,
      apiVersion: 'moltmesh.v1',
    })
  })

  it('health prints aligned label/value lines', async () => {
    const res = await cli('health')
    expect(res.code, res.stderr).toBe(0)
    expect(res.stdout).toBe(
      [
        'Version  9.9.9',
        `DID      ${FAKE_DID} (you)`,
        'Peers    0 connected',
        'Uptime   2m 31s',
        'Status   ok',
        '',
      ].join('\n'),
    )
  })

  it('info lists addresses one per line', async () => {
    const res = await cli('info')
    expect(res.code, res.stderr).toBe(0)
    expect(res.stdout).toMatch(
      /^Addresses +\/ip4\/127\.0\.0\.1\/tcp\/4001\n +\/ip4\/127\.0\.0\.1\/udp\/4001\/quic-v1$/m,
    )
    expect(res.stdout).toMatch(/^Peers +14 connected$/m)
    expect(res.stdout).toMatch(/^Uptime +4h 12m 8s$/m)
    expect(res.stdout).toMatch(new RegExp(`^Socket +${fake.socket}$`, 'm'))
    expect(valueColumns(res.stdout).size).toBe(1)
  })

  it('ping prints each try, then reachability and latency', async () => {
    const res = await cli('ping', FAKE_DID, '--count', '2')
    expect(res.code, res.stderr).toBe(0)
    expect(res.stdout).toContain('reply 1: time=38ms\nreply 2: time=39ms\n')
    expect(res.stdout).toMatch(/^Reachable +true$/m)
    expect(res.stdout).toMatch(/^Latency +38ms$/m)
  })

  it('ping of an unreachable peer exits 1 and says so', async () => {
    const res = await cli('ping', 'offline')
    expect(res.code).toBe(1)
    expect(res.stdout).toMatch(/^Reachable +false$/m)
    const json = await cli('ping', 'offline', '--json')
    expect(json.code).toBe(1)
    expect(json.json()).toMatchObject({ reachable: false, error: 'dial timed out' })
  })

  it('a failed RPC prints "error: <message> [<REASON>]" and exits 1', async () => {
    const res = await cli('ping', 'did:key:bad')
    expect(res.code).toBe(1)
    expect(res.stderr).toBe('error: not a did:key: did:key:bad [INVALID_DID]\n')
    expect(res.stdout).toBe('')
    const unimplemented = await cli('metrics')
    expect(unimplemented.code).toBe(1)
    expect(unimplemented.stderr).toMatch(/\[UNIMPLEMENTED\]\n$/)
  })

  it('a bad option value is a usage error before any RPC', async () => {
    const res = await cli('ping', FAKE_DID, '--count', 'many')
    expect(res.code).toBe(1)
    expect(res.stderr).toContain("argument 'many' is invalid")
  })

  it('version shows the CLI and the daemon version', async () => {
    const res = await cli('version', '--json')
    expect(res.code, res.stderr).toBe(0)
    expect(res.json()).toMatchObject({ daemon: { version: '9.9.9', apiVersion: 'moltmesh.v1' } })
  })
})

describe('moltmesh without a daemon', () => {
  it('exits 2 with the not-running message and no stack trace', async () => {
    const socket = join(emptyDir, 'missing.sock')
    for (const args of [['health'], ['info', '--json'], ['ping', FAKE_DID], ['stop']]) {
      const res = await runCli(['--socket', socket, ...args])
      expect(res.code, args.join(' ')).toBe(2)
      expect(res.stderr).toBe(
        `moltmesh daemon is not running (no socket at ${socket}) — start it with \`moltmesh start\`\n`,
      )
      expect(res.stdout).toBe('')
    }
  })

  it('version still works', async () => {
    const res = await runCli(['version', '--socket', join(emptyDir, 'missing.sock')])
    expect(res.code).toBe(0)
    expect(res.stdout).toMatch(/^CLI +\d+\.\d+\.\d+\nDaemon +not running\n$/)
  })
})
