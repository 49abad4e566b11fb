import { spawnSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { formatDuration, formatLatency, shorten } from '../../../cli/output/format.ts'
import { protoJson } from '../../../cli/output/proto-json.ts'
import { diag, types } from '../../../clients/ts/index.ts'
import { CLI_MAIN } from '../../harness/paths.ts'
import { runCli } from '../../harness/run-cli.ts'

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

  it('every command and subcommand has its own --help', async () => {
    const top = listedCommands(run('--help').stdout)
    const checked: string[] = []
    await Promise.all(
      top.map(async (command) => {
        const res = await runCli([command, '--help'])
        expect(res.code, `${command} --help`).toBe(0)
        expect(res.stdout).toContain(`Usage: moltmesh ${command}`)
        checked.push(command)
        // Command groups (e.g. `name claim`) list their own subcommands.
        for (const sub of listedCommands(res.stdout)) {
          const subRes = await runCli([command, sub, '--help'])
          expect(subRes.code, `${command} ${sub} --help`).toBe(0)
          expect(subRes.stdout).toContain(`Usage: moltmesh ${command} ${sub}`)
          checked.push(`${command} ${sub}`)
        }
      }),
    )
    expect(checked).toEqual(expect.arrayContaining(CORE_COMMANDS))
    // One CLI process per command and subcommand (about 80): seconds of CPU on a 2-core machine.
  }, 120_000)

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
})

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
