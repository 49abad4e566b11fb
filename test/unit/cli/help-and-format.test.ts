import { spawnSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { formatDuration, formatLatency, shorten } from '../../../cli/output/format.ts'
import { CLI_MAIN } from '../../harness/paths.ts'

const COMMANDS = [
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

describe('moltmesh --help', () => {
  it('lists every command', () => {
    const res = run('--help')
    expect(res.status).toBe(0)
    for (const c of COMMANDS) expect(res.stdout).toMatch(new RegExp(`^\\s+${c}\\b`, 'm'))
    expect(res.stdout).toContain('--json')
    expect(res.stdout).toContain('--socket')
  })

  it.each(COMMANDS)('%s --help describes the command', (command) => {
    const res = run(command, '--help')
    expect(res.status).toBe(0)
    expect(res.stdout).toContain(`Usage: moltmesh ${command}`)
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
})
