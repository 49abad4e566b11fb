import { spawnSync } from 'node:child_process'
import type { Command } from 'commander'
import { describe, expect, it } from 'vitest'
import { formatDuration, formatLatency, shorten } from '../../../cli/output/format.ts'
import { protoJson } from '../../../cli/output/proto-json.ts'
import { buildProgram } from '../../../cli/program.ts'
import { diag, types } from '../../../clients/ts/index.ts'
import { CLI_MAIN } from '../../harness/paths.ts'

// The commands this package promises; others (messaging, names, ...) are found from `--help` below.
const CORE_COMMANDS = [
  'start',
  'stop',
  'identity',
  'info',
  'health',
  'peers',
  'ping',
  'connect',
  'disconnect',
  'metrics',
  'version',
]

const run = (...args: string[]) => spawnSync(process.execPath, [CLI_MAIN, ...args], { encoding: 'utf8' })

/** Command names listed under "Commands:" in a help text (without the implicit `help`). */
function listedCommands(help: string): string[] {
  const section = help.split(/^Commands:$/m)[1] ?? ''
  return [...section.matchAll(/^ {2}([a-z][\w-]*)/gm)].map((m) => m[1] as string).filter((c) => c !== 'help')
}

describe('moltmesh --help', () => {
  it('lists every command and the global options', () => {
    const res = run('--help')
    expect(res.status).toBe(0)
    expect(listedCommands(res.stdout)).toEqual(expect.arrayContaining(CORE_COMMANDS))
    expect(res.stdout).toContain('--json')
    expect(res.stdout).toContain('--socket')
  })

  it('every command and subcommand has its own help and description', () => {
    // Walked in-process (one CLI process per command would be ~100 processes); the spawned checks
    // around this one cover the real entry point.
    const checked: string[] = []
    const walk = (cmd: Command, path: string[]) => {
      for (const sub of cmd.commands) {
        const full = [...path, sub.name()]
        expect(sub.description(), `${full.join(' ')} has a description`).not.toBe('')
        expect(sub.helpInformation()).toContain(`Usage: moltmesh ${full.join(' ')}`)
        checked.push(full.join(' '))
        walk(sub, full)
      }
    }
    walk(buildProgram(), [])
    expect(checked).toEqual(expect.arrayContaining([...CORE_COMMANDS, 'task list', 'ledger limit', 'mcp']))
    expect(checked.length).toBeGreaterThan(70)
    // And the real entry point answers a subcommand's --help.
    const res = run('task', 'list', '--help')
    expect(res.status).toBe(0)
    expect(res.stdout).toContain('Usage: moltmesh task list')
  })

  it('start --help shows every start flag', () => {
    const out = run('start', '--help').stdout
    for (const flag of [
      '--config',
      '--data-dir',
      '--socket',
      '--port',
      '--bootstrap',
      '--no-mdns',
      '--log-level',
      '--detach',
    ]) {
      expect(out).toContain(flag)
    }
  })

  it('an unknown command is a usage error', () => {
    const res = run('frobnicate')
    expect(res.status).not.toBe(0)
    expect(res.stderr).toContain('unknown command')
  })

  it('the bin launcher runs the CLI', () => {
    const res = spawnSync(process.execPath, [CLI_MAIN.replace(/main\.ts$/, 'bin/moltmesh.js'), '--help'], {
      encoding: 'utf8',
    })
    expect(res.status).toBe(0)
    expect(res.stdout).toContain('Usage: moltmesh')
  })

  // The launcher re-runs the CLI with the package's Node 24 on a Node without type stripping; it must
  // load there first (a named import Node 20 lacks kept it from loading at all).
  const oldNode = systemNodeWithoutTypeStripping()
  it.skipIf(oldNode == null)('the bin launcher runs the CLI from a Node without type stripping', () => {
    const res = spawnSync(
      oldNode as string,
      [CLI_MAIN.replace(/main\.ts$/, 'bin/moltmesh.js'), '--version'],
      {
        encoding: 'utf8',
      },
    )
    expect(res.stderr).toBe('')
    expect(res.status).toBe(0)
    expect(res.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/)
  })
})

/** /usr/bin/node when it is older than 22.18 (Debian's Node 20 on these machines), else undefined. */
function systemNodeWithoutTypeStripping(): string | undefined {
  const res = spawnSync('/usr/bin/node', ['-p', 'process.versions.node'], { encoding: 'utf8' })
  if (res.status !== 0) return undefined
  const [major = 0, minor = 0] = res.stdout.trim().split('.').map(Number)
  return major < 22 || (major === 22 && minor < 18) ? '/usr/bin/node' : undefined
}

describe('output formatting', () => {
  it('formats durations like the product examples', () => {
    expect(formatDuration(0)).toBe('0s')
    expect(formatDuration(151_000)).toBe('2m 31s')
    expect(formatDuration((4 * 3600 + 12 * 60 + 8) * 1000)).toBe('4h 12m 8s')
    expect(formatDuration(90_061_000)).toBe('1d 1h 1m 1s')
  })

  it('formats latency and shortens ids', () => {
    expect(formatLatency(0)).toBe('-')
    expect(formatLatency(0.6123)).toBe('0.61ms')
    expect(formatLatency(38.4)).toBe('38ms')
    expect(shorten('did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK')).toBe('did:key:z6Mk…2doK')
  })

  it('--json uses the proto JSON mapping and keeps default-valued fields', () => {
    expect(protoJson(diag.HealthResponse, diag.HealthResponse.fromPartial({ did: 'd' }))).toEqual({
      ok: false,
      version: '',
      did: 'd',
      peerCount: 0,
      uptimeMs: 0,
      apiVersion: '',
    })
    const message = types.Message.fromPartial({
      id: 'm1',
      status: types.MessageStatus.MESSAGE_STATUS_READ,
      parts: [{ raw: Buffer.from('hi'), metadata: { k: 'v' } }, { text: '' }],
    })
    const json = protoJson(types.Message, message) as Record<string, unknown>
    // Enums by name, bytes in base64, unset oneof members absent, set-but-empty ones present.
    expect(json.status).toBe('MESSAGE_STATUS_READ')
    expect(json.parts).toEqual([
      { raw: 'aGk=', mediaType: '', metadata: { k: 'v' } },
      { text: '', mediaType: '', metadata: {} },
    ])
    expect(json.attempts).toBe(0)
    expect(Object.keys(json).slice(0, 3)).toEqual(['id', 'from', 'to'])
  })
})
